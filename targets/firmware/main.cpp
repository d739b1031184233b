// Inference-only firmware: runs the exported network on test images read from the host's IDX
// files through semihosting, and reports accuracy, instructions per inference, static RAM and
// the stack high-water mark. With a reference file (the host's logits, written by
// `staticnn export --reference`) it also checks argmax parity and the logit difference: float32
// networks within logit_tolerance, int8 networks (`export --int8`) bit for bit. This file is the
// loop over the images; inference.cpp the counted forward pass (release flags), harness.cpp the
// arguments, files and report (built for size, as is this file).
//   fw_infer <images.idx> <labels.idx> <count> [reference.bin] [--print]
// Exit status: 0 all good, 1 reference mismatch, 2 bad arguments or files, 5 stack overflow.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "harness.hpp"
#include "inference.hpp"
#include "instruction_counter.hpp"

namespace {

using fw_infer::D, fw_infer::K, fw_infer::net, fw_infer::workspace, fw_infer::logits;
using model = fw_infer::model;
using plan = fw_infer::plan;
using value = fw_infer::value;
constexpr bool int8 = std::is_same_v<value, std::int8_t>;
constexpr float logit_tolerance = 1e-4f;  // float networks; int8 ones must match exactly
// IDX layout of the inputs: N x H x W for one channel (MNIST), N x C x H x W for more, N x D flat.
constexpr std::uint32_t images_magic = model::in_shape::rank == 1       ? 0x00000802
                                       : model::in_shape::channels == 1 ? 0x00000803
                                                                        : 0x00000804;

// Everything inference touches besides the stack, sized by the model type at compile time.
// Inference runs in one buffer that also holds the input (network::forward_in_workspace): the
// input at workspace[input_offset ..), overwritten as the first stage no longer needs it. The
// pixels are read into the tail of the input and converted front to back in place (a value is
// written only over bytes already read), so there is no separate pixel buffer either.
std::span<value, D> input(workspace.data() + model::input_offset, D);
constexpr std::size_t activation_bytes = sizeof(workspace) + sizeof(logits);
#ifndef STATICNN_ACTIVATION_BUDGET  // bytes; set with -DSTATICNN_ACTIVATION_BUDGET=... (CMake option)
#define STATICNN_ACTIVATION_BUDGET 1000000
#endif
static_assert(activation_bytes <= STATICNN_ACTIVATION_BUDGET,
              "fw_infer: the model's activations (workspace with the input, logits) exceed STATICNN_ACTIVATION_BUDGET");
std::array<value, K> reference;

// Pixels (uint8) read into the last D bytes of `input`, converted in place into model inputs.
template <class M>
void convert_pixels(const M& m) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(input.data()) + (input.size_bytes() - D);
  for (std::size_t k = 0; k < D; ++k) {
    const float x = static_cast<float>(bytes[k]) / 255.0f;
    if constexpr (int8) input[k] = m.input.quantize(x);
    else input[k] = x;
  }
}

// |a - b| for two logits: int8 ones in integers, float ones in float.
template <class V>
auto logit_difference(V a, V b) {
  if constexpr (std::is_same_v<V, std::int8_t>) {
    const int d = a - b;
    return static_cast<std::uint32_t>(d < 0 ? -d : d);
  } else {
    return std::fabs(a - b);
  }
}

// The predicted class: start at class 0 and move to class k only when z[k] > z[best], the rule of
// the host's train::argmax (std::max_element). Comparisons with NaN are false, so a NaN logit is
// never moved to and the answer is a class in [0, K) whatever the logits hold; tests/fuzz
// (inference) checks that inference on NaN, infinite and huge inputs returns and follows this rule.
// Here the inputs are uint8 pixels / 255, always finite and in [0, 1].
std::size_t predicted_class(const std::array<value, K>& z) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < K; ++k)
    if (z[k] > z[best]) best = k;
  return best;
}

