#pragma once
// Counts executed instructions with SysTick. Under QEMU with -icount shift=0 (qemu-run.sh),
// virtual time advances exactly 1 ns per guest instruction, so SysTick on the core clock
// (STATICNN_SYSTICK_HZ) ticks every 1e9/STATICNN_SYSTICK_HZ instructions: 40 on mps2-an385/
// an386/an500 (25 MHz), 50 on mps2-an505 (20 MHz), 5.95 on netduinoplus2 (168 MHz). Counts are
// deterministic run to run and resolve to one tick (rounded down to whole ticks). On real
// silicon SysTick counts core clock cycles instead: use elapsed_ticks()/stop_ticks() there.
//
//   instruction_counter::start();
//   net.forward(x, y);
//   const std::uint64_t n = instruction_counter::stop();
//
// start() restarts SysTick at full reload, so identical work measures identical counts.
// Wraps of the 24-bit counter (every 2^24 ticks: ~671 M instructions on mps2) are counted by
// the SysTick interrupt, so regions of any length work; a region shorter than one wrap (such
// as a 1.5 M-instruction inference) takes no interrupt and carries no overhead. elapsed()
// reads without stopping (per-layer laps inside one measurement).
#include <cstdint>

namespace staticnn::fw::instruction_counter {

inline constexpr std::uint32_t systick_hz = STATICNN_SYSTICK_HZ;
inline constexpr std::uint32_t max_reload = 0x00FFFFFFu;
// Instructions per tick = nanoseconds per tick with -icount shift=0.
inline constexpr double instructions_per_tick = 1e9 / systick_hz;

// ticks * 1e9 / systick_hz, rounded to nearest (exact for the integer factors, which need no
// 64-bit division and so no libgcc division in the image: 40 on the mps2 machines, 50 on the
// an505). Otherwise libgcc's fast division: elapsed() runs inside measured regions.
constexpr std::uint64_t ticks_to_instructions(std::uint64_t ticks) {
  if constexpr (1000000000u % systick_hz == 0)
    return ticks * (1000000000u / systick_hz);
  else
    return (ticks * 1000000000ull + systick_hz / 2) / systick_hz;
}

// Resets and starts counting. `reload` below max_reload only to exercise wrap counting.
void start(std::uint32_t reload = max_reload);
std::uint64_t elapsed_ticks();  // since start(), without stopping
std::uint64_t stop_ticks();     // since start(), and stops SysTick
inline std::uint64_t elapsed() { return ticks_to_instructions(elapsed_ticks()); }
inline std::uint64_t stop() { return ticks_to_instructions(stop_ticks()); }
std::uint32_t wraps();  // SysTick interrupts since start() (0 for short regions)

}  // namespace staticnn::fw::instruction_counter
