// staticnn export: fold a checkpoint's batchnorm layers and write the network as a C++ header;
// optionally also the folded network's logits on the first test images, as the reference that
// firmware is checked against. --int8 exports the post-training quantized network instead
// (include/staticnn/quant/), its reference being int8 logits. --safetensors writes the checkpoint's
// parameters and batchnorm statistics, unfolded, as a safetensors file with PyTorch nn.Sequential
// names (include/staticnn/io/safetensors.hpp), for load_state_dict.
#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include <staticnn/export/header.hpp>
#include <staticnn/fold/fold.hpp>
#include <staticnn/export/int8_header.hpp>
#include <staticnn/io/checkpoint.hpp>
#include <staticnn/io/safetensors.hpp>
#include <staticnn/quant/quantize.hpp>
#include <staticnn/train/loss.hpp>

#include "commands.hpp"
#include "data.hpp"
#include "models.hpp"
#include "ops.hpp"

namespace staticnn::cli {
namespace {

struct export_options {
  std::string checkpoint, out, ns, reference, data, names;
  std::size_t count, calibrate = 0;  // calibrate > 0: export the int8 network
};

// "layer 3 (layer_norm)": the first layer of the folded network Folded without an int8 form.
template <class Folded>
std::string first_layer_without_int8() {
  std::string found;
  std::size_t index = 0;
  Folded::for_each_layer_type([&](auto t) {
    using L = typename decltype(t)::type;
    if (found.empty() && !quant::HasInt8Form<L>) found = "layer " + std::to_string(index) + " (" + L::name + ")";
    ++index;
  });
  return found;
}

// The int8 network from the first o.calibrate training images; with a reference, also its int8
// logits and both networks' accuracy on the reference images.
template <class Net>
int export_int8(const export_options& o, const folded_t<Net>& folded, const std::string& origin) {
  using ops = model_ops<Net>;
  constexpr std::size_t K = ops::classes;
  const io::dataset train = load_calibration<Net>(o.data, o.calibrate);
  const auto q = ops::quantize(folded, train.images.pixels.data(), o.calibrate);
  std::string reference;
  if (!o.reference.empty()) {
    const io::dataset test = load_split<Net>(o.data, "t10k", o.count);
    const std::size_t n = test.images.count;
    std::vector<std::int8_t> z(n * K);
    std::vector<float> zf(n * K);
    ops::int8_logits(*q, test.images.pixels.data(), n, z.data());
    ops::folded_logits(folded, test.images.pixels.data(), n, zf.data());
    std::size_t right8 = 0, right32 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      right8 += train::argmax(std::span<const std::int8_t, K>(z.data() + i * K, K)) == test.labels[i];
      right32 += train::argmax(std::span<const float, K>(zf.data() + i * K, K)) == test.labels[i];
    }
    reference.assign(reinterpret_cast<const char*>(z.data()), z.size());
    std::printf("accuracy on the first %zu test images: int8 %.4f, float folded %.4f\n", n,
                static_cast<double>(right8) / static_cast<double>(n),
                static_cast<double>(right32) / static_cast<double>(n));
  }
  io::write_file_atomically(o.out, exporter::int8_header(*q, o.ns, origin + " int8, calibrated on the first " +
                                                                     std::to_string(o.calibrate) + " training images."));
  std::printf("wrote %s: int8, %zu layers, calibrated on %zu training images\n", o.out.c_str(),
              ops::quantized_type::depth, o.calibrate);
  if (!o.reference.empty()) {
    io::write_file_atomically(o.reference, reference);
    std::printf("wrote %s: int8 logits of the first %zu test images\n", o.reference.c_str(), reference.size() / K);
  }
  return 0;
}

template <class Net>
int export_safetensors(const export_options& o) {
  auto net = std::make_unique<Net>();
  const io::checkpoint_meta meta = io::load_checkpoint(o.checkpoint, *net);
  const io::safetensors_names names = o.names.empty() ? io::safetensors_names{}
                                                      : io::read_safetensors_names<Net>(o.names);
  io::save_safetensors(o.out, *net, {{"format", "pt"}, {"staticnn_model", meta.model}}, names);
  std::printf("wrote %s: model %s, %zu parameters and %zu batchnorm statistics as %s\n", o.out.c_str(),
              meta.model.c_str(), Net::param_count, Net::state_count,
              sizeof(typename Net::value_type) == 4 ? "F32" : "F64");
  return 0;
}

template <class Net>
int export_model(const export_options& o) {
  auto net = std::make_unique<Net>();
  const io::checkpoint_meta meta = io::load_checkpoint(o.checkpoint, *net);
  using Folded = folded_t<Net>;
  auto folded = std::make_unique<Folded>(fold_batchnorm(*net));
  const std::string origin = "From " + o.checkpoint + ": model " + meta.model + ", epoch " +
                             std::to_string(meta.epoch) + ", batchnorm folded.";
  if (o.calibrate > 0) {
    if constexpr (model_ops<Net>::has_int8)
      return export_int8<Net>(o, *folded, origin);
    else
      throw usage_error("--int8: model " + meta.model + " has no int8 form: after folding, " +
                        first_layer_without_int8<folded_t<Net>>() + " has none");
  }
  std::string reference;
  if (!o.reference.empty()) {  // computed before anything is written, so a data error writes nothing
    const io::dataset test = load_split<Net>(o.data, "t10k", o.count);
    std::vector<float> z(test.images.count * model_ops<Net>::classes);
    model_ops<Net>::folded_logits(*folded, test.images.pixels.data(), test.images.count, z.data());
    static_assert(std::endian::native == std::endian::little, "reference logits are written little-endian");
    reference.assign(reinterpret_cast<const char*>(z.data()), z.size() * sizeof(float));
  }
  io::write_file_atomically(o.out, exporter::header(*folded, o.ns, origin));
  std::printf("wrote %s: %zu layers (%zu before folding), %zu parameters, %zu bytes of weights\n", o.out.c_str(),
              Folded::depth, Net::depth, Folded::param_count, Folded::param_count * sizeof(float));
  if (!o.reference.empty()) {
    io::write_file_atomically(o.reference, reference);
    std::printf("wrote %s: logits of the first %zu test images\n", o.reference.c_str(), reference.size() / (sizeof(float) * Net::out_shape::size));
  }
  return 0;
}

}  // namespace

