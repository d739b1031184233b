#pragma once
// Small helpers shared by the Armv7E-M DSP kernels (only built where kernels::target::arm_dsp
// holds): unaligned word loads and the rotate SXTB16 takes as its operand.
#include <cstdint>
#include <cstring>

#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>

namespace staticnn::kernels::arm {

// Four int8 values as one word (one LDR: Armv7E-M allows unaligned word loads).
[[gnu::always_inline]] inline int8x4_t load_s8x4(const std::int8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return static_cast<int8x4_t>(v);
}
// (b0, b2) and (b1, b3) of a word [b0 b1 b2 b3] as two int16 pairs.
[[gnu::always_inline]] inline int16x2_t even_pair(int8x4_t v) { return __sxtb16(v); }
[[gnu::always_inline]] inline int16x2_t odd_pair(int8x4_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  return __sxtb16(static_cast<int8x4_t>(u >> 8 | u << 24));  // SXTB16 with ROR #8
}

}  // namespace staticnn::kernels::arm
#endif
