#pragma once
// The staticnn tool's subcommands; each returns the process exit status.
namespace staticnn::cli {
int cmd_train(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_inspect(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_import(int argc, char** argv);
int cmd_bench(int argc, char** argv);
}  // namespace staticnn::cli
