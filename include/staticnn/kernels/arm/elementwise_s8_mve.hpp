#pragma once
// Armv8.1-M MVE (Helium) kernels for int8 elementwise work (Cortex-M55):
//   lookup_s8_mve: y[i] = table[x[i] + 128] for i < n rounded down to 16: per 16 values one load,
//     one EOR (x + 128 as an unsigned byte offset), one byte gather load, one store (x == y allowed).
//   avg_pool2_row_s8_mve: one pooled row of TFLite's 2x2 average, (s + 2 - [s < 0]) / 4 truncated
//     = (s + 2 + (s >> 15)) >> 2 for the int16 sum s of four int8 values: per 8 outputs two loads,
//     the even and odd bytes of both rows widened (VMOVLB/VMOVLT), three adds, the rounding, one
//     narrowing store; a row's last step overlaps the one before.
// Both return how many outputs they wrote; the caller finishes the rest its own way.
#include <cstddef>
#include <cstdint>

#include "../target.hpp"
#ifdef STATICNN_ARM_MVE
#include <arm_mve.h>
#endif

namespace staticnn::kernels::arm {

// Values per lookup step and pooled outputs per pooling step.
inline constexpr std::size_t lookup_s8_mve_step = 16, avg_pool2_s8_mve_step = 8;

#ifdef STATICNN_ARM_MVE
inline std::size_t lookup_s8_mve(const std::int8_t* x, std::int8_t* y, std::size_t n, const std::int8_t* table) {
  const std::size_t done = n / lookup_s8_mve_step * lookup_s8_mve_step;
  for (std::size_t i = 0; i < done; i += lookup_s8_mve_step) {
    const uint8x16_t at = veorq_u8(vldrbq_u8(reinterpret_cast<const std::uint8_t*>(x + i)), vdupq_n_u8(0x80));
    vstrbq_s8(y + i, vldrbq_gather_offset_s8(table, at));
  }
  return done;
}

// rows: two rows of int8, W apart; y: OW = W / 2 outputs, all written where OW >= 8 (the last step
// starts at OW - 8, overlapping the one before), else none.
template <std::size_t W>
std::size_t avg_pool2_row_s8_mve(const std::int8_t* rows, std::int8_t* y) {
  constexpr std::size_t OW = W / 2, step = avg_pool2_s8_mve_step;
  if constexpr (OW < step) return 0;
  for (std::size_t o0 = 0; o0 < OW; o0 += step) {
    const std::size_t o = o0 + step <= OW ? o0 : OW - step;
    const int8x16_t t = vldrbq_s8(rows + 2 * o), b = vldrbq_s8(rows + W + 2 * o);
    int16x8_t s = vaddq_s16(vaddq_s16(vmovlbq_s8(t), vmovltq_s8(t)), vaddq_s16(vmovlbq_s8(b), vmovltq_s8(b)));
    s = vshrq_n_s16(vaddq_s16(vaddq_n_s16(s, 2), vshrq_n_s16(s, 15)), 2);
    vstrbq_s16(y + o, s);
  }
  return OW;
}
#else
std::size_t lookup_s8_mve(const std::int8_t*, std::int8_t*, std::size_t, const std::int8_t*);  // MVE only
template <std::size_t W>
std::size_t avg_pool2_row_s8_mve(const std::int8_t*, std::int8_t*);  // MVE only
#endif

}  // namespace staticnn::kernels::arm
