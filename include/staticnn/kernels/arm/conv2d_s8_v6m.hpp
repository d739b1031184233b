#pragma once
// ARMv6-M (Cortex-M0/M0+) kernel for the int8 convolution, padded or not: G output channels,
// output rows [oy0, oy0 + rows), the same int32 sums and outputs as conv2d_s8_rows_portable.
// Eight output pixels of one channel at a time, as four pairs (2q, 2q + 1) whose two inputs at a
// tap share one word: the input is packed once per band of rows and block of 8 pixels as
//   word[i] = -(x[i] + x[i + S] 2^16)   (mod 2^32; x the block's input columns from ox0 S),
// so one MULS by a weight w gives -w x for both pixels, one in each 16-bit lane. Two taps' products
// are added in the word, then the lanes are drained into the two pixels' int32 accumulators
// (SXTH, SUBS, ASRS and two ADDs). A lane then holds -(w1 x1 + w2 x2) with w, x in [-128, 127]:
// each product -w x lies in [-16384, 16256], the sum in [-32768, 32512], an int16 (the negation
// is what keeps -128 x -128 twice inside it). The accumulators hold -(bias + sum), which a
// rescale_v6m made `negated` takes as they are. Per pair of taps and pair of pixels: 2 LDR, 2 MULS, ADDS and the 5-step
// drain; the two weights (LDRB + SXTB) serve the four pairs. Taps run in the flattened (c, ky, kx)
// order, pairs straddling rows and channels where the second tap's word is within LDR's reach of
// the first's row, otherwise one tap alone. The block's packed band is C x ((R - 1) S + K) rows
// of (8 - 2) S + K words (R output rows per band, on the stack). The taps are unrolled in groups
// of channels (at most max_taps taps an asm statement). A row of OW >= 8 pixels runs as blocks of
// 8; the last block starts at OW - 8 when 8 does not divide OW (it recomputes some pixels to the
// same values). Each output: rescale_v6m, then the clamp.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "rescale_v6m.hpp"

