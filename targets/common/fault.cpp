// One handler for every exception the firmware does not expect: it prints which one (from
// IPSR), the stacked PC/LR/xPSR and the fault status registers through the console, then exits
// with exit_fault (3). `arm-none-eabi-addr2line -e image.elf <pc>` names the faulting line.
//
// Special case, for boards without a debugger: a semihosting BKPT then escalates to HardFault
// with HFSR.DEBUGEVT; the handler skips the BKPT and returns -1, so semihosting becomes a no-op
// and the image still runs (printing through its UART only). QEMU never takes this path.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "console.hpp"
#include "cortex_m.hpp"
#include "runtime.hpp"

namespace cm = staticnn::fw::cortex_m;

extern "C" void staticnn_fault_report(std::uint32_t* frame, std::uint32_t exc_return);

namespace {
constexpr std::uint32_t exc_return_process_stack = 1u << 2;  // EXC_RETURN bit 2: the frame is on the PSP
constexpr std::uint16_t bkpt_semihosting = 0xBEAB;           // BKPT 0xAB
}  // namespace

// Finds the exception frame (MSP or PSP, EXC_RETURN bit 2) and tail-calls the report with
// LR still holding EXC_RETURN, so a return from the report is an exception return. ARMv6-M
// instructions only (no IT block, no TST with an immediate; BX reaches the report wherever the
// linker puts it), so every Cortex-M runs this one entry.
extern "C" [[gnu::naked]] void staticnn_fault_entry() {
  asm volatile(
      ".syntax unified\n"
      "mov r1, lr\n"
      "movs r0, %[process_stack]\n"
      "tst r0, r1\n"
      "bne 1f\n"
      "mrs r0, msp\n"
      "b 2f\n"
      "1: mrs r0, psp\n"
      "2: ldr r2, =staticnn_fault_report\n"
      "bx r2\n"
      ".ltorg\n"
      :
      : [process_stack] "i"(exc_return_process_stack));
}

namespace {

// Names as one string each, '|' between them, one per number from 0 (empty: none): no table of
// pointers, so the names cost their characters only.
constexpr char exception_names[] =
    "Thread mode|Reset|NMI|HardFault|MemManage|BusFault|UsageFault|SecureFault|reserved|reserved|reserved|SVCall|"
    "DebugMonitor|reserved|PendSV|SysTick";
// CFSR = UFSR:BFSR:MMFSR, HFSR bits 1, 30, 31 (ARMv7-M ARM B3.2.15-16).
constexpr char cfsr_names[] =
    "IACCVIOL|DACCVIOL||MUNSTKERR|MSTKERR|MLSPERR||MMARVALID|IBUSERR|PRECISERR|IMPRECISERR|UNSTKERR|STKERR|LSPERR||"
    "BFARVALID|UNDEFINSTR|INVSTATE|INVPC|NOCP|STKOF||||UNALIGNED|DIVBYZERO";
constexpr char hfsr_names[] = "|VECTTBL|||||||||||||||||||||||||||||FORCED|DEBUGEVT";

// The name of each number in `set` (bit k: number k), each after a space.
void print_names(const char* names, std::uint32_t set) {
  for (std::uint32_t k = 0; *names != '\0'; ++k) {
    const char* end = names;
    while (*end != '\0' && *end != '|') ++end;
    if ((set >> k & 1u) && end != names)
      staticnn::fw::console::print(' ', std::string_view(names, static_cast<std::size_t>(end - names)));
    names = *end == '|' ? end + 1 : end;
  }
}

}  // namespace

extern "C" void staticnn_fault_report(std::uint32_t* frame, std::uint32_t exc_return) {
  using staticnn::fw::console::hex;
  using staticnn::fw::console::print;
  std::uint32_t ipsr;
  asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  const std::uint32_t number = ipsr & 0x1FFu;
  const std::uint32_t pc = frame[6];
  // ARMv6-M has no HFSR: there a HardFault on a semihosting BKPT is taken as the debug event.
  const std::uint32_t hfsr = cm::mainline ? cm::reg(cm::hfsr) : 0u;
  const bool debug_event = cm::mainline ? (hfsr & (1u << 31)) != 0 : true;

  if (number == 3 && debug_event && *reinterpret_cast<const std::uint16_t*>(pc) == bkpt_semihosting) {
    frame[0] = 0xFFFFFFFFu;  // r0: semihosting call failed
    frame[6] = pc + 2;       // resume after the BKPT
    if constexpr (cm::mainline) {
      cm::reg(cm::hfsr) = 1u << 31;  // write-one-to-clear DEBUGEVT
      cm::reg(cm::dfsr) = cm::reg(cm::dfsr);
    }
    return;
  }

  print("\n***");
  if (number < 16) print_names(exception_names, 1u << number);
  else print(" IRQ ", number - 16);
  print(" (exception ", number, ")\n");
  print("  pc=", hex{pc}, " lr=", hex{frame[5]}, " xpsr=", hex{frame[7]},
        " sp=", hex{static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(frame))},
        " exc_return=", hex{exc_return}, '\n');
  if constexpr (cm::mainline) {  // the fault status registers (none on ARMv6-M)
    const std::uint32_t cfsr = cm::reg(cm::cfsr);
    print("  cfsr=", hex{cfsr});
    print_names(cfsr_names, cfsr);
    print(" hfsr=", hex{hfsr});
    print_names(hfsr_names, hfsr);
    print(" mmfar=", hex{cm::reg(cm::mmfar)}, " bfar=", hex{cm::reg(cm::bfar)}, '\n');
  }
  staticnn::fw::exit(staticnn::fw::exit_fault);
}
