#pragma once
// int8 2-D convolution without padding, one output channel at a time, TFLite int8 arithmetic:
//   acc = bias + sum_{c,ky,kx} w[c][ky][kx] * x[c][oy*S+ky][ox*S+kx]   (int32; the input zero
//   point is folded into bias), y = saturate(zero_point + acc * multiplier * 2^(shift-31)).
// x: C x H x W int8, w: this channel's C x K x K int8 weights, y: rows x OW int8. On Armv7E-M
// DSP targets 5x5 stride-1 rows run through kernels/arm/conv2d_s8_dsp.hpp (SMLAD).
#include <cstddef>
#include <cstdint>

#include "fixed_point.hpp"
#include "arm/conv2d_s8_dsp.hpp"
#include "requantize_s8.hpp"
#include "target.hpp"

namespace staticnn::kernels {

struct requant_s8 {  // one output channel's int32 bias and fixed-point rescale
  std::int32_t bias, multiplier, shift, zero_point;
};

// Clamp: outputs are clamped to [act_min, act_max] (channel_rescale's fused activation) unless
// that is all of int8 (a ReLU on a grid starting at 0: the saturation is the clamp); without it
// act_min/act_max are not read.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, bool Clamp = false>
constexpr void conv2d_s8_channel_rows(const std::int8_t* x, const std::int8_t* w, requant_s8 q, std::int8_t* y,
                                      std::size_t oy0, std::size_t rows, std::int32_t act_min = -128,
                                      std::int32_t act_max = 127) {
  if constexpr (Clamp)
    if (act_min <= -128 && act_max >= 127) return conv2d_s8_channel_rows<C, H, W, K, S>(x, w, q, y, oy0, rows);
  constexpr std::size_t OW = (W - K) / S + 1;
  // |acc| <= |bias| + C K K * 127 * 128 (weights in [-127, 127], inputs int8).
  const std::uint32_t bias_abs = q.bias < 0 ? 0u - static_cast<std::uint32_t>(q.bias) : static_cast<std::uint32_t>(q.bias);
  constexpr std::uint64_t sum_max = std::uint64_t{C * K * K} * 127u * 128u;
  const std::uint32_t bound =
      bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;
  if constexpr (target::arm_dsp && K == 5 && S == 1 && OW % 4 == 0) {  // kernels/arm/conv2d_s8_dsp.hpp
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t ox = 0; ox < OW; ox += 4) {
        std::int32_t acc[4] = {q.bias, q.bias, q.bias, q.bias};  // stays in registers
        arm::conv5x4_s8<C, H, W>(x + (oy0 + r) * W + ox, w, acc);
        requantize_s8<Clamp>(acc, y + r * OW + ox, 4, q.multiplier, q.shift, q.zero_point, bound, act_min, act_max);
      }
  } else {
    for (std::size_t r = 0; r < rows; ++r) {
      std::int32_t acc[OW];
      for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] = q.bias;
      for (std::size_t ic = 0; ic < C; ++ic)
        for (std::size_t ky = 0; ky < K; ++ky) {
          const std::int8_t* xr = x + (ic * H + (oy0 + r) * S + ky) * W;
          const std::int8_t* wr = w + (ic * K + ky) * K;
          for (std::size_t kx = 0; kx < K; ++kx) {
            const std::int32_t wv = wr[kx];
            for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] += wv * xr[ox * S + kx];
          }
        }
      requantize_s8<Clamp>(acc, y + r * OW, OW, q.multiplier, q.shift, q.zero_point, bound, act_min, act_max);
    }
  }
}

}  // namespace staticnn::kernels
