// Exercises the firmware infrastructure on the target: startup (.data, .bss, constructors, FPU),
// semihosting (arguments, host file read), instruction counter and stack usage.
//   fw_selftest <path of tests/firmware/selftest-data.txt>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cortex_m.hpp"
#include "harness.hpp"
#include "instruction_counter.hpp"
#include "semihosting.hpp"
#include "stack_usage.hpp"

namespace fw = staticnn::fw;
namespace ic = staticnn::fw::instruction_counter;

extern "C" std::uint32_t __bss_end[];
extern "C" std::uint32_t __stack_bottom[];

namespace {

int arg_count = 0;
char** arg_values = nullptr;

// .data: lives in RAM, initial values copied from flash by the reset handler. QEMU does not
// load anything at the RAM address, so only the copy can put these values there.
std::uint32_t data_word = 0x600DF00Du;
std::array<std::uint16_t, 6> data_fibonacci = {1, 1, 2, 3, 5, 8};

// .bss: qemu-run.sh fills RAM with 0x5A before boot, so these are zero only if startup zeroed them.
std::array<std::uint32_t, 256> bss_words;

// Dynamic initialisation (a volatile read cannot be constant-folded): runs from .init_array.
volatile std::uint32_t six = 6;
struct constructed {
  std::uint32_t value;
  constructed() : value(six * 7) {}
} constructed_object;

// 2 * n instructions: SUBS + BNE per iteration.
[[gnu::noinline]] void spin(std::uint32_t n) {
  asm volatile(".syntax unified\n1: subs %0, %0, #1\n\tbne 1b" : "+l"(n) : : "cc");
}

// A C++ workload with data-dependent work (integer and float), standing in for a kernel.
[[gnu::noinline]] float workload() {
  float acc = 0.0f;
  std::uint32_t x = 12345;
  for (int i = 0; i < 2000; ++i) {
    x = x * 1103515245u + 12345u;
    acc += static_cast<float>(x >> 16) * 1e-4f;
  }
  return acc;
}

// Writes a 2 KiB local array: the stack high-water mark must grow by at least that.
[[gnu::noinline]] std::uint32_t deep(std::size_t index) {
  volatile std::uint8_t buffer[2048];
  for (std::size_t i = 0; i < sizeof buffer; ++i) buffer[i] = static_cast<std::uint8_t>(i);
  return buffer[index % sizeof buffer];
}

}  // namespace

STATICNN_TEST(data_is_copied) {
  STATICNN_CHECK(data_word == 0x600DF00Du);
  STATICNN_CHECK(data_fibonacci[5] == 8 && data_fibonacci[4] == 5 && data_fibonacci[0] == 1);
}

STATICNN_TEST(bss_is_zeroed) {
  bool all_zero = true;
  for (std::uint32_t w : bss_words) all_zero = all_zero && w == 0;
  STATICNN_CHECK(all_zero);
  // The check above means something only if RAM really started non-zero: the word after .bss
  // (below the stack) still holds qemu-run.sh's fill.
  if (__bss_end + 1 < __stack_bottom) {
    STATICNN_CHECK(*reinterpret_cast<volatile std::uint32_t*>(__bss_end) == 0x5A5A5A5Au);
  }
}

STATICNN_TEST(static_constructor_ran) { STATICNN_CHECK(constructed_object.value == 42); }

STATICNN_TEST(float_math) {
#if defined(__ARM_FP)
  STATICNN_CHECK((fw::cortex_m::reg(fw::cortex_m::cpacr) >> 20 & 0xFu) == 0xFu);
#endif
  volatile float two = 2.0f, one = 1.0f, a = 0.1f, b = 0.2f;
  STATICNN_CHECK_NEAR(std::sqrt(two), 1.41421356237, 2e-7);
  STATICNN_CHECK_NEAR(std::exp(one), 2.71828182846, 3e-7);  // newlib expf, as sigmoid uses
  STATICNN_CHECK_NEAR(1.0f / (1.0f + std::exp(-one)), 0.731058578630, 1e-7);
  STATICNN_CHECK_NEAR(a + b, 0.3, 1e-7);
  // Dot product with a hand-derived value: 1*0.5 + 2*0.25 + 3*0.125 + 4*(-1) = -2.625, exact.
  volatile float x[4] = {1, 2, 3, 4}, w[4] = {0.5f, 0.25f, 0.125f, -1};
  float dot = 0;
  for (int i = 0; i < 4; ++i) dot += x[i] * w[i];
  STATICNN_CHECK(dot == -2.625f);
  volatile double d = 2.0;
  STATICNN_CHECK_NEAR(std::sqrt(d), 1.4142135623730951, 1e-15);
  volatile std::int32_t p = 1000, q = 7;
  STATICNN_CHECK(p / q == 142 && p % q == 6);
}

