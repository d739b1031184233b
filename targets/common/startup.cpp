// Reset and vector table for all Cortex-M targets (cortex-m.ld places .vectors first in flash).
// Reset: FPU on (if the build uses one), VTOR, paint the free stack, copy .data, zero .bss,
// enable the configurable fault handlers, UART, static constructors, argc/argv from the
// semihosting command line, main, then exit with main's return through SYS_EXIT_EXTENDED.
#include <cstddef>
#include <cstdint>

#include "cortex_m.hpp"
#include "runtime.hpp"
#include "semihosting.hpp"
#include "stack_usage.hpp"
#include "uart.hpp"

namespace cm = staticnn::fw::cortex_m;

extern "C" {
// Linker-script symbols (cortex-m.ld).
extern std::uint32_t __data_start[], __data_end[], __data_load[];
extern std::uint32_t __bss_start[], __bss_end[];
extern std::uint32_t __stack_bottom[], __stack_top[];
extern void (*__preinit_array_start[])();
extern void (*__preinit_array_end[])();
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();

// `main` under another name: ISO C++ does not let a program call ::main.
int staticnn_call_main(int argc, char** argv) asm("main");

[[noreturn]] void Reset_Handler();
void staticnn_fault_entry();  // fault.cpp: every exception except reset and SysTick
void SysTick_Handler();       // instruction_counter.cpp
}

namespace {

using vector = void (*)();

// 16 system exceptions. No external interrupt is enabled, so no IRQ entries are needed;
// an image that enables one appends its own table (and VTOR alignment still holds: 512 bytes).
[[gnu::section(".vectors"), gnu::used]] const vector vector_table[16] = {
    reinterpret_cast<vector>(__stack_top),  // initial MSP
    Reset_Handler,
    staticnn_fault_entry,  // NMI
    staticnn_fault_entry,  // HardFault
    staticnn_fault_entry,  // MemManage
    staticnn_fault_entry,  // BusFault
    staticnn_fault_entry,  // UsageFault
    staticnn_fault_entry,  // SecureFault (ARMv8-M)
    nullptr,
    nullptr,
    nullptr,
    staticnn_fault_entry,  // SVCall
    staticnn_fault_entry,  // DebugMonitor
    nullptr,
    staticnn_fault_entry,  // PendSV
    SysTick_Handler,
};

constexpr int max_args = 16;
char* argv_table[max_args + 1];

// Splits the semihosting command line at spaces, in place.
int parse_cmdline() {
  const std::span<char> buffer = staticnn::fw::cmdline_storage();
  const auto line = staticnn::fw::semihosting::get_cmdline(buffer.first(buffer.size() - 1));
  int argc = 0;
  char* p = buffer.data();
  char* const end = p + line.size();
  *end = '\0';
  while (p < end && argc < max_args) {
    while (p < end && *p == ' ') *p++ = '\0';
    if (p == end) break;
    argv_table[argc++] = p;
    while (p < end && *p != ' ') ++p;
  }
  for (; p < end; ++p)
    if (*p == ' ') *p = '\0';
  argv_table[argc] = nullptr;
  return argc;
}

}  // namespace

[[gnu::weak]] std::span<char> staticnn::fw::cmdline_storage() {
  static char buffer[1024];  // host paths can be long (CI clones, build trees)
  return buffer;
}

extern "C" [[noreturn]] void Reset_Handler() {
#if defined(__ARM_FP)
  // QEMU and real parts reset with the FPU off: the first VFP instruction would take a
  // UsageFault (NOCP). Nothing above this line may touch a floating-point register.
  cm::reg(cm::cpacr) = cm::reg(cm::cpacr) | cm::cpacr_cp10_cp11_full;
  cm::dsb();
  cm::isb();
#endif
  // ARMv6-M has no VTOR (the table is at address 0, where the core fetches it from on reset).
  if constexpr (cm::mainline)
    cm::reg(cm::vtor) = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(vector_table));

  // Paint [__stack_bottom, sp): everything below the live frames. The loop lives in registers,
  // so it never writes a word it needs. Unified syntax and low registers: the same code
  // assembles for ARMv6-M (GCC takes Thumb-1 inline asm as divided syntax unless told).
  {
    std::uint32_t* p = __stack_bottom;
    asm volatile(
        ".syntax unified\n"
        "1: cmp %[p], sp\n"
        "   bhs 2f\n"
        "   str %[paint], [%[p]]\n"
        "   adds %[p], %[p], #4\n"
        "   b 1b\n"
        "2:\n"
        : [p] "+l"(p)
        : [paint] "l"(staticnn::fw::stack_paint)
        : "cc", "memory");
  }

  for (std::uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (std::uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;

  // MemManage, BusFault and UsageFault report as themselves instead of escalating to HardFault
  // (ARMv6-M has HardFault only).
  if constexpr (cm::mainline) cm::reg(cm::shcsr) = cm::reg(cm::shcsr) | cm::shcsr_fault_enables;

  staticnn::fw::uart::init();
  for (auto f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (auto f = __init_array_start; f < __init_array_end; ++f) (*f)();

  const int argc = parse_cmdline();
  staticnn::fw::exit(staticnn_call_main(argc, argv_table));
}
