#pragma once
// Armv7E-M DSP kernel for two int8 dot products sharing their input (Cortex-M4, M7, M33): per
// four inputs one word [x0 x1 x2 x3] unpacks with SXTB16 into (x0, x2) and, rotated by 8,
// (x1, x3), used by both rows; each row's word of weights unpacks the same way, then two SMLADs.
#include <cstddef>
#include <cstdint>

#include "../target.hpp"
#include "dsp.hpp"

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_DSP
// a0 += w0[0..M4*4) . x, a1 += w1[0..M4*4) . x (int32).
template <std::size_t M4>
[[gnu::always_inline]] inline void dot2_s8(const std::int8_t* x, const std::int8_t* w0, const std::int8_t* w1,
                                           std::int32_t& a0, std::int32_t& a1) {
  for (std::size_t i = 0; i < M4 * 4; i += 4) {
    const int8x4_t xv = load_s8x4(x + i), v0 = load_s8x4(w0 + i), v1 = load_s8x4(w1 + i);
    const int16x2_t x02 = even_pair(xv), x13 = odd_pair(xv);
    a0 = __smlad(x13, odd_pair(v0), __smlad(x02, even_pair(v0), a0));
    a1 = __smlad(x13, odd_pair(v1), __smlad(x02, even_pair(v1), a1));
  }
}
#else
template <std::size_t M4>
void dot2_s8(const std::int8_t* x, const std::int8_t* w0, const std::int8_t* w1, std::int32_t& a0,
             std::int32_t& a1);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
