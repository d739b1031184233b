// staticnn import: a network's parameters and batchnorm statistics from a safetensors file
// (PyTorch nn.Sequential names, include/staticnn/io/safetensors.hpp) into DIR/checkpoint.snn,
// which eval, inspect and export read like a trained one. The file is checked completely before
// anything is written; on any error nothing is.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <staticnn/io/checkpoint.hpp>
#include <staticnn/io/safetensors.hpp>

#include "commands.hpp"
#include "models.hpp"

namespace staticnn::cli {
namespace {

template <class Net>
int import_model(const std::string& model, const std::string& from, const std::string& out,
                 const std::string& names_file) {
  const io::safetensors_names names = names_file.empty() ? io::safetensors_names{}
                                                         : io::read_safetensors_names<Net>(names_file);
  auto net = std::make_unique<Net>();
  const auto metadata = io::load_safetensors(from, *net, names);
  io::checkpoint_meta meta;
  meta.model = model;
  meta.meta = "imported=" + from + "\n";
  const std::filesystem::path dir(out), checkpoint = dir / "checkpoint.snn";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw io::io_error(out + ": cannot create the folder: " + ec.message());
  io::save_checkpoint(checkpoint, *net, meta);
  std::printf("wrote %s: model %s, %zu parameters, %zu state values from %s (%zu metadata entries)\n",
              checkpoint.string().c_str(), model.c_str(), Net::param_count, Net::state_count, from.c_str(),
              metadata.size());
  return 0;
}

}  // namespace

int cmd_import(int argc, char** argv) {
  args a("import",
         {{"model", "NAME", "network the file holds: " + model_names() + " (default " + default_model() + ")"},
          {"from", "FILE", "safetensors file with PyTorch nn.Sequential names (required)"},
          {"out", "DIR", "folder to write checkpoint.snn into (required)"},
          {"names", "FILE", "lines '<ours> <theirs>' for tensors not named '<layer>.weight' etc. in the file"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage(program_name).c_str(), stdout), 0;
  if (!a.has("from")) throw usage_error("--from FILE is required");
  if (!a.has("out")) throw usage_error("--out DIR is required");
  const std::string model = a.text("model", default_model()), from = a.text("from", ""), out = a.text("out", "");
  const std::string names = a.text("names", "");
  return with_model(model,
                    [&](auto t) { return import_model<typename decltype(t)::type>(model, from, out, names); });
}

}  // namespace staticnn::cli