STATICNN_TEST(arguments_and_file_read) {
  STATICNN_CHECK(arg_count == 2);
  if (arg_count < 2) return;
  STATICNN_CHECK(std::string_view(arg_values[0]) == "fw_selftest");
  std::array<std::byte, 128> buffer{};
  const std::int32_t n = fw::semihosting::read_file(arg_values[1], buffer);
  constexpr std::string_view expected =
      "staticnn firmware selftest: read through semihosting.\n0123456789\n";
  STATICNN_CHECK(n == static_cast<std::int32_t>(expected.size()));
  if (n > 0) {
    STATICNN_CHECK(std::string_view(reinterpret_cast<const char*>(buffer.data()),
                                    static_cast<std::size_t>(n)) == expected);
  }
  std::array<std::byte, 8> small{};
  STATICNN_CHECK(fw::semihosting::read_file(arg_values[1], small) ==
                 fw::semihosting::read_error_too_large);
  STATICNN_CHECK(fw::semihosting::read_file("/nonexistent/staticnn", buffer) ==
                 fw::semihosting::read_error_open);
}

STATICNN_TEST(instruction_counter_known_loop) {
  constexpr std::uint32_t n = 100000;
  ic::start();
  spin(n);
  const std::uint64_t count = ic::stop();
  fw::console::print("icount: spin(", n, ") = ", count, " instructions (expected 2n = ", 2 * n,
                     " + call overhead; ", ic::ticks_to_instructions(1), " per tick)\n");
  // Call, return and the counter's own reads are a few dozen instructions; one tick of resolution.
  STATICNN_CHECK(count >= 2 * n - ic::ticks_to_instructions(1));
  STATICNN_CHECK(count <= 2 * n + 64 + 2 * ic::ticks_to_instructions(1));
  STATICNN_CHECK(ic::wraps() == 0);
}

STATICNN_TEST(instruction_counter_repeatable) {
  std::uint64_t counts[3];
  for (auto& c : counts) {
    ic::start();
    volatile float sink = workload();
    (void)sink;
    c = ic::stop();
  }
  fw::console::print("icount: workload = ", counts[0], ' ', counts[1], ' ', counts[2], '\n');
  STATICNN_CHECK(counts[0] > 2000 * 5);
  STATICNN_CHECK(counts[0] == counts[1] && counts[1] == counts[2]);
  // Laps: elapsed() inside one measurement adds up to the whole.
  ic::start();
  spin(5000);
  const std::uint64_t lap = ic::elapsed();
  spin(5000);
  const std::uint64_t total = ic::stop();
  STATICNN_CHECK(lap > 9000 && total > lap + 9000 && total < 2 * lap + 200);
}

STATICNN_TEST(instruction_counter_wraps) {
  // Short SysTick period (4096 ticks) so that 2 M instructions wrap many times; every wrap adds
  // the SysTick handler's few instructions, so allow 16 per wrap.
  constexpr std::uint32_t n = 1000000;
  ic::start(4095);
  spin(n);
  const std::uint64_t count = ic::stop();
  const std::uint32_t wraps = ic::wraps();
  fw::console::print("icount: spin(", n, ") with reload 4095 = ", count, " instructions, ", wraps,
                     " wraps\n");
  STATICNN_CHECK(wraps >= (2 * n) / (4096 * ic::ticks_to_instructions(1)));
  STATICNN_CHECK(count >= 2 * n - ic::ticks_to_instructions(1));
  STATICNN_CHECK(count <= 2 * n + 64 + 16 * wraps + 2 * ic::ticks_to_instructions(1));
}

STATICNN_TEST(stack_usage_reported) {
  const std::size_t before = fw::stack_usage();
  STATICNN_CHECK(before > 0 && before < fw::stack_size());
  STATICNN_CHECK(deep(1000) == static_cast<std::uint8_t>(1000 % 256));
  const std::size_t after = fw::stack_usage();
  fw::console::print("stack: ", before, " bytes used before deep(), ", after, " after, of ",
                     fw::stack_size(), '\n');
  STATICNN_CHECK(after >= 2048 + 64 && after > before && after < fw::stack_size());
}

int main(int argc, char** argv) {
  arg_count = argc;
  arg_values = argv;
  fw::console::print("fw_selftest on ", STATICNN_MACHINE_NAME, '\n');
  return staticnn::fw_test::run_all("selftest");
}
