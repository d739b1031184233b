// staticnn eval: test accuracy and confusion matrix of a checkpoint.
#include <cstdio>
#include <memory>
#include <thread>

#include <staticnn/fold/fold.hpp>
#include <staticnn/io/checkpoint.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/thread_pool.hpp>

#include "commands.hpp"
#include "data.hpp"
#include "models.hpp"
#include "ops.hpp"

namespace staticnn::cli {
namespace {

// Predictions of `net` (the model Net or its folded form) on the test images.
template <class Net, class N>
std::vector<std::uint8_t> predictions(const N& net, const io::dataset& test, std::size_t threads) {
  train::thread_pool pool(threads);
  std::vector<std::uint8_t> predicted(test.images.count);
  model_ops<Net>::predict(net, test.images.pixels.data(), test.images.count, predicted.data(), pool);
  return predicted;
}

template <class Net>
int eval_model(const std::string& checkpoint, const std::string& dir, std::size_t limit, std::size_t threads,
               bool fold) {
  auto net = std::make_unique<Net>();
  io::load_checkpoint(checkpoint, *net);
  const io::dataset test = load_split<Net>(dir, "t10k", limit);
  const std::vector<std::uint8_t> predicted =
      fold ? predictions<Net>(*std::make_unique<folded_t<Net>>(fold_batchnorm(*net)), test, threads)
           : predictions<Net>(*net, test, threads);
  if (fold) std::printf("batchnorm folded: %zu layers instead of %zu\n", folded_t<Net>::depth, Net::depth);
  constexpr std::size_t K = Net::out_shape::size;
  std::vector<std::size_t> confusion(K * K);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < test.images.count; ++i) {
    ++confusion[test.labels[i] * K + predicted[i]];
    correct += predicted[i] == test.labels[i];
  }
  std::printf("test accuracy %.4f (%zu / %zu)\n\nconfusion matrix (rows: true class, columns: predicted)\n      ",
              static_cast<double>(correct) / static_cast<double>(test.images.count), correct, test.images.count);
  for (std::size_t j = 0; j < K; ++j) std::printf("%6zu", j);
  std::printf("\n");
  for (std::size_t i = 0; i < K; ++i) {
    std::printf("%6zu", i);
    for (std::size_t j = 0; j < K; ++j) std::printf("%6zu", confusion[i * K + j]);
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  args a("eval",
         {{"checkpoint", "FILE", "checkpoint written by staticnn train (required)"},
          {"data", "DIR", "IDX folder (default " + default_data_dir() + ")"},
          {"limit-test", "N", "use only the first N test images (default all)"},
          {"fold", "", "evaluate the network with batchnorm folded into conv/dense (as exported)"},
          {"threads", "N", "worker threads (default " + std::to_string(hw) + ")"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage(program_name).c_str(), stdout), 0;
  if (!a.has("checkpoint")) throw usage_error("--checkpoint FILE is required");
  const std::string file = a.text("checkpoint", "");
  const std::string dir = a.text("data", default_data_dir());
  const auto limit = static_cast<std::size_t>(a.integer("limit-test", 0, 1, 100000000));
  const auto threads = static_cast<std::size_t>(a.integer("threads", hw, 1, 256));
  const io::checkpoint_header h = io::read_checkpoint_header(file);
  const bool fold = a.has("fold");
  return with_checkpoint_model(h.meta.model,
                    [&](auto t) { return eval_model<typename decltype(t)::type>(file, dir, limit, threads, fold); });
}

}  // namespace staticnn::cli