// What the report prints of each stage (plan::stages), worked out when compiling: one small
// table instead of the plan's and each layer's MACs.
constexpr std::uint64_t stage_macs(const staticnn::stage_info& st) {
  std::uint64_t macs = 0;
  for (std::size_t i = st.first; i <= st.last; ++i) macs += plan::layer_macs[i];
  return macs;
}
struct stage_facts {
  const char* kind;
  const char* kernel;
  std::uint32_t macs;
  std::uint16_t first, last;
};
// The network net runs as a compile-time constant (an int8 qnetwork's layers): its plan's
// stages_constant name the kernels its constants choose (a 1x1 conv says when it takes the halves
// rescale).
template <const auto& N>
constexpr const plan* constant_plan() {
  if constexpr (requires { N.net; }) return &N.net;
  else return &N;
}
constexpr auto plan_facts = [] {
  std::array<stage_facts, plan::stage_count> facts{};
  for (std::size_t s = 0; s < plan::stage_count; ++s) {
    const auto st = plan::template stages_constant<constant_plan<net>()>[s];
    facts[s] = {staticnn::stage_kind_name(st.kind), st.kernel, static_cast<std::uint32_t>(stage_macs(st)),
                static_cast<std::uint16_t>(st.first), static_cast<std::uint16_t>(st.last)};
  }
  return facts;
}();
static_assert([] {
  for (const auto& st : plan::stages)
    if (stage_macs(st) > 0xffffffffu || st.last > 0xffffu) return false;
  return true;
}(), "fw_infer: a stage too large for the report's table");
// The plan's stages with the instructions each took in the inference just run (stage_end: ticks
// from its start to each stage's end), and their multiply-accumulates.
void print_plan(const std::array<std::uint64_t, plan::stage_count>& stage_end) {
  using staticnn::fw::instruction_counter::ticks_to_instructions;
  for (std::size_t s = 0; s < plan::stage_count; ++s) {
    const stage_facts& st = plan_facts[s];
    const std::uint64_t ticks = stage_end[s] - (s > 0 ? stage_end[s - 1] : 0);
    fw_infer::print_stage({s, st.first, st.last, plan::layer_names.data(), st.kind, st.kernel,
                           ticks_to_instructions(ticks), st.macs});
  }
}

}  // namespace

// The command line (start-up's argv) is read into the workspace, which is free until the first
// image: main uses argv only until the files are open (errors after that name the file by its
// role). A model whose workspace is smaller than 1,024 bytes gets a buffer of its own.
std::span<char> staticnn::fw::cmdline_storage() {
  constexpr std::size_t cmdline_bytes = 1024;
  if constexpr (sizeof(workspace) >= cmdline_bytes) {
    return {reinterpret_cast<char*>(workspace.data()), sizeof(workspace)};
  } else {
    static char buffer[cmdline_bytes];
    return buffer;
  }
}

int main(int argc, char** argv) {
  fw_infer::files f;
  if (const int status = fw_infer::open_files(argc, argv, {images_magic, D, K, sizeof(value)}, f)) return status;

  std::uint32_t correct = 0, mismatches = 0;
  std::uint64_t total = 0, first = 0, lo = ~std::uint64_t{0}, hi_count = 0;
  decltype(logit_difference(value{}, value{})) worst = 0;  // the largest so far
  for (std::uint32_t i = 0; i < f.count; ++i) {
    std::uint8_t label = 0;
    if (!fw_infer::read_exact(f.images, reinterpret_cast<std::uint8_t*>(input.data()) + (input.size_bytes() - D), D) ||
        !fw_infer::read_exact(f.labels, &label, 1)) {
      fw_infer::print_short_read("images or labels file", i);
      return 2;
    }
    convert_pixels(net);

    const std::uint64_t n = fw_infer::counted_inference();
    if (i == 0) print_plan(fw_infer::stage_end);  // what each stage took on the first image

    total += n, lo = n < lo ? n : lo, hi_count = n > hi_count ? n : hi_count;
    if (i == 0) first = n;
    const std::size_t predicted = predicted_class(logits);
    correct += predicted == label;
    if (f.reference >= 0) {
      if (!fw_infer::read_exact(f.reference, reference.data(), sizeof(reference))) {
        fw_infer::print_short_read("reference file", i);
        return 2;
      }
      for (std::size_t k = 0; k < K; ++k) {
        const auto d = logit_difference(logits[k], reference[k]);
        worst = !(d <= worst) ? d : worst;  // a NaN is kept
      }
      const std::size_t ref_predicted = predicted_class(reference);
      if (ref_predicted != predicted) {
        ++mismatches;
        fw_infer::print_mismatch(i, predicted, ref_predicted);
      }
    }
    if (f.verbose) fw_infer::print_prediction(i, predicted, label);
  }
  fw_infer::close(f.images), fw_infer::close(f.labels);
  if (f.reference >= 0) fw_infer::close(f.reference);
  const int status = fw_infer::report(
      {f.count, correct, first, lo, hi_count, total, activation_bytes, sizeof(workspace), sizeof(logits)});
  if (status != 0 || f.reference < 0) return status;
  if constexpr (int8) return fw_infer::verdict_int8(worst, mismatches);
  else return fw_infer::verdict_float(worst, logit_tolerance, mismatches);
}
