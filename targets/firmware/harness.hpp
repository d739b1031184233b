#pragma once
// fw_infer's harness: arguments, IDX files and the report. It runs outside the counted
// inference, so harness.cpp (like main.cpp, the loop over the images) is built for size while
// inference.cpp keeps the release flags. Nothing here depends on the model: main.cpp passes its
// sizes in.
#include <cstddef>
#include <cstdint>

namespace fw_infer {

// What the command line names, opened: `<images.idx> <labels.idx> <count> [reference.bin] [--print]`.
struct files {
  std::int32_t images = -1, labels = -1, reference = -1;  // semihosting handles (reference: -1 if none)
  std::uint32_t count = 0;
  bool verbose = false;
};

// The model's input and output as the files must hold them.
struct model_io {
  std::uint32_t images_magic;  // IDX magic: 0x0000080N for N dimensions
  std::size_t inputs;          // values per image
  std::size_t logits;          // values per reference image
  std::size_t logit_bytes;     // bytes per reference logit
};

// Parses the arguments and opens and checks the files; 0, or the exit status (2) after printing why.
int open_files(int argc, char** argv, const model_io& io, files& f);

bool read_exact(std::int32_t handle, void* buffer, std::size_t bytes);
void close(std::int32_t handle);

// One line each, for the inference loop.
void print_short_read(const char* file, std::uint32_t image);  // file: which one ("reference file")
void print_mismatch(std::uint32_t image, std::size_t firmware, std::size_t host);
void print_prediction(std::uint32_t image, std::size_t predicted, std::uint32_t label);

// One stage of the plan and what it took on one image:
//   fw: stage <s> layers <first>-<last> <name>><name>... <kind> kernel <kernel> instructions <n> macs <m> per_mac <n/m>
struct stage_line {
  std::size_t index, first, last;
  const char* const* layer_names;  // of the whole network
  const char* kind;
  const char* kernel;
  std::uint64_t instructions, macs;
};
void print_stage(const stage_line& s);

struct summary {
  std::uint32_t count, correct;
  std::uint64_t first, min, max, total;  // instructions per inference
  std::size_t activation_bytes, workspace_bytes, logits_bytes;
};

// Prints the accuracy, instruction counts and memory; returns the exit status: 0, or 5 after a
// stack overflow.
int report(const summary& s);

// The reference verdict, "fw: reference [int8 ]max_abs_logit_diff <worst> argmax_mismatches <n>
// PASS|FAIL" (worst: the largest |firmware - host| logit difference); returns the exit status: 0,
// or 1 on a mismatch. int8 logits must be equal (worst an integer), float ones within tolerance.
int verdict_int8(std::uint32_t worst, std::uint32_t mismatches);
int verdict_float(float worst, float tolerance, std::uint32_t mismatches);

}  // namespace fw_infer
