// One handler for every exception the firmware does not expect: it prints which one (from
// IPSR), the stacked PC/LR/xPSR and the fault status registers through the console, then exits
// with exit_fault (3). `arm-none-eabi-addr2line -e image.elf <pc>` names the faulting line.
//
// Special case, for boards without a debugger: a semihosting BKPT then escalates to HardFault
// with HFSR.DEBUGEVT; the handler skips the BKPT and returns -1, so semihosting becomes a no-op
// and the image still runs (printing through its UART only). QEMU never takes this path.
#include <cstdint>

#include "console.hpp"
#include "cortex_m.hpp"
#include "runtime.hpp"

namespace cm = staticnn::fw::cortex_m;

extern "C" void staticnn_fault_report(std::uint32_t* frame, std::uint32_t exc_return);

// Finds the exception frame (MSP or PSP, EXC_RETURN bit 2) and tail-calls the report with
// LR still holding EXC_RETURN, so a return from the report is an exception return.
extern "C" [[gnu::naked]] void staticnn_fault_entry() {
  asm volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "mov r1, lr\n"
      "b staticnn_fault_report\n");
}

namespace {

const char* exception_name(std::uint32_t number) {
  constexpr const char* names[16] = {"Thread mode",  "Reset",    "NMI",        "HardFault",
                                     "MemManage",    "BusFault", "UsageFault", "SecureFault",
                                     "reserved",     "reserved", "reserved",   "SVCall",
                                     "DebugMonitor", "reserved", "PendSV",     "SysTick"};
  return number < 16 ? names[number] : "IRQ";
}

// CFSR = UFSR:BFSR:MMFSR, HFSR bits 1, 30, 31 (ARMv7-M ARM B3.2.15-16).
struct flag {
  std::uint32_t bit;
  const char* name;
};
constexpr flag cfsr_flags[] = {
    {0, "IACCVIOL"},  {1, "DACCVIOL"}, {3, "MUNSTKERR"},  {4, "MSTKERR"},      {5, "MLSPERR"},
    {7, "MMARVALID"}, {8, "IBUSERR"},  {9, "PRECISERR"},  {10, "IMPRECISERR"}, {11, "UNSTKERR"},
    {12, "STKERR"},   {13, "LSPERR"},  {15, "BFARVALID"}, {16, "UNDEFINSTR"},  {17, "INVSTATE"},
    {18, "INVPC"},    {19, "NOCP"},    {20, "STKOF"},     {24, "UNALIGNED"},   {25, "DIVBYZERO"},
};
constexpr flag hfsr_flags[] = {{1, "VECTTBL"}, {30, "FORCED"}, {31, "DEBUGEVT"}};

template <std::size_t N>
void print_flags(std::uint32_t value, const flag (&flags)[N]) {
  for (const flag& f : flags)
    if (value & (1u << f.bit)) staticnn::fw::console::print(' ', f.name);
}

}  // namespace

extern "C" void staticnn_fault_report(std::uint32_t* frame, std::uint32_t exc_return) {
  using staticnn::fw::console::hex;
  using staticnn::fw::console::print;
  std::uint32_t ipsr;
  asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  const std::uint32_t number = ipsr & 0x1FFu;
  const std::uint32_t pc = frame[6];
  const std::uint32_t hfsr = cm::reg(cm::hfsr);

  if (number == 3 && (hfsr & (1u << 31)) && *reinterpret_cast<const std::uint16_t*>(pc) == 0xBEAB) {
    frame[0] = 0xFFFFFFFFu;        // r0: semihosting call failed
    frame[6] = pc + 2;             // resume after the BKPT
    cm::reg(cm::hfsr) = 1u << 31;  // write-one-to-clear DEBUGEVT
    cm::reg(cm::dfsr) = cm::reg(cm::dfsr);
    return;
  }

  const std::uint32_t cfsr = cm::reg(cm::cfsr);
  print("\n*** ", exception_name(number));
  if (number >= 16) print(' ', number - 16);
  print(" (exception ", number, ")\n");
  print("  pc=", hex{pc}, " lr=", hex{frame[5]}, " xpsr=", hex{frame[7]},
        " sp=", hex{static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(frame))},
        " exc_return=", hex{exc_return}, '\n');
  print("  cfsr=", hex{cfsr});
  print_flags(cfsr, cfsr_flags);
  print(" hfsr=", hex{hfsr});
  print_flags(hfsr, hfsr_flags);
  print(" mmfar=", hex{cm::reg(cm::mmfar)}, " bfar=", hex{cm::reg(cm::bfar)}, '\n');
  staticnn::fw::exit(staticnn::fw::exit_fault);
}
