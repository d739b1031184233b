// staticnn inspect: the layers of a checkpoint, and batchnorm's learned gamma, beta and running
// statistics (the seed's check that gamma and beta have moved away from 1 and 0).
#include <algorithm>
#include <cstdio>
#include <memory>

#include <staticnn/io/checkpoint.hpp>

#include "commands.hpp"
#include "models.hpp"

namespace staticnn::cli {
namespace {

template <class Span>
void print_values(const char* label, Span v) {
  double lo = v[0], hi = v[0], sum = 0;
  for (auto x : v) lo = std::min<double>(lo, x), hi = std::max<double>(hi, x), sum += x;
  std::printf("      %-13s min %8.4f  mean %8.4f  max %8.4f  [", label, lo, sum / static_cast<double>(v.size()), hi);
  const std::size_t shown = std::min<std::size_t>(v.size(), 8);
  for (std::size_t i = 0; i < shown; ++i) std::printf("%s%.4f", i ? ", " : "", static_cast<double>(v[i]));
  std::printf("%s]\n", shown < v.size() ? ", ..." : "");
}

template <class Net>
int inspect_model(const std::string& file) {
  auto net = std::make_unique<Net>();
  const io::checkpoint_meta meta = io::load_checkpoint(file, *net);
  std::printf("%s: model %s, epoch %llu, step %llu, %zu parameters, %zu state values\n", file.c_str(),
              meta.model.c_str(), static_cast<unsigned long long>(meta.epoch),
              static_cast<unsigned long long>(meta.step), Net::param_count, Net::state_count);
  net->for_each_layer([&](auto index, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    std::printf("  %2zu %-10s %9s -> %-9s %7zu params\n", decltype(index)::value, L::name,
                io::shape_string<typename L::in_shape>().c_str(), io::shape_string<typename L::out_shape>().c_str(),
                L::param_count);
    if constexpr (requires { layer.gamma(); layer.running_var(); }) {
      print_values("gamma", layer.gamma());
      print_values("beta", layer.beta());
      print_values("running mean", layer.running_mean());
      print_values("running var", layer.running_var());
    }
  });
  return 0;
}

// One line: progress and a 64-bit FNV-1a hash of every number the checkpoint holds (parameters,
// state, optimizer velocity), so two runs can be compared bit for bit without their metadata.
int print_hash(const std::string& file) {
  std::vector<std::uint8_t> bytes;
  std::size_t at = 0;
  const io::checkpoint_header h = io::read_checkpoint_header(file, bytes, at);
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (std::size_t i = at; i + 4 < bytes.size(); ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ull;  // not the CRC
  std::printf("%s: model %s, epoch %llu, batch %llu, step %llu, numbers %llu + %llu + %llu, fnv1a64 %016llx\n",
              file.c_str(), h.meta.model.c_str(), static_cast<unsigned long long>(h.meta.epoch),
              static_cast<unsigned long long>(h.meta.batch), static_cast<unsigned long long>(h.meta.step),
              static_cast<unsigned long long>(h.param_count), static_cast<unsigned long long>(h.state_count),
              static_cast<unsigned long long>(h.velocity_count), static_cast<unsigned long long>(hash));
  return 0;
}

}  // namespace

int cmd_inspect(int argc, char** argv) {
  args a("inspect",
         {{"checkpoint", "FILE", "checkpoint written by staticnn train (required)"},
          {"hash", "", "print one line: progress and a hash of parameters, state and velocity"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage(program_name).c_str(), stdout), 0;
  if (!a.has("checkpoint")) throw usage_error("--checkpoint FILE is required");
  const std::string file = a.text("checkpoint", "");
  if (a.has("hash")) return print_hash(file);
  const io::checkpoint_header h = io::read_checkpoint_header(file);
  return with_checkpoint_model(h.meta.model, [&](auto t) { return inspect_model<typename decltype(t)::type>(file); });
}

}  // namespace staticnn::cli
