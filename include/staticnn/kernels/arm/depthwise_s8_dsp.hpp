#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 depthwise convolution of one channel, channel
// multiplier 1, any K <= max_taps, stride and padding: the results of kernels/depthwise_s8.hpp's
// portable path bit for bit (the same int32 sums, requantization and clamp).
//
// The padded input rows are widened to int16 (padding: the input zero point; SXTB16 four values a
// word), so a tap pair is one 32-bit load (unaligned LDR where the column is odd). A channel whose
// widened padded map and int32 accumulators fit max_channel_bytes (depthwise_s8_dsp_whole_channel)
// is widened whole, once, and all its accumulators computed before one rescale pass over them; a
// larger one keeps a ring of K widened rows (each twice, so that an output row's K rows are
// consecutive) and computes and rescales a row of outputs at a time.
// The channel's K x K weights stay in registers as int16 pair words, row ky's taps (w0, w1),
// (w2, w3), ... and, for odd K, the last tap alone: per output and kernel row K / 2 loads and
// SMLADs, and for odd K one LDRSH and one MLA; for K = 3 two outputs a step share their loads
// (stride 1: 2 loads, stride 2: 3 loads for 6 MACs each). For K = 3 a channel is mostly
// widened into even and odd column planes instead (depthwise_s8_dsp_planes: SXTB16's halves stored
// as they come, no repacking), the whole channel at once or, for larger maps, a chunk of output
// rows at a time; stride 1 computes two output rows a step (row_pair_sums_k3s1_planes), which share
// two of their four rows' loads and pair those rows' middle taps. K = 3, stride 2, padding 0-1
// (depthwise_s8_dsp_s2_columns) takes neither: its sums come straight from the int8 rows in
// column strips (depthwise_s8_s2_dsp.hpp); the planes' stride-2 routines serve the other
// stride-2 shapes (padding 2, rows under 4, sums over max_s2_acc_bytes). The rescale takes 4 outputs a step
// (rescale_quads below); the layer loop (depthwise_s8_dsp) works out the clamp's constants once
// (layer_clamp).
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_rows_dsp.hpp"
#include "depthwise_s8_s2_dsp.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace depthwise_dsp {
inline constexpr std::size_t max_taps = 7;           // K: the pair words of a K x K kernel in registers
inline constexpr std::size_t max_row_bytes = 1024;   // the int16 ring: K rows of the padded width
inline constexpr std::size_t max_channel_bytes = 2048;  // a whole widened padded channel + its int32 sums
inline constexpr std::size_t quad = 4;               // outputs per rescale step (one word of int8)
// A whole channel's stack buffers: the widened padded map plus slack_halves int16 (the second
// output of a K = 3 pair step past the last column reads 2 columns on), the accumulators plus one
// (that second output's slot).
inline constexpr std::size_t slack_halves = 2;
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr std::size_t channel_bytes =
    2 * ((H + 2 * P) * (W + 2 * P) + slack_halves) + 4 * (((H + 2 * P - K) / S + 1) * ((W + 2 * P - K) / S + 1) + 1);
}  // namespace depthwise_dsp

// The shapes depthwise_s8_channel_dsp takes: a kernel whose pair words fit in registers, and a
// ring of K widened padded rows of at most max_row_bytes (on the stack twice).
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_s8_dsp_fits = target::arm_dsp && K >= 2 && K <= depthwise_dsp::max_taps && S >= 1 &&
                                              S <= K && K * (W + 2 * P) * 2 <= depthwise_dsp::max_row_bytes;
// The shapes it widens whole (small maps: no per-row setup).
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_s8_dsp_whole_channel =
    depthwise_s8_dsp_fits<H, W, K, S, P> && depthwise_dsp::channel_bytes<H, W, K, S, P> <= depthwise_dsp::max_channel_bytes;

// K = 3 on a whole channel split into column planes (depthwise_dsp::planes): each padded
// row widened as its even columns E then its odd columns O, so that SXTB16's two halves of a word
// ((x0, x2), (x1, x3)) are stored as they come, with no repacking.
namespace depthwise_dsp {
template <std::size_t PW, std::size_t P>
struct planes {
  // E's int16 and O's, each with one of slack (the second output of a step past an odd OW reads
  // E[OW + 1] and O[OW]).
  static constexpr std::size_t even = (PW + 1) / 2 + 1, odd = PW / 2 + 1;
  // The first input column's entries, E[(P + 1) / 2] and O[P / 2], start a word (each plane one
  // int16 on where that entry is odd), so that the row's words widen into whole-word stores.
  static constexpr std::size_t e_at = (P + 1) / 2 % 2;                                 // E[0]'s int16
  static constexpr std::size_t o_at = e_at + even + (e_at + even + P / 2) % 2;          // O[0]'s
  static constexpr std::size_t odd_from_even = o_at - e_at;                             // O[0] - E[0]
  static constexpr std::size_t row = (o_at + odd + 1) / 2 * 2;                          // a padded row's int16
};
template <std::size_t H, std::size_t W, std::size_t S, std::size_t P>
inline constexpr std::size_t planes_bytes =
    2 * (H + 2 * P) * planes<W + 2 * P, P>::row + 4 * (((H + 2 * P - 3) / S + 1) * ((W + 2 * P - 3) / S + 1) + 1);
// A larger channel runs in chunks of output rows, each chunk's padded rows widened (the rows two
// chunks share twice) and its sums rescaled before the next: within max_chunk_bytes, the most rows
// in an even count (whole row pairs), at least 2.
inline constexpr std::size_t max_chunk_bytes = 3072;
template <std::size_t H, std::size_t W, std::size_t S, std::size_t P>
inline constexpr std::size_t planes_chunk = [] {
  constexpr std::size_t OH = (H + 2 * P - 3) / S + 1, OW = (W + 2 * P - 3) / S + 1, row = 2 * planes<W + 2 * P, P>::row;
  if constexpr (planes_bytes<H, W, S, P> <= max_channel_bytes) {
    return OH;
  } else {
    constexpr std::size_t fixed = row * (3 - S) + 4, per_row = row * S + 4 * OW;
    constexpr std::size_t n = fixed < max_chunk_bytes ? (max_chunk_bytes - fixed) / per_row : 0;
    constexpr std::size_t rows = n / 2 * 2;
    return rows >= OH ? OH : rows >= 2 ? rows : std::size_t{0};
  }
}();
// The narrow, tall maps whose K = 3 stride-1 channel walks down its columns (column_sums_k3s1).
template <std::size_t RowHalves, std::size_t PH, std::size_t OW>
inline constexpr bool column_walk_fits = PH >= 3 && PH <= 66 && 2 * RowHalves <= 255 && 4 * OW <= 255;
// The offsets of row_pair_sums_k3s1_planes / _k3s2_planes within LDR's and STRD's immediates: loads
// from rows up to 2 S + 1 rows on (a bound: stride 2 reads up to 4 on), stores into 2 output rows.
template <std::size_t S, std::size_t RowHalves, std::size_t EvenHalves, std::size_t OW>
inline constexpr bool row_pair_fits = 2 * S * ((OW + 1) / 2) + 2 + 2 * (2 * S + 1) * RowHalves + 2 * EvenHalves < 4096 &&
                                      8 * ((OW + 1) / 2) + 4 * OW <= 1020;
template <std::size_t H, std::size_t W, std::size_t P>
inline constexpr bool walks_columns = H > W && column_walk_fits<W + 2 * P, H + 2 * P, W + 2 * P - 2>;
// widen_rows_planes's stores: the first 8-value step's words (x0, x2), (x4, x6) at
// widen_first_bytes from a planes row's start, (x1, x3), (x5, x7) at widen_second_bytes.
template <std::size_t W, std::size_t P>
inline constexpr std::size_t widen_first_bytes =
    2 * (P % 2 == 0 ? planes<W + 2 * P, P>::e_at + P / 2 : planes<W + 2 * P, P>::o_at + P / 2);
template <std::size_t W, std::size_t P>
inline constexpr std::size_t widen_second_bytes =
    2 * (P % 2 == 0 ? planes<W + 2 * P, P>::o_at + P / 2 : planes<W + 2 * P, P>::e_at + (P + 1) / 2);
template <std::size_t W, std::size_t P>
inline constexpr bool widen_rows_planes_fits =
    W >= 4 && W % 4 == 0 && widen_first_bytes<W, P> % 4 == 0 && widen_second_bytes<W, P> % 4 == 0 &&
    2 * planes<W + 2 * P, P>::row +
            (widen_first_bytes<W, P> > widen_second_bytes<W, P> ? widen_first_bytes<W, P> : widen_second_bytes<W, P>) +
            2 * W <=
        1020;
}  // namespace depthwise_dsp
// Strides 1 (but for the column walk's maps) and 2.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_s8_dsp_planes =
    depthwise_s8_dsp_fits<H, W, K, S, P> && K == 3 && (S == 2 || (S == 1 && !depthwise_dsp::walks_columns<H, W, P>)) &&
    depthwise_dsp::planes_chunk<H, W, S, P> != 0 && 2 * 2 * depthwise_dsp::planes<W + 2 * P, P>::row + 4 * (W + 2 * P) < 4096;
// Whether a constant layer of C channels (K = 3, stride 1, the whole channel in planes at once)
// takes its channels' words made at compile time (depthwise_dsp::s2_known_table, the same words as
// the column strips' constant layers; depthwise_s8_dsp_s1_known): a table of at most
// max_s2_table_bytes. Any map size: the table costs flash, not time.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_s8_dsp_s1_table =
    depthwise_s8_dsp_planes<H, W, K, S, P> && S == 1 &&
    depthwise_dsp::planes_chunk<H, W, S, P> == (H + 2 * P - K) / S + 1 &&
    C * sizeof(depthwise_dsp::s2_channel) <= depthwise_dsp::max_s2_table_bytes;