namespace staticnn::kernels::arm {

namespace conv_v6m {
inline constexpr std::size_t block_pixels = 8;       // accumulators in registers
inline constexpr std::size_t pairs = block_pixels / 2;
inline constexpr std::size_t ldr_reach_words = 31;   // LDR Rt, [Rn, #imm5 * 4]
inline constexpr std::size_t ldrb_reach = 31;        // LDRB Rt, [Rn, #imm5]
inline constexpr std::size_t adds_step = 252;        // ADDS Rdn, #imm8: the largest word-aligned step
inline constexpr std::size_t max_band_bytes = 2048;  // a block's packed input rows on the stack
inline constexpr std::size_t chunk_rows = 2;         // output rows per band (a 2x2 pool's)
inline constexpr std::size_t max_taps = 160;         // taps unrolled in one asm statement
inline constexpr std::size_t max_rescale_bytes = 512;  // the channels' rescales kept on the stack

// Words of a packed band row: pair q's tap kx at 2 q S + kx.
template <std::size_t K, std::size_t S>
inline constexpr std::size_t row_words = (block_pixels - 2) * S + K;
template <std::size_t C, std::size_t K, std::size_t S, std::size_t R>
inline constexpr std::size_t band_bytes = C * ((R - 1) * S + K) * row_words<K, S> * sizeof(std::int32_t);
template <std::size_t C, std::size_t K, std::size_t S>
inline constexpr std::size_t rows_per_band = band_bytes<C, K, S, chunk_rows> <= max_band_bytes ? chunk_rows : 1;
// Channels per asm statement.
template <std::size_t C, std::size_t K>
inline constexpr std::size_t group_channels = max_taps / (K * K) == 0 ? 1 : (max_taps / (K * K) < C ? max_taps / (K * K) : C);
}  // namespace conv_v6m

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_v6m_fits =
    target::arm_v6m && K >= 1 && S >= 1 && K <= H && K <= W && (W - K) / S + 1 >= conv_v6m::block_pixels &&
    (K - 1) + (conv_v6m::pairs - 1) * 2 * S <= conv_v6m::ldr_reach_words &&
    conv_v6m::band_bytes<C, K, S, 1> <= conv_v6m::max_band_bytes;

#ifdef STATICNN_ARM_V6M
// acc[p] -= sum over the T taps t = (c, ky, kx) of w[t] x_p[t], for x the packed band at the
// block's first word (rows RowWords words apart, channels ChannelWords) and w a channel group's
// T weights. One asm statement, every tap unrolled (assembler-time offsets). Registers: a0-a4
// (r8-r12), a5 (low), a6 (r7), a7 (lr) the accumulators; xp, wp (advancing), wa, wb (the two
// taps' weights), pk (the packed products), t (the second product, then the low lane).
template <std::size_t T, std::size_t K, std::size_t S, std::size_t RowWords, std::size_t ChannelWords>
[[gnu::noinline]] void conv_pairs_v6m(const std::int32_t* x, const std::int8_t* w, std::int32_t* acc) {
#ifdef STATICNN_ARM_V6M_ASM
  std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5];
  register std::int32_t a6 asm("r7") = acc[6];
  register std::int32_t a7 asm("lr") = acc[7];
  std::int32_t wa, wb, pk, t;
  // One pair q of pixels (accumulators ae, ao) at the step's taps: tap a at word snn_oa, tap b
  // (when snn_pair) at snn_ob, both from xp's row snn_xb.
#define STATICNN_V6M_PAIR(q, ae, ao)                                            \
  "ldr %[pk], [%[xp], #4 * (snn_oa - snn_xb + 2 * " #q " * snn_s)]\n"           \
  "muls %[pk], %[wa], %[pk]\n"                                                  \
  ".if snn_pair\n"                                                              \
  "ldr %[t], [%[xp], #4 * (snn_ob - snn_xb + 2 * " #q " * snn_s)]\n"            \
  "muls %[t], %[wb], %[t]\n"                                                    \
  "adds %[pk], %[pk], %[t]\n"                                                   \
  ".endif\n"                                                                    \
  "sxth %[t], %[pk]\n"                                                          \
  "subs %[pk], %[pk], %[t]\n"                                                   \
  "asrs %[pk], %[pk], #16\n"                                                    \
  "add %[" #ae "], %[t]\n"                                                      \
  "add %[" #ao "], %[pk]\n"
  // The layout constants as assembler symbols (one asm statement takes at most 30 operands).
  asm volatile(
      ".set snn_taps, %c[taps]\n.set snn_k, %c[k]\n.set snn_s, %c[s]\n.set snn_rw, %c[rw]\n.set snn_cw, %c[cw]\n"
      ".set snn_room, %c[room]\n.set snn_breach, %c[breach]\n.set snn_step, %c[step]\n" ::[taps] "i"(T),
      [k] "i"(K), [s] "i"(S), [rw] "i"(RowWords), [cw] "i"(ChannelWords),
      [room] "i"(conv_v6m::ldr_reach_words - 2 * (conv_v6m::pairs - 1) * S), [breach] "i"(conv_v6m::ldrb_reach),
      [step] "i"(conv_v6m::adds_step));
  asm volatile(
      ".syntax unified\n"
      ".set snn_i, 0\n"   // the step's first tap
      ".set snn_xb, 0\n"  // words xp has advanced
      ".set snn_wb, 0\n"  // bytes wp has advanced
      ".rept snn_taps\n"
      ".if snn_i < snn_taps\n"
      // word offsets of tap a and of the next tap b in the band: (c ChannelWords + ky RowWords + kx)
      ".set snn_oa, (snn_i / (snn_k * snn_k)) * snn_cw + ((snn_i %% (snn_k * snn_k)) / snn_k) * snn_rw + snn_i %% snn_k\n"
      ".set snn_j, snn_i + 1\n"
      ".set snn_ob, (snn_j / (snn_k * snn_k)) * snn_cw + ((snn_j %% (snn_k * snn_k)) / snn_k) * snn_rw + snn_j %% snn_k\n"
      // xp to tap a's row, in ADDS steps of at most adds_step bytes
      ".set snn_d, 4 * (snn_oa - snn_i %% snn_k - snn_xb)\n"
      ".set snn_xb, snn_oa - snn_i %% snn_k\n"
      ".rept 8\n"
      ".if snn_d > snn_step\n"
      "adds %[xp], #snn_step\n"
      ".set snn_d, snn_d - snn_step\n"
      ".endif\n"
      ".endr\n"
      ".if snn_d\n"
      "adds %[xp], #snn_d\n"
      ".endif\n"
      ".set snn_pair, 0\n"
      ".if snn_j < snn_taps\n"
      ".if snn_ob - snn_xb <= snn_room\n"
      ".set snn_pair, 1\n"
      ".endif\n"
      ".endif\n"
      // wp within LDRB's reach of both weights
      ".if snn_i + 1 - snn_wb > snn_breach\n"
      "adds %[wp], #(snn_i - snn_wb)\n"
      ".set snn_wb, snn_i\n"
      ".endif\n"
      "ldrb %[wa], [%[wp], #(snn_i - snn_wb)]\n"
      "sxtb %[wa], %[wa]\n"
      ".if snn_pair\n"
      "ldrb %[wb], [%[wp], #(snn_i + 1 - snn_wb)]\n"
      "sxtb %[wb], %[wb]\n"
      ".endif\n"
      STATICNN_V6M_PAIR(0, a0, a1)
      STATICNN_V6M_PAIR(1, a2, a3)
      STATICNN_V6M_PAIR(2, a4, a5)
      STATICNN_V6M_PAIR(3, a6, a7)
      ".set snn_i, snn_i + 1 + snn_pair\n"
      ".endif\n"
      ".endr\n"
      : [a0] "+h"(a0), [a1] "+h"(a1), [a2] "+h"(a2), [a3] "+h"(a3), [a4] "+h"(a4), [a5] "+l"(a5), [a6] "+r"(a6),
        [a7] "+r"(a7), [wa] "=&l"(wa), [wb] "=&l"(wb), [pk] "=&l"(pk), [t] "=&l"(t), [xp] "+l"(x), [wp] "+l"(w)
      :
      : "cc", "memory");
#undef STATICNN_V6M_PAIR
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3, acc[4] = a4, acc[5] = a5, acc[6] = a6, acc[7] = a7;
#else  // the same sums in C++ (-Os, -O0: kernels/target.hpp), from the same packed band
  for (std::size_t c = 0; c < T / (K * K); ++c)
    for (std::size_t ky = 0; ky < K; ++ky)
      for (std::size_t kx = 0; kx < K; ++kx) {
        const std::int32_t wv = *w++;
        const std::int32_t* xr = x + c * ChannelWords + ky * RowWords + kx;
        for (std::size_t q = 0; q < conv_v6m::pairs; ++q) {
          const std::int32_t word = xr[2 * q * S];
          const std::int32_t lo = static_cast<std::int16_t>(word);  // -x of pixel 2q; -x of 2q + 1 above it
          acc[2 * q] += wv * lo;
          acc[2 * q + 1] += wv * ((word - lo) >> 16);
        }
      }
#endif
}

