#include "harness.hpp"

#include <array>
#include <span>
#include <string_view>

#include "console.hpp"
#include "format.hpp"
#include "runtime.hpp"
#include "semihosting.hpp"
#include "stack_usage.hpp"

namespace fw = staticnn::fw;
namespace sh = staticnn::fw::semihosting;
using fw::console::print;

namespace fw_infer {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
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
  std::array<std::uint8_t, 4 + 4 * 4> head;
  head[0] = head[1] = head[2] = head[3] = 0;  // the magic printed if the read fails
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

std::uint32_t parse_count(std::string_view s) {
  std::uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
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

// A non-negative float in scientific notation with three significant digits, "1.55e-6",
// "2.00e+3", or "0", "inf", "nan"; float arithmetic only (no soft double in the image).
void print_scientific(float x) {
  if (!(x > 0 && x <= 3.40282347e38f)) return print(x == 0 ? "0" : x > 0 ? "inf" : "nan");
  int e = 2;  // x = m 10^(e - 2), m = round(x) in [100, 999] after the loops
  while (x >= 999.5f) x /= 10.0f, ++e;
  while (x < 99.95f) x *= 10.0f, --e;
  const auto m = static_cast<unsigned>(x + 0.5f);
  print(m / 100, '.', m / 10 % 10, m % 10, e < 0 ? "e-" : "e+", static_cast<unsigned>(e < 0 ? -e : e));
}

}  // namespace

bool read_exact(std::int32_t handle, void* buffer, std::size_t bytes) {
  return sh::read(handle, std::span(static_cast<std::byte*>(buffer), bytes)) == bytes;
}

void close(std::int32_t handle) { sh::close(handle); }

int open_files(int argc, char** argv, const model_io& io, files& f) {
  if (argc < 4) {
    print("usage: ", argc > 0 ? argv[0] : "fw_infer", " <images.idx> <labels.idx> <count> [reference.bin] [--print]\n");
    return 2;
  }
  f.verbose = std::string_view(argv[argc - 1]) == "--print";
  const int positional = f.verbose ? argc - 1 : argc;
  std::uint32_t images = 0, labels = 0;
  f.images = open_idx(argv[1], io.images_magic, io.inputs, images);
  f.labels = open_idx(argv[2], 0x00000801, 1, labels);
  f.count = parse_count(argv[3]);
  if (f.images < 0 || f.labels < 0) return 2;
  if (f.count == 0 || f.count > images || f.count > labels) {
    print("error: count '", argv[3], "' must be in [1, ", images < labels ? images : labels, "]\n");
    return 2;
  }
  if (positional > 4) {
    f.reference = sh::open(argv[4]);
    if (f.reference < 0 ||
        sh::flen(f.reference) < static_cast<std::int32_t>(f.count * io.logits * io.logit_bytes)) {
      print("error: ", argv[4], ": missing or shorter than ", f.count, " x ", io.logits,
            io.logit_bytes == 1 ? " int8 logits\n" : " float32 logits\n");
      return 2;
    }
  }
  return 0;
}

void print_short_read(const char* file, std::uint32_t image) {
  print("error: ", file, ": short read at image ", image, '\n');
}

void print_mismatch(std::uint32_t image, std::size_t firmware, std::size_t host) {
  print("mismatch: image ", image, " firmware ", firmware, " host ", host, '\n');
}

void print_prediction(std::uint32_t image, std::size_t predicted, std::uint32_t label) {
  print("image ", image, " predicted ", predicted, " label ", label, '\n');
}

void print_stage(const stage_line& s) {
  print("fw: stage ", s.index, " layers ", s.first, '-', s.last, ' ');
  for (std::size_t i = s.first; i <= s.last; ++i) print(i > s.first ? ">" : "", s.layer_names[i]);
  print(' ', s.kind, " kernel ", s.kernel, " instructions ", s.instructions, " macs ", s.macs);
  if (s.macs > 0) {
    print(" per_mac ");
    print_ratio(s.instructions, s.macs, 3);
  }
  print('\n');
}

int report(const summary& s) {
  // Literals next to each other are one string: one call each (this harness shares the flash
  // budget with the model).
  print("fw: machine " STATICNN_MACHINE_NAME " images ", s.count, " correct ", s.correct, " accuracy ");
  print_ratio(s.correct, s.count, 4);
  print("\nfw: instructions_per_inference ", s.first, " (first image), min ", s.min, " max ", s.max, " mean ",
        fw::format::udivmod(s.total, s.count).quot,
        "\nfw: static_activation_bytes ", s.activation_bytes, " (workspace with the input ", s.workspace_bytes,
        ", logits ", s.logits_bytes, ")\nfw: max_stack_bytes ", fw::stack_usage(), " of ", fw::stack_size(), "\n");
  if (fw::stack_overflowed()) {
    print("error: stack overflow (its bottom canary was overwritten)\n");
    return fw::exit_stack_overflow;
  }
  return 0;
}

int verdict_int8(std::uint32_t worst, std::uint32_t mismatches) {
  const bool ok = mismatches == 0 && worst == 0;
  print("fw: reference int8 max_abs_logit_diff ", worst, " argmax_mismatches ", mismatches, ok ? " PASS\n" : " FAIL\n");
  return ok ? 0 : 1;
}

int verdict_float(float worst, float tolerance, std::uint32_t mismatches) {
  const bool ok = mismatches == 0 && worst <= tolerance;
  print("fw: reference max_abs_logit_diff ");
  print_scientific(worst);
  print(" argmax_mismatches ", mismatches, ok ? " PASS\n" : " FAIL\n");
  return ok ? 0 : 1;
}

}  // namespace fw_infer
