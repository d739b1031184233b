// staticnn export: fold a checkpoint's batchnorm layers and write the network as a C++ header;
// optionally also the folded network's logits on the first test images, as the reference that
// firmware is checked against.
#include <bit>
#include <cctype>
#include <cstdio>
#include <memory>

#include <staticnn/export/header.hpp>
#include <staticnn/fold/fold.hpp>
#include <staticnn/io/checkpoint.hpp>

#include "commands.hpp"
#include "data.hpp"
#include "models.hpp"

namespace staticnn::cli {
namespace {

struct export_options {
  std::string checkpoint, out, ns, reference, data;
  std::size_t count;
};

template <class Net>
int export_model(const export_options& o) {
  auto net = std::make_unique<Net>();
  const io::checkpoint_meta meta = io::load_checkpoint(o.checkpoint, *net);
  using Folded = folded_t<Net>;
  auto folded = std::make_unique<Folded>(fold_batchnorm(*net));
  std::string reference;
  if (!o.reference.empty()) {  // computed before anything is written, so a data error writes nothing
    const io::dataset test = load_split<typename Net::in_shape>(o.data, "t10k", o.count);
    constexpr std::size_t D = Net::in_shape::size, K = Net::out_shape::size;
    std::array<float, K> z;
    for (std::size_t i = 0; i < test.images.count; ++i) {
      folded->forward(cview<float, D>(test.images.pixels.data() + i * D, D), z);
      reference.append(reinterpret_cast<const char*>(z.data()), sizeof z);
    }
    static_assert(std::endian::native == std::endian::little, "reference logits are written little-endian");
  }
  const std::string origin = "From " + o.checkpoint + ": model " + meta.model + ", epoch " +
                             std::to_string(meta.epoch) + ", batchnorm folded.";
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
         {{"checkpoint", "FILE", "checkpoint written by staticnn train (required)"},
          {"out", "FILE", "header to write (required)"},
          {"namespace", "NAME", "C++ namespace of the model (default staticnn_model)"},
          {"reference", "FILE", "also write the folded network's float32 logits of the first test images"},
          {"count", "N", "images for --reference (default 1000)"},
          {"data", "DIR", "Fashion-MNIST IDX folder for --reference (default " + default_data_dir() + ")"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage().c_str(), stdout), 0;
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
  const io::checkpoint_header h = io::read_checkpoint_header(o.checkpoint);
  return with_model(h.meta.model, [&](auto t) { return export_model<typename decltype(t)::type>(o); });
}

}  // namespace staticnn::cli
