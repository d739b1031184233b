#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 depthwise convolution of one channel, channel
// multiplier 1, any K <= max_taps, stride and padding: the results of kernels/depthwise_s8.hpp's
// portable path bit for bit (the same int32 sums, then the same requantize_s8 and clamp).
//
// Each padded input row the channel's outputs read is widened once to int16 into a ring of K rows
// (padding: the input zero point), so a tap pair is one 32-bit load (unaligned LDR where the
// column is odd). The channel's K x K weights stay in registers as int16 pair words, row ky's
// taps (w0, w1), (w2, w3), ... and, for odd K, the last tap alone. Per output and kernel row:
// K / 2 loads and SMLADs, and for odd K one LDRSH and one MLA (SMLABB); the row's accumulators
// are then requantized together (requantize_s8).
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../requantize_s8.hpp"
#include "../target.hpp"
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
// Channel c's whole output (y: OH x OW) from its input xc (H x W) and weights wc (K x K).
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void depthwise_s8_channel_dsp(const std::int8_t* xc, const std::int8_t* wc, const channel_rescale& q, std::size_t c,
                              std::int8_t* y, std::int8_t input_zero_point) {
  constexpr std::size_t PW = W + 2 * P, OH = (H + 2 * P - K) / S + 1, OW = (PW - K) / S + 1;
  constexpr std::size_t pairs = K / 2;  // pair words per kernel row
  constexpr bool single = K % 2 == 1;    // a last tap alone per kernel row
  // Row ky's pair words (w[2j], w[2j+1]) (bottom, top) and its single tap.
  std::int32_t wp[K][pairs > 0 ? pairs : 1], ws[K];
  for (std::size_t ky = 0; ky < K; ++ky) {
    for (std::size_t j = 0; j < pairs; ++j)
      wp[ky][j] = static_cast<std::int32_t>((static_cast<std::uint32_t>(static_cast<std::uint16_t>(wc[ky * K + 2 * j]))) |
                                            (static_cast<std::uint32_t>(static_cast<std::uint16_t>(wc[ky * K + 2 * j + 1])) << 16));
    ws[ky] = wc[ky * K + K - 1];
  }
  const std::int32_t bias = q.bias[c];
  const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
  constexpr std::uint64_t sum_max = std::uint64_t{K * K} * 127u * 128u;  // as the portable kernel's bound
  const std::uint32_t bound =
      bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;

  alignas(4) std::int16_t ring[K][PW];  // padded row iy in slot iy % K
  std::size_t next = 0;                 // the next padded row to widen
  std::int32_t acc[OW];
  for (std::size_t oy = 0; oy < OH; ++oy) {
    const std::int16_t* rows[K];
    for (std::size_t ky = 0; ky < K; ++ky) {
      const std::size_t iy = oy * S + ky;
      for (; next <= iy; ++next) {  // widen padded row `next` (rows arrive in order; S <= K keeps them)
        std::int16_t* r = ring[next % K];
        if (next < P || next >= H + P) {
          for (std::size_t i = 0; i < PW; ++i) r[i] = input_zero_point;
        } else {
          const std::int8_t* xr = xc + (next - P) * W;
          for (std::size_t i = 0; i < P; ++i) r[i] = input_zero_point, r[P + W + i] = input_zero_point;
          for (std::size_t i = 0; i < W; ++i) r[P + i] = xr[i];
        }
      }
      rows[ky] = ring[iy % K];
    }
    for (std::size_t ox = 0; ox < OW; ++ox) {
      std::int32_t a = bias;
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
    requantize_s8(acc, y + oy * OW, OW, q.multiplier[c], q.shift[c], q.zero_point, bound);
  }
  if (q.act_min > -128 || q.act_max < 127)
    for (std::size_t i = 0; i < OH * OW; ++i) y[i] = q.clamp(y[i]);
}
#else
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void depthwise_s8_channel_dsp(const std::int8_t*, const std::int8_t*, const channel_rescale&, std::size_t, std::int8_t*,
                              std::int8_t);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