// conv2d_s8_rows_portable's contract: x C x H x W int8, w the G channels' C x K x K weights, q the
// rescale from the first of them, y G x rows x OW. Pad > 0: x is read unpadded, as the input
// padded with Pad rows and columns of `pad` on every side (the packing puts it in; output rows
// and OW those of the padded input).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0>
void conv2d_s8_v6m(const std::int8_t* x, const std::int8_t* w, const channel_rescale& q, std::int8_t* y,
                   std::size_t oy0, std::size_t rows, [[maybe_unused]] std::int8_t pad = 0) {
  constexpr std::size_t PH = H + 2 * Pad, PW = W + 2 * Pad;
  static_assert(conv2d_s8_v6m_fits<C, PH, PW, K, S>, "conv2d_s8_v6m: shape outside the kernel's reach");
  constexpr std::size_t OW = (PW - K) / S + 1, P = conv_v6m::block_pixels;
  constexpr std::size_t R = conv_v6m::rows_per_band<C, K, S>, band_rows = (R - 1) * S + K;
  constexpr std::size_t RW = conv_v6m::row_words<K, S>, CW = band_rows * RW;
  constexpr std::size_t CG = conv_v6m::group_channels<C, K>, groups = C / CG, tail = C % CG;
  constexpr std::size_t blocks = (OW + P - 1) / P;
  constexpr std::uint64_t sum_max = std::uint64_t{C * K * K} * 127u * 128u;
  const bool clamped = q.act_min > -128 || q.act_max < 127;
  // Channel g's rescale, of the negated sums: made once per call into rq where they fit
  // max_rescale_bytes (several blocks a row), else once per block.
  auto make = [&](std::size_t g) {
    const std::int32_t bias = q.bias[g];
    const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
    const std::uint32_t bound =
        bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;
    return rescale_v6m::make(q.multiplier[g], q.shift[g], q.zero_point, bound, true);
  };
  constexpr bool kept = G * sizeof(rescale_v6m) <= conv_v6m::max_rescale_bytes;
  rescale_v6m rq[kept ? G : 1];
  if constexpr (kept)
    for (std::size_t g = 0; g < G; ++g) rq[g] = make(g);
  std::int32_t band[C * CW];
  for (std::size_t r0 = 0; r0 < rows; r0 += R) {
    const std::size_t n = rows - r0 < R ? rows - r0 : R;
    const std::size_t in_rows = (n - 1) * S + K;
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::size_t ox0 = b * P + P <= OW ? b * P : OW - P;
      auto pack = [](std::int32_t lo, std::int32_t hi) {  // -(lo + hi 2^16) mod 2^32
        return static_cast<std::int32_t>(0u - (static_cast<std::uint32_t>(lo) + (static_cast<std::uint32_t>(hi) << 16)));
      };
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t i = 0; i < in_rows; ++i) {
          std::int32_t* dst = band + c * CW + i * RW;
          const std::size_t py = (oy0 + r0) * S + i;  // row of the padded input
          if constexpr (Pad == 0) {
            const std::int8_t* src = x + (c * H + py) * W + ox0 * S;
            for (std::size_t j = 0; j < RW; ++j) dst[j] = pack(src[j], src[j + S]);
          } else {
            const bool inside = py >= Pad && py < Pad + H;
            const std::int8_t* src = x + (c * H + (inside ? py - Pad : 0)) * W;
            auto at = [&](std::size_t px) -> std::int32_t {  // column px of the padded row
              return inside && px >= Pad && px < Pad + W ? src[px - Pad] : pad;
            };
            for (std::size_t j = 0; j < RW; ++j) dst[j] = pack(at(ox0 * S + j), at(ox0 * S + j + S));
          }
        }
      for (std::size_t g = 0; g < G; ++g) {
        if constexpr (!kept) rq[0] = make(g);
        const rescale_v6m& rg = rq[kept ? g : 0];
        const std::int8_t* wg = w + g * C * K * K;
        const std::int32_t start = static_cast<std::int32_t>(0u - static_cast<std::uint32_t>(q.bias[g]));
        for (std::size_t r = 0; r < n; ++r) {
          std::int8_t* yr = y + (g * rows + r0 + r) * OW;
          std::int32_t acc[P] = {start, start, start, start, start, start, start, start};
          const std::int32_t* xb = band + r * S * RW;
          for (std::size_t k = 0; k < groups; ++k)
            conv_pairs_v6m<CG * K * K, K, S, RW, CW>(xb + k * CG * CW, wg + k * CG * K * K, acc);
          if constexpr (tail > 0) conv_pairs_v6m<tail * K * K, K, S, RW, CW>(xb + groups * CG * CW, wg + groups * CG * K * K, acc);
          rg.store_n<P>(acc, yr + ox0);  // the rescale of -acc
          if (clamped)  // a fused activation's clamp
            for (std::size_t i = 0; i < P; ++i) yr[ox0 + i] = q.clamp(yr[ox0 + i]);
        }
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0>
void conv2d_s8_v6m(const std::int8_t*, const std::int8_t*, const channel_rescale&, std::int8_t*, std::size_t,
                   std::size_t, std::int8_t = 0);  // ARMv6-M only
#endif

}  // namespace staticnn::kernels::arm
