// The random operands of the int8 DSP kernel tests (fw_kernels_max_pool, fw_kernels_3x3_pool,
// fw_kernels_stem): one LCG whose draws, in their order, are part of each test's inputs; per
// channel rescales in the kernels' doubled form; the general forms a kernel must send to its
// general path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace staticnn::fw_test {

// Which channels take a rescale outside the doubled form (general: the kernel's general path;
// known: all doubled, and the kernel told so at compile time).
enum class rescales { doubled, general, known };

struct lcg {
  std::uint32_t r;
  std::int32_t next() { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); }
  std::int8_t next8() { return static_cast<std::int8_t>((next() & 0xff) - 128); }
};

// Each channel's bias in [-bias_span, bias_span] and multiplier in [2^30, 2^31) (drawn in that
// order, channel by channel), shift -shift0 - o % period: all in the doubled form.
template <class Bias, class Multiplier, class Shift>
void draw_rescales(lcg& g, Bias& bias, Multiplier& multiplier, Shift& shift, std::int32_t bias_span,
                   std::int32_t shift0, std::size_t period) {
  for (std::size_t o = 0; o < bias.size(); ++o) {
    bias[o] = g.next() % (2 * bias_span + 1) - bias_span;
    multiplier[o] = (1 << 30) + g.next() % (1 << 30);
    shift[o] = static_cast<std::int8_t>(-shift0 - static_cast<std::int32_t>(o % period));
  }
}

// Every third channel from the first in one of four forms outside the doubled form.
template <std::size_t G>
void general_forms(std::array<std::int32_t, G>& multiplier, std::array<std::int8_t, G>& shift) {
  for (std::size_t o = 0; o < G; o += 3) {
    switch (o / 3 % 4) {
      case 0: multiplier[o] = -multiplier[o]; break;         // decreasing rescale
      case 1: shift[o] = 3, multiplier[o] = 1 << 30; break;  // left shift: 8 acc, may wrap int8 wide
      case 2: multiplier[o] = 3 << 25, shift[o] = 0; break;  // multiplier < 2^30
      default: shift[o] = -23; break;                        // shift below -22
    }
  }
}

}  // namespace staticnn::fw_test
