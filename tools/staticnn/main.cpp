// staticnn (or staticnn-<NAME>, cmake/staticnn-cli.cmake): train, evaluate, inspect, export and
// benchmark the networks of models.hpp. Usage errors exit 2, I/O and data errors 1.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include <staticnn/io/idx.hpp>

#include "cli.hpp"
#include "commands.hpp"
#include "models.hpp"

namespace {

using staticnn::cli::program_name;
const std::string usage_text = std::string("usage: ") + program_name + " <command> [flags]   (" + program_name +
    " <command> --help for its flags)\nmodels: " + staticnn::cli::model_names() + "\n" +
    "commands:\n"
    "  train     train a model on IDX images; writes metrics.json, checkpoint.snn, curves.svg\n"
    "  eval      test accuracy and confusion matrix of a checkpoint\n"
    "  inspect   layers, shapes and batchnorm statistics of a checkpoint\n"
    "  export    fold batchnorm and write the network as a C++ header for firmware (or safetensors)\n"
    "  import    a checkpoint from a safetensors file of PyTorch nn.Sequential weights\n"
    "  bench     training and inference throughput (images/s, GFLOP/s)\n";
const char* const usage = usage_text.c_str();

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  try {
    using namespace staticnn::cli;
    if (command == "train") return cmd_train(argc - 2, argv + 2);
    if (command == "eval") return cmd_eval(argc - 2, argv + 2);
    if (command == "inspect") return cmd_inspect(argc - 2, argv + 2);
    if (command == "export") return cmd_export(argc - 2, argv + 2);
    if (command == "import") return cmd_import(argc - 2, argv + 2);
    if (command == "bench") return cmd_bench(argc - 2, argv + 2);
    std::fprintf(stderr, "%s: unknown command '%s'\n%s", program_name, command.c_str(), usage);
    return 2;
  } catch (const staticnn::cli::usage_error& e) {
    std::fprintf(stderr, "%s %s: %s\n(see %s %s --help)\n", program_name, command.c_str(), e.what(), program_name,
                 command.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s %s: error: %s\n", program_name, command.c_str(), e.what());
    return 1;
  }
}
