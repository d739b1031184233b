#pragma once
// Memory-mapped Cortex-M system registers (ARMv7-M / ARMv8-M System Control Space) used by
// the startup code, the fault handler and the instruction counter. Same addresses on M3/M4/M7/M33.
// ARMv6-M and ARMv8-M Baseline (M0, M0+, M23) have SysTick, ICSR and (M0+, M23) VTOR, but no
// configurable faults: no SHCSR enables, CFSR, HFSR, DFSR, MMFAR, BFAR, CCR.DIV_0_TRP.
#include <cstdint>

namespace staticnn::fw::cortex_m {

// Armv7-M / Armv8-M Mainline: MemManage, BusFault and UsageFault with their status registers.
#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__)
inline constexpr bool mainline = false;
#else
inline constexpr bool mainline = true;
#endif

inline volatile std::uint32_t& reg(std::uintptr_t address) {
  return *reinterpret_cast<volatile std::uint32_t*>(address);
}

inline constexpr std::uintptr_t syst_csr = 0xE000E010;  // SysTick control and status
inline constexpr std::uintptr_t syst_rvr = 0xE000E014;  // SysTick reload value (24 bit)
inline constexpr std::uintptr_t syst_cvr = 0xE000E018;  // SysTick current value (24 bit)
inline constexpr std::uintptr_t icsr = 0xE000ED04;      // interrupt control and state
inline constexpr std::uintptr_t vtor = 0xE000ED08;      // vector table offset
inline constexpr std::uintptr_t ccr = 0xE000ED14;       // configuration and control
inline constexpr std::uintptr_t shcsr = 0xE000ED24;     // system handler control and state
inline constexpr std::uintptr_t cfsr = 0xE000ED28;      // configurable fault status
inline constexpr std::uintptr_t hfsr = 0xE000ED2C;      // HardFault status
inline constexpr std::uintptr_t dfsr = 0xE000ED30;      // debug fault status
inline constexpr std::uintptr_t mmfar = 0xE000ED34;     // MemManage fault address
inline constexpr std::uintptr_t bfar = 0xE000ED38;      // BusFault address
inline constexpr std::uintptr_t cpacr = 0xE000ED88;     // coprocessor access control

inline constexpr std::uint32_t syst_csr_enable = 1u << 0;
inline constexpr std::uint32_t syst_csr_tickint = 1u << 1;
inline constexpr std::uint32_t syst_csr_clksource_cpu = 1u << 2;
inline constexpr std::uint32_t icsr_pendstset = 1u << 26;
inline constexpr std::uint32_t ccr_div_0_trp = 1u << 4;
// MEMFAULTENA | BUSFAULTENA | USGFAULTENA
inline constexpr std::uint32_t shcsr_fault_enables = 7u << 16;
inline constexpr std::uint32_t cpacr_cp10_cp11_full = 0xFu << 20;

inline void dsb() { asm volatile("dsb" ::: "memory"); }
inline void isb() { asm volatile("isb" ::: "memory"); }

}  // namespace staticnn::fw::cortex_m
