#pragma once
// Cortex-M VFP kernel for a float depthwise convolution (channel multiplier 1, square K x K window,
// stride S, zero padding P on every side), any channel count and map size whose padded channel
// fits max_channel_bytes:
//   y[c][oy][ox] = b[c] + sum_{ky,kx} w[c][ky][kx] * xp[c][oy*S + ky][ox*S + kx],
// xp the input zero-padded. Each channel's rows are copied (VLDM/VSTM, 16 values a pair) into a
// padded buffer whose border is zeroed once per call, so the taps on padding are ordinary taps on
// zeros, and the channel then runs as a one-input-channel convolution through conv2d_vfp.hpp's
// register-blocked rows (per input row one VLDM, A*K VFMAs per output row; blocks of two output
// rows where its cost model says they pay). Unpadded maps run on the input itself. The portable
// kernel (layers/depthwise_conv2d.hpp) computes the same sums in another order, skipping the taps
// on padding (adding 0 * w here: equal but for a sign of zero and non-finite weights).
#include <cstddef>

#include "../target.hpp"
#include "conv2d_vfp.hpp"
#include "pad_rows_vfp.hpp"

namespace staticnn::kernels::arm {

namespace depthwise_vfp {
// The padded channel buffer lives on the stack for the call.
inline constexpr std::size_t max_channel_bytes = 4096;
}  // namespace depthwise_vfp

// The shapes depthwise_f32_vfp takes: those conv2d_vfp.hpp takes as one channel of the padded map,
// a padded channel of at most max_channel_bytes (none needed for P = 0).
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_f32_vfp_fits =
    target::arm_vfp && conv_vfp_fits<1, H + 2 * P, W + 2 * P, K, S> &&
    (P == 0 || (H + 2 * P) * (W + 2 * P) * float_bytes <= depthwise_vfp::max_channel_bytes);

#ifdef STATICNN_ARM_VFP

// Every channel: x C x H x W, w C x K x K, b C, y C x OH x OW.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
[[gnu::noinline]] void depthwise_f32_vfp(const float* x, const float* w, const float* b, float* y) {
  static_assert(depthwise_f32_vfp_fits<H, W, K, S, P>, "depthwise_f32_vfp: a shape it does not take");
  constexpr std::size_t PH = H + 2 * P, PW = W + 2 * P, OH = (PH - K) / S + 1, OW = (PW - K) / S + 1;
  if constexpr (P == 0) {
#pragma GCC unroll 1
    for (std::size_t c = 0; c < C; ++c) conv_vfp_rows<1, H, W, K, S>(x + c * H * W, w + c * K * K, b[c], y + c * OH * OW, OH);
  } else {
    alignas(8) float xp[PH * PW];
    // The border: P rows above and below, P columns either side of the rows between.
    for (std::size_t i = 0; i < P * PW; ++i) xp[i] = 0.0f, xp[(P + H) * PW + i] = 0.0f;
    for (std::size_t r = P; r < P + H; ++r)
      for (std::size_t i = 0; i < P; ++i) xp[r * PW + i] = 0.0f, xp[r * PW + P + W + i] = 0.0f;
#pragma GCC unroll 1
    for (std::size_t c = 0; c < C; ++c) {
      const float* xc = x + c * H * W;
      copy_rows_f32<H, W, PW>(xc, xp + P * PW + P);
      conv_vfp_rows<1, PH, PW, K, S>(xp, w + c * K * K, b[c], y + c * OH * OW, OH);
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void depthwise_f32_vfp(const float* x, const float* w, const float* b, float* y);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
