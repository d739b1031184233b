// Provokes a CPU fault; the fault handler must report it and exit with status 3.
//   fw_fault undef | bus | div0 | hard | nocp | at | stack | none
// stack: recursion deeper than the stack; the canary check must see it (exit status 5).
// hard: UsageFault disabled, so it escalates to HardFault (FORCED). nocp: FPU switched off
// again, then a float instruction (what happens when a reset handler forgets CPACR).
// at: std::array::at out of range, i.e. a libstdc++ throw with -fno-exceptions: a panic
// (exit status 4) through runtime.cpp, without linking the exception machinery or the heap.
#include <array>
#include <cstdint>
#include <string_view>

#include "console.hpp"
#include "cortex_m.hpp"
#include "runtime.hpp"
#include "stack_usage.hpp"

namespace cm = staticnn::fw::cortex_m;

// Nothing answers here on any of the machines (reserved in the MPS2, IoTKit and STM32F4 maps).
#ifndef STATICNN_FAULT_ADDRESS
#define STATICNN_FAULT_ADDRESS 0xF0000000u
#endif

namespace {

[[gnu::noinline]] void undefined_instruction() { asm volatile("udf #0"); }

[[gnu::noinline]] std::uint32_t bus_error() {
  return *reinterpret_cast<volatile std::uint32_t*>(STATICNN_FAULT_ADDRESS);
}

// SDIV itself: in C++ the compiler may rewrite a division by a known numerator.
[[gnu::noinline]] std::int32_t divide(std::int32_t a, std::int32_t b) {
  std::int32_t q;
  asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
  return q;
}

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
    staticnn::fw::console::print("read ", staticnn::fw::console::hex{bus_error()}, '\n');
  } else if (kind == "div0") {
    cm::reg(cm::ccr) = cm::reg(cm::ccr) | cm::ccr_div_0_trp;
    volatile std::int32_t zero = 0;
    staticnn::fw::console::print("quotient ", divide(1, zero), '\n');
  } else if (kind == "hard") {
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
