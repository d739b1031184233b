// staticnn: train, evaluate and inspect networks. Usage errors exit 2, I/O and data errors 1.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include <staticnn/io/idx.hpp>

#include "cli.hpp"
#include "commands.hpp"

namespace {

constexpr const char* usage =
    "usage: staticnn <command> [flags]   (staticnn <command> --help for its flags)\n"
    "commands:\n"
    "  train     train a model on Fashion-MNIST; writes metrics.json, checkpoint.snn, curves.svg\n"
    "  eval      test accuracy and confusion matrix of a checkpoint\n"
    "  inspect   layers, shapes and batchnorm statistics of a checkpoint\n"
    "  export    fold batchnorm and write the network as a C++ header for firmware (or safetensors)\n"
    "  import    a checkpoint from a safetensors file of PyTorch nn.Sequential weights\n"
    "  bench     training and inference throughput (images/s, GFLOP/s)\n";

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
    std::fprintf(stderr, "staticnn: unknown command '%s'\n%s", command.c_str(), usage);
    return 2;
  } catch (const staticnn::cli::usage_error& e) {
    std::fprintf(stderr, "staticnn %s: %s\n(see staticnn %s --help)\n", command.c_str(), e.what(), command.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "staticnn %s: error: %s\n", command.c_str(), e.what());
    return 1;
  }
}
