#pragma once
// Armv8.1-M MVE (Helium) kernel for int8 convolution of any C, K <= 16, stride (Cortex-M55):
// output rows [oy0, oy0 + rows) of G channels from the padded C x H x W input, as
// conv2d_s8_rows_portable. Per pair of output pixels the two C x K x K input windows are copied
// into patches of F = C K K bytes (one predicated VLDRB/VSTRB per kernel row), then each pair of
// output channels takes the dot products of both patches with both channels' weights,
//   acc[g][p] = bias[g] + sum_i w[g][i] patch[p][i],
// 16 products per VMLADAVA (a vector of 16 int8 pairs summed into a scalar): per 16 taps two patch
// loads and two weight loads serve four VMLADAVA (64 MACs); the last partial vector of weights is
// loaded with the tail predicate (zero lanes, nothing read past the channel's weights). The four
// accumulators are rescaled as one vector of lanes (g, p0), (g, p1), (g+1, p0), (g+1, p1):
// VQRDMULH is gemmlowp's rounding doubling high multiply bit for bit, and (s - [s < 0]) rounded
// right by e (VRSHL) its rounding divide; a left shift (shift > 0) is applied first, wrapping as
// TFLite's. A scatter store writes the four bytes.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_MVE
#include <arm_mve.h>
#endif

