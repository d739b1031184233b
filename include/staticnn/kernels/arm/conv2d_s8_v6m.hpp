#pragma once
// ARMv6-M (Cortex-M0/M0+) kernel for the int8 convolution without padding: G output channels,
// output rows [oy0, oy0 + rows), the same int32 sums and outputs as conv2d_s8_rows_portable.
// Eight output pixels of one channel at a time, their accumulators in registers (four low, four
// high: ADD reaches r8-r11); per weight one LDRB + SXTB, then per pixel an LDR of the input, a MULS
// and an ADD (the weight stays in its register, MULS overwrites the loaded input). The input is
// widened to int32 once per pair of output rows (one row where a pair's band would not fit; the
// band, C x ((R - 1) S + K) x W words for R rows, is on the stack), so every input load is one LDR
// with an immediate word offset: pixel p, tap kx at word p S + kx, within LDR's 5-bit reach. A
// row of OW >= 8 pixels runs as blocks of 8; the last block starts at OW - 8 when 8 does not
// divide OW (it recomputes some pixels to the same values). Each output: rescale_v6m, then the
// clamp.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "rescale_v6m.hpp"

namespace staticnn::kernels::arm {

namespace conv_v6m {
inline constexpr std::size_t block_pixels = 8;       // accumulators in registers
inline constexpr std::size_t ldr_reach_words = 31;   // LDR Rt, [Rn, #imm5 * 4]
inline constexpr std::size_t max_band_bytes = 2048;  // the widened input rows on the stack
inline constexpr std::size_t chunk_rows = 2;         // output rows per widened band (a 2x2 pool's)
inline constexpr std::size_t adds_reach = 255;       // ADDS Rdn, #imm8: the row and channel steps
inline constexpr std::size_t max_taps = 6;           // K: a channel's K x K x 26 instructions within B's reach

template <std::size_t C, std::size_t W, std::size_t K, std::size_t S, std::size_t R>
inline constexpr std::size_t band_bytes = C * ((R - 1) * S + K) * W * sizeof(std::int32_t);
// Output rows per band: chunk_rows, or 1 where that band would not fit max_band_bytes or the step
// between its channels ((chunk_rows - 1) S rows) would not fit an ADDS.
template <std::size_t C, std::size_t W, std::size_t K, std::size_t S>
inline constexpr std::size_t rows_per_band =
    band_bytes<C, W, K, S, chunk_rows> <= max_band_bytes && (chunk_rows - 1) * S * W * 4 <= adds_reach ? chunk_rows : 1;
}  // namespace conv_v6m

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_v6m_fits =
    target::arm_v6m && K >= 1 && S >= 1 && K <= H && K <= W && (W - K) / S + 1 >= conv_v6m::block_pixels &&
    (conv_v6m::block_pixels - 1) * S + K - 1 <= conv_v6m::ldr_reach_words && K <= conv_v6m::max_taps &&
    W * 4 <= conv_v6m::adds_reach &&
    conv_v6m::band_bytes<C, W, K, S, 1> <= conv_v6m::max_band_bytes;

#ifdef STATICNN_ARM_V6M
// The 8 accumulators of a block: acc[p] = bias + sum over c, ky, kx of w[c][ky][kx] x[c][ky][p S + kx]
// for x the widened band at the block's first pixel (rows RowWords words apart, channels
// ChannelWords) and w one output channel's C x K x K weights. Out of line and one asm statement,
// so GCC places no branch of its own across the unrolled taps (it sizes asm by its lines). The
// registers: a0-a3 low and a4-a7 high accumulators, xp, wp (advancing), wend (high: the weights'
// end), wv (the weight), t (the loaded input, then the product).
template <std::size_t C, std::size_t K, std::size_t S, std::size_t RowWords, std::size_t ChannelWords>
[[gnu::noinline]] void conv_block_v6m(const std::int32_t* x, const std::int8_t* w, std::int32_t bias,
                                      std::int32_t* out) {
  constexpr std::size_t row_bytes = RowWords * 4, channel_skip_bytes = (ChannelWords - K * RowWords) * 4;
  std::int32_t a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
#ifdef STATICNN_ARM_V6M_ASM
  std::int32_t wv, t;
  const std::int8_t* wend = w + C * K * K;
  asm volatile(
      ".syntax unified\n"
      "1:\n"
      ".rept %c[k]\n"
      ".set snn_v6m_kx, 0\n"
      ".rept %c[k]\n"
      "ldrb %[wv], [%[wp], #snn_v6m_kx]\n"
      "sxtb %[wv], %[wv]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 0 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "adds %[a0], %[a0], %[t]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 1 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "adds %[a1], %[a1], %[t]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 2 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "adds %[a2], %[a2], %[t]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 3 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "adds %[a3], %[a3], %[t]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 4 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "add %[a4], %[t]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 5 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "add %[a5], %[t]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 6 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "add %[a6], %[t]\n"
      "ldr %[t], [%[xp], #4 * (snn_v6m_kx + 7 * %c[s])]\n"
      "muls %[t], %[wv], %[t]\n"
      "add %[a7], %[t]\n"
      ".set snn_v6m_kx, snn_v6m_kx + 1\n"
      ".endr\n"
      "adds %[wp], %[k]\n"
      "adds %[xp], %[row]\n"
      ".endr\n"
      ".if %c[skip]\n"
      "adds %[xp], %[skip]\n"
      ".endif\n"
      "cmp %[wp], %[wend]\n"
      "beq 2f\n"
      "b 1b\n"
      "2:\n"
      : [a0] "+l"(a0), [a1] "+l"(a1), [a2] "+l"(a2), [a3] "+l"(a3), [a4] "+h"(a4), [a5] "+h"(a5), [a6] "+h"(a6),
        [a7] "+h"(a7), [wv] "=&l"(wv), [t] "=&l"(t), [xp] "+l"(x), [wp] "+l"(w)
      : [wend] "h"(wend), [k] "I"(K), [s] "i"(S), [row] "I"(row_bytes), [skip] "I"(channel_skip_bytes)
      : "cc", "memory");
#else  // the same sums in C++ (-Os, -O0: kernels/target.hpp)
  std::int32_t* acc[8] = {&a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7};
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t ky = 0; ky < K; ++ky)
      for (std::size_t kx = 0; kx < K; ++kx)
        for (std::size_t p = 0; p < 8; ++p)
          *acc[p] += std::int32_t{w[(c * K + ky) * K + kx]} * x[c * ChannelWords + ky * RowWords + p * S + kx];
  (void)row_bytes, (void)channel_skip_bytes;
#endif
  out[0] = a0, out[1] = a1, out[2] = a2, out[3] = a3, out[4] = a4, out[5] = a5, out[6] = a6, out[7] = a7;
}

