// Provokes a CPU fault; the fault handler must report it and exit with status 3.
//   fw_fault undef | bus | div0 | hard | nocp | at | stack | none
// stack: recursion deeper than the stack; the canary check must see it (exit status 5).
// hard: UsageFault disabled, so it escalates to HardFault (FORCED). nocp: FPU switched off
// again, then a float instruction (what happens when a reset handler forgets CPACR).
// at: std::array::at out of range, i.e. a libstdc++ throw with -fno-exceptions: a panic
// (exit status 4) through runtime.cpp, without linking the exception machinery or the heap.
// bus reads STATICNN_BUS_FAULT_ADDRESS, the board's address nothing answers at (its
// target.cmake); where the board names none, and for div0 and hard on ARMv6-M (no divide
// instruction, no fault to escalate from), the image says why and exits with 77 (skipped).
#include <array>
#include <cstdint>
#include <string_view>

#include "console.hpp"
#include "cortex_m.hpp"
#include "runtime.hpp"
#include "stack_usage.hpp"

namespace cm = staticnn::fw::cortex_m;

namespace {

constexpr int exit_skipped = 77;  // the fault cannot be provoked here (CTest: SKIP_RETURN_CODE)

[[noreturn]] void skip(std::string_view why) {
  staticnn::fw::console::print("fw_fault: skipped: ", why, '\n');
  staticnn::fw::exit(exit_skipped);
}

[[gnu::noinline]] void undefined_instruction() { asm volatile("udf #0"); }

#ifdef STATICNN_BUS_FAULT_ADDRESS
[[gnu::noinline]] std::uint32_t bus_error() {
  return *reinterpret_cast<volatile std::uint32_t*>(STATICNN_BUS_FAULT_ADDRESS);
}
#endif

#if defined(__ARM_FEATURE_IDIV)
// SDIV itself: in C++ the compiler may rewrite a division by a known numerator.
[[gnu::noinline]] std::int32_t divide(std::int32_t a, std::int32_t b) {
  std::int32_t q;
  asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
  return q;
}
#endif

[[gnu::noinline]] float add(float a, float b) { return a + b; }

// 256 bytes of stack per level, each written so the paint really goes.
[[gnu::noinline]] std::uint32_t deep(std::uint32_t n) {
  volatile std::uint32_t frame[64];
  for (auto& w : frame) w = n;
  return n == 0 ? frame[0] : deep(n - 1) + frame[63];
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view kind = argc > 1 ? argv[1] : "none";
  staticnn::fw::console::print("fw_fault: provoking '", kind, "'\n");
  if (kind == "undef") {
    undefined_instruction();
  } else if (kind == "bus") {
#ifdef STATICNN_BUS_FAULT_ADDRESS
    staticnn::fw::console::print("read ", staticnn::fw::console::hex{bus_error()}, '\n');
#else
    skip("the board names no address that raises a bus fault (STATICNN_BUS_FAULT_ADDRESS)");
#endif
  } else if (kind == "div0") {
#if defined(__ARM_FEATURE_IDIV)
    cm::reg(cm::ccr) = cm::reg(cm::ccr) | cm::ccr_div_0_trp;
    volatile std::int32_t zero = 0;
    staticnn::fw::console::print("quotient ", divide(1, zero), '\n');
#else
    skip("this core has no divide instruction");
#endif
  } else if (kind == "hard") {
    if constexpr (!cm::mainline) skip("ARMv6-M has no configurable fault to escalate: every fault is a HardFault");
    cm::reg(cm::shcsr) = cm::reg(cm::shcsr) & ~cm::shcsr_fault_enables;
    undefined_instruction();
  } else if (kind == "at") {
    std::array<int, 4> values{1, 2, 3, 4};
    volatile std::size_t index = 4;
    staticnn::fw::console::print("value ", values.at(index), '\n');
  } else if (kind == "nocp") {
    cm::reg(cm::cpacr) = cm::reg(cm::cpacr) & ~cm::cpacr_cp10_cp11_full;
    cm::dsb();
    cm::isb();
    volatile float a = 1.0f, b = 2.0f;
    staticnn::fw::console::print("sum ", add(a, b), '\n');
  } else if (kind == "stack") {
    const auto levels = static_cast<std::uint32_t>(staticnn::fw::stack_size() / 256 + 8);
    staticnn::fw::console::print("depth sum ", deep(levels), '\n');
  }
  if (staticnn::fw::stack_overflowed()) {
    staticnn::fw::console::print("*** stack overflow: the canary at the stack bottom was overwritten\n");
    staticnn::fw::exit(staticnn::fw::exit_stack_overflow);
  }
  staticnn::fw::console::print("fw_fault: no fault\n");
  return 0;
}
