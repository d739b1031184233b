// Inference-only firmware: runs the exported network on test images read from the host's IDX
// files through semihosting, and reports accuracy, instructions per inference, static RAM and
// the stack high-water mark. With a reference file (the host's logits, written by
// `staticnn export --reference`) it also checks argmax parity and the logit difference: float32
// networks within logit_tolerance, int8 networks (`export --int8`) bit for bit.
//   fw_infer <images.idx> <labels.idx> <count> [reference.bin] [--print]
// Exit status: 0 all good, 1 reference mismatch, 2 bad arguments or files, 5 stack overflow.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>
#ifdef STATICNN_MODEL_TYPES_HEADER  // where STATICNN_EXPECTED_MODEL is, for a network of your own
#include STATICNN_MODEL_TYPES_HEADER
#endif

#include "console.hpp"
#include "instruction_counter.hpp"
#include "semihosting.hpp"
#include "stack_usage.hpp"
#include STATICNN_MODEL_HEADER

namespace fw = staticnn::fw;
namespace sh = staticnn::fw::semihosting;
using fw::console::print;

namespace {

// The model this firmware is built for; the exported header must hold exactly this type.
using model = STATICNN_EXPECTED_MODEL;
constexpr const model& net = STATICNN_MODEL_NAMESPACE::get<model>();
using value = model::value_type;  // float, or std::int8_t for an int8 network
constexpr bool int8 = std::is_same_v<value, std::int8_t>;
constexpr std::size_t D = model::in_shape::size, K = model::out_shape::size;
constexpr float logit_tolerance = int8 ? 0.0f : 1e-4f;
// IDX layout of the inputs: N x H x W for one channel (MNIST), N x C x H x W for more, N x D flat.
constexpr std::uint32_t images_magic = model::in_shape::rank == 1       ? 0x00000802
                                       : model::in_shape::channels == 1 ? 0x00000803
                                                                        : 0x00000804;

// Everything inference touches besides the stack, sized by the model type at compile time.
// Inference runs in one buffer that also holds the input (network::forward_in_workspace): the
// input at workspace[input_offset ..), overwritten as the first stage no longer needs it. The
// pixels are read into the tail of the input and converted front to back in place (a value is
// written only over bytes already read), so there is no separate pixel buffer either.
std::array<value, model::workspace_with_input_size> workspace;
std::span<value, D> input(workspace.data() + model::input_offset, D);
std::array<value, K> logits;
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

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

bool read_exact(std::int32_t handle, void* buffer, std::size_t bytes) {
  return sh::read(handle, std::span(static_cast<std::byte*>(buffer), bytes)) == bytes;
}

// Opens an IDX file of unsigned bytes (magic 0x0000080N: N big-endian dimension sizes follow) and
// checks its header: the magic, and that the dimensions after the count make item_bytes.
std::int32_t open_idx(const char* path, std::uint32_t magic, std::size_t item_bytes, std::uint32_t& count) {
  const std::int32_t h = sh::open(path);
  if (h < 0) {
    print("error: ", path, ": cannot open\n");
    return -1;
  }
  const std::size_t dims = magic & 0xff, header = 4 + 4 * dims;
  std::array<std::uint8_t, 4 + 4 * 4> head{};
  if (dims < 1 || dims > 4 || !read_exact(h, head.data(), header) || be32(head.data()) != magic) {
    print("error: ", path, ": not an IDX file of the expected kind (magic ", fw::console::hex{be32(head.data())},
          ", expected ", fw::console::hex{magic}, ")\n");
    return -1;
  }
  count = be32(head.data() + 4);
  std::size_t item = 1;
  for (std::size_t k = 1; k < dims; ++k) item *= be32(head.data() + 4 + 4 * k);
  if (item != item_bytes) {
    print("error: ", path, ": items are ");
    for (std::size_t k = 1; k < dims; ++k) print(k > 1 ? "x" : "", be32(head.data() + 4 + 4 * k));
    print(" bytes, the model takes ", item_bytes, " values\n");
    return -1;
  }
  return h;
}

// Prints num/den with `decimals` digits, in integer arithmetic: no soft double in the image.
void print_ratio(std::uint64_t num, std::uint64_t den, unsigned decimals) {
  std::uint32_t scale = 1;  // decimals <= 9
  for (unsigned i = 0; i < decimals; ++i) scale *= 10;
  using fw::format::udivmod;
  const std::uint64_t v = udivmod(num * scale + den / 2, den).quot;
  const auto parts = udivmod(v, scale);
  print(parts.quot, '.');
  for (std::uint32_t d = scale / 10, rest = static_cast<std::uint32_t>(parts.rem); d > 0; d /= 10) {
    print(static_cast<unsigned>(rest / d)), rest %= d;
  }
}

// A small non-negative float as "<m>e-<k>" with a 3-digit mantissa, in float arithmetic.
void print_small(float x) {
  if (!(x == x)) return print("nan");
  if (x == 0) return print("0");
  int e = 0;
  while (x < 100.0f && e < 45) x *= 10.0f, ++e;
  while (x >= 1000.0f) x /= 10.0f, --e;
  print(static_cast<unsigned>(x + 0.5f), "e", e > 0 ? "-" : "", static_cast<unsigned>(e > 0 ? e : -e));
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

std::uint32_t parse_count(std::string_view s) {
  std::uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    print("usage: ", argc > 0 ? argv[0] : "fw_infer", " <images.idx> <labels.idx> <count> [reference.bin] [--print]\n");
    return 2;
  }
  const bool verbose = std::string_view(argv[argc - 1]) == "--print";
  const int positional = verbose ? argc - 1 : argc;
  std::uint32_t images = 0, labels = 0;
  const std::int32_t hi = open_idx(argv[1], images_magic, D, images);
  const std::int32_t hl = open_idx(argv[2], 0x00000801, 1, labels);
  std::uint32_t count = parse_count(argv[3]);
  if (hi < 0 || hl < 0) return 2;
  if (count == 0 || count > images || count > labels) {
    print("error: count '", argv[3], "' must be in [1, ", images < labels ? images : labels, "]\n");
    return 2;
  }
  std::int32_t hr = -1;
  if (positional > 4) {
    hr = sh::open(argv[4]);
    if (hr < 0 || sh::flen(hr) < static_cast<std::int32_t>(count * sizeof(reference))) {
      print("error: ", argv[4], ": missing or shorter than ", count, " x ", K, int8 ? " int8" : " float32", " logits\n");
      return 2;
    }
  }

  std::uint32_t correct = 0, mismatches = 0;
  std::uint64_t total = 0, first = 0, lo = ~std::uint64_t{0}, hi_count = 0;
  float worst = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint8_t label = 0;
    if (!read_exact(hi, reinterpret_cast<std::uint8_t*>(input.data()) + (input.size_bytes() - D), D) ||
        !read_exact(hl, &label, 1)) {
      print("error: ", argv[1], ": short read at image ", i, "\n");
      return 2;
    }
    convert_pixels(net);

    fw::instruction_counter::start();
    net.forward_in_workspace(workspace, logits);
    const std::uint64_t n = fw::instruction_counter::stop();

    total += n, lo = n < lo ? n : lo, hi_count = n > hi_count ? n : hi_count;
    if (i == 0) first = n;
    const std::size_t predicted = predicted_class(logits);
    correct += predicted == label;
    if (hr >= 0) {
      if (!read_exact(hr, reference.data(), sizeof(reference))) return print("error: reference short read\n"), 2;
      for (std::size_t k = 0; k < K; ++k) {
        const float d = std::fabs(static_cast<float>(logits[k]) - static_cast<float>(reference[k]));
        worst = (d > worst || d != d) ? d : worst;
      }
      const std::size_t ref_predicted = predicted_class(reference);
      if (ref_predicted != predicted) {
        ++mismatches;
        print("mismatch: image ", i, " firmware ", predicted, " host ", ref_predicted, "\n");
      }
    }
    if (verbose) print("image ", i, " predicted ", predicted, " label ", label, "\n");
  }
  sh::close(hi), sh::close(hl);

  print("fw: machine ", STATICNN_MACHINE_NAME, " images ", count, " correct ", correct, " accuracy ");
  print_ratio(correct, count, 4);
  print("\n");
  print("fw: instructions_per_inference ", first, " (first image), min ", lo, " max ", hi_count, " mean ",
        fw::format::udivmod(total, count).quot, "\n");
  print("fw: static_activation_bytes ", activation_bytes, " (workspace with the input ", sizeof(workspace),
        ", logits ", sizeof(logits), ")\n");
  print("fw: max_stack_bytes ", fw::stack_usage(), " of ", fw::stack_size(), "\n");
  if (fw::stack_overflowed()) {
    print("error: stack overflow: the canary at the stack bottom was overwritten; results are not trustworthy\n");
    return fw::exit_stack_overflow;
  }
  if (hr >= 0) {
    sh::close(hr);
    const bool ok = mismatches == 0 && worst <= logit_tolerance;
    print(int8 ? "fw: reference int8 max_abs_logit_diff " : "fw: reference max_abs_logit_diff ");
    print_small(worst);
    print(" argmax_mismatches ", mismatches, ok ? " PASS\n" : " FAIL\n");
    return ok ? 0 : 1;
  }
  return 0;
}