#ifdef STATICNN_ARM_DSP
namespace depthwise_dsp {
inline constexpr std::uint32_t bottom_half = 0x0000ffffu, top_half = 0xffff0000u;  // of a pair word
// The int16 pair word (lo, hi): lo in the bottom half.
[[gnu::always_inline]] inline std::int32_t pair(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & bottom_half) | (static_cast<std::uint32_t>(hi) << 16));
}
// (lo's bottom half, hi's bottom half) and (lo's bottom half, hi's top half): PKHBT.
[[gnu::always_inline]] inline std::int32_t pack_bottoms(std::int32_t lo, std::int32_t hi) {
  std::int32_t r;
  asm("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}
[[gnu::always_inline]] inline std::int32_t pack_bottom_top(std::int32_t lo, std::int32_t hi) {
  std::int32_t r;
  asm("pkhbt %0, %1, %2" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}
// n int8 values widened to int16 (n a multiple of 4): per word one LDR, two SXTB16 ((x0, x2),
// (x1, x3)), PKHBT and PKHTB ((x0, x1), (x2, x3)), two STR.
[[gnu::always_inline]] inline void widen(const std::int8_t* x, std::int16_t* r, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 4) {
    std::uint32_t v, lo, hi;
    __builtin_memcpy(&v, x + i, 4);
    const std::uint32_t even = __sxtb16(v), odd = static_cast<std::uint32_t>(conv_rows::sxtb16_ror8(v));
    asm("pkhbt %0, %1, %2, lsl #16" : "=r"(lo) : "r"(even), "r"(odd));
    asm("pkhtb %0, %1, %2, asr #16" : "=r"(hi) : "r"(odd), "r"(even));
    __builtin_memcpy(r + i, &lo, 4), __builtin_memcpy(r + i + 2, &hi, 4);
  }
}
// Padded row iy (of H + 2P) of the input channel xc (H x W) widened into r (W + 2P int16).
template <std::size_t H, std::size_t W, std::size_t P>
[[gnu::always_inline]] inline void widen_row(const std::int8_t* xc, std::size_t iy, std::int16_t* r, std::int16_t zin) {
  constexpr std::size_t PW = W + 2 * P;
  if (iy < P || iy >= H + P) {
    for (std::size_t i = 0; i < PW; ++i) r[i] = zin;
    return;
  }
  // The row's whole words, its last W % 4 values one by one, then the padding.
  constexpr std::size_t body = W / 4 * 4;
  const std::int8_t* xr = xc + (iy - P) * W;
  widen(xr, r + P, body);
  for (std::size_t i = body; i < W; ++i) r[P + i] = xr[i];
  for (std::size_t i = 0; i < P; ++i) r[i] = zin, r[P + W + i] = zin;
}

// The asm text rescale_quads and rescale_quads_top share (operands v0, v1, t, wd, hi, y, a, end,
// n as both name them; a quad macro snn_dw_quad%= with a parameter wide):
// STATICNN_DW_PAIRS_TO_BYTES: the halfword pairs (u0, u2) in v0 and (u1, u3) in v1, saturated to
// [0, 255] (USAT16), into the bytes u0 u1 u2 u3 of v0 (ORR).
#define STATICNN_DW_PAIRS_TO_BYTES                                             \
  "usat16 %[v0], #8, %[v0]\n"                                                  \
  "usat16 %[v1], #8, %[v1]\n"                                                  \
  "orr %[v0], %[v0], %[v1], lsl #8\n"
// STATICNN_DW_CLAMP_STORE (inside the quad macro): the 4 bytes u in v0 clamped to lo + min(u,
// width) (UQSUB8 d = max(width - u, 0), USUB8 hi - d; wide, where width4 is all ones: u - 128,
// one EOR of each byte's top bit), one STR.
#define STATICNN_DW_CLAMP_STORE                                                \
  ".if \\wide\n"                                                               \
  "eor %[v0], %[v0], #0x80808080\n" /* u - 128 bytewise */                     \
  ".else\n"                                                                    \
  "uqsub8 %[t], %[wd], %[v0]\n" /* max(width - u, 0) */                        \
  "usub8 %[v0], %[hi], %[t]\n"                                                 \
  ".endif\n"                                                                   \
  "str %[v0], [%[y]], #4\n"
// STATICNN_DW_QUAD_LOOPS: the loops over the quads (acc a to end, n of them, n >= 1), 2 quads a
// pass, an odd count entering at the pass's second; where wl (a wide loop) and width4 is all ones
// (CMN #1), the wide quads' loop instead, w4: 4 quads a pass there (a count of 4k + j entering at
// the pass's (4 - j)th: LSLS #31 puts bits 0 and 1 of n in N and C).
#define STATICNN_DW_QUAD_LOOPS                                                 \
  ".if %c[wl]\n"                                                               \
  "cmn %[wd], #1\n" /* width4 not all ones: the general loop */                \
  "bne 5f\n"                                                                   \
  ".if %c[w4]\n"                                                               \
  "lsls %[t], %[n], #31\n"                                                     \
  "bcs 8f\n"                                                                   \
  "bmi 6f\n"                                                                   \
  "3:\n"                                                                       \
  "snn_dw_quad%= 1\n"                                                          \
  "4:\n"                                                                       \
  "snn_dw_quad%= 1\n"                                                          \
  "7:\n"                                                                       \
  "snn_dw_quad%= 1\n"                                                          \
  "6:\n"                                                                       \
  "snn_dw_quad%= 1\n"                                                          \
  "cmp %[a], %[end]\n"                                                         \
  "bne 3b\n"                                                                   \
  "b 9f\n"                                                                     \
  "8:\n"                                                                       \
  "bmi 4b\n"                                                                   \
  "b 7b\n"                                                                     \
  ".else\n"                                                                    \
  "tst %[n], #1\n"                                                             \
  "bne 4f\n"                                                                   \
  "3:\n"                                                                       \
  "snn_dw_quad%= 1\n"                                                          \
  "4:\n"                                                                       \
  "snn_dw_quad%= 1\n"                                                          \
  "cmp %[a], %[end]\n"                                                         \
  "bne 3b\n"                                                                   \
  "b 9f\n"                                                                     \
  ".endif\n"                                                                   \
  "5:\n"                                                                       \
  ".endif\n"                                                                   \
  "tst %[n], #1\n" /* an odd count enters at the second quad */                \
  "bne 2f\n"                                                                   \
  "1:\n"                                                                       \
  "snn_dw_quad%= 0\n"                                                          \
  "2:\n"                                                                       \
  "snn_dw_quad%= 0\n"                                                          \
  "cmp %[a], %[end]\n"                                                         \
  "bne 1b\n"                                                                   \
  "9:\n"

// The doubled rescale and clamp (see depthwise_s8_channel_dsp) of quads x 4 accumulators acc
// (4-byte aligned) into y, 4 outputs a step, 2 steps a loop: per output SMMLAR, ADD (t - [acc <
// 0]; Signed only), ASR e and USAT 8 (u in [0, 255]); three ORR put the 4 u in one word, UQSUB8
// takes d = max(width - u, 0) bytewise and USUB8 hi - d = lo + min(u, width) (in [lo, hi]: int8
// bytes), one STR.
// Signed = false is for a clamp with lo >= zero_point (a fused ReLU or ReLU6): there an acc < 0
// has s = SMMULR(2 acc, m) <= 0, so (c2 + s) >> e <= zero_point - lo <= 0 with or without the -1,
// and USAT makes both 0: the correction cannot change an output.
// Narrow: every (t - [acc < 0]) >> e of the channel is known to lie in int16 (depthwise_s8_channel_dsp's narrow):
// two PKHBT put the 4 in halfword pairs (u0, u2), (u1, u3) and two USAT16 saturate them, one ORR
// makes the word.
// Narrow channels whose clamp is int8's own range (lo = -128, hi = 127: width4 all ones; no fused
// activation, or a calibrated ReLU / ReLU6 whose zero point is -128) take a second loop where
// lo + min(u, width) = u - 128 is one EOR of each byte's top bit instead of UQSUB8 and USUB8; the
// choice costs a CMN and a branch a call.
// Registers (all named, so that the arguments stay where the call brings them): acc r0, y r1,
// quads r2, m r3, the 4 sums r4-r7 (LDM), c2 r8, e r9, width4 r10, hi4 r11, the end r12, t lr.
template <bool Signed, bool Narrow>
[[gnu::noinline]] inline void rescale_quads(const std::int32_t* acc, std::int8_t* y, std::size_t quads, std::int32_t m,
                                            std::int32_t c2, std::int32_t e, std::uint32_t width4, std::uint32_t hi4) {
  if (quads == 0) return;
  register const std::int32_t* ra asm("r0") = acc;
  register std::int8_t* ry asm("r1") = y;
  register std::size_t rn asm("r2") = quads;
  register std::int32_t rm asm("r3") = m;
  register std::int32_t v0 asm("r4"), v1 asm("r5"), v2 asm("r6"), v3 asm("r7");
  register std::int32_t rc2 asm("r8") = c2, re asm("r9") = e;
  register std::uint32_t rwd asm("r10") = width4, rhi asm("r11") = hi4;
  register const std::int32_t* rend asm("r12") = acc + quad * quads;
  register std::int32_t t asm("lr");
  asm volatile(
      ".macro snn_dw_rescale%= v\n"
      "smmlar %[t], \\v, %[m], %[c2]\n"
      ".if %c[sgn]\n"
      "add \\v, %[t], \\v, asr #31\n"
      "asr \\v, \\v, %[e]\n"
      ".else\n"
      "asr \\v, %[t], %[e]\n"
      ".endif\n"
      ".if !%c[nar]\n"
      "usat \\v, #8, \\v\n"
      ".endif\n"
      ".endm\n"
      ".macro snn_dw_quad%= wide\n"
      "ldm %[a]!, {%[v0], %[v1], %[v2], %[v3]}\n"
      "snn_dw_rescale%= %[v0]\n"
      "snn_dw_rescale%= %[v1]\n"
      "snn_dw_rescale%= %[v2]\n"
      "snn_dw_rescale%= %[v3]\n"
      ".if %c[nar]\n"
      "pkhbt %[v0], %[v0], %[v2], lsl #16\n"
      "pkhbt %[v1], %[v1], %[v3], lsl #16\n"
      STATICNN_DW_PAIRS_TO_BYTES
      ".else\n"
      "orr %[v0], %[v0], %[v1], lsl #8\n"
      "orr %[v0], %[v0], %[v2], lsl #16\n"
      "orr %[v0], %[v0], %[v3], lsl #24\n"
      ".endif\n"                              // bytes u0 u1 u2 u3
      STATICNN_DW_CLAMP_STORE
      ".endm\n"
      STATICNN_DW_QUAD_LOOPS
      ".purgem snn_dw_rescale%=\n"
      ".purgem snn_dw_quad%=\n"
      : [a] "+r"(ra), [y] "+r"(ry), [v0] "=&r"(v0), [v1] "=&r"(v1), [v2] "=&r"(v2), [v3] "=&r"(v3), [t] "=&r"(t)
      : [m] "r"(rm), [c2] "r"(rc2), [e] "r"(re), [wd] "r"(rwd), [hi] "r"(rhi), [end] "r"(rend), [n] "r"(rn),
        [sgn] "i"(Signed), [nar] "i"(Narrow), [wl] "i"(Narrow), [w4] "i"(0)
      : "cc", "memory");
}

// The top-half rescale (depthwise_s8_channel_dsp's top form): accumulators scaled by 2^(17 - e),
// per output T = SMMLA(acc, m, ra) whose top half is the output's u before saturation, so that no
// shift is needed: PKHTB ..., ASR #16 takes two top halves into a halfword pair ((u0, u2) and
// (u1, u3)), USAT16 saturates them, one ORR makes the word, and the clamp as rescale_quads's
// (UQSUB8 and USUB8, or where width4 is all ones one EOR): 13 or 12 instructions for 4 outputs
// (rescale_quads<false, true>: 17 or 16). The loop takes 2 quads a pass, the wide one (EOR) 4.
// Half (the top form's e = 8, whose 2^9 would not fit the weights' int16 halves): accumulators
// scaled by 2^8 and ra halved, so that u is T's bits 15-30 (T / 2^15): PKHTB's ASR #15 takes the
// bottom slots' u, and the top slots' T (u2, u3) are doubled first (LSL #1; |T| < 2^30 where u
// fits an int16): 2 instructions more for 4 outputs.
// Registers (all named, the arguments where the call brings them): acc r0, y r1, quads r2, m r3,
// the 4 sums r4-r7 (LDM), ra r8, width4 r9, hi4 r10, the end r12, t lr.
template <bool Half = false>
[[gnu::noinline]] inline void rescale_quads_top(const std::int32_t* acc, std::int8_t* y, std::size_t quads, std::int32_t m,
                                                std::int32_t ra, std::uint32_t width4, std::uint32_t hi4) {
  if (quads == 0) return;
  register const std::int32_t* pa asm("r0") = acc;
  register std::int8_t* py asm("r1") = y;
  register std::size_t rn asm("r2") = quads;
  register std::int32_t rm asm("r3") = m;
  register std::int32_t v0 asm("r4"), v1 asm("r5"), v2 asm("r6"), v3 asm("r7");
  register std::int32_t rra asm("r8") = ra;
  register std::uint32_t rwd asm("r9") = width4, rhi asm("r10") = hi4;
  register const std::int32_t* rend asm("r12") = acc + quad * quads;
  register std::int32_t t asm("lr");
  asm volatile(
      ".macro snn_dw_quad%= wide\n"
      "ldm %[a]!, {%[v0], %[v1], %[v2], %[v3]}\n"
      "smmla %[v0], %[v0], %[m], %[ra]\n"
      "smmla %[v1], %[v1], %[m], %[ra]\n"
      "smmla %[v2], %[v2], %[m], %[ra]\n"
      "smmla %[v3], %[v3], %[m], %[ra]\n"
      ".if %c[half]\n"
      "lsl %[v2], %[v2], #1\n"
      "lsl %[v3], %[v3], #1\n"
      ".endif\n"
      "pkhtb %[v0], %[v2], %[v0], asr #(16 - %c[half])\n"  // (u0, u2)
      "pkhtb %[v1], %[v3], %[v1], asr #(16 - %c[half])\n"  // (u1, u3)
      STATICNN_DW_PAIRS_TO_BYTES
      STATICNN_DW_CLAMP_STORE
      ".endm\n"
      STATICNN_DW_QUAD_LOOPS
      ".purgem snn_dw_quad%=\n"
      : [a] "+r"(pa), [y] "+r"(py), [v0] "=&r"(v0), [v1] "=&r"(v1), [v2] "=&r"(v2), [v3] "=&r"(v3), [t] "=&r"(t)
      : [m] "r"(rm), [ra] "r"(rra), [wd] "r"(rwd), [hi] "r"(rhi), [end] "r"(rend), [n] "r"(rn),
        [half] "i"(static_cast<int>(Half)), [wl] "i"(1), [w4] "i"(1)
      : "cc", "memory");
}
#undef STATICNN_DW_QUAD_LOOPS
#undef STATICNN_DW_CLAMP_STORE
#undef STATICNN_DW_PAIRS_TO_BYTES

// The accumulators (plus scale * bias) of an output row from its K widened padded rows (row(ky):
// kernel row ky's, stride S) into acc[0, OW); for K = 3 two outputs a step, the last of an odd OW
// writing acc[OW] and reading 2 columns past the row's last window. Rows may be a fixed stride
// apart (the whole channel: immediate offsets) or anywhere (the ring).
template <std::size_t K, std::size_t S, std::size_t OW, class Rows>
[[gnu::always_inline]] inline void row_sums(Rows row, const std::int32_t (&wp)[K][K / 2 > 0 ? K / 2 : 1],
                                            const std::int32_t (&ws)[K], const std::int32_t (&w12)[K], std::int32_t init,
                                            std::int32_t* acc) {
  constexpr std::size_t pairs = K / 2;  // pair words per kernel row
  constexpr bool single = K % 2 == 1;    // a last tap alone per kernel row
  if constexpr (K == 3 && S == 1) {
    // From A = (x0, x1), B = (x2, x3) of kernel row ky: out0 += w0 x0 + w1 x1 (SMLAD A) + w2 x2
    // (SMLATB B); out1 += w0 x1 (SMLABT A) + w1 x2 + w2 x3 (SMLAD B), with the pair words (w0, w1)
    // and (w1, w2): 6 instructions for 6 MACs.
#pragma GCC unroll 1
    for (std::size_t ox = 0; ox < OW; ox += 2) {
      std::int32_t a0 = init, a1 = init;
#pragma GCC unroll 3
      for (std::size_t ky = 0; ky < K; ++ky) {
        std::int32_t xa, xb;
        __builtin_memcpy(&xa, row(ky) + ox, 4), __builtin_memcpy(&xb, row(ky) + ox + 2, 4);
        a0 = __smlad(static_cast<int16x2_t>(wp[ky][0]), static_cast<int16x2_t>(xa), a0);
        a0 = __smlatb(w12[ky], xb, a0);
        a1 = __smlabt(wp[ky][0], xa, a1);
        a1 = __smlad(static_cast<int16x2_t>(w12[ky]), static_cast<int16x2_t>(xb), a1);
      }
      acc[ox] = a0, acc[ox + 1] = a1;
    }
  } else if constexpr (K == 3 && S == 2) {
    // From A = (x0, x1), B = (x2, x3), C = (x4, x5): out0 += SMLAD (w0, w1) A + w2 x2 (SMLABB B);
    // out1 += SMLAD (w0, w1) B + w2 x4 (SMLABB C): 7 instructions for 6 MACs.
#pragma GCC unroll 1
    for (std::size_t ox = 0; ox < OW; ox += 2) {
      std::int32_t a0 = init, a1 = init;
#pragma GCC unroll 3
      for (std::size_t ky = 0; ky < K; ++ky) {
        std::int32_t xa, xb, xc;
        const std::int16_t* p = row(ky) + 2 * ox;
        __builtin_memcpy(&xa, p, 4), __builtin_memcpy(&xb, p + 2, 4), __builtin_memcpy(&xc, p + 4, 4);
        a0 = __smlad(static_cast<int16x2_t>(wp[ky][0]), static_cast<int16x2_t>(xa), a0);
        a0 = __smlabb(ws[ky], xb, a0);
        a1 = __smlad(static_cast<int16x2_t>(wp[ky][0]), static_cast<int16x2_t>(xb), a1);
        a1 = __smlabb(ws[ky], xc, a1);
      }
      acc[ox] = a0, acc[ox + 1] = a1;
    }
  } else {
#pragma GCC unroll 1
    for (std::size_t ox = 0; ox < OW; ++ox) {
      std::int32_t a = init;
#pragma GCC unroll 7
      for (std::size_t ky = 0; ky < K; ++ky) {
        const std::int16_t* p = row(ky) + ox * S;
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
  }
}
// row_sums for K = 3, stride 1 on rows row_halves int16 apart from r (the whole channel): the
// same two-outputs step in asm, a row's (OW + 1) / 2 steps unrolled with immediate offsets.
// Registers: the 6 pair words w01[ky] = (w0, w1), w12[ky] = (w1, w2), the initial sum, a0/a1
// (the step's two sums), xa/xb (its loads), r and acc: 13.
template <std::size_t RowHalves, std::size_t OW>
[[gnu::always_inline]] inline void row_sums_k3s1(const std::int16_t* r, const std::int32_t (&w01)[3],
                                                 const std::int32_t (&w12)[3], std::int32_t init, std::int32_t* acc) {
  constexpr int row_bytes = static_cast<int>(2 * RowHalves), steps = static_cast<int>((OW + 1) / 2);
  static_assert(2 * row_bytes + 2 * static_cast<int>(OW) + 4 < 4096 && 4 * (OW + 1) <= 1020,
                "row_sums_k3s1: offsets beyond LDR's or STRD's immediate");
  std::int32_t a0, a1, xa, xb;
  asm volatile(
      ".set staticnn_dw_ox, 0\n"
      ".rept %c[steps]\n"
      "ldr %[xa], [%[r], #(2 * staticnn_dw_ox)]\n"
      "ldr %[xb], [%[r], #(2 * staticnn_dw_ox + 4)]\n"
      "smlad %[a0], %[w0], %[xa], %[init]\n"
      "smlatb %[a0], %[v0], %[xb], %[a0]\n"
      "smlabt %[a1], %[w0], %[xa], %[init]\n"
      "smlad %[a1], %[v0], %[xb], %[a1]\n"
      "ldr %[xa], [%[r], #(2 * staticnn_dw_ox + %c[rb])]\n"
      "ldr %[xb], [%[r], #(2 * staticnn_dw_ox + %c[rb] + 4)]\n"
      "smlad %[a0], %[w1], %[xa], %[a0]\n"
      "smlatb %[a0], %[v1], %[xb], %[a0]\n"
      "smlabt %[a1], %[w1], %[xa], %[a1]\n"
      "smlad %[a1], %[v1], %[xb], %[a1]\n"
      "ldr %[xa], [%[r], #(2 * staticnn_dw_ox + 2 * %c[rb])]\n"
      "ldr %[xb], [%[r], #(2 * staticnn_dw_ox + 2 * %c[rb] + 4)]\n"
      "smlad %[a0], %[w2], %[xa], %[a0]\n"
      "smlatb %[a0], %[v2], %[xb], %[a0]\n"
      "smlabt %[a1], %[w2], %[xa], %[a1]\n"
      "smlad %[a1], %[v2], %[xb], %[a1]\n"
      "strd %[a0], %[a1], [%[acc], #(4 * staticnn_dw_ox)]\n"
      ".set staticnn_dw_ox, staticnn_dw_ox + 2\n"
      ".endr\n"
      : [a0] "=&r"(a0), [a1] "=&r"(a1), [xa] "=&r"(xa), [xb] "=&r"(xb)
      : [r] "r"(r), [acc] "r"(acc), [init] "r"(init), [w0] "r"(w01[0]), [w1] "r"(w01[1]), [w2] "r"(w01[2]),
        [v0] "r"(w12[0]), [v1] "r"(w12[1]), [v2] "r"(w12[2]), [steps] "i"(steps), [rb] "i"(row_bytes)
      : "memory");
}
// row_sums for K = 3, stride 2 on rows row_halves int16 apart from r: two outputs a step from
// A = (x0, x1), B = (x2, x3), C = (x4, x5) of each kernel row: out0 += SMLAD (w0, w1) A + w2 x2,
// out1 += SMLAD (w0, w1) B + w2 x4 (7 instructions for 6 MACs), a row's (OW + 1) / 2 steps
// unrolled with immediate offsets. Registers: w01[ky] = (w0, w1), the last taps u = (w2 of row 0,
// w2 of row 1) and v (w2 of row 2, bottom half), the initial sum, a0/a1, xa/xb, r and acc: 12.
template <std::size_t RowHalves, std::size_t OW>
[[gnu::always_inline]] inline void row_sums_k3s2(const std::int16_t* r, const std::int32_t (&w01)[3], std::int32_t u,
                                                 std::int32_t v, std::int32_t init, std::int32_t* acc) {
  constexpr int row_bytes = static_cast<int>(2 * RowHalves), steps = static_cast<int>((OW + 1) / 2);
  static_assert(2 * row_bytes + 8 * steps + 8 < 4096 && 8 * steps <= 1020,
                "row_sums_k3s2: offsets beyond LDR's or STRD's immediate");
  std::int32_t a0, a1, xa, xb;
  asm volatile(
      ".set staticnn_dw_s, 0\n"
      ".rept %c[steps]\n"
      "ldr %[xa], [%[r], #(8 * staticnn_dw_s)]\n"
      "ldr %[xb], [%[r], #(8 * staticnn_dw_s + 4)]\n"
      "smlad %[a0], %[w0], %[xa], %[init]\n"
      "ldr %[xa], [%[r], #(8 * staticnn_dw_s + 8)]\n"
      "smlad %[a1], %[w0], %[xb], %[init]\n"
      "smlabb %[a0], %[u], %[xb], %[a0]\n"
      "smlabb %[a1], %[u], %[xa], %[a1]\n"
      "ldr %[xa], [%[r], #(8 * staticnn_dw_s + %c[rb])]\n"
      "ldr %[xb], [%[r], #(8 * staticnn_dw_s + %c[rb] + 4)]\n"
      "smlad %[a0], %[w1], %[xa], %[a0]\n"
      "ldr %[xa], [%[r], #(8 * staticnn_dw_s + %c[rb] + 8)]\n"
      "smlad %[a1], %[w1], %[xb], %[a1]\n"
      "smlatb %[a0], %[u], %[xb], %[a0]\n"
      "smlatb %[a1], %[u], %[xa], %[a1]\n"
      "ldr %[xa], [%[r], #(8 * staticnn_dw_s + 2 * %c[rb])]\n"
      "ldr %[xb], [%[r], #(8 * staticnn_dw_s + 2 * %c[rb] + 4)]\n"
      "smlad %[a0], %[w2], %[xa], %[a0]\n"
      "ldr %[xa], [%[r], #(8 * staticnn_dw_s + 2 * %c[rb] + 8)]\n"
      "smlad %[a1], %[w2], %[xb], %[a1]\n"
      "smlabb %[a0], %[v], %[xb], %[a0]\n"
      "smlabb %[a1], %[v], %[xa], %[a1]\n"
      "strd %[a0], %[a1], [%[acc], #(8 * staticnn_dw_s)]\n"
      ".set staticnn_dw_s, staticnn_dw_s + 1\n"
      ".endr\n"
      : [a0] "=&r"(a0), [a1] "=&r"(a1), [xa] "=&r"(xa), [xb] "=&r"(xb)
      : [r] "r"(r), [acc] "r"(acc), [init] "r"(init), [w0] "r"(w01[0]), [w1] "r"(w01[1]), [w2] "r"(w01[2]), [u] "r"(u),
        [v] "r"(v), [steps] "i"(steps), [rb] "i"(row_bytes)
      : "memory");
}

// The whole channel for K = 3, stride 1 down one output column at a time (narrow, tall maps):
// the padded rows (PH of them, row_halves int16 apart from r, column ox's window at r) go down
// once, each adding to the three outputs that read it, kernel row 2 to the oldest (then stored),
// kernel row 1 to the next, kernel row 0 starting a new one: per input row 2 loads, 6 MACs
// (SMLAD with (w0, w1) on (x0, x1), SMLABB/SMLATB with the last taps on (x2, x3)) and one store.
// Unrolled over the rows with the three accumulators' roles rotating. acc: column ox of the
// OH x OW sums. Registers: kernel row ky's pair word w01[ky] = (w0, w1), the last taps of rows 0
// and 1 as one pair u = (w2 of row 0, w2 of row 1) and of row 2 in v's bottom half, the initial
// sum, r, acc, the accumulators a/b/c and x: 12.
template <std::size_t RowHalves, std::size_t PH, std::size_t OW>
[[gnu::always_inline]] inline void column_sums_k3s1(const std::int16_t* r, const std::int32_t (&w01)[3], std::int32_t u,
                                                    std::int32_t v, std::int32_t init, std::int32_t* acc) {
  static_assert(column_walk_fits<RowHalves, PH, OW>, "column_sums_k3s1: post-index offsets beyond 255 bytes");
  constexpr int row_bytes = static_cast<int>(2 * RowHalves), out_bytes = static_cast<int>(4 * OW);
  constexpr int middle = static_cast<int>(PH) - 2;  // input rows 2 .. PH-1, each completing an output
  std::int32_t a, b, c, x;
  asm volatile(
      ".macro staticnn_dw_k3col done, mid, new\n"
      "ldr %[x], [%[r], #4]\n"
      "smlabb \\done, %[v], %[x], \\done\n"
      "smlatb \\mid, %[u], %[x], \\mid\n"
      "smlabb \\new, %[u], %[x], %[init]\n"
      "ldr %[x], [%[r]], #%c[rb]\n"
      "smlad \\done, %[w2], %[x], \\done\n"
      "smlad \\mid, %[w1], %[x], \\mid\n"
      "smlad \\new, %[w0], %[x], \\new\n"
      "str \\done, [%[acc]], #%c[ob]\n"
      ".endm\n"
      // rows 0 and 1: the first output's kernel rows 0 and 1, the second's row 0
      "ldr %[x], [%[r], #4]\n"
      "smlabb %[a], %[u], %[x], %[init]\n"
      "ldr %[x], [%[r]], #%c[rb]\n"
      "smlad %[a], %[w0], %[x], %[a]\n"
      "ldr %[x], [%[r], #4]\n"
      "smlatb %[a], %[u], %[x], %[a]\n"
      "smlabb %[b], %[u], %[x], %[init]\n"
      "ldr %[x], [%[r]], #%c[rb]\n"
      "smlad %[a], %[w1], %[x], %[a]\n"
      "smlad %[b], %[w0], %[x], %[b]\n"
      ".rept %c[thirds]\n"
      "staticnn_dw_k3col %[a], %[b], %[c]\n"
      "staticnn_dw_k3col %[b], %[c], %[a]\n"
      "staticnn_dw_k3col %[c], %[a], %[b]\n"
      ".endr\n"
      ".if %c[rest] >= 1\n"
      "staticnn_dw_k3col %[a], %[b], %[c]\n"
      ".endif\n"
      ".if %c[rest] >= 2\n"
      "staticnn_dw_k3col %[b], %[c], %[a]\n"
      ".endif\n"
      ".purgem staticnn_dw_k3col\n"
      : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [x] "=&r"(x), [r] "+r"(r), [acc] "+r"(acc)
      : [init] "r"(init), [w0] "r"(w01[0]), [w1] "r"(w01[1]), [w2] "r"(w01[2]), [u] "r"(u), [v] "r"(v), [rb] "i"(row_bytes), [ob] "i"(out_bytes), [thirds] "i"(middle / 3), [rest] "i"(middle % 3)
      : "memory");
}
// Padded row iy (of H + 2P; a row inside the map) of the input channel xc (H x W) widened into the
// planes r (planes<W + 2P, P>): padded column j at E[j / 2] (j even) or O[j / 2] (j odd). Per 8
// values two LDR, four SXTB16 and two STRD (both planes' entries word-aligned there): (x0, x2),
// (x4, x6) and (x1, x3), (x5, x7) are consecutive entries of one plane each.
// Pads: also write the row's P padding columns at each end (zin); without, they are left as they
// are (a buffer whose padding was written once, depthwise_s8_dsp's whole channels: the stores here
// reach only the input's own columns).
template <std::size_t H, std::size_t W, std::size_t P, bool Pads = true>
[[gnu::always_inline]] inline void widen_row_planes(const std::int8_t* xc, std::size_t iy, std::int16_t* r,
                                                    std::int16_t zin) {
  using pl = planes<W + 2 * P, P>;
  auto at = [r](std::size_t j) -> std::int16_t& { return j % 2 == 0 ? r[pl::e_at + j / 2] : r[pl::o_at + j / 2]; };
  const std::int8_t* xr = xc + (iy - P) * W;
  // x[4q], x[4q + 2] land at padded columns P + 4q, P + 4q + 2: the plane of P's parity, from
  // entry (P + 4q) / 2; x[4q + 1], x[4q + 3] in the other plane, from entry (P + 4q + 1) / 2.
  std::int16_t* first = P % 2 == 0 ? r + pl::e_at + P / 2 : r + pl::o_at + P / 2;
  std::int16_t* second = P % 2 == 0 ? r + pl::o_at + P / 2 : r + pl::e_at + (P + 1) / 2;
  constexpr std::size_t octets = W / 8, body = W / 4 * 4;
  if constexpr (octets > 0) {
    const std::int8_t* x = xr;
    std::int16_t *pf = first, *ps = second;
    std::int32_t v0, v1, e0, e1;
    asm volatile(
        ".rept %c[n]\n"
        "ldr %[v1], [%[x], #4]\n"
        "ldr %[v0], [%[x]], #8\n"
        "sxtb16 %[e0], %[v0]\n"
        "sxtb16 %[e1], %[v1]\n"
        "sxtb16 %[v0], %[v0], ror #8\n"
        "sxtb16 %[v1], %[v1], ror #8\n"
        "strd %[e0], %[e1], [%[pf]], #8\n"
        "strd %[v0], %[v1], [%[ps]], #8\n"
        ".endr\n"
        : [x] "+r"(x), [pf] "+r"(pf), [ps] "+r"(ps), [v0] "=&r"(v0), [v1] "=&r"(v1), [e0] "=&r"(e0), [e1] "=&r"(e1)
        : [n] "i"(octets)
        : "memory");
  }
  if constexpr (body > 8 * octets) {
    std::uint32_t v;
    __builtin_memcpy(&v, xr + 8 * octets, 4);
    const std::uint32_t even = __sxtb16(v), odd = static_cast<std::uint32_t>(conv_rows::sxtb16_ror8(v));
    __builtin_memcpy(first + 4 * octets, &even, 4), __builtin_memcpy(second + 4 * octets, &odd, 4);
  }
  for (std::size_t i = body; i < W; ++i) at(P + i) = xr[i];
  if constexpr (Pads)
    for (std::size_t i = 0; i < P; ++i) at(i) = zin, at(P + W + i) = zin;
}
// The H rows of the input channel xc (H x W) widened into whole-channel planes (r: padded row P's
// start, planes<W + 2P, P>::row int16 a row) as widen_row_planes<H, W, P, false> each, in one loop
// over the rows, two a pass: per row the 8-value steps of widen_row_planes (a word's 4 values as
// one more LDR, two SXTB16 and two STR where W % 8 == 4), the stores at fixed offsets from the
// pass's first row; per pass one ADD, CMP and branch (an odd H enters at the second row, one row
// back). For W a multiple of 4 whose two rows' stores lie within STRD's immediate
// (widen_rows_planes_fits).
template <std::size_t H, std::size_t W, std::size_t P>
[[gnu::always_inline]] inline void widen_rows_planes(const std::int8_t* xc, std::int16_t* r) {
  static_assert(widen_rows_planes_fits<W, P>, "widen_rows_planes: W not a multiple of 4 or offsets beyond STRD's immediate");
  const std::int8_t* x = xc;
  const std::int8_t* const end = xc + H * W;
  std::int32_t v0, v1, e0, e1;
  asm volatile(
      ".macro snn_dw_widen_row%= at\n"  // a row at r + at bytes
      ".set staticnn_dw_k, 0\n"
      ".rept %c[n]\n"
      "ldr %[v1], [%[x], #4]\n"
      "ldr %[v0], [%[x]], #8\n"
      "sxtb16 %[e0], %[v0]\n"
      "sxtb16 %[e1], %[v1]\n"
      "sxtb16 %[v0], %[v0], ror #8\n"
      "sxtb16 %[v1], %[v1], ror #8\n"
      "strd %[e0], %[e1], [%[r], #(\\at + %c[fo] + 8 * staticnn_dw_k)]\n"
      "strd %[v0], %[v1], [%[r], #(\\at + %c[so] + 8 * staticnn_dw_k)]\n"
      ".set staticnn_dw_k, staticnn_dw_k + 1\n"
      ".endr\n"
      ".if %c[q]\n"
      "ldr %[v0], [%[x]], #4\n"
      "sxtb16 %[e0], %[v0]\n"
      "sxtb16 %[v0], %[v0], ror #8\n"
      "str %[e0], [%[r], #(\\at + %c[fo] + 8 * %c[n])]\n"
      "str %[v0], [%[r], #(\\at + %c[so] + 8 * %c[n])]\n"
      ".endif\n"
      ".endm\n"
      ".if %c[odd]\n"
      "sub %[r], %[r], #%c[rb]\n"
      "b 2f\n"
      ".endif\n"
      "1:\n"
      "snn_dw_widen_row%= 0\n"
      "2:\n"
      "snn_dw_widen_row%= %c[rb]\n"
      "add %[r], %[r], #(2 * %c[rb])\n"
      "cmp %[x], %[end]\n"
      "bne 1b\n"
      ".purgem snn_dw_widen_row%=\n"
      : [x] "+r"(x), [r] "+r"(r), [v0] "=&r"(v0), [v1] "=&r"(v1), [e0] "=&r"(e0), [e1] "=&r"(e1)
      : [end] "r"(end), [n] "i"(W / 8), [q] "i"(static_cast<int>(W % 8 == 4)), [fo] "i"(widen_first_bytes<W, P>),
        [so] "i"(widen_second_bytes<W, P>), [rb] "i"(2 * planes<W + 2 * P, P>::row), [odd] "i"(static_cast<int>(H % 2))
      : "cc", "memory");
}
// The padding of a whole channel's planes (planes_chunk == OH): the P rows above and below, the P
// columns at each end of the rows between, all zin. widen_row_planes<..., false> then fills the
// rest, channel after channel, without touching it.
template <std::size_t H, std::size_t W, std::size_t P>
inline void pad_planes(std::int16_t* xp, std::int16_t zin) {
  using pl = planes<W + 2 * P, P>;
  for (std::size_t i = 0; i < P * pl::row; ++i) xp[i] = zin, xp[(P + H) * pl::row + i] = zin;
  for (std::size_t iy = P; iy < P + H; ++iy) {
    std::int16_t* r = xp + iy * pl::row;
    auto at = [r](std::size_t j) -> std::int16_t& { return j % 2 == 0 ? r[pl::e_at + j / 2] : r[pl::o_at + j / 2]; };
    for (std::size_t i = 0; i < P; ++i) at(i) = zin, at(P + W + i) = zin;
  }
}
// One output row on planes rows (RowHalves int16 apart from r; E then O, EvenHalves int16 on),
// stride S (1 or 2): outputs 2s and 2s + 1 a step, kernel row ky from two words of its row:
//   S = 1: e = (E[s], E[s+1]), o = (O[s], O[s+1]) (LDR, unaligned for odd s):
//          out0 += SMLAD (w0, w2) e + w1 O[s],  out1 += SMLAD (w0, w2) o + w1 E[s+1]
//   S = 2: e = (E[2s], E[2s+1]), o = (O[2s], O[2s+1]) and e' = (E[2s+1], E[2s+2]) (unaligned):
//          out0 += SMLAD (w0, w2) e + w1 O[2s], out1 += SMLAD (w0, w2) e' + w1 O[2s+1]
// (6 or 7 instructions for 6 MACs); a row's (OW + 1) / 2 steps unrolled with immediate offsets,
// the last of an odd OW writing acc[OW]. Registers: w02[ky] = (w0, w2) of kernel row ky, the
// middle taps u = (w1 of row 0, w1 of row 1) and v (w1 of row 2, bottom half), the initial sum,
// a0/a1, xa/xb, r and acc: 12.
template <std::size_t S, std::size_t RowHalves, std::size_t EvenHalves, std::size_t OW>
[[gnu::always_inline]] inline void row_sums_k3_planes(const std::int16_t* r, const std::int32_t (&w02)[3], std::int32_t u,
                                                      std::int32_t v, std::int32_t init, std::int32_t* acc) {
  static_assert(S == 1 || S == 2);
  constexpr int row_bytes = static_cast<int>(2 * RowHalves), odd_bytes = static_cast<int>(2 * EvenHalves);
  constexpr int steps = static_cast<int>((OW + 1) / 2), step_bytes = static_cast<int>(2 * S);
  static_assert(2 * row_bytes + odd_bytes + step_bytes * steps + 2 < 4096 && 8 * steps <= 1020,
                "row_sums_k3_planes: offsets beyond LDR's or STRD's immediate");
  std::int32_t a0, a1, xa, xb;
  asm volatile(
      // Kernel row k (its row k row_bytes on) with its pair word w, its middle tap in half h
      // (b: bottom, t: top) of m; s0/s1: the sums a0/a1 start from (init for k = 0).
      ".macro snn_dw_k3row%= k, w, m, h, s0, s1\n"
      "ldr %[xa], [%[r], #(%c[sb] * staticnn_dw_s + \\k * %c[rb])]\n"
      "ldr %[xb], [%[r], #(%c[sb] * staticnn_dw_s + \\k * %c[rb] + %c[ob])]\n"
      "smlad %[a0], \\w, %[xa], \\s0\n"
      ".if %c[S] == 1\n"
      "smla\\h\\()b %[a0], \\m, %[xb], %[a0]\n"
      "smlad %[a1], \\w, %[xb], \\s1\n"
      "smla\\h\\()t %[a1], \\m, %[xa], %[a1]\n"
      ".else\n"
      "ldr %[xa], [%[r], #(%c[sb] * staticnn_dw_s + \\k * %c[rb] + 2)]\n"
      "smla\\h\\()b %[a0], \\m, %[xb], %[a0]\n"
      "smlad %[a1], \\w, %[xa], \\s1\n"
      "smla\\h\\()t %[a1], \\m, %[xb], %[a1]\n"
      ".endif\n"
      ".endm\n"
      ".set staticnn_dw_s, 0\n"
      ".rept %c[steps]\n"
      "snn_dw_k3row%= 0, %[w0], %[u], b, %[init], %[init]\n"
      "snn_dw_k3row%= 1, %[w1], %[u], t, %[a0], %[a1]\n"
      "snn_dw_k3row%= 2, %[w2], %[v], b, %[a0], %[a1]\n"
      "strd %[a0], %[a1], [%[acc], #(8 * staticnn_dw_s)]\n"
      ".set staticnn_dw_s, staticnn_dw_s + 1\n"
      ".endr\n"
      ".purgem snn_dw_k3row%=\n"
      : [a0] "=&r"(a0), [a1] "=&r"(a1), [xa] "=&r"(xa), [xb] "=&r"(xb)
      : [r] "r"(r), [acc] "r"(acc), [init] "r"(init), [w0] "r"(w02[0]), [w1] "r"(w02[1]), [w2] "r"(w02[2]), [u] "r"(u),
        [v] "r"(v), [steps] "i"(steps), [rb] "i"(row_bytes), [ob] "i"(odd_bytes), [sb] "i"(step_bytes), [S] "i"(S)
      : "memory");
}
// Two output rows (oy, oy + 1) of row_sums_k3_planes<1> at once from the padded rows R0..R3 at r
// (RowHalves int16 apart): outputs 2s, 2s + 1 of both rows a step, from the words e_k = (E[s],
// E[s+1]) and o_k = (O[s], O[s+1]) of each row R_k (8 loads). The outer columns take SMLAD with
// (w0, w2) of the kernel row; the middle column's taps of R1 and R2, which both output rows read,
// come as one vertical pair word (O1[s], O2[s]) (PKHBT) and (E1[s+1], E2[s+1]) (PKHTB), each
// taking one SMLAD per output row with u12 = (w1 of row 1, w1 of row 2) or u01 = (w1 of row 0,
// w1 of row 1); R0's and R3's middle taps are single products. 8 loads, 2 packs and 20 multiplies
// for 36 MACs, 2 STRD. For an odd OW the last step stores only row oy's first output (its second
// would land on row oy + 1's first sum), and row oy + 1's second lands past it (acc[2 OW]: row
// oy + 2's first, written after, or the array's slack slot).
// Registers (all 14 named: the step uses every one): r0, r1 the loads (r0 brings init, kept in lr),
// r2-r4 (w0, w2) of kernel rows 0-2, r5 u01, r6 u12, r7/r8 row oy's sums, r10/r11 row oy + 1's,
// r12 r, r9 acc.
template <std::size_t RowHalves, std::size_t EvenHalves, std::size_t OW>
[[gnu::always_inline]] inline void row_pair_sums_k3s1_planes(const std::int16_t* r, const std::int32_t (&w02)[3],
                                                             std::int32_t u01, std::int32_t u12, std::int32_t init,
                                                             std::int32_t* acc) {
  constexpr int row_bytes = static_cast<int>(2 * RowHalves), odd_bytes = static_cast<int>(2 * EvenHalves);
  constexpr int steps = static_cast<int>((OW + 1) / 2), out_row = static_cast<int>(4 * OW);
  static_assert(row_pair_fits<1, RowHalves, EvenHalves, OW>, "row_pair_sums_k3s1_planes: offsets beyond LDR's or STRD's immediate");
  register std::int32_t x0 asm("r0") = init;
  register std::int32_t x1 asm("r1");
  register std::int32_t w0 asm("r2") = w02[0], w1 asm("r3") = w02[1], w2 asm("r4") = w02[2];
  register std::int32_t v01 asm("r5") = u01, v12 asm("r6") = u12;
  register std::int32_t a00 asm("r7"), a01 asm("r8"), a10 asm("r10"), a11 asm("r11");
  register const std::int16_t* rp asm("r12") = r;
  register std::int32_t* ap asm("r9") = acc;
  asm volatile(
      "mov lr, r0\n"
      ".set staticnn_dw_s, 0\n"
      ".rept %c[steps]\n"
      // R1, R2 even words: the outer columns of output 2s (row oy: kernel rows 1, 2; row oy + 1:
      // kernel rows 0, 1), then their middle taps (E1[s+1], E2[s+1]) of output 2s + 1.
      "ldr r0, [r12, #(2 * staticnn_dw_s + %c[rb])]\n"
      "smlad r7, r3, r0, lr\n"
      "smlad r10, r2, r0, lr\n"
      "ldr r1, [r12, #(2 * staticnn_dw_s + 2 * %c[rb])]\n"
      "smlad r7, r4, r1, r7\n"
      "smlad r10, r3, r1, r10\n"
      "pkhtb r0, r1, r0, asr #16\n"
      "smlad r8, r6, r0, lr\n"
      "smlad r11, r5, r0, lr\n"
      // R1, R2 odd words: the outer columns of output 2s + 1, then the middle taps (O1[s], O2[s])
      // of output 2s.
      "ldr r0, [r12, #(2 * staticnn_dw_s + %c[rb] + %c[ob])]\n"
      "smlad r8, r3, r0, r8\n"
      "smlad r11, r2, r0, r11\n"
      "ldr r1, [r12, #(2 * staticnn_dw_s + 2 * %c[rb] + %c[ob])]\n"
      "smlad r8, r4, r1, r8\n"
      "smlad r11, r3, r1, r11\n"
      "pkhbt r0, r0, r1, lsl #16\n"
      "smlad r7, r6, r0, r7\n"
      "smlad r10, r5, r0, r10\n"
      // R0 (row oy's kernel row 0) and R3 (row oy + 1's kernel row 2).
      "ldr r0, [r12, #(2 * staticnn_dw_s)]\n"
      "smlad r7, r2, r0, r7\n"
      "smlabt r8, r5, r0, r8\n"
      "ldr r0, [r12, #(2 * staticnn_dw_s + %c[ob])]\n"
      "smlad r8, r2, r0, r8\n"
      "smlabb r7, r5, r0, r7\n"
      "ldr r0, [r12, #(2 * staticnn_dw_s + 3 * %c[rb])]\n"
      "smlad r10, r4, r0, r10\n"
      "smlatt r11, r6, r0, r11\n"
      "ldr r0, [r12, #(2 * staticnn_dw_s + 3 * %c[rb] + %c[ob])]\n"
      "smlad r11, r4, r0, r11\n"
      "smlatb r10, r6, r0, r10\n"
      ".if %c[odd] && staticnn_dw_s == %c[steps] - 1\n"
      "str r7, [r9, #(8 * staticnn_dw_s)]\n"
      ".else\n"
      "strd r7, r8, [r9, #(8 * staticnn_dw_s)]\n"
      ".endif\n"
      "strd r10, r11, [r9, #(8 * staticnn_dw_s + %c[orow])]\n"
      ".set staticnn_dw_s, staticnn_dw_s + 1\n"
      ".endr\n"
      : "+r"(x0), "=&r"(x1), "=&r"(a00), "=&r"(a01), "=&r"(a10), "=&r"(a11)
      : "r"(rp), "r"(ap), "r"(w0), "r"(w1), "r"(w2), "r"(v01), "r"(v12), [steps] "i"(steps), [rb] "i"(row_bytes),
        [ob] "i"(odd_bytes), [orow] "i"(out_row), [odd] "i"(static_cast<int>(OW % 2))
      : "lr", "memory");
}
// Two output rows (oy, oy + 1) of row_sums_k3_planes<2> at once from the padded rows R0..R4 at r
// (RowHalves int16 apart): outputs 2s, 2s + 1 of both rows a step. Each row R_k's words e = (E[2s],
// E[2s+1]), e' = (E[2s+1], E[2s+2]) and o = (O[2s], O[2s+1]) are loaded once, R2's (row oy's
// kernel row 2, row oy + 1's kernel row 0) for both rows: 15 loads, 24 multiplies and 2 STRD for
// 36 MACs, against 18 loads in two single rows. Odd OW as row_pair_sums_k3s1_planes.
// Registers (all 14 named): r0 the loads (bringing init, kept in lr), r2-r4 (w0, w2) of kernel
// rows 0-2, r5 u = (w1 of row 0, w1 of row 1), r6 v (w1 of row 2, bottom half), r7/r8 row oy's
// sums, r10/r11 row oy + 1's, r12 r, r9 acc (r1 unused).
template <std::size_t RowHalves, std::size_t EvenHalves, std::size_t OW>
[[gnu::always_inline]] inline void row_pair_sums_k3s2_planes(const std::int16_t* r, const std::int32_t (&w02)[3],
                                                             std::int32_t u, std::int32_t v, std::int32_t init,
                                                             std::int32_t* acc) {
  constexpr int row_bytes = static_cast<int>(2 * RowHalves), odd_bytes = static_cast<int>(2 * EvenHalves);
  constexpr int steps = static_cast<int>((OW + 1) / 2), out_row = static_cast<int>(4 * OW);
  static_assert(row_pair_fits<2, RowHalves, EvenHalves, OW>,
                "row_pair_sums_k3s2_planes: offsets beyond LDR's or STRD's immediate");
  register std::int32_t x0 asm("r0") = init;
  register std::int32_t w0 asm("r2") = w02[0], w1 asm("r3") = w02[1], w2 asm("r4") = w02[2];
  register std::int32_t vu asm("r5") = u, vv asm("r6") = v;
  register std::int32_t a00 asm("r7"), a01 asm("r8"), a10 asm("r10"), a11 asm("r11");
  register const std::int16_t* rp asm("r12") = r;
  register std::int32_t* ap asm("r9") = acc;
  asm volatile(
      "mov lr, r0\n"
      ".set staticnn_dw_s, 0\n"
      ".rept %c[steps]\n"
      // R0: row oy's kernel row 0 (the sums start from init)
      "ldr r0, [r12, #(4 * staticnn_dw_s)]\n"
      "smlad r7, r2, r0, lr\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + 2)]\n"
      "smlad r8, r2, r0, lr\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + %c[ob])]\n"
      "smlabb r7, r5, r0, r7\n"
      "smlabt r8, r5, r0, r8\n"
      // R1: row oy's kernel row 1
      "ldr r0, [r12, #(4 * staticnn_dw_s + %c[rb])]\n"
      "smlad r7, r3, r0, r7\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + %c[rb] + 2)]\n"
      "smlad r8, r3, r0, r8\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + %c[rb] + %c[ob])]\n"
      "smlatb r7, r5, r0, r7\n"
      "smlatt r8, r5, r0, r8\n"
      // R2: row oy's kernel row 2, row oy + 1's kernel row 0 (its sums start from init)
      "ldr r0, [r12, #(4 * staticnn_dw_s + 2 * %c[rb])]\n"
      "smlad r7, r4, r0, r7\n"
      "smlad r10, r2, r0, lr\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + 2 * %c[rb] + 2)]\n"
      "smlad r8, r4, r0, r8\n"
      "smlad r11, r2, r0, lr\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + 2 * %c[rb] + %c[ob])]\n"
      "smlabb r7, r6, r0, r7\n"
      "smlabt r8, r6, r0, r8\n"
      "smlabb r10, r5, r0, r10\n"
      "smlabt r11, r5, r0, r11\n"
      // R3: row oy + 1's kernel row 1
      "ldr r0, [r12, #(4 * staticnn_dw_s + 3 * %c[rb])]\n"
      "smlad r10, r3, r0, r10\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + 3 * %c[rb] + 2)]\n"
      "smlad r11, r3, r0, r11\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + 3 * %c[rb] + %c[ob])]\n"
      "smlatb r10, r5, r0, r10\n"
      "smlatt r11, r5, r0, r11\n"
      // R4: row oy + 1's kernel row 2
      "ldr r0, [r12, #(4 * staticnn_dw_s + 4 * %c[rb])]\n"
      "smlad r10, r4, r0, r10\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + 4 * %c[rb] + 2)]\n"
      "smlad r11, r4, r0, r11\n"
      "ldr r0, [r12, #(4 * staticnn_dw_s + 4 * %c[rb] + %c[ob])]\n"
      "smlabb r10, r6, r0, r10\n"
      "smlabt r11, r6, r0, r11\n"
      ".if %c[odd] && staticnn_dw_s == %c[steps] - 1\n"
      "str r7, [r9, #(8 * staticnn_dw_s)]\n"
      ".else\n"
      "strd r7, r8, [r9, #(8 * staticnn_dw_s)]\n"
      ".endif\n"
      "strd r10, r11, [r9, #(8 * staticnn_dw_s + %c[orow])]\n"
      ".set staticnn_dw_s, staticnn_dw_s + 1\n"
      ".endr\n"
      : "+r"(x0), "=&r"(a00), "=&r"(a01), "=&r"(a10), "=&r"(a11)
      : "r"(rp), "r"(ap), "r"(w0), "r"(w1), "r"(w2), "r"(vu), "r"(vv), [steps] "i"(steps), [rb] "i"(row_bytes),
        [ob] "i"(odd_bytes), [orow] "i"(out_row), [odd] "i"(static_cast<int>(OW % 2))
      : "lr", "memory");
}
}  // namespace depthwise_dsp

namespace depthwise_dsp {
// What the rescale of every channel of a layer shares (its clamp and zero point), worked out once
// a layer by depthwise_s8_dsp: the clamp [lo, hi] within int8, width = hi - lo, their bytes
// repeated in a word (width4, hi4), zl = zero_point - lo; clamped: the clamp is not empty and the
// zero point an int8 (doubled_rescale_applies's conditions that do not depend on the channel);
// at_or_above: lo >= zero_point (the unsigned forms).
struct layer_clamp {
  std::int32_t lo, width, zl;
  std::uint32_t width4, hi4;
  bool clamped, at_or_above;
  explicit layer_clamp(const channel_rescale& q) {
    const std::int32_t l = q.act_min < -128 ? -128 : q.act_min, h = q.act_max > 127 ? 127 : q.act_max;
    constexpr std::uint32_t bytes4 = 0x01010101u;  // a byte repeated in a word
    lo = l, width = h - l, zl = q.zero_point - l;
    width4 = static_cast<std::uint32_t>(width & 0xff) * bytes4, hi4 = static_cast<std::uint32_t>(h & 0xff) * bytes4;
    clamped = l <= h && q.zero_point >= -128 && q.zero_point <= 127;
    at_or_above = l >= q.zero_point;
  }
};
}  // namespace depthwise_dsp

// Channel c's whole output (y: OH x OW) from its input xc (H x W) and weights wc (K x K).
// A channel whose rescale takes fixed_point.hpp's doubled form (doubled_rescale_applies) and
// whose clamp is not empty runs with doubled weights and bias, and per output
//   t = c2 + SMMULR(2 acc, m),  c2 = 2^(e-1) + ((zero_point - lo) << e)    (SMMLAR)
//   u = usat8((t - [acc < 0]) >> e),  y = lo + min(u, hi - lo)
// (kernels/arm/conv2d_s8_few_dsp.hpp's rescale); any other channel takes requantize().
// whole_planes: where depthwise_s8_dsp_planes takes the whole channel at once (planes_chunk ==
// OH), the planes buffer (planes<W + 2P, P>::row int16 a padded row) with its padding already
// written (pad_planes); unused otherwise.
// Not inlined: the layer loop's two calls would make two copies.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
[[gnu::noinline]] void depthwise_s8_channel_dsp(const std::int8_t* xc, const std::int8_t* wc, const channel_rescale& q,
                                                const depthwise_dsp::layer_clamp& lc, std::size_t c, std::int8_t* y,
                                                std::int8_t input_zero_point, std::int16_t* whole_planes = nullptr) {
  constexpr std::size_t PH = H + 2 * P, PW = W + 2 * P, OH = (PH - K) / S + 1, OW = (PW - K) / S + 1;
  constexpr std::size_t pairs = K / 2;  // pair words per kernel row
  constexpr auto sum_max = static_cast<std::uint32_t>(K * K * 127u * 128u);
  const std::int32_t bias = q.bias[c], m = q.multiplier[c], shift = q.shift[c];
  const std::int32_t lo = lc.lo, width = lc.width;
  // doubled_rescale_applies, its zero point and clamp conditions taken from lc.clamped.
  const bool doubled = lc.clamped && doubled_rescale_applies(bias, m, shift, 0, sum_max);
  const std::int32_t e = -shift;
  // Narrow (rescale_quads): |t| <= |acc| + 2 + c2 with |acc| <= |bias| + sum_max, so (t - [acc <
  // 0]) >> e lies within (|acc| + 3) / 2^e + 256 of 0: in int16 when (|acc| + 3) >> e < 32000.
  const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
  const bool narrow = doubled && (bias_abs + sum_max + 3) >> e < 32000u;
  // The top form (rescale_quads_top): a narrow channel without the [acc < 0] correction (lo >=
  // zero_point), e in [top_min_e, top_max_e], |acc| < 2^(14 + e). Its weights and bias are scaled
  // by 2^g, g = 17 - e in [2, 8] (int8 times 2^8 still fits an int16 half; |2^g acc| < 2^31), and
  //   T = SMMLA(2^g acc, m, ra),  ra = 2^(15-e) + 2^15 + (zero_point - lo) 2^16
  // is floor((2^g acc m + 2^32 ra) / 2^32); T's top half, floor(T / 2^16), is floor((2 acc m +
  // 2^31 + 2^32 c2) / 2^(32+e)) (the numerator and 2^48 both times 2^(16-e)), i.e. the doubled
  // form's (t = c2 + SMMULR(2 acc, m)) >> e, which narrow keeps within int16 (T within int32).
  // e = top_half_e (g would be 9: int8 times 2^9 is no int16) takes the half top form: g = 8 and
  // ra / 2 (ra is even there), so that T / 2^15, floor((2^8 acc m + 2^32 ra / 2) / 2^47), is the
  // same u (rescale_quads_top<true>).
  // Not on maps of fewer than top_min_outputs outputs: the weights' scaling would cost more than
  // the rescale saves; only in the branches that take the weights as pair words (the column
  // strips and the planes): elsewhere (the whole channel widened, the ring) the choice's per-channel
  // setup cost DS-CNN more than its rescale saved. (dw4's 5bd913d.)
  constexpr std::int32_t top_half_e = 8, top_min_e = top_half_e, top_max_e = 15;
  constexpr std::size_t top_min_outputs = 16;
  constexpr bool top_shape = OH * OW >= top_min_outputs &&
                             (depthwise_s8_dsp_s2_columns<H, W, K, S, P> || depthwise_s8_dsp_planes<H, W, K, S, P>);
  const bool top = top_shape && lc.at_or_above && narrow && e >= top_min_e && e <= top_max_e &&
                   (bias_abs + sum_max) >> (14 + e) == 0;
  const bool half = top && e == top_half_e;  // the half top form
  const int g = top ? 17 - e - half : doubled ? 1 : 0;  // the weights' and the bias's scale, 2^g
  const std::int32_t scale = 1 << g;
  // Row ky's pair words (w[2j], w[2j+1]) and its single tap, times scale.
  std::int32_t wp[K][pairs > 0 ? pairs : 1], ws[K];
  for (std::size_t ky = 0; ky < K; ++ky) {
    for (std::size_t j = 0; j < pairs; ++j)
      wp[ky][j] = depthwise_dsp::pair(scale * wc[ky * K + 2 * j], scale * wc[ky * K + 2 * j + 1]);
    ws[ky] = scale * wc[ky * K + K - 1];
  }
  // For K = 3, S = 1: row ky's pair word (w1, w2).
  std::int32_t w12[K];
  for (std::size_t ky = 0; ky < K; ++ky) w12[ky] = depthwise_dsp::pair(scale * wc[ky * K + 1], ws[ky]);
  const std::int32_t c2 = doubled ? (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(lc.zl) << e) : 0;
  const std::uint32_t width4 = lc.width4, hi4 = lc.hi4;
  // n accumulators into n outputs: 4 a step, the rest one by one.
  // (half: ra / 2, exact: ra is even for e < 15)
  const std::int32_t ra =
      top ? ((1 << (15 - e)) + (1 << 15) + static_cast<std::int32_t>(static_cast<std::uint32_t>(lc.zl) << 16)) >> half : 0;
  // The rescale_quads form (0: not doubled, 5: top or half top); one value, decided once.
  const int form = top ? 5 : !doubled ? 0 : (lc.at_or_above ? 1 : 2) + (narrow ? 2 : 0);
  auto rescale = [&](const std::int32_t* acc, std::int8_t* yr, std::size_t n) {
    if (form == 5) {
      if (half) depthwise_dsp::rescale_quads_top<true>(acc, yr, n / depthwise_dsp::quad, m, ra, width4, hi4);
      else depthwise_dsp::rescale_quads_top<false>(acc, yr, n / depthwise_dsp::quad, m, ra, width4, hi4);
      for (std::size_t i = n / depthwise_dsp::quad * depthwise_dsp::quad; i < n; ++i) {
        std::int32_t t;
        asm("smmla %0, %1, %2, %3" : "=r"(t) : "r"(acc[i]), "r"(m), "r"(ra));
        const auto u = static_cast<std::int32_t>(__usat(t >> (16 - half), 8));  // T / 2^16 (half: T / 2^15)
        yr[i] = static_cast<std::int8_t>(lo + (u < width ? u : width));
      }
    } else if (form != 0) {
      constexpr std::size_t Q = depthwise_dsp::quad;
      switch (form) {
        case 1: depthwise_dsp::rescale_quads<false, false>(acc, yr, n / Q, m, c2, e, width4, hi4); break;
        case 2: depthwise_dsp::rescale_quads<true, false>(acc, yr, n / Q, m, c2, e, width4, hi4); break;
        case 3: depthwise_dsp::rescale_quads<false, true>(acc, yr, n / Q, m, c2, e, width4, hi4); break;
        default: depthwise_dsp::rescale_quads<true, true>(acc, yr, n / Q, m, c2, e, width4, hi4); break;
      }
      for (std::size_t i = n / depthwise_dsp::quad * depthwise_dsp::quad; i < n; ++i) {
        std::int32_t t;
        asm("smmlar %0, %1, %2, %3" : "=r"(t) : "r"(acc[i]), "r"(m), "r"(c2));
        const auto u = static_cast<std::int32_t>(__usat((t + (acc[i] >> 31)) >> e, 8));
        yr[i] = static_cast<std::int8_t>(lo + (u < width ? u : width));
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) yr[i] = q.clamp(requantize_out_of_line(acc[i], m, shift, q.zero_point));
    }
  };

  // A pair word's halves times 2^g, for the branches that take the weights as SXTB16 pair words
  // (the bottom half's shifted-out sign bits kept out of the top).
  auto scaled = [g](std::int32_t p) {
    if (g <= 1) return g == 0 ? p : static_cast<std::int32_t>(__sadd16(p, p));
    return depthwise_dsp::pack_bottoms(p << g, static_cast<std::int32_t>(static_cast<std::uint32_t>(p >> 16) << g));
  };
  if constexpr (depthwise_s8_dsp_s2_columns<H, W, K, S, P>) {
    // K = 3, stride 2: the sums straight from the int8 rows (depthwise_s8_s2_dsp.hpp), one rescale pass.
    // The weight words from 3 word loads of w[0..3], w[3..6], w[5..8] (as the planes branch's).
    alignas(4) std::int32_t acc[OH * OW];
    std::uint32_t wa, wb, wd;
    __builtin_memcpy(&wa, wc, 4), __builtin_memcpy(&wb, wc + 3, 4), __builtin_memcpy(&wd, wc + 5, 4);
    const std::int32_t w13 = conv_rows::sxtb16_ror8(wa), w46 = conv_rows::sxtb16_ror8(wb);
    const std::int32_t w02[3] = {scaled(static_cast<std::int32_t>(__sxtb16(wa))), scaled(static_cast<std::int32_t>(__sxtb16(wb))),
                                 scaled(conv_rows::sxtb16_ror8(wd))};
    const std::int32_t u = scaled(depthwise_dsp::pack_bottoms(w13, w46));  // (w1, w4)
    const std::int32_t v = scaled(static_cast<std::int32_t>(__sxtb16(wd))) >> 16;  // w7
    depthwise_dsp::depthwise_s8_s2_sums<H, W, P>(xc, w02, u, v, scale * bias, input_zero_point, acc);
    rescale(acc, y, OH * OW);
  } else if constexpr (depthwise_s8_dsp_planes<H, W, K, S, P>) {
    // The padded channel widened into column planes a chunk of output rows at a time (the whole
    // channel at once where it fits), the chunk's sums, one rescale pass over them.
    using pl = depthwise_dsp::planes<PW, P>;
    constexpr std::size_t CH = depthwise_dsp::planes_chunk<H, W, S, P>;  // output rows a chunk
    constexpr std::size_t CR = CH == OH ? PH : (CH - 1) * S + 3;            // their padded rows
    alignas(4) std::int16_t chunk_planes[CH == OH ? 2 : CR * pl::row];
    std::int16_t* const xp = CH == OH ? whole_planes : chunk_planes;
    alignas(4) std::int32_t acc[CH * OW + 1];
    // The weight words from 3 word loads of w[0..3], w[3..6], w[5..8] (SXTB16: (w0, w2), (w3, w5),
    // (w5, w7); of each ror 8: (w1, w3), (w4, w6), (w6, w8)), each half times 2^g (scaled).
    std::uint32_t wa, wb, wd;
    __builtin_memcpy(&wa, wc, 4), __builtin_memcpy(&wb, wc + 3, 4), __builtin_memcpy(&wd, wc + 5, 4);
    const std::int32_t w13 = conv_rows::sxtb16_ror8(wa), w46 = conv_rows::sxtb16_ror8(wb);
    const std::int32_t w57 = scaled(static_cast<std::int32_t>(__sxtb16(wd)));
    const std::int32_t w02[3] = {scaled(static_cast<std::int32_t>(__sxtb16(wa))), scaled(static_cast<std::int32_t>(__sxtb16(wb))),
                                 scaled(conv_rows::sxtb16_ror8(wd))};
    const std::int32_t u = scaled(depthwise_dsp::pack_bottoms(w13, w46));  // (w1, w4)
    const std::int32_t u12 = depthwise_dsp::pack_bottom_top(scaled(w46), w57);  // (w4, w7)
    const std::int32_t v = w57 >> 16;                                   // w7
#pragma GCC unroll 1
    for (std::size_t oy0 = 0; oy0 < OH; oy0 += CH) {
      const std::size_t rows = OH - oy0 < CH ? OH - oy0 : CH;
      if constexpr (CH == OH) {  // the whole channel: its rows (the padding is written)
        if constexpr (depthwise_dsp::widen_rows_planes_fits<W, P>) {
          depthwise_dsp::widen_rows_planes<H, W, P>(xc, xp + P * pl::row);
        } else {
#pragma GCC unroll 1
          for (std::size_t iy = P; iy < P + H; ++iy)
            depthwise_dsp::widen_row_planes<H, W, P, false>(xc, iy, xp + iy * pl::row, input_zero_point);
        }
      } else {
        const std::int32_t zz = depthwise_dsp::pair(input_zero_point, input_zero_point);
#pragma GCC unroll 1
        for (std::size_t i = 0; i < (rows - 1) * S + 3; ++i) {
          const std::size_t iy = oy0 * S + i;  // padded row
          std::int16_t* r = xp + i * pl::row;
          if (iy < P || iy >= P + H)
            for (std::size_t j = 0; j < pl::row; j += 2) __builtin_memcpy(r + j, &zz, 4);
          else
            depthwise_dsp::widen_row_planes<H, W, P>(xc, iy, r, input_zero_point);
        }
      }
      std::size_t oy = 0;
      const std::int16_t* x0 = xp + pl::e_at;  // E[0] of the chunk's first row
      if constexpr (depthwise_dsp::row_pair_fits<S, pl::row, pl::odd_from_even, OW>) {
#pragma GCC unroll 1
        for (; oy + 1 < rows; oy += 2)
          if constexpr (S == 1)
            depthwise_dsp::row_pair_sums_k3s1_planes<pl::row, pl::odd_from_even, OW>(x0 + oy * pl::row, w02, u, u12,
                                                                                     scale * bias, acc + oy * OW);
          else
            depthwise_dsp::row_pair_sums_k3s2_planes<pl::row, pl::odd_from_even, OW>(x0 + 2 * oy * pl::row, w02, u, v,
                                                                                     scale * bias, acc + oy * OW);
      }
      // A row alone: the last of an odd OH (every chunk but the last has an even count).
      constexpr bool pairs_only = depthwise_dsp::row_pair_fits<S, pl::row, pl::odd_from_even, OW> && OH % 2 == 0;
      if constexpr (!pairs_only)
#pragma GCC unroll 1
        for (; oy < rows; ++oy)
          depthwise_dsp::row_sums_k3_planes<S, pl::row, pl::odd_from_even, OW>(x0 + oy * S * pl::row, w02, u, v,
                                                                                scale * bias, acc + oy * OW);
      rescale(acc, y + oy0 * OW, rows * OW);
    }
  } else if constexpr (depthwise_s8_dsp_whole_channel<H, W, K, S, P>) {
    // The whole padded channel widened once, every accumulator, then one rescale pass.
    alignas(4) std::int16_t xp[PH * PW + depthwise_dsp::slack_halves];
    alignas(4) std::int32_t acc[OH * OW + 1];
    for (std::size_t i = 0; i < P * PW; ++i) xp[i] = input_zero_point, xp[(P + H) * PW + i] = input_zero_point;
    for (std::size_t i = 0; i < depthwise_dsp::slack_halves; ++i) xp[PH * PW + i] = input_zero_point;
#pragma GCC unroll 1
    for (std::size_t iy = P; iy < P + H; ++iy) depthwise_dsp::widen_row<H, W, P>(xc, iy, xp + iy * PW, input_zero_point);
    if constexpr (K == 3 && S == 1 && depthwise_dsp::walks_columns<H, W, P>) {
      const std::int32_t w01[3] = {wp[0][0], wp[1][0], wp[2][0]};
      const std::int32_t u = depthwise_dsp::pair(ws[0], ws[1]);
#pragma GCC unroll 1
      for (std::size_t ox = 0; ox < OW; ++ox)
        depthwise_dsp::column_sums_k3s1<PW, PH, OW>(xp + ox, w01, u, ws[2], scale * bias, acc + ox);
    } else
#pragma GCC unroll 1
    for (std::size_t oy = 0; oy < OH; ++oy) {
      const std::int16_t* r0 = xp + oy * S * PW;
      if constexpr (K == 3 && S == 1)
        depthwise_dsp::row_sums_k3s1<PW, OW>(r0, {wp[0][0], wp[1][0], wp[2][0]}, w12, scale * bias, acc + oy * OW);
      else if constexpr (K == 3 && S == 2)
        depthwise_dsp::row_sums_k3s2<PW, OW>(r0, {wp[0][0], wp[1][0], wp[2][0]}, depthwise_dsp::pair(ws[0], ws[1]), ws[2],
                                             scale * bias, acc + oy * OW);
      else
        depthwise_dsp::row_sums<K, S, OW>([r0](std::size_t ky) { return r0 + ky * PW; }, wp, ws, w12, scale * bias,
                                          acc + oy * OW);
    }
    rescale(acc, y, OH * OW);
  } else {
    // Padded row iy in slots iy % K and iy % K + K: an output row's K rows are consecutive slots.
    constexpr std::size_t RW = PW + depthwise_dsp::slack_halves;  // a slot's int16
    alignas(4) std::int16_t ring[2 * K][RW];
    std::size_t next = 0;  // the next padded row to widen
#pragma GCC unroll 1
    for (std::size_t oy = 0; oy < OH; ++oy) {
      for (; next < oy * S + K; ++next) {  // rows arrive in order; with S <= K each is widened once
        std::int16_t* r = ring[next % K];
        depthwise_dsp::widen_row<H, W, P>(xc, next, r, input_zero_point);
        __builtin_memcpy(ring[next % K + K], r, sizeof ring[0]);
      }
      const std::int16_t* r0 = ring[oy * S % K];
      alignas(4) std::int32_t acc[OW + 1];
      if constexpr (K == 3 && S == 1)
        depthwise_dsp::row_sums_k3s1<RW, OW>(r0, {wp[0][0], wp[1][0], wp[2][0]}, w12, scale * bias, acc);
      else if constexpr (K == 3 && S == 2)
        depthwise_dsp::row_sums_k3s2<RW, OW>(r0, {wp[0][0], wp[1][0], wp[2][0]}, depthwise_dsp::pair(ws[0], ws[1]), ws[2],
                                             scale * bias, acc);
      else
        depthwise_dsp::row_sums<K, S, OW>([r0](std::size_t ky) { return r0 + ky * RW; }, wp, ws, w12, scale * bias, acc);
      rescale(acc, y + oy * OW, OW);
    }
  }
}
// The layer: C channels of H x W (x), weights C x K x K (w), outputs C x OH x OW (y). Channels
// taken whole in column planes share one planes buffer whose padding is written once. Not inlined:
// a network's layers, inlined into one frame, would each keep their buffer on the stack at once.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
[[gnu::noinline]] void depthwise_s8_dsp(const std::int8_t* x, const std::int8_t* w, const channel_rescale& q, std::int8_t* y,
                      std::int8_t input_zero_point) {
  constexpr std::size_t OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1;
  const depthwise_dsp::layer_clamp lc(q);
  if constexpr (depthwise_s8_dsp_planes<H, W, K, S, P>) {
    if constexpr (depthwise_dsp::planes_chunk<H, W, S, P> == OH) {
      alignas(4) std::int16_t xp[(H + 2 * P) * depthwise_dsp::planes<W + 2 * P, P>::row];
      depthwise_dsp::pad_planes<H, W, P>(xp, input_zero_point);
#pragma GCC unroll 1
      for (std::size_t c = 0; c < C; ++c)
        depthwise_s8_channel_dsp<H, W, K, S, P>(x + c * H * W, w + c * K * K, q, lc, c, y + c * OH * OW, input_zero_point, xp);
      return;
    }
  }
#pragma GCC unroll 1
  for (std::size_t c = 0; c < C; ++c)
    depthwise_s8_channel_dsp<H, W, K, S, P>(x + c * H * W, w + c * K * K, q, lc, c, y + c * OH * OW, input_zero_point);
}
namespace depthwise_dsp {
// The top forms' rescale (rescale_quads_top's, L = 0; for e = 8, L = 1: s2_channel's form 6)
// inline, for a channel of Quads quads known when compiled: per output T = SMMLA(acc, m, ra),
// the output's u before saturation in bits 16 - L to 31 - L of T (L = 1: the top halves' T
// shifted left once before PKHTB), USAT16, ORR, the clamp (Wide: width4 all ones, one EOR; else
// UQSUB8 and USUB8), one STR: 13 or 12 instructions for 4 outputs (L = 1: 15 or 14), 2 quads a
// loop. Registers: the 4 sums r4-r7 (LDM), the rest the compiler's.
template <int L, bool Wide, std::size_t Quads>
[[gnu::always_inline]] inline void rescale_top_known(const std::int32_t* acc, std::int8_t* y, std::int32_t m, std::int32_t ra,
                                                     std::uint32_t width4, std::uint32_t hi4) {
  static_assert(L == 0 || L == 1, "rescale_top_known: the top form or its e = 8 form");
  if constexpr (Quads > 0) {
    register std::int32_t v0 asm("r4"), v1 asm("r5"), v2 asm("r6"), v3 asm("r7");
    std::int32_t t;
    const std::int32_t* end = acc + quad * Quads;
    asm volatile(
        ".macro snn_dw_topk%=\n"
        "ldm %[a]!, {%[v0], %[v1], %[v2], %[v3]}\n"
        "smmla %[v0], %[v0], %[m], %[ra]\n"
        "smmla %[v1], %[v1], %[m], %[ra]\n"
        "smmla %[v2], %[v2], %[m], %[ra]\n"
        "smmla %[v3], %[v3], %[m], %[ra]\n"
        ".if %c[L]\n"
        "lsl %[v2], %[v2], #%c[L]\n"
        "lsl %[v3], %[v3], #%c[L]\n"
        ".endif\n"
        "pkhtb %[v0], %[v2], %[v0], asr #(16 - %c[L])\n"  // (u0, u2)
        "pkhtb %[v1], %[v3], %[v1], asr #(16 - %c[L])\n"  // (u1, u3)
        "usat16 %[v0], #8, %[v0]\n"
        "usat16 %[v1], #8, %[v1]\n"
        "orr %[v0], %[v0], %[v1], lsl #8\n"                // bytes u0 u1 u2 u3
        ".if %c[wide]\n"
        "eor %[v0], %[v0], #0x80808080\n"                 // u - 128 bytewise
        ".else\n"
        "uqsub8 %[t], %[wd], %[v0]\n"                      // max(width - u, 0)
        "usub8 %[v0], %[hi], %[t]\n"
        ".endif\n"
        "str %[v0], [%[y]], #4\n"
        ".endm\n"
        ".if %c[odd]\n"
        "snn_dw_topk%=\n"
        ".endif\n"
        ".if %c[quads] > 1\n"
        "1:\n"
        "snn_dw_topk%=\n"
        "snn_dw_topk%=\n"
        "cmp %[a], %[end]\n"
        "bne 1b\n"
        ".endif\n"
        ".purgem snn_dw_topk%=\n"
        : [a] "+r"(acc), [y] "+r"(y), [v0] "=&r"(v0), [v1] "=&r"(v1), [v2] "=&r"(v2), [v3] "=&r"(v3), [t] "=&r"(t)
        : [m] "r"(m), [ra] "r"(ra), [wd] "r"(width4), [hi] "r"(hi4), [end] "r"(end), [L] "i"(L), [wide] "i"(Wide),
          [quads] "i"(static_cast<int>(Quads)), [odd] "i"(static_cast<int>(Quads % 2))
        : "cc", "memory");
  }
}
}  // namespace depthwise_dsp

namespace depthwise_dsp {
// The N sums acc of channel c of a constant layer into y in the rescale form of its words k
// (s2_known_table; the sums made with k's weights and init, times 2^g): none of
// depthwise_s8_channel_dsp's per-channel decisions. The column strips' and the stride-1 planes'
// constant layers share it.
template <std::size_t N>
[[gnu::always_inline]] inline void rescale_known(const std::int32_t* acc, std::int8_t* y, const s2_channel& k,
                                                 const channel_rescale& q, const layer_clamp& lc, std::size_t c) {
  constexpr std::size_t n = N, Q = quad, quads = n / Q;
  const auto v = static_cast<std::uint32_t>(k.v);
  const int form = static_cast<int>((v >> s2_form_bit) & 0xffu);
  const auto e = static_cast<std::int32_t>(v >> s2_e_bit);
  const std::int32_t m = k.m, lo = lc.lo, width = lc.width;
  if (form >= 5) {  // the top forms, inline
    const bool wide = lc.width4 == ~0u;
    if (form == 5) {
      if (wide) rescale_top_known<0, true, quads>(acc, y, m, k.k, lc.width4, lc.hi4);
      else rescale_top_known<0, false, quads>(acc, y, m, k.k, lc.width4, lc.hi4);
    } else {
      if (wide) rescale_top_known<1, true, quads>(acc, y, m, k.k, lc.width4, lc.hi4);
      else rescale_top_known<1, false, quads>(acc, y, m, k.k, lc.width4, lc.hi4);
    }
    const int down = form == 5 ? 16 : 15;  // T's bits that hold u
    for (std::size_t i = quads * Q; i < n; ++i) {
      std::int32_t t;
      asm("smmla %0, %1, %2, %3" : "=r"(t) : "r"(acc[i]), "r"(m), "r"(k.k));
      const auto u = static_cast<std::int32_t>(__usat(t >> down, 8));
      y[i] = static_cast<std::int8_t>(lo + (u < width ? u : width));
    }
    return;
  }
  if (form == 0) {
    for (std::size_t i = 0; i < n; ++i) y[i] = q.clamp(requantize_out_of_line(acc[i], m, q.shift[c], q.zero_point));
    return;
  }
  switch (form) {
    case 1: rescale_quads<false, false>(acc, y, quads, m, k.k, e, lc.width4, lc.hi4); break;
    case 2: rescale_quads<true, false>(acc, y, quads, m, k.k, e, lc.width4, lc.hi4); break;
    case 3: rescale_quads<false, true>(acc, y, quads, m, k.k, e, lc.width4, lc.hi4); break;
    default: rescale_quads<true, true>(acc, y, quads, m, k.k, e, lc.width4, lc.hi4); break;
  }
  for (std::size_t i = quads * Q; i < n; ++i) {
    std::int32_t t;
    asm("smmlar %0, %1, %2, %3" : "=r"(t) : "r"(acc[i]), "r"(m), "r"(k.k));
    const auto u = static_cast<std::int32_t>(__usat((t + (acc[i] >> 31)) >> e, 8));
    y[i] = static_cast<std::int8_t>(lo + (u < width ? u : width));
  }
}
}  // namespace depthwise_dsp

// Channel c (the column strips' shapes) of a constant layer from its words k (s2_known_table):
// the sums, then the rescale in k's form (rescale_known). Inlined into its one caller,
// depthwise_s8_dsp_s2_known's loop (no call a channel).
template <std::size_t H, std::size_t W, std::size_t P>
[[gnu::always_inline]] inline void depthwise_s8_channel_s2_known(const std::int8_t* xc, const depthwise_dsp::s2_channel& k,
                                                     const channel_rescale& q, const depthwise_dsp::layer_clamp& lc,
                                                     std::size_t c, std::int8_t* y, std::int8_t input_zero_point) {
  constexpr std::size_t OH = (H + 2 * P - 3) / 2 + 1, OW = (W + 2 * P - 3) / 2 + 1, n = OH * OW;
  alignas(4) std::int32_t acc[n];
  depthwise_dsp::depthwise_s8_s2_sums<H, W, P>(xc, k.w02, k.u, k.v, k.init, input_zero_point, acc);
  depthwise_dsp::rescale_known<n>(acc, y, k, q, lc, c);
}
// The layer (depthwise_s8_dsp_s2_table's shapes) of a constant layer: table its channels' words
// (s2_known_table, in flash), q its rescale (the clamp and, for form 0, the shifts).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P>
[[gnu::noinline]] void depthwise_s8_dsp_s2_known(const std::int8_t* x, const depthwise_dsp::s2_channel* table,
                                                 const channel_rescale& q, std::int8_t* y, std::int8_t input_zero_point) {
  constexpr std::size_t OH = (H + 2 * P - 3) / 2 + 1, OW = (W + 2 * P - 3) / 2 + 1;
  const depthwise_dsp::layer_clamp lc(q);
#pragma GCC unroll 1
  for (std::size_t c = 0; c < C; ++c)
    depthwise_s8_channel_s2_known<H, W, P>(x + c * H * W, table[c], q, lc, c, y + c * OH * OW, input_zero_point);
}
// The layer (depthwise_s8_dsp_s1_table's shapes: K = 3, stride 1, each channel whole in planes)
// of a constant layer: table its channels' words (s2_known_table, in flash; for the planes the
// weights (w1, w4) from u, (w4, w7) from u and v's bottom half), q its rescale. Per channel the
// planes widened (their padding written once), the sums of row pairs (and a last row alone for odd
// OH), then rescale_known: none of depthwise_s8_channel_dsp's per-channel setup and no call.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P>
[[gnu::noinline]] void depthwise_s8_dsp_s1_known(const std::int8_t* x, const depthwise_dsp::s2_channel* table,
                                                 const channel_rescale& q, std::int8_t* y, std::int8_t input_zero_point) {
  constexpr std::size_t OH = H + 2 * P - 2, OW = W + 2 * P - 2, n = OH * OW;
  using pl = depthwise_dsp::planes<W + 2 * P, P>;
  static_assert(depthwise_dsp::planes_chunk<H, W, 1, P> == OH, "depthwise_s8_dsp_s1_known: the whole channel in planes");
  constexpr bool pairs = depthwise_dsp::row_pair_fits<1, pl::row, pl::odd_from_even, OW>;
  const depthwise_dsp::layer_clamp lc(q);
  alignas(4) std::int16_t xp[(H + 2 * P) * pl::row];
  depthwise_dsp::pad_planes<H, W, P>(xp, input_zero_point);
  alignas(4) std::int32_t acc[n + 1];
  const std::int16_t* const x0 = xp + pl::e_at;  // E[0] of padded row 0
#pragma GCC unroll 1
  for (std::size_t c = 0; c < C; ++c) {
    const std::int8_t* const xc = x + c * H * W;
    const depthwise_dsp::s2_channel& k = table[c];
    if constexpr (depthwise_dsp::widen_rows_planes_fits<W, P>) {
      depthwise_dsp::widen_rows_planes<H, W, P>(xc, xp + P * pl::row);
    } else {
#pragma GCC unroll 1
      for (std::size_t iy = P; iy < P + H; ++iy)
        depthwise_dsp::widen_row_planes<H, W, P, false>(xc, iy, xp + iy * pl::row, input_zero_point);
    }
    std::size_t oy = 0;
    if constexpr (pairs) {
      const auto u12 = static_cast<std::int32_t>((static_cast<std::uint32_t>(k.u) >> 16) |
                                                 (static_cast<std::uint32_t>(k.v) << 16));  // (w4, w7)
#pragma GCC unroll 1
      for (; oy + 1 < OH; oy += 2)
        depthwise_dsp::row_pair_sums_k3s1_planes<pl::row, pl::odd_from_even, OW>(x0 + oy * pl::row, k.w02, k.u, u12, k.init,
                                                                                 acc + oy * OW);
    }
    if constexpr (!pairs || OH % 2 == 1) {
      // k.v: w7 in the bottom half, the half row_sums_k3_planes reads (the form and e above it).
#pragma GCC unroll 1
      for (; oy < OH; ++oy)
        depthwise_dsp::row_sums_k3_planes<1, pl::row, pl::odd_from_even, OW>(x0 + oy * pl::row, k.w02, k.u, k.v, k.init,
                                                                              acc + oy * OW);
    }
    depthwise_dsp::rescale_known<n>(acc, y + c * n, k, q, lc, c);
  }
}
#else
namespace depthwise_dsp {
struct layer_clamp;
}  // namespace depthwise_dsp
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P>
void depthwise_s8_dsp_s2_known(const std::int8_t*, const depthwise_dsp::s2_channel*, const channel_rescale&, std::int8_t*,
                               std::int8_t);  // Armv7E-M DSP only
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P>
void depthwise_s8_dsp_s1_known(const std::int8_t*, const depthwise_dsp::s2_channel*, const channel_rescale&, std::int8_t*,
                               std::int8_t);  // Armv7E-M DSP only
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void depthwise_s8_dsp(const std::int8_t*, const std::int8_t*, const channel_rescale&, std::int8_t*,
                      std::int8_t);  // Armv7E-M DSP only
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void depthwise_s8_channel_dsp(const std::int8_t*, const std::int8_t*, const channel_rescale&, const depthwise_dsp::layer_clamp&,
                              std::size_t, std::int8_t*, std::int8_t, std::int16_t* = nullptr);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
