#pragma once
// Armv7E-M DSP kernel for int8 2x2 max pooling of one pooled row (Cortex-M4, M7, M33): four
// pooled outputs a step, bytewise. Per step two words of each input row, the vertical maxima of
// four byte lanes by SSUB8 + SEL (SEL takes a lane of the first operand where SSUB8 found it not
// smaller: signed max), the horizontal maxima the same way against the word shifted by one lane,
// then lanes 0 and 2 of both words packed into one word store: 20 instructions for 4 outputs.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../target.hpp"

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

// y[px] = max of rows[2 px], rows[2 px + 1], rows[W + 2 px], rows[W + 2 px + 1] for
// px < steps * max_pool2_step_outputs (rows: two rows W bytes apart, any alignment; y any alignment).
template <std::size_t W>
inline void max_pool2_row_s8(const std::int8_t* rows, std::int8_t* y, std::size_t steps) {
  constexpr std::uint32_t lanes_0_2 = 0x00ff00ffu, low_half = 0x0000ffffu;  // byte lanes 0 and 2; lanes 0 and 1
  for (std::size_t s = 0; s < steps; ++s, rows += max_pool2_step_inputs, y += max_pool2_step_outputs) {
    std::uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, rows, 4), std::memcpy(&a1, rows + 4, 4);  // unaligned LDR
    std::memcpy(&b0, rows + W, 4), std::memcpy(&b1, rows + W + 4, 4);
    const std::uint32_t v0 = max_s8x4(a0, b0), v1 = max_s8x4(a1, b1);  // columns 0-3, 4-7
    const std::uint32_t h0 = max_s8x4(v0, v0 >> 8), h1 = max_s8x4(v1, v1 >> 8);  // lanes 0, 2: the pairs' maxima
    const std::uint32_t l0 = h0 & lanes_0_2, l1 = h1 & lanes_0_2;
    const std::uint32_t out = ((l0 | (l0 >> 8)) & low_half) | ((l1 | (l1 >> 8)) << 16);
    std::memcpy(y, &out, 4);
  }
}
#else
template <std::size_t W>
void max_pool2_row_s8(const std::int8_t*, std::int8_t*, std::size_t);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