int cmd_export(int argc, char** argv) {
  args a("export",
         {{"checkpoint", "FILE", "checkpoint written by staticnn train or import (required)"},
          {"out", "FILE", "header (or safetensors file) to write (required)"},
          {"namespace", "NAME", "C++ namespace of the model (default staticnn_model)"},
          {"reference", "FILE", "also write the folded network's float32 logits of the first test images"},
          {"count", "N", "images for --reference (default 1000)"},
          {"safetensors", "", "write the unfolded parameters and statistics as safetensors (PyTorch names) instead"},
          {"names", "FILE", "with --safetensors: lines '<ours> <theirs>' renaming tensors (e.g. '15.weight fc.weight')"},
          {"int8", "", "export the int8 network (post-training quantization) instead of the float one"},
          {"calibrate", "N", "with --int8: calibrate activation ranges on the first N training images (default 1000)"},
          {"data", "DIR", "IDX folder for --reference and --calibrate (default " + default_data_dir() + ")"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage(program_name).c_str(), stdout), 0;
  if (!a.has("checkpoint")) throw usage_error("--checkpoint FILE is required");
  if (!a.has("out")) throw usage_error("--out FILE is required");
  export_options o;
  o.checkpoint = a.text("checkpoint", "");
  o.out = a.text("out", "");
  o.ns = a.text("namespace", "staticnn_model");
  bool ident = !o.ns.empty() && !std::isdigit(static_cast<unsigned char>(o.ns[0]));
  for (char c : o.ns) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ident) throw usage_error("--namespace must be a C++ identifier, got '" + o.ns + "'");
  o.reference = a.text("reference", "");
  o.count = static_cast<std::size_t>(a.integer("count", 1000, 1, 100000000));
  o.data = a.text("data", default_data_dir());
  if (a.has("calibrate") && !a.has("int8")) throw usage_error("--calibrate N needs --int8");
  if (a.has("safetensors"))
    for (const char* other : {"int8", "namespace", "reference"})
      if (a.has(other)) throw usage_error(std::string("--safetensors cannot be combined with --") + other);
  if (a.has("names") && !a.has("safetensors")) throw usage_error("--names FILE needs --safetensors");
  o.names = a.text("names", "");
  if (a.has("int8")) o.calibrate = static_cast<std::size_t>(a.integer("calibrate", 1000, 1, 60000));
  const io::checkpoint_header h = io::read_checkpoint_header(o.checkpoint);
  return with_checkpoint_model(h.meta.model, [&](auto t) {
    using Net = typename decltype(t)::type;
    return a.has("safetensors") ? export_safetensors<Net>(o) : export_model<Net>(o);
  });
}

}  // namespace staticnn::cli