// conv2d_s8_rows_portable's contract: x C x H x W int8, w the G channels' C x K x K weights, q the
// rescale from the first of them, y G x rows x OW.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_v6m(const std::int8_t* x, const std::int8_t* w, const channel_rescale& q, std::int8_t* y,
                   std::size_t oy0, std::size_t rows) {
  static_assert(conv2d_s8_v6m_fits<C, H, W, K, S>, "conv2d_s8_v6m: shape outside the kernel's reach");
  constexpr std::size_t OW = (W - K) / S + 1, P = conv_v6m::block_pixels;
  constexpr std::size_t R = conv_v6m::rows_per_band<C, W, K, S>, band_rows = (R - 1) * S + K;
  constexpr std::size_t blocks = (OW + P - 1) / P;
  constexpr std::uint64_t sum_max = std::uint64_t{C * K * K} * 127u * 128u;
  const bool clamped = q.act_min > -128 || q.act_max < 127;
  std::int32_t band[C * band_rows * W];
  for (std::size_t r0 = 0; r0 < rows; r0 += R) {
    const std::size_t n = rows - r0 < R ? rows - r0 : R;
    const std::size_t in_rows = (n - 1) * S + K;
    for (std::size_t c = 0; c < C; ++c) {
      const std::int8_t* src = x + (c * H + (oy0 + r0) * S) * W;
      std::int32_t* dst = band + c * band_rows * W;
      for (std::size_t i = 0; i < in_rows * W; ++i) dst[i] = src[i];
    }
    for (std::size_t g = 0; g < G; ++g) {
      const std::int8_t* wg = w + g * C * K * K;
      const std::int32_t bias = q.bias[g];
      const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
      const std::uint32_t bound =
          bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;
      const rescale_v6m rq = rescale_v6m::make(q.multiplier[g], q.shift[g], q.zero_point, bound);
      for (std::size_t r = 0; r < n; ++r) {
        std::int8_t* yr = y + (g * rows + r0 + r) * OW;
        for (std::size_t b = 0; b < blocks; ++b) {
          const std::size_t ox0 = b * P + P <= OW ? b * P : OW - P;
          std::int32_t acc[P];
          conv_block_v6m<C, K, S, W, band_rows * W>(band + r * S * W + ox0 * S, wg, bias, acc);
          rq.store(acc, yr + ox0, P);
        }
        if (clamped)  // a fused activation's clamp
          for (std::size_t i = 0; i < OW; ++i) yr[i] = q.clamp(yr[i]);
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_v6m(const std::int8_t*, const std::int8_t*, const channel_rescale&, std::int8_t*, std::size_t,
                   std::size_t);  // ARMv6-M only
#endif

}  // namespace staticnn::kernels::arm
