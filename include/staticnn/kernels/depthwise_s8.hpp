#pragma once
// int8 depthwise 2-D convolution, channel multiplier 1, TFLite int8 arithmetic (DEPTHWISE_CONV_2D):
//   acc[c] = bias[c] + sum_{ky,kx} w[c][ky][kx] * xp[c][oy*S+ky][ox*S+kx]   (int32)
//   y[c][oy][ox] = clamp(saturate(zero_point + acc * multiplier[c] * 2^(shift[c]-31)), act_min, act_max)
// where xp is the input padded with the input zero point (P rows above, PB below, PL columns left,
// PR right; a K x KW window with strides S down, SW across; KW, SW, PL, PB, PR default to the
// square K, S, P, P, P): the bias has the input
// zero point folded in (bias - z_in * sum w[c]), so a padded tap adds w * z_in and the sum is
// TFLite's bias + sum over the taps inside the map of w * (x - z_in). x: C x H x W int8 (unpadded),
// w: C x K x KW int8 in [-127, 127], y: C x OH x OW; q: the layer's channel_rescale.
// On Armv7E-M DSP targets the square shapes arm::depthwise_s8_dsp_fits takes run through
// kernels/arm/depthwise_s8_dsp.hpp (SMLAD on int16 rows); the same results.
#include <cstddef>
#include <cstdint>

#include <type_traits>

#include "arm/depthwise_s8_dsp.hpp"
#include "fixed_point.hpp"
#include "requantize_s8.hpp"

namespace staticnn::kernels {

// Output rows [oy0, oy0 + rows) of channel c (y: rows x OW): accumulators a row at a time, the
// taps on padding through the valid column range of each kx, then the row's requantization.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P, std::size_t KW = K,
          std::size_t SW = S, std::size_t PL = P, std::size_t PR = P>
constexpr void depthwise_s8_channel_rows_portable(const std::int8_t* xc, const std::int8_t* wc, const channel_rescale& q,
                                                  std::size_t c, std::int8_t* y, std::size_t oy0, std::size_t rows,
                                                  std::int8_t input_zero_point) {
  constexpr std::size_t OW = (PL + W + PR - KW) / SW + 1;
  const std::int32_t bias = q.bias[c], zin = input_zero_point;
  // |acc| <= |bias| + K KW * 127 * 128 (weights in [-127, 127], inputs and padding int8).
  const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
  constexpr std::uint64_t sum_max = std::uint64_t{K * KW} * 127u * 128u;
  const std::uint32_t bound =
      bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t oy = oy0 + r;
    std::int32_t acc[OW];
    for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] = bias;
    for (std::size_t ky = 0; ky < K; ++ky) {
      const std::size_t iy = oy * S + ky;  // padded row
      const std::int8_t* wr = wc + ky * KW;
      if (iy < P || iy >= H + P) {  // a row of padding: every tap adds w * z_in
        std::int32_t t = 0;
        for (std::size_t kx = 0; kx < KW; ++kx) t += wr[kx] * zin;
        for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] += t;
        continue;
      }
      const std::int8_t* xr = xc + (iy - P) * W;
      for (std::size_t kx = 0; kx < KW; ++kx) {
        const std::int32_t wv = wr[kx];
        // Columns ox whose tap ox*SW + kx lands inside the map: [lo, hi).
        const std::size_t lo = kx >= PL ? 0 : (PL - kx + SW - 1) / SW;
        const std::size_t hi =
            W + PL > kx ? ((W + PL - kx - 1) / SW + 1 < OW ? (W + PL - kx - 1) / SW + 1 : OW) : 0;
        std::size_t ox = 0;
        for (; ox < lo && ox < OW; ++ox) acc[ox] += wv * zin;
        for (; ox < hi; ++ox) acc[ox] += wv * xr[ox * SW + kx - PL];
        for (; ox < OW; ++ox) acc[ox] += wv * zin;
      }
    }
    requantize_s8(acc, y + r * OW, OW, q.multiplier[c], q.shift[c], q.zero_point, bound);
  }
  if (q.act_min > -128 || q.act_max < 127)  // a fused activation's clamp (ReLU, ReLU6)
    for (std::size_t i = 0; i < rows * OW; ++i) y[i] = q.clamp(y[i]);
}

// Whether the layer runs kernels/arm/depthwise_s8_dsp.hpp: square windows of the shapes it takes.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P, std::size_t KW, std::size_t SW,
          std::size_t PL, std::size_t PB, std::size_t PR>
inline constexpr bool depthwise_s8_runs_dsp =
    K == KW && S == SW && P == PL && P == PB && P == PR && arm::depthwise_s8_dsp_fits<H, W, K, S, P>;

// The whole layer: every channel, every output row.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P, std::size_t KW = K,
          std::size_t SW = S, std::size_t PL = P, std::size_t PB = P, std::size_t PR = P>
constexpr void depthwise_s8(const std::int8_t* x, const std::int8_t* w, const channel_rescale& q, std::int8_t* y,
                            std::int8_t input_zero_point) {
  constexpr std::size_t OH = (P + H + PB - K) / S + 1, OW = (PL + W + PR - KW) / SW + 1;
  if constexpr (depthwise_s8_runs_dsp<H, W, K, S, P, KW, SW, PL, PB, PR>) {
    if (!std::is_constant_evaluated()) {
      arm::depthwise_s8_dsp<C, H, W, K, S, P>(x, w, q, y, input_zero_point);
      return;
    }
  }
  for (std::size_t c = 0; c < C; ++c)
    depthwise_s8_channel_rows_portable<H, W, K, S, P, KW, SW, PL, PR>(x + c * H * W, w + c * K * KW, q, c,
                                                                      y + c * OH * OW, 0, OH, input_zero_point);
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P, std::size_t KW = K,
          std::size_t SW = S, std::size_t PL = P, std::size_t PB = P, std::size_t PR = P>
constexpr const char* depthwise_s8_kernel_name() {
  if constexpr (depthwise_s8_runs_dsp<H, W, K, S, P, KW, SW, PL, PB, PR>) {
    if constexpr (arm::depthwise_s8_dsp_s2_columns<H, W, K, S, P>)
      return "arm_dsp depthwise 3x3 s2 (int8 rows, sxtb16 pairs, column strips)";
    else if constexpr (arm::depthwise_s8_dsp_planes<H, W, K, S, P>) {
      if constexpr (arm::depthwise_dsp::planes_chunk<H, W, S, P> == (H + 2 * P - 3) / S + 1)
        return "arm_dsp depthwise 3x3 (smlad, whole channel in even/odd column planes)";
      else
        return "arm_dsp depthwise 3x3 (smlad, even/odd column planes, chunks of rows)";
    }
    else if constexpr (arm::depthwise_s8_dsp_whole_channel<H, W, K, S, P>) return "arm_dsp depthwise (smlad, whole channel widened)";
    else return "arm_dsp depthwise (smlad, int16 row ring)";
  }
  else return "portable depthwise (rows of int32 accumulators)";
}

}  // namespace staticnn::kernels
