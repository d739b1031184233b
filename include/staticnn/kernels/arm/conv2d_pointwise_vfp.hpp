#pragma once
// Cortex-M VFP kernel for a pointwise convolution (K = 1, stride 1, no padding), one output
// channel: y[p] = b + sum_c w[c] * x[c][p] over n consecutive pixels p of the channel planes
// (plane stride HW floats). A block of A pixels accumulates in s(32-A)..s31 over every channel:
// per channel one VLDM brings the block's A inputs into s4.., then A VFMAs by that channel's
// weight, which came with three others in one VLDM into s0-s3 (the channels in groups of four,
// written out for up to 8 channels, else in a loop, then the rest one at a time). Blocks of `pixels` (12) pixels, then at most one of 8 and one of
// 4; 1 to 3 pixels left run as a block of 4 overlapping the one before (its pixels computed again,
// to the same values). Fewer than 4 pixels in all run the portable loop. The sums run
// in channel order from the bias, as kernels/conv2d.hpp's portable loop (which GCC may not fuse
// into FMAs, so the two agree within rounding).
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

namespace pointwise_vfp {
inline constexpr std::size_t pixels = 12;        // sums per block: s20-s31, inputs s4-s15
inline constexpr std::size_t small_pixels = 4;   // the narrowest block (and 8, twice as wide)
inline constexpr std::size_t weight_group = 4;   // channels' weights per VLDM: s0-s3
inline constexpr std::size_t first_input = 4;    // s4: the block's inputs of one channel
inline constexpr std::size_t sum_registers = 32; // sums end at s31
inline constexpr std::size_t unrolled_groups = 2; // up to 2 groups of 4 channels written out, more in a loop
}  // namespace pointwise_vfp

// The shapes conv_pointwise_vfp takes (K = 1, stride 1, no padding are the caller's trait).
template <std::size_t C>
inline constexpr bool conv_pointwise_vfp_fits = target::arm_vfp && C >= 1;

#ifdef STATICNN_ARM_VFP
namespace pointwise_vfp {
// The A pixels at x (channel 0; planes `stride` bytes apart) of C channels with weights w into y
// (advanced by A), from the sums b (A copies of the bias).
template <std::size_t C, std::size_t A>
[[gnu::always_inline]] inline void block(const float* x, const float* w, const float* b, float*& y,
                                         std::size_t stride) {
  static_assert(A >= 1 && first_input + A <= sum_registers - A, "pointwise_vfp::block: does not fit the S registers");
  constexpr std::size_t groups = C / weight_group;
  constexpr bool looped = groups > unrolled_groups;  // else the groups written out
  std::size_t n;
  asm volatile(
      ".altmacro\n"
      ".macro snn_xfer%= op, p, lo, hi\n\\op \\p, {s\\lo-s\\hi}\n.endm\n"
      ".macro snn_vfma%= acc, wt, in\nvfma.f32 s\\acc, s\\wt, s\\in\n.endm\n"
      // Channel input: the block's inputs of one channel times the weight in s\wt.
      ".macro snn_channel%= wt\n"
      "snn_xfer%= vldmia, %[x], %c[in], %%(%c[in]+%c[a]-1)\n"
      "add %[x], %[x], %[stride]\n"
      ".set .Lsnn_i, 0\n"
      ".rept %c[a]\n"
      "snn_vfma%= %%(%c[acc]+.Lsnn_i), \\wt, %%(%c[in]+.Lsnn_i)\n"
      ".set .Lsnn_i, .Lsnn_i+1\n"
      ".endr\n"
      ".endm\n"
      "snn_xfer%= vldmia, %[b], %c[acc], %%(%c[acc]+%c[a]-1)\n"
      ".if %c[looped]\n"
      "mov %[n], #%c[groups]\n"
      "1:\n"
      ".endif\n"
      ".rept %c[written]\n"
      "vldmia %[w]!, {s0-s3}\n"
      "snn_channel%= 0\nsnn_channel%= 1\nsnn_channel%= 2\nsnn_channel%= 3\n"
      ".endr\n"
      ".if %c[looped]\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".endif\n"
      ".rept %c[rest]\n"
      "vldmia %[w]!, {s0}\n"
      "snn_channel%= 0\n"
      ".endr\n"
      "snn_xfer%= vstmia, %[y]!, %c[acc], %%(%c[acc]+%c[a]-1)\n"
      ".purgem snn_channel%=\n.purgem snn_vfma%=\n.purgem snn_xfer%=\n"
      ".noaltmacro\n"
      : [x] "+r"(x), [w] "+r"(w), [y] "+r"(y), [n] "=&r"(n)
      : [b] "r"(b), [stride] "r"(stride), [a] "i"(A), [acc] "i"(sum_registers - A), [in] "i"(first_input),
        [groups] "i"(C / weight_group), [rest] "i"(C % weight_group), [looped] "i"(looped), [written] "i"(looped ? 1 : groups)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
        "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28",
        "s29", "s30", "s31");
  static_assert(weight_group == 4 && first_input == weight_group, "pointwise_vfp::block: weights in s0-s3");
}

}  // namespace pointwise_vfp

// y[p] = bias + sum_c w[c] * x[c * HW + p] for p < n: x at the first pixel of channel 0, w the
// channel's C weights. Out of line: one copy per C and plane size.
template <std::size_t C, std::size_t HW>
[[gnu::noinline]] void conv_pointwise_vfp(const float* x, const float* w, float bias, float* y, std::size_t n) {
  using namespace pointwise_vfp;
  float b[pixels];
  for (float& v : b) v = bias;
  constexpr std::size_t stride = HW * sizeof(float);
  if (n < small_pixels) {
    for (std::size_t p = 0; p < n; ++p) {
      float acc = bias;
      for (std::size_t c = 0; c < C; ++c) acc += w[c] * x[c * HW + p];
      y[p] = acc;
    }
    return;
  }
  const float* const x_end = x + n;
#pragma GCC unroll 1
  for (; x_end - x >= static_cast<std::ptrdiff_t>(pixels); x += pixels) block<C, pixels>(x, w, b, y, stride);
  if (x_end - x >= static_cast<std::ptrdiff_t>(2 * small_pixels)) {
    block<C, 2 * small_pixels>(x, w, b, y, stride);
    x += 2 * small_pixels;
  }
  if (x_end - x >= static_cast<std::ptrdiff_t>(small_pixels)) {
    block<C, small_pixels>(x, w, b, y, stride);
    x += small_pixels;
  }
  if (x != x_end) {  // 1 to 3 pixels left: the last 4 again, overlapping the block before
    const std::ptrdiff_t back = static_cast<std::ptrdiff_t>(small_pixels) - (x_end - x);
    y -= back;
    block<C, small_pixels>(x - back, w, b, y, stride);
  }
}
#else
template <std::size_t C, std::size_t HW>
void conv_pointwise_vfp(const float* x, const float* w, float bias, float* y, std::size_t n);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
