#pragma once
// Armv7E-M DSP kernel for int8 2x2 max pooling of one pooled row (Cortex-M4, M7, M33): four
// pooled outputs a step, bytewise. Per step two words of each input row, the vertical maxima of
// four byte lanes by SSUB8 + SEL (SEL takes a lane of the first operand where SSUB8 found it not
// smaller: signed max), the horizontal maxima the same way against the word shifted by one lane,
// then lanes 0 and 2 of both words packed into one word store: 20 instructions for 4 outputs.
// int8 2x2 average pooling the same way, as int16 lanes: per 4 input columns of both rows the two
// window sums (SXTB16 of the even and odd bytes, SADD16), TFLite's rounding half away from zero
// (sum + 2 - [sum < 0]) >> 2 per lane (SADD16, SSUB16 of the sign bits, SHADD16 twice for the
// arithmetic shift), the low bytes of the lanes packed.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

inline constexpr std::size_t max_pool2_step_outputs = 4;  // pooled outputs per step
inline constexpr std::size_t max_pool2_step_inputs = 2 * max_pool2_step_outputs;  // inputs per row per step

#ifdef STATICNN_ARM_DSP
// The signed maximum of each byte lane of a and b.
[[gnu::always_inline]] inline std::uint32_t max_s8x4(std::uint32_t a, std::uint32_t b) {
  std::uint32_t m;
  asm("ssub8 %0, %1, %2\n"
      "sel %0, %1, %2"
      : "=&r"(m)
      : "r"(a), "r"(b)
      : "cc");
  return m;
}

// The two 2x2 averages of columns 0-3 of rows a and b (one word each), int8 in byte lanes 0 and 2
// (the low bytes of the int16 lanes).
[[gnu::always_inline]] inline std::uint32_t avg_s8x2(std::uint32_t a, std::uint32_t b) {
  constexpr std::uint32_t twos = 0x00020002u, signs = 0x80008000u;  // 2 and the sign bit in each lane
  constexpr unsigned sign_to_one = 15;                              // a lane's sign bit to its bit 0
  const auto sum = __sadd16(__sadd16(__sxtb16(a), __sxtb16(a >> 8 | a << 24)),
                            __sadd16(__sxtb16(b), __sxtb16(b >> 8 | b << 24)));  // (s0, s1)
  const auto r = __ssub16(__sadd16(sum, twos), (static_cast<std::uint32_t>(sum) & signs) >> sign_to_one);
  return static_cast<std::uint32_t>(__shadd16(__shadd16(r, 0), 0));
}
// The two 2x2 maxima of columns 0-3 of rows a and b, in byte lanes 0 and 2.
[[gnu::always_inline]] inline std::uint32_t max_s8x2(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t v = max_s8x4(a, b);  // the vertical maxima
  return max_s8x4(v, v >> 8);              // lanes 0, 2: the pairs' maxima
}

// y[px] = the pooled value of rows[2 px], rows[2 px + 1], rows[W + 2 px], rows[W + 2 px + 1] for
// px < steps * max_pool2_step_outputs (rows: two rows W bytes apart, any alignment; y any
// alignment), Pair2 giving two of them from a word of each row, in byte lanes 0 and 2.
template <std::size_t W, std::uint32_t (*Pair2)(std::uint32_t, std::uint32_t)>
inline void pool2_row_s8(const std::int8_t* rows, std::int8_t* y, std::size_t steps) {
  constexpr std::uint32_t lanes_0_2 = 0x00ff00ffu, low_half = 0x0000ffffu;  // byte lanes 0 and 2; lanes 0 and 1
  for (std::size_t s = 0; s < steps; ++s, rows += max_pool2_step_inputs, y += max_pool2_step_outputs) {
    std::uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, rows, 4), std::memcpy(&a1, rows + 4, 4);  // unaligned LDR
    std::memcpy(&b0, rows + W, 4), std::memcpy(&b1, rows + W + 4, 4);
    const std::uint32_t l0 = Pair2(a0, b0) & lanes_0_2, l1 = Pair2(a1, b1) & lanes_0_2;
    const std::uint32_t out = ((l0 | (l0 >> 8)) & low_half) | ((l1 | (l1 >> 8)) << 16);
    std::memcpy(y, &out, 4);
  }
}
// The maximum of each window; the TFLite int8 average ((sum + 2) / 4 or (sum - 2) / 4 truncating,
// as quant::qpool_layer::reduce).
template <std::size_t W>
inline void max_pool2_row_s8(const std::int8_t* rows, std::int8_t* y, std::size_t steps) {
  pool2_row_s8<W, max_s8x2>(rows, y, steps);
}
template <std::size_t W>
inline void avg_pool2_row_s8(const std::int8_t* rows, std::int8_t* y, std::size_t steps) {
  pool2_row_s8<W, avg_s8x2>(rows, y, steps);
}
#else
template <std::size_t W>
void max_pool2_row_s8(const std::int8_t*, std::int8_t*, std::size_t);  // Armv7E-M DSP only
template <std::size_t W>
void avg_pool2_row_s8(const std::int8_t*, std::int8_t*, std::size_t);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