namespace staticnn::kernels::arm {

// The shapes this kernel takes: a kernel row fits one vector.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_mve_fits = target::arm_mve && K <= 16 && K <= H && K <= W && S >= 1;

#ifdef STATICNN_ARM_MVE
// Lanes per int8 vector and per int32 vector.
inline constexpr std::size_t mve_bytes = 16, mve_words = 4;

// The per-lane rescale of one vector of int32 accumulators: multiplier, left shift (>= 0), right
// shift as a VRSHL amount (<= 0). With a right shift (right < 0) a negative value is lowered by 1
// first: VRSHL's round-half-up is then the round-half-away of RoundingDivideByPOT.
struct mve_rescale {
  int32x4_t multiplier, left, right;
};

// requantize() of 4 lanes: saturate(zero_point + multiply_by_quantized_multiplier(acc, m, shift)),
// clamped to [lo, hi] (within int8).
[[gnu::always_inline]] inline int32x4_t requantize_mve(int32x4_t acc, const mve_rescale& r, std::int32_t zero_point,
                                                       std::int32_t lo, std::int32_t hi) {
  int32x4_t s = vqrdmulhq_s32(vshlq_s32(acc, r.left), r.multiplier);
  s = vaddq_s32(s, vshrq_n_s32(vandq_s32(s, r.right), 31));  // -1 where s < 0 and right < 0
  s = vrshlq_s32(s, r.right);
  s = vqaddq_n_s32(s, zero_point);  // a sum beyond int32 saturates by v's sign (add_zero_point)
  return vminq_s32(vmaxq_s32(s, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

// Lanes (g, g, g1, g1) of channel_rescale q.
inline mve_rescale mve_rescale_pair(const channel_rescale& q, std::size_t g, std::size_t g1) {
  auto lanes = [](std::int32_t a, std::int32_t b) {
    int32x4_t v = vdupq_n_s32(a);
    v = vsetq_lane_s32(b, v, 2);
    return vsetq_lane_s32(b, v, 3);
  };
  const std::int32_t s0 = q.shift[g], s1 = q.shift[g1];
  return {lanes(q.multiplier[g], q.multiplier[g1]), lanes(s0 > 0 ? s0 : 0, s1 > 0 ? s1 : 0),
          lanes(s0 > 0 ? 0 : s0, s1 > 0 ? 0 : s1)};
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_rows_mve(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0,
                        std::size_t rows) {
  static_assert(conv2d_s8_mve_fits<C, H, W, K, S>, "conv2d_s8_rows_mve: a shape the kernel takes");
  constexpr std::size_t OW = (W - K) / S + 1, F = C * K * K;
  constexpr std::size_t full = F / mve_bytes, tail = F % mve_bytes;
  alignas(16) std::int8_t patch[2][F];
  const mve_pred16_t row_lanes = vctp8q(K), tail_lanes = vctp8q(tail);
  const std::int32_t lo = q.act_min > -128 ? q.act_min : -128, hi = q.act_max < 127 ? q.act_max : 127;
  // Output byte offsets of the four lanes: (g, p0), (g, p1), (g + 1, p0), (g + 1, p1).
  const std::uint32_t plane = static_cast<std::uint32_t>(rows * OW);
  mve_rescale rescale[(G + 1) / 2];  // per channel pair, built once per call
  for (std::size_t g = 0; g < G; g += 2) rescale[g / 2] = mve_rescale_pair(q, g, g + 1 < G ? g + 1 : g);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t ox = 0; ox < OW; ox += 2) {
      const bool pair = ox + 1 < OW;  // else the last pixel alone (computed twice, stored once)
      for (std::size_t p = 0; p < 2; ++p) {
        const std::int8_t* src = x + (oy0 + r) * S * W + (pair ? ox + p : ox) * S;
        std::int8_t* d = patch[p];
#pragma GCC unroll 1
        for (std::size_t c = 0; c < C; ++c, src += (H - K) * W)
#pragma GCC unroll 1
          for (std::size_t ky = 0; ky < K; ++ky, d += K, src += W)
            vstrbq_p_s8(d, vldrbq_z_s8(src, row_lanes), row_lanes);
      }
      const std::uint32_t second = pair ? 1u : 0u;  // lane p1 rewrites p0 for a lone pixel
      uint32x4_t at = vdupq_n_u32(0);
      at = vsetq_lane_u32(second, at, 1), at = vsetq_lane_u32(plane, at, 2), at = vsetq_lane_u32(plane + second, at, 3);
      const uint32x4_t lone = vsetq_lane_u32(second, vsetq_lane_u32(second, vdupq_n_u32(0), 1), 3);
      std::int8_t* yo = y + r * OW + ox;
      for (std::size_t g = 0; g < G; g += 2) {
        const std::size_t g1 = g + 1 < G ? g + 1 : g;  // an odd last channel pairs with itself
        const std::int8_t *w0 = w + g * F, *w1 = w + g1 * F;
        std::int32_t a00 = q.bias[g], a01 = a00, a10 = q.bias[g1], a11 = a10;
        for (std::size_t v = 0; v < full; ++v) {
          const int8x16_t p0 = vldrbq_s8(patch[0] + v * mve_bytes), p1 = vldrbq_s8(patch[1] + v * mve_bytes);
          const int8x16_t v0 = vldrbq_s8(w0 + v * mve_bytes), v1 = vldrbq_s8(w1 + v * mve_bytes);
          a00 = vmladavaq_s8(a00, p0, v0), a01 = vmladavaq_s8(a01, p1, v0);
          a10 = vmladavaq_s8(a10, p0, v1), a11 = vmladavaq_s8(a11, p1, v1);
        }
        if constexpr (tail != 0) {
          const int8x16_t p0 = vldrbq_z_s8(patch[0] + full * mve_bytes, tail_lanes);
          const int8x16_t p1 = vldrbq_z_s8(patch[1] + full * mve_bytes, tail_lanes);
          const int8x16_t v0 = vldrbq_z_s8(w0 + full * mve_bytes, tail_lanes);
          const int8x16_t v1 = vldrbq_z_s8(w1 + full * mve_bytes, tail_lanes);
          a00 = vmladavaq_s8(a00, p0, v0), a01 = vmladavaq_s8(a01, p1, v0);
          a10 = vmladavaq_s8(a10, p0, v1), a11 = vmladavaq_s8(a11, p1, v1);
        }
        int32x4_t acc = vdupq_n_s32(a00);
        acc = vsetq_lane_s32(a01, acc, 1), acc = vsetq_lane_s32(a10, acc, 2), acc = vsetq_lane_s32(a11, acc, 3);
        const int32x4_t out = requantize_mve(acc, rescale[g / 2], q.zero_point, lo, hi);
        // An odd last channel's lanes 2, 3 hold lanes 0, 1 again and go to the same two bytes.
        vstrbq_scatter_offset_s32(yo + g * plane, g1 == g ? lone : at, out);
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_rows_mve(const std::int8_t*, const std::int8_t*, channel_rescale, std::int8_t*, std::size_t,
                        std::size_t);  // Armv8.1-M MVE only
#endif

}  // namespace staticnn::kernels::arm
