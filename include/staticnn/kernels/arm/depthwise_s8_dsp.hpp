#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 depthwise convolution of one channel, channel
// multiplier 1, any K <= max_taps, stride and padding: the results of kernels/depthwise_s8.hpp's
// portable path bit for bit (the same int32 sums, requantization and clamp).
//
// Each padded input row the channel's outputs read is widened once to int16 into a ring of K rows
// (padding: the input zero point; SXTB16 four values a word), so a tap pair is one 32-bit load
// (unaligned LDR where the column is odd). The channel's K x K weights stay in registers as int16
// pair words, row ky's taps (w0, w1), (w2, w3), ... and, for odd K, the last tap alone. A row of
// outputs is computed in two passes: its int32 accumulators (per output and kernel row K / 2
// loads and SMLADs, and for odd K one LDRSH and one MLA; for K = 3, stride 1 two outputs a step
// sharing their loads), then their rescale and clamp (below).
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_rows_dsp.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace depthwise_dsp {
inline constexpr std::size_t max_taps = 7;           // K: the pair words of a K x K kernel in registers
inline constexpr std::size_t max_row_bytes = 1024;   // the int16 ring: K rows of the padded width
}  // namespace depthwise_dsp

// The shapes depthwise_s8_channel_dsp takes: a kernel whose pair words fit in registers, and a
// ring of K widened padded rows of at most max_row_bytes on the stack.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_s8_dsp_fits = target::arm_dsp && K >= 2 && K <= depthwise_dsp::max_taps && S >= 1 &&
                                              S <= K && K * (W + 2 * P) * 2 <= depthwise_dsp::max_row_bytes;

#ifdef STATICNN_ARM_DSP
namespace depthwise_dsp {
inline constexpr std::uint32_t bottom_half = 0x0000ffffu, top_half = 0xffff0000u;  // of a pair word
// The int16 pair word (lo, hi): lo in the bottom half.
[[gnu::always_inline]] inline std::int32_t pair(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & bottom_half) | (static_cast<std::uint32_t>(hi) << 16));
}
// n int8 values widened to int16 (n a multiple of 4): per word one LDR, two SXTB16, two packs.
[[gnu::always_inline]] inline void widen(const std::int8_t* x, std::int16_t* r, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 4) {
    std::uint32_t v;
    __builtin_memcpy(&v, x + i, 4);
    const std::uint32_t even = __sxtb16(v), odd = static_cast<std::uint32_t>(conv_rows::sxtb16_ror8(v));  // (x0, x2), (x1, x3)
    const std::uint32_t lo = (even & bottom_half) | (odd << 16), hi = (odd & top_half) | (even >> 16);
    __builtin_memcpy(r + i, &lo, 4), __builtin_memcpy(r + i + 2, &hi, 4);
  }
}
}  // namespace depthwise_dsp

// Channel c's whole output (y: OH x OW) from its input xc (H x W) and weights wc (K x K).
// A channel whose rescale takes fixed_point.hpp's doubled form (doubled_rescale_applies) and
// whose clamp is not empty runs with doubled weights and bias, and per output
//   t = c2 + SMMULR(2 acc, m),  c2 = 2^(e-1) + ((zero_point - lo) << e)    (SMMLAR)
//   u = usat8((t - [acc < 0]) >> e),  y = lo + min(u, hi - lo)
// (kernels/arm/conv2d_s8_few_dsp.hpp's rescale); any other channel takes requantize().
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void depthwise_s8_channel_dsp(const std::int8_t* xc, const std::int8_t* wc, const channel_rescale& q, std::size_t c,
                              std::int8_t* y, std::int8_t input_zero_point) {
  constexpr std::size_t PW = W + 2 * P, OH = (H + 2 * P - K) / S + 1, OW = (PW - K) / S + 1;
  constexpr std::size_t pairs = K / 2;  // pair words per kernel row
  constexpr bool single = K % 2 == 1;    // a last tap alone per kernel row
  constexpr auto sum_max = static_cast<std::uint32_t>(K * K * 127u * 128u);
  const std::int32_t bias = q.bias[c], m = q.multiplier[c], shift = q.shift[c];
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const bool doubled = lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max);
  const std::int32_t scale = doubled ? 2 : 1;  // of the weights and the bias
  // Row ky's pair words (w[2j], w[2j+1]) and its single tap, times scale.
  std::int32_t wp[K][pairs > 0 ? pairs : 1], ws[K];
  for (std::size_t ky = 0; ky < K; ++ky) {
    for (std::size_t j = 0; j < pairs; ++j)
      wp[ky][j] = depthwise_dsp::pair(scale * wc[ky * K + 2 * j], scale * wc[ky * K + 2 * j + 1]);
    ws[ky] = scale * wc[ky * K + K - 1];
  }
  // For K = 3, S = 1 (pass 1 below): row ky's pair word (w1, w2).
  std::int32_t w12[K];
  for (std::size_t ky = 0; ky < K; ++ky) w12[ky] = depthwise_dsp::pair(scale * wc[ky * K + 1], ws[ky]);
  const std::int32_t e = -shift, width = hi - lo;
  const std::int32_t c2 = doubled ? (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e) : 0;

  alignas(4) std::int16_t ring[K][PW];  // padded row iy in slot iy % K
  std::size_t next = 0;                 // the next padded row to widen
  for (std::size_t oy = 0; oy < OH; ++oy) {
    const std::int16_t* rows[K];
    for (std::size_t ky = 0; ky < K; ++ky) {
      const std::size_t iy = oy * S + ky;
      for (; next <= iy; ++next) {  // rows arrive in order; with S <= K each is widened once
        std::int16_t* r = ring[next % K];
        if (next < P || next >= H + P) {
          for (std::size_t i = 0; i < PW; ++i) r[i] = input_zero_point;
        } else {
          // The row's whole words, its last W % 4 values one by one, then the padding.
          constexpr std::size_t body = W / 4 * 4;
          const std::int8_t* xr = xc + (next - P) * W;
          depthwise_dsp::widen(xr, r + P, body);
          for (std::size_t i = body; i < W; ++i) r[P + i] = xr[i];
          for (std::size_t i = 0; i < P; ++i) r[i] = input_zero_point, r[P + W + i] = input_zero_point;
        }
      }
      rows[ky] = ring[iy % K];
    }
    // Pass 1: the row's accumulators (doubled if the rescale is), a kernel row's taps as pairs.
    std::int32_t acc[OW];
    std::size_t ox = 0;
    if constexpr (K == 3 && S == 1) {
      // Two outputs a step share their loads: from A = (x0, x1), B = (x2, x3) of kernel row ky,
      // out0 += w0 x0 + w1 x1 (SMLAD A) + w2 x2 (SMLATB B); out1 += w0 x1 (SMLABT A) + w1 x2 +
      // w2 x3 (SMLAD B), with the pair words (w0, w1) and (w1, w2): 6 instructions for 6 MACs.
#pragma GCC unroll 1
      for (; ox + 2 <= OW; ox += 2) {
        std::int32_t a0 = scale * bias, a1 = a0;
#pragma GCC unroll 3
        for (std::size_t ky = 0; ky < K; ++ky) {
          std::int32_t xa, xb;
          __builtin_memcpy(&xa, rows[ky] + ox, 4), __builtin_memcpy(&xb, rows[ky] + ox + 2, 4);
          a0 = __smlad(static_cast<int16x2_t>(wp[ky][0]), static_cast<int16x2_t>(xa), a0);
          a0 = __smlatb(w12[ky], xb, a0);
          a1 = __smlabt(wp[ky][0], xa, a1);
          a1 = __smlad(static_cast<int16x2_t>(w12[ky]), static_cast<int16x2_t>(xb), a1);
        }
        acc[ox] = a0, acc[ox + 1] = a1;
      }
    }
#pragma GCC unroll 1
    for (; ox < OW; ++ox) {
      std::int32_t a = scale * bias;
#pragma GCC unroll 7
      for (std::size_t ky = 0; ky < K; ++ky) {
        const std::int16_t* p = rows[ky] + ox * S;
#pragma GCC unroll 3
        for (std::size_t j = 0; j < pairs; ++j) {
          std::uint32_t v;
          __builtin_memcpy(&v, p + 2 * j, 4);  // (x[2j], x[2j+1]): LDR, unaligned for odd columns
          a = __smlad(static_cast<int16x2_t>(wp[ky][j]), static_cast<int16x2_t>(v), a);
        }
        if constexpr (single) a += ws[ky] * p[K - 1];
      }
      acc[ox] = a;
    }
    // Pass 2: the row's rescale and clamp.
    std::int8_t* yr = y + oy * OW;
    if (doubled) {
#pragma GCC unroll 2
      for (std::size_t i = 0; i < OW; ++i) {
        std::int32_t t;
        asm("smmlar %0, %1, %2, %3" : "=r"(t) : "r"(acc[i]), "r"(m), "r"(c2));
        const auto u = static_cast<std::int32_t>(__usat((t + (acc[i] >> 31)) >> e, 8));
        yr[i] = static_cast<std::int8_t>(lo + (u < width ? u : width));
      }
    } else {
      for (std::size_t i = 0; i < OW; ++i) yr[i] = q.clamp(requantize_out_of_line(acc[i], m, shift, q.zero_point));
    }
  }
}
#else
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void depthwise_s8_channel_dsp(const std::int8_t*, const std::int8_t*, const channel_rescale&, std::size_t, std::int8_t*,
                              std::int8_t);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
