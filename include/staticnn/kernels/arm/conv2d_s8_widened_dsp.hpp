#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 convolutions of one input channel (or 2-3 with a
// square window K >= 3: each channel's widened rows and weights after the one before's) with a
// window of K rows and KW columns (square: K >= 4 a side; rectangular: K, KW in [2, 11]), vertical
// stride S and horizontal SW (each 1 or 2), padded by Pad rows above, PadB below (< K), PadL and
// PadR columns left and right (< KW) (the padding holds
// pad): output rows [oy0, oy0 + rows) of G output channels, TFLite int8 arithmetic and the fused
// activation clamp, bit for bit as kernels/conv2d_s8.hpp's portable path (on the padded input).
//
// conv2d_s8_widened_max_pool_dsp: the same followed by a 2x2 max pool (one input channel, a square
// window), the maximum of a pooled output's four sums taken before its one rescale.
//
// Each padded input row a call needs is widened once to int16, doubled, as the pair words
// X[m] = (2 x[2m], 2 x[2m+1]) (padded columns), and serves all K window rows and all G channels.
// Each channel's weights are widened once per call: per window row the even words
// E_j = (w[2j], w[2j+1]) and, for stride 1, the odd words O_j = (w[2j-1], w[2j]) (w[-1] = w[K] = 0).
// An output at even padded column 2m sums E_j . X[m + j], one at odd column 2m+1 O_j . X[m + j]
// (SMLAD), so 4 outputs of a row (stride 1: x..x+3 from x even; stride 2: the columns 2x..2x+6)
// read the same few words. The doubled inputs make the accumulator 2 acc, which the doubled
// rescale (fixed_point.hpp's doubled_rescale_applies) takes as it is, with the clamp's lower bound
// lo taken off, as conv2d_s8_few_dsp.hpp's: u = (SMMULR(2 acc, m) + c - [acc < 0]) >> e saturated
// to [0, 255], four u clamped bytewise to lo + min(u, hi - lo). Other channels take
// fixed_point.hpp's requantize.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_rows_dsp.hpp"
#include "conv2d_s8_stem_dsp.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace conv_widened {
inline constexpr std::size_t max_kernel = 11;   // K: the unrolled multiply grows with K^2
inline constexpr std::size_t chunk_rows = 2;    // output rows per widened chunk (a 2x2 pool's)
inline constexpr std::size_t max_channels = 3;  // C of a square window (a first conv's, colour)

// PW: the padded input's width.
// The horizontal layout for kernel width K and stride S; KH, SH: the window rows and vertical stride;
// C: the input channels (each channel's widened rows after the one before).
template <std::size_t PW, std::size_t K, std::size_t S, std::size_t KH = K, std::size_t SH = S, std::size_t C = 1>
struct layout {
  static constexpr std::size_t OW = (PW - K) / S + 1;
  // Weight words per window row: stride 2, E_j for j < even; stride 1, E_j and O_j for j < steps
  // (w[k] = 0 for k >= K).
  static constexpr std::size_t even = (K + 1) / 2, steps = K / 2 + 1;
  static constexpr std::size_t row_weights = S == 2 ? even : 2 * steps;
  static constexpr std::size_t block = 4;                                       // outputs per block
  // A last block of a row with 1 or 2 outputs is a block of 2.
  static constexpr std::size_t tail = OW % block == 0 ? 0 : (OW % block <= 2 ? 2 : block);
  // Words read by the block of n outputs from column x: stride 1, X[x/2 ..) for even and odd words;
  // stride 2, X[x ..).
  static constexpr std::size_t reads(std::size_t x, std::size_t n) {
    return S == 1 ? x / 2 + (n / 2 - 1) + steps : x + (n - 1) + even;
  }
  static constexpr std::size_t last_x = OW % block == 0 ? OW - block : OW - OW % block;
  static constexpr std::size_t row_words_read = reads(last_x, block);  // at most a whole last block's
  static constexpr std::size_t row_words = row_words_read > (PW + 1) / 2 ? row_words_read : (PW + 1) / 2;
  static constexpr std::size_t rows = (chunk_rows - 1) * SH + KH;  // widened rows per chunk (a channel's)
  // The block loop's offsets from its row and weight pointers are 12-bit immediates (8 words of
  // block parameters after the weights).
  static constexpr bool offsets_fit =
      4 * ((C - 1) * rows + KH) * row_words <= 4095 && 4 * (C * KH * row_weights + 10) <= 4095;  // + block_params
};
}  // namespace conv_widened


// The shapes conv2d_s8_widened_dsp takes (H, W: the padded input's; the kernel's Pad < K):
// one input channel, K in [4, 11], stride 1 or 2, K widened rows within 4 KB (W up to about 250
// for K = 7) or 3 with stride 2; or 2 to 3 input channels (a first conv's) with a square window of
// K in [3, 11], stride 1 or 2, their widened rows within 4 KB (W up to about 100 for 3x3). Its sums |2 acc| <= 2 C K KW
// 127 128 stay far inside int32. A rectangular window (KW, SW: its width and horizontal stride; K,
// S: its height and vertical stride; one input channel): K and KW in [2, 11].
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t KW = K,
          std::size_t SW = S>
inline constexpr bool conv2d_s8_widened_dsp_fits =
    target::arm_dsp && C >= 1 &&
    (C == 1 ? (K == KW && S == SW ? K >= 4 || (K == 3 && S == 2) : K >= 2 && KW >= 2)
            : C <= conv_widened::max_channels && K == KW && S == SW && K >= 3) &&
    K <= conv_widened::max_kernel && KW <= conv_widened::max_kernel && K <= H && KW <= W && (S == 1 || S == 2) &&
    (SW == 1 || SW == 2) && conv_widened::layout<W, KW, SW, K, S, C>::offsets_fit;

namespace conv_widened {
// What the block loop reads after one channel's widened weights (and updates: y).
struct block_params {
  std::int32_t m, c, e;       // the doubled rescale, lo taken off: c = 2^(e-1) + ((zero_point - lo) << e)
  std::int32_t width4, lo4;   // the clamp: bytes4(hi - lo), bytes4(lo)
  std::int8_t* y;             // the next N outputs
  std::int8_t* y_end;         // past the last
  std::int32_t bias2;         // 2 bias
  std::int32_t pair0, pair1;  // the pooled kernel's: the first conv row's pair maxima of a block
};

// The words rows_impl widens into (as its template arguments): xw, Chunk output rows' widened
// input rows of each of the C input channels; wk, one output channel's widened weights (C K
// window rows), then its block_params.
template <std::size_t PW, std::size_t K, std::size_t S, std::size_t KW, std::size_t SW, std::size_t Chunk,
          std::size_t C = 1>
struct rows_buffers {
  static_assert(sizeof(block_params) % 4 == 0, "block_params: whole words after the weights");
  static constexpr std::size_t channel_rows = (Chunk - 1) * S + K;  // widened rows of one input channel
  static constexpr std::size_t xw_words = C * channel_rows * layout<PW, KW, SW, K, S>::row_words;
  static constexpr std::size_t wk_words = C * K * layout<PW, KW, SW, K, S>::row_weights + sizeof(block_params) / 4;
};

// A window taller than wide (K > KW) whose output rows are shorter than its columns (OW < OH) runs,
// for all of its output rows, on the transposed input: rows of OH outputs (fewer blocks, less of
// the last block lost), all rows in one chunk. Where the transposed input and its widened rows fit
// in 2 KB each and the transposed weights of the G channels in 4 KB, all in the caller's scratch
// (transposed_scratch).
inline constexpr std::size_t transposed_bytes = 2048;
template <std::size_t PH, std::size_t PW, std::size_t K, std::size_t S, std::size_t KW, std::size_t SW, std::size_t G>
inline constexpr bool runs_transposed = [] {
  if constexpr (K > KW && (PW - KW) / SW + 1 < (PH - K) / S + 1) {
    using T = layout<PH, K, S, KW, SW>;
    constexpr std::size_t rows_t = (PW - KW) / SW + 1;
    return T::offsets_fit && PH * PW <= transposed_bytes && G * K * KW <= 2 * transposed_bytes &&
           4 * ((rows_t - 1) * SW + KW) * T::row_words <= transposed_bytes;
  } else {
    return false;
  }
}();

// The scratch of the transposed run (runs_transposed; 0 for other shapes), H x W the unpadded
// input: from its first 8-byte boundary, the widened rows and weights of rows_impl on the
// transposed input (rows_buffers), then x^T (W x H), the weights transposed (G x KW x K) and one
// output channel (OW x OH) before it is transposed back; 7 bytes more for a scratch at any address.
template <std::size_t H, std::size_t W, std::size_t PH, std::size_t PW, std::size_t K, std::size_t S, std::size_t KW,
          std::size_t SW, std::size_t G>
struct transposed_scratch {
  static constexpr std::size_t OW = (PW - KW) / SW + 1, OH = (PH - K) / S + 1;
  using buffers = rows_buffers<PH, KW, SW, K, S, OW>;
  static constexpr std::size_t words = buffers::xw_words + buffers::wk_words;
  static constexpr std::size_t bytes =
      runs_transposed<PH, PW, K, S, KW, SW, G> ? 7 + 4 * words + W * H + G * K * KW + OW * OH : 0;
};
}  // namespace conv_widened

// Whether conv2d_s8_widened_dsp runs a shape through conv2d_s8_stem_dsp.hpp (2 or 3 input
// channels, a 3x3 window, stride 1 or 2: pair planes instead of horizontal pairs, no zero taps).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t KW = K,
          std::size_t SW = S>
inline constexpr bool conv2d_s8_widened_runs_stem =
    K == KW && S == SW && C > 1 && conv2d_s8_widened_dsp_fits<C, H, W, K, S, KW, SW> &&
    conv2d_s8_stem_dsp_fits<C, H, W, K, S>;

// Bytes of scratch conv2d_s8_widened_dsp takes (its scratch argument) to run the shape on the
// transposed input (conv_widened::runs_transposed), any alignment; 0: it takes none.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          std::size_t KW = K, std::size_t SW = S, std::size_t PadL = Pad, std::size_t PadB = Pad,
          std::size_t PadR = PadL>
inline constexpr std::size_t conv2d_s8_widened_dsp_scratch =
    conv2d_s8_widened_dsp_fits<1, Pad + H + PadB, PadL + W + PadR, K, S, KW, SW>
        ? conv_widened::transposed_scratch<H, W, Pad + H + PadB, PadL + W + PadR, K, S, KW, SW, G>::bytes
        : 0;

// The shapes conv2d_s8_widened_max_pool_dsp takes (H, W: the padded input's): one input channel, a
// square window of K in [4, 11], stride 1 or 2, as conv2d_s8_widened_dsp takes them, at least 2 x 2
// outputs, the K + S widened rows of a pooled row within the block loop's 12-bit offsets.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_widened_max_pool_fits =
    conv2d_s8_widened_dsp_fits<1, H, W, K, S> && K >= 4 && H >= K + S && W >= K + S &&
    4 * (K + S) * conv_widened::layout<W, K, S>::row_words <= 4095;
// Whether conv2d_s8_widened_max_pool_dsp keeps the G channels' widened weights for a call (they fit
// beside the widened rows in conv_rows::col_budget bytes): then a call for many pooled rows widens
// them once, not once a pooled row.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
inline constexpr bool conv2d_s8_widened_max_pool_keeps =
    G > 1 && 4 * (conv_widened::rows_buffers<W, K, S, K, S, 2>::xw_words +
                  G * conv_widened::rows_buffers<W, K, S, K, S, 2>::wk_words) <= conv_rows::col_budget;

#ifdef STATICNN_ARM_DSP
namespace conv_widened {

// The bottom half of lo with the bottom half of hi << (Shift - 16) on top (PKHBT).
template <int Shift>
[[gnu::always_inline]] inline std::int32_t pkhbt(std::int32_t lo, std::int32_t hi) {
  std::int32_t r;
  asm("pkhbt %0, %1, %2, lsl %3" : "=r"(r) : "r"(lo), "r"(hi), "i"(Shift));
  return r;
}

// Gas macros of the multiply (defined and purged within its asm): registers by index, since the
// input words rotate through them. Accumulator a (0..3): r7, r8, r10, r11; input word x (0..3):
// r0..r3; weight word v (0..5): r2, r3, r4, r5, r6, lr.
//   snn_mac a, x, v       acc_a += SMLAD(input x, weight v); while snn_first, acc_a = r7 + SMLAD(...)
//                         (r7 holds the doubled bias: the block's first products start from it,
//                         r7's own last)
//   snn_ldx x, off        input x = the word at [r12 + off]
//   snn_ldw from, n       weights from..from+n-1 = the next n words at [r9] (r9 advances)
#define STATICNN_WIDE_MACROS                                                                        \
  ".macro snn_mac3 acc, xr, v, add\n"                                                               \
  ".if \\v == 0\n smlad \\acc, \\xr, r2, \\add\n.elseif \\v == 1\n smlad \\acc, \\xr, r3, \\add\n"   \
  ".elseif \\v == 2\n smlad \\acc, \\xr, r4, \\add\n.elseif \\v == 3\n smlad \\acc, \\xr, r5, \\add\n" \
  ".elseif \\v == 4\n smlad \\acc, \\xr, r6, \\add\n.else\n smlad \\acc, \\xr, lr, \\add\n.endif\n"  \
  ".endm\n"                                                                                         \
  ".macro snn_mac2 acc, x, v, add\n"                                                                \
  ".if \\x == 0\n snn_mac3 \\acc, r0, \\v, \\add\n.elseif \\x == 1\n snn_mac3 \\acc, r1, \\v, \\add\n" \
  ".elseif \\x == 2\n snn_mac3 \\acc, r2, \\v, \\add\n.else\n snn_mac3 \\acc, r3, \\v, \\add\n.endif\n" \
  ".endm\n"                                                                                         \
  ".macro snn_mac a, x, v\n"                                                                        \
  ".if \\a == 0\n snn_mac2 r7, \\x, \\v, r7\n"                                                      \
  ".elseif snn_first\n"                                                                             \
  ".if \\a == 1\n snn_mac2 r8, \\x, \\v, r7\n.elseif \\a == 2\n snn_mac2 r10, \\x, \\v, r7\n"        \
  ".else\n snn_mac2 r11, \\x, \\v, r7\n.endif\n"                                                    \
  ".elseif \\a == 1\n snn_mac2 r8, \\x, \\v, r8\n.elseif \\a == 2\n snn_mac2 r10, \\x, \\v, r10\n"    \
  ".else\n snn_mac2 r11, \\x, \\v, r11\n.endif\n"                                                   \
  ".endm\n"                                                                                         \
  ".macro snn_ldx x, off\n"                                                                         \
  ".if \\x == 0\n ldr r0, [r12, #\\off]\n.elseif \\x == 1\n ldr r1, [r12, #\\off]\n"                 \
  ".elseif \\x == 2\n ldr r2, [r12, #\\off]\n.else\n ldr r3, [r12, #\\off]\n.endif\n"                \
  ".endm\n"                                                                                         \
  ".macro snn_ldw from, n\n"                                                                        \
  ".if \\from == 0\n"                                                                               \
  ".if \\n == 1\n ldr r2, [r9], #4\n.elseif \\n == 2\n ldm r9!, {r2, r3}\n"                          \
  ".elseif \\n == 3\n ldm r9!, {r2, r3, r4}\n.elseif \\n == 4\n ldm r9!, {r2, r3, r4, r5}\n"         \
  ".elseif \\n == 5\n ldm r9!, {r2, r3, r4, r5, r6}\n.else\n ldm r9!, {r2, r3, r4, r5, r6, lr}\n.endif\n" \
  ".else\n"                                                                                         \
  ".if \\n == 1\n ldr r4, [r9], #4\n.elseif \\n == 2\n ldm r9!, {r4, r5}\n"                          \
  ".elseif \\n == 3\n ldm r9!, {r4, r5, r6}\n.else\n ldm r9!, {r4, r5, r6, lr}\n.endif\n"           \
  ".endif\n"                                                                                        \
  ".endm\n"
#define STATICNN_WIDE_PURGE ".purgem snn_mac3\n.purgem snn_mac2\n.purgem snn_mac\n.purgem snn_ldx\n.purgem snn_ldw\n"

// For blocks of N (4 or 2) outputs of one row (S: the horizontal stride), from the block whose first
// reads X[0] of xr (K
// widened rows, RowWords apart) until params.y reaches params.y_end: the accumulators from the
// doubled bias, the products with one channel's widened weights wk (RowWeights a window row; the
// block_params right after them), the rescale, the clamp, N bytes stored at y. All in one asm.
// Stride 2: output p (column 2p) sums E_j . X[p + j]; the N words X[j .. j + N) rotate through
// r0..r(N-1), one new word a step; the E words load 4 at a time into r4, r5, r6, lr. Stride 1:
// outputs 2i, 2i + 1 sum E_j . X[i + j], O_j . X[i + j]; the weights E_0, O_0, E_1, O_1, ... load 6
// at a time into r2..r6, lr; X[j], X[j + 1] rotate through r0, r1. Accumulators r7, r8, r10, r11;
// after the multiply r0-r5 take {m, c, e, width4, lo4, y} (one LDM) and r6 is scratch.
// Near: every row's words within an LDRD offset of xr (no pointer steps within a block).
// C input channels: the window's K rows of channel c start ChannelRows widened rows after channel
// c - 1's, the weights of its K window rows after c - 1's.
// PoolRows > 0 (one input channel): max before rescale for a 2x2 max pool. Each block computes its
// N outputs on the conv row at xr and on the conv row PoolRows widened rows below (the vertical
// stride), takes the maximum of each horizontal pair of each row (the first row's kept in
// block_params' pair0, pair1 meanwhile) and of the two rows, and rescales and clamps those N / 2
// maxima only (the doubled rescale is non-decreasing: m > 0), N / 2 bytes stored at y.
template <std::size_t N, std::size_t K, std::size_t S, std::size_t RowWords, std::size_t RowWeights, std::size_t C = 1,
          std::size_t ChannelRows = K, std::size_t PoolRows = 0>
[[gnu::always_inline]] inline void row_blocks(const std::int32_t* xr, const std::int32_t* wk) {
  static_assert(N == 4 || N == 2);
  static_assert(ChannelRows >= K);
  static_assert(PoolRows == 0 || C == 1, "row_blocks: the pooled blocks take one input channel");
  constexpr std::size_t row = 4 * RowWords, weights = 4 * C * K * RowWeights, step = 4 * (S == 2 ? N : N / 2);
  constexpr std::size_t rows_spanned = (C - 1) * ChannelRows + K, skip = 4 * RowWords * (ChannelRows - K);
  constexpr std::size_t pool_row = PoolRows * row;  // the second conv row's offset from the first's
  constexpr bool near = (rows_spanned - 1) * row + pool_row + 8 <= 1020 && rows_spanned * row + pool_row <= 4095;
  static_assert(weights + sizeof(block_params) <= 4095 && rows_spanned * row + pool_row <= 4095,
                "row_blocks: offsets within 12 bits");
  register const std::int32_t* xp asm("r12") = xr;
  register const std::int32_t* wp asm("r9") = wk;
  register std::int32_t r0 asm("r0"), r1 asm("r1"), r2 asm("r2"), r3 asm("r3"), r4 asm("r4"), r5 asm("r5"),
      r6 asm("r6"), r7 asm("r7"), r8 asm("r8"), r10 asm("r10"), r11 asm("r11");
#define STATICNN_WIDE_RESCALE(A)                                                                    \
  "smmlar r6, " A ", r0, r1\n"                                                                      \
  "add " A ", r6, " A ", asr #31\n"                                                                 \
  "asr " A ", " A ", r2\n"                                                                          \
  "usat " A ", #8, " A "\n"
#define STATICNN_WIDE_MULTIPLY \
               ".set snn_first, 1\n" \
               ".set snn_k, 0\n" \
               ".rept %c[CK]\n" \
               ".if %c[S] == 2\n" \
               ".if %c[near]\n" \
               " ldrd r0, r1, [r12, #snn_row]\n" \
               " .if %c[N] == 4\n ldrd r2, r3, [r12, #snn_row + 8]\n .endif\n" \
               ".elseif %c[N] == 4\n ldm r12, {r0, r1, r2, r3}\n.else\n ldm r12, {r0, r1}\n.endif\n" \
               ".set snn_j, 0\n" \
               ".rept %c[RK]\n" \
               ".if snn_j %% 4 == 0\n" \
               ".if %c[RK] - snn_j >= 4\n snn_ldw 2, 4\n.else\n snn_ldw 2, %c[RK] - snn_j\n.endif\n" \
               ".endif\n" \
               ".if snn_j > 0\n snn_ldx (snn_j + %c[N] - 1) %% %c[N], snn_row + 4 * (snn_j + %c[N] - 1)\n.endif\n" \
               ".set snn_p, %c[N] - 1\n" \
               ".rept %c[N]\n snn_mac snn_p, (snn_j + snn_p) %% %c[N], 2 + snn_j %% 4\n.set snn_p, snn_p - 1\n.endr\n" \
               ".set snn_first, 0\n" \
               ".set snn_j, snn_j + 1\n" \
               ".endr\n" \
               ".else\n" \
               ".if %c[N] == 4\n" \
               ".if %c[near]\n ldrd r0, r1, [r12, #snn_row]\n.else\n ldm r12, {r0, r1}\n.endif\n" \
               ".endif\n" \
               ".set snn_j, 0\n" \
               ".rept %c[RK] / 2\n" \
               ".if (2 * snn_j) %% 6 == 0\n" \
               ".if %c[RK] - 2 * snn_j >= 6\n snn_ldw 0, 6\n.else\n snn_ldw 0, %c[RK] - 2 * snn_j\n.endif\n" \
               ".endif\n" \
               ".if %c[N] == 4\n" \
               ".if snn_j > 0\n snn_ldx (snn_j + 1) %% 2, snn_row + 4 * (snn_j + 1)\n.endif\n" \
               " snn_mac 3, (snn_j + 1) %% 2, (2 * snn_j + 1) %% 6\n" \
               " snn_mac 2, (snn_j + 1) %% 2, (2 * snn_j) %% 6\n" \
               " snn_mac 1, snn_j %% 2, (2 * snn_j + 1) %% 6\n" \
               " snn_mac 0, snn_j %% 2, (2 * snn_j) %% 6\n" \
               ".else\n" \
               " snn_ldx 0, snn_row + 4 * snn_j\n" \
               " snn_mac 1, 0, (2 * snn_j + 1) %% 6\n" \
               " snn_mac 0, 0, (2 * snn_j) %% 6\n" \
               ".endif\n" \
               ".set snn_first, 0\n" \
               ".set snn_j, snn_j + 1\n" \
               ".endr\n" \
               ".endif\n" \
               ".if %c[near]\n.set snn_row, snn_row + %c[row]\n.else\n add r12, r12, #%c[row]\n.endif\n" \
               ".set snn_k, snn_k + 1\n" \
               ".if %c[skip] > 0 && snn_k %% %c[K] == 0 && snn_k < %c[CK]\n" \
               ".if %c[near]\n.set snn_row, snn_row + %c[skip]\n.else\n add r12, r12, #%c[skip]\n.endif\n" \
               ".endif\n" \
               ".endr\n"
  if constexpr (PoolRows == 0) {
  asm volatile(STATICNN_WIDE_MACROS
               "1:\n"
               "ldr r7, [r9, #%c[bias]]\n"
               ".set snn_row, 0\n"
               STATICNN_WIDE_MULTIPLY
               "ldm r9, {r0, r1, r2, r3, r4, r5}\n"  // m, c, e, width4, lo4, y
               STATICNN_WIDE_RESCALE("r7") STATICNN_WIDE_RESCALE("r8")
               ".if %c[N] == 4\n" STATICNN_WIDE_RESCALE("r10") STATICNN_WIDE_RESCALE("r11") ".endif\n"
               "orr r7, r7, r8, lsl #8\n"
               ".if %c[N] == 4\n orr r7, r7, r10, lsl #16\n orr r7, r7, r11, lsl #24\n.endif\n"
               "uqsub8 r6, r7, r3\n"  // u - min(u, hi - lo)
               "usub8 r7, r7, r6\n"
               "uadd8 r7, r7, r4\n"
               ".if %c[N] == 4\n str r7, [r5], #4\n.else\n strh r7, [r5], #2\n.endif\n"
               "str r5, [r9, #%c[y]]\n"
               "ldr r6, [r9, #%c[yend]]\n"
               "sub r9, r9, #%c[weights]\n"
               ".if %c[near]\n add r12, r12, #%c[step]\n.else\n sub r12, r12, #%c[back]\n.endif\n"
               "cmp r5, r6\n"
               "bne 1b\n" STATICNN_WIDE_PURGE
               : "+r"(xp), "+r"(wp), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5), "=&r"(r6),
                 "=&r"(r7), "=&r"(r8), "=&r"(r10), "=&r"(r11)
               : [K] "i"(K), [CK] "i"(C * K), [skip] "i"(skip), [S] "i"(S), [N] "i"(N), [RK] "i"(RowWeights),
                 [row] "i"(row), [near] "i"(near ? 1 : 0),
                 [weights] "i"(weights), [step] "i"(step), [back] "i"(rows_spanned * row - step),
                 [bias] "i"(weights + offsetof(block_params, bias2)), [y] "i"(offsetof(block_params, y)),
                 [yend] "i"(offsetof(block_params, y_end))
               : "lr", "cc", "memory");
  } else {
    // Signed maximum of two accumulators into the first.
#define STATICNN_WIDE_MAX(A, B) "cmp " A ", " B "\n it lt\n movlt " A ", " B "\n"
    asm volatile(STATICNN_WIDE_MACROS
                 "1:\n"
                 "ldr r7, [r9, #%c[bias]]\n"
                 ".set snn_row, 0\n"
                 STATICNN_WIDE_MULTIPLY
                 STATICNN_WIDE_MAX("r7", "r8")
                 ".if %c[N] == 4\n" STATICNN_WIDE_MAX("r10", "r11") " strd r7, r10, [r9, #%c[y] + 12]\n"
                 ".else\n str r7, [r9, #%c[y] + 12]\n.endif\n"
                 "sub r9, r9, #%c[weights]\n"
                 ".if %c[near] == 0\n sub r12, r12, #%c[CK] * %c[row] - %c[pool_row]\n.endif\n"  // to the second conv row
                 "ldr r7, [r9, #%c[bias]]\n"
                 ".set snn_row, %c[pool_row]\n"
                 STATICNN_WIDE_MULTIPLY
                 STATICNN_WIDE_MAX("r7", "r8")
                 ".if %c[N] == 4\n ldrd r0, r1, [r9, #%c[y] + 12]\n" STATICNN_WIDE_MAX("r10", "r11")
                 STATICNN_WIDE_MAX("r10", "r1") ".else\n ldr r0, [r9, #%c[y] + 12]\n.endif\n"
                 STATICNN_WIDE_MAX("r7", "r0")
                 "ldm r9, {r0, r1, r2, r3, r4, r5}\n"  // m, c, e, width4, lo4, y
                 STATICNN_WIDE_RESCALE("r7")
                 ".if %c[N] == 4\n" STATICNN_WIDE_RESCALE("r10") " orr r7, r7, r10, lsl #8\n.endif\n"
                 "uqsub8 r6, r7, r3\n"  // u - min(u, hi - lo)
                 "usub8 r7, r7, r6\n"
                 "uadd8 r7, r7, r4\n"
                 ".if %c[N] == 4\n strh r7, [r5], #2\n.else\n strb r7, [r5], #1\n.endif\n"
                 "str r5, [r9, #%c[y]]\n"
                 "ldr r6, [r9, #%c[y] + 4]\n"
                 "sub r9, r9, #%c[weights]\n"
                 ".if %c[near]\n add r12, r12, #%c[step]\n.else\n sub r12, r12, #%c[back]\n.endif\n"
                 "cmp r5, r6\n"
                 "bne 1b\n" STATICNN_WIDE_PURGE
                 : "+r"(xp), "+r"(wp), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5), "=&r"(r6),
                   "=&r"(r7), "=&r"(r8), "=&r"(r10), "=&r"(r11)
                 : [K] "i"(K), [CK] "i"(C * K), [skip] "i"(skip), [S] "i"(S), [N] "i"(N), [RK] "i"(RowWeights),
                   [row] "i"(row), [near] "i"(near ? 1 : 0), [weights] "i"(weights), [step] "i"(step),
                   [pool_row] "i"(pool_row),
                   [back] "i"(rows_spanned * row + pool_row - step),
                   [bias] "i"(weights + offsetof(block_params, bias2)), [y] "i"(offsetof(block_params, y))
                 : "lr", "cc", "memory");
#undef STATICNN_WIDE_MAX
  }
#undef STATICNN_WIDE_MULTIPLY
#undef STATICNN_WIDE_RESCALE
  static_assert(offsetof(block_params, m) == 0 && offsetof(block_params, c) == 4 && offsetof(block_params, e) == 8 &&
                    offsetof(block_params, width4) == 12 && offsetof(block_params, lo4) == 16 &&
                    offsetof(block_params, y) == 20 && offsetof(block_params, y_end) == 24 &&
                    offsetof(block_params, pair0) == 32 && offsetof(block_params, pair1) == 36,
                "row_blocks: one LDM takes m, c, e, width4, lo4, y in this order; y_end, pair0 at y + 4, y + 12");
}
#undef STATICNN_WIDE_PURGE
#undef STATICNN_WIDE_MACROS

// The bytes b0..b3 of v as the int16 pair words lo = (b0, b1), hi = (b2, b3), doubled if Double;
// e, o: SXTB16 of v and of v ror 8, (b0, b2) and (b1, b3), not doubled.
template <bool Double>
[[gnu::always_inline]] inline void byte_pairs(std::uint32_t v, std::int32_t& lo, std::int32_t& hi, std::int32_t& e,
                                              std::int32_t& o) {
  e = static_cast<std::int32_t>(__sxtb16(v)), o = conv_rows::sxtb16_ror8(v);
  std::int32_t de = e, d_o = o;
  if constexpr (Double) de = static_cast<std::int32_t>(__sadd16(e, e)), d_o = static_cast<std::int32_t>(__sadd16(o, o));
  asm("pkhbt %0, %2, %3, lsl #16\n"
      "pkhtb %1, %3, %2, asr #16"
      : "=&r"(lo), "=r"(hi)
      : "r"(de), "r"(d_o));
}

// Padded rows [r0, r0 + n) of the H x W input x (padded by PadT rows above, PadL columns on the
// left, with pad) widened and doubled into rows of RowWords pair words each (padded columns; past
// them and below the input pad). Inside the row, 4 input bytes (one word load) make 2 words.
template <std::size_t H, std::size_t W, std::size_t PadT, std::size_t PadL, std::size_t RowWords>
[[gnu::always_inline]] inline void widen_rows(const std::int8_t* x, std::size_t r0, std::size_t n, std::int8_t pad,
                                              std::int32_t* out) {
  const auto pad2 = static_cast<std::uint32_t>(static_cast<std::uint16_t>(2 * pad));
  const std::uint32_t pads = pad2 | pad2 << 16;
  for (std::size_t r = r0; r < r0 + n; ++r, out += RowWords) {
    const std::size_t iy = r - PadT;  // wraps above the input
    if (iy >= H) {
      for (std::size_t m = 0; m < RowWords; ++m) out[m] = static_cast<std::int32_t>(pads);
      continue;
    }
    const std::int8_t* row = x + iy * W;
    auto tap = [&](std::size_t col) -> std::uint32_t {  // padded column col, doubled, int16
      return col >= PadL && col < W + PadL ? static_cast<std::uint16_t>(2 * row[col - PadL]) : pad2;
    };
    constexpr std::size_t inner_begin = (PadL + 1) / 2, inner_end = (W + PadL) / 2;  // words inside the row
#pragma GCC unroll 2
    for (std::size_t m = 0; m < inner_begin; ++m) out[m] = static_cast<std::int32_t>(tap(2 * m) | tap(2 * m + 1) << 16);
    std::size_t m = inner_begin;
    for (; m + 2 <= inner_end; m += 2) {
      std::uint32_t v;
      __builtin_memcpy(&v, row + 2 * m - PadL, 4);
      std::int32_t e, o;
      byte_pairs<true>(v, out[m], out[m + 1], e, o);
    }
    for (; m < RowWords; ++m) out[m] = static_cast<std::int32_t>(tap(2 * m) | tap(2 * m + 1) << 16);
  }
}

// One channel's KH x K weights w (KH rows of K) widened into wk, per window row: stride S = 2,
// E_0, E_1, ...; stride 1, E_0, O_0, E_1, O_1, ... (layout::row_weights words). A word load of 4
// weights w[2j .. 2j + 3] (inside the row) makes E_j, E_j+1 and, stride 1, O_j (with w[2j - 1] from
// the load before) and O_j+1; the words past the last such load from single bytes.
template <std::size_t K, std::size_t S, std::size_t KH = K>
[[gnu::always_inline]] inline void widen_weights(const std::int8_t* w, std::int32_t* wk) {
  constexpr std::size_t words = S == 2 ? (K + 1) / 2 : K / 2 + 1, step = S == 2 ? 1 : 2;
  constexpr std::size_t loads = (K / 4) * 2;  // j < loads come from word loads
  auto tap = [&](const std::int8_t* row, std::ptrdiff_t k) -> std::int32_t {
    return k >= 0 && k < static_cast<std::ptrdiff_t>(K) ? row[k] : 0;
  };
  for (std::size_t ky = 0; ky < KH; ++ky, w += K, wk += words * step) {
    std::int32_t o_before = 0;  // (w[2j - 3], w[2j - 1])
#pragma GCC unroll 6
    for (std::size_t j = 0; j < loads; j += 2) {
      std::uint32_t v;
      __builtin_memcpy(&v, w + 2 * j, 4);
      std::int32_t e, o;
      byte_pairs<false>(v, wk[j * step], wk[(j + 1) * step], e, o);
      if constexpr (S == 1) {
        wk[j * step + 1] = j == 0 ? static_cast<std::int32_t>(static_cast<std::uint32_t>(e) << 16)
                                  : pkhbt<16>(o_before >> 16, e);  // (w[2j - 1], w[2j])
        wk[(j + 1) * step + 1] = pkhbt<0>(o, e);  // (w[2j + 1], w[2j + 2])
        o_before = o;
      }
    }
#pragma GCC unroll 6
    for (std::size_t j = loads; j < words; ++j) {
      const auto k = static_cast<std::ptrdiff_t>(2 * j);
      wk[j * step] = pkhbt<16>(tap(w, k), tap(w, k + 1));
      if constexpr (S == 1) wk[j * step + 1] = pkhbt<16>(tap(w, k - 1), tap(w, k));
    }
  }
}

}  // namespace conv_widened

namespace conv_widened {
// The kernel on the H x W input x (one channel) padded by Pad rows above and PadL columns on the
// left (PW: the padded width; below and right: padding as far as the layout reads), Chunk output
// rows per widened chunk; the rest as conv2d_s8_widened_dsp (a function of its own: inlined, the
// square shapes compiled worse). Buffers: xw and wk (rows_buffers) on its stack, or (InScratch)
// at scratch, 8-byte aligned, xw_words + wk_words words.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad, std::size_t KW,
          std::size_t SW, std::size_t PadL, std::size_t PW, std::size_t Chunk, bool InScratch = false, std::size_t C = 1>
void rows_impl(const std::int8_t* x, const std::int8_t* w, channel_rescale q,
               std::int8_t* y, std::size_t oy0, std::size_t rows, std::int8_t pad,
               [[maybe_unused]] std::int32_t* scratch = nullptr) {
  using L = layout<PW, KW, SW, K, S>;
  using Buf = rows_buffers<PW, K, S, KW, SW, Chunk, C>;
  constexpr std::size_t OW = L::OW, B = L::block, RW = L::row_words, RK = L::row_weights, CR = Buf::channel_rows;
  constexpr auto sum_max = static_cast<std::uint32_t>(C * K * KW * 127u * 128u);
  const std::size_t n = rows * OW;
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t width4 = conv_rows::bytes4(hi - lo), lo4 = conv_rows::bytes4(lo);
  alignas(8) std::int32_t xw_own[InScratch ? 1 : Buf::xw_words];
  // A 3x3 window (few products a channel per widened chunk: widening its weights is a large share)
  // keeps every channel's widened weights for the whole call (widened in the first chunk only) where
  // they fit beside the widened rows within the rows kernel's stack budget; else one channel's at a time.
  constexpr bool keep = !InScratch && G > 1 && K == 3 && KW == 3 &&
                        4 * (Buf::xw_words + G * Buf::wk_words) <= conv_rows::col_budget;
  alignas(8) std::int32_t wk_own[InScratch ? 1 : (keep ? G : 1) * Buf::wk_words];
  std::int32_t* const xw = InScratch ? scratch : xw_own;
  std::int32_t* const wk = InScratch ? scratch + Buf::xw_words : wk_own;
  constexpr std::size_t full = OW / B * B;  // outputs of a row in whole blocks
  for (std::size_t c0 = 0; c0 < rows; c0 += Chunk) {
    const std::size_t chunk = rows - c0 < Chunk ? rows - c0 : Chunk;
    for (std::size_t c = 0; c < C; ++c)
      widen_rows<H, W, Pad, PadL, RW>(x + c * H * W, (oy0 + c0) * S, (chunk - 1) * S + K, pad, xw + c * CR * RW);
    for (std::size_t o = 0; o < G; ++o) {
      const std::int32_t bias = q.bias[o], m = q.multiplier[o], shift = q.shift[o];
      std::int8_t* yo = y + o * n + c0 * OW;
      if (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max)) {
        std::int32_t* const wko = keep ? wk + o * Buf::wk_words : wk;
        auto& params = *reinterpret_cast<block_params*>(wko + C * K * RK);
        if (!keep || c0 == 0)  // OIHW: C K window rows of KW weights
          widen_weights<KW, SW, C * K>(w + o * C * K * KW, wko);
        const std::int32_t e = -shift;
        params = {m, (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e), e,
                  width4, lo4, yo, yo, 2 * bias, 0, 0};
        for (std::size_t r = 0; r < chunk; ++r, yo += OW) {
          const std::int32_t* xr = xw + r * S * RW;
          if constexpr (full > 0) {
            params.y = yo, params.y_end = yo + full;
            row_blocks<B, K, SW, RW, RK, C, CR>(xr, wko);
          }
          if constexpr (L::tail != 0) {  // the last outputs: a block of 2 or 4, through out unless exact
            constexpr bool exact = L::tail == OW - full;
            alignas(4) std::int8_t out[L::tail];
            params.y = exact ? yo + full : out, params.y_end = params.y + L::tail;
            row_blocks<L::tail, K, SW, RW, RK, C, CR>(xr + (SW == 1 ? full / 2 : full), wko);
            if constexpr (!exact)
              for (std::size_t p = 0; p < OW - full; ++p) yo[full + p] = out[p];
          }
        }
      } else {  // the general rescale (fixed_point.hpp), the sums from x as the portable kernel's
        const std::int8_t* wo = w + o * C * K * KW;
        for (std::size_t r = 0; r < chunk; ++r, yo += OW)
          for (std::size_t ox = 0; ox < OW; ++ox) {
            auto a = static_cast<std::uint32_t>(bias);  // wrapping as the portable kernel's int32 sum
            for (std::size_t c = 0; c < C; ++c)
              for (std::size_t ky = 0; ky < K; ++ky) {
                const std::size_t iy = (oy0 + c0 + r) * S + ky - Pad;  // wraps above the input
                for (std::size_t kx = 0; kx < KW; ++kx) {
                  const std::size_t ix = ox * SW + kx - PadL;
                  const std::int32_t v = iy < H && ix < W ? x[(c * H + iy) * W + ix] : pad;
                  a += static_cast<std::uint32_t>(v * wo[(c * K + ky) * KW + kx]);
                }
              }
            yo[ox] = q.clamp(requantize_out_of_line(static_cast<std::int32_t>(a), m, shift, q.zero_point));
          }
      }
    }
  }
}

}  // namespace conv_widened

// Conv (one input channel, a square K x K window of stride S, padded by Pad on every side with pad)
// -> 2x2 max pool, bit for bit as conv2d_s8.hpp's portable kernel followed by the max pool: pooled
// rows [cy0 / 2, cy0 / 2 + pooled_rows) of the G channels (pooled row i from conv rows cy0 + 2 i,
// cy0 + 2 i + 1; floor pooling: an odd last conv row or column is dropped), channel o's rows of
// OW / 2 bytes one after the other from y + o * y_stride. x: the H x W input (unpadded), w:
// G x K x K. The doubled rescale (conv2d_s8_widened_dsp's) is non-decreasing (m > 0), so each
// pooled output is the rescale of the largest of its four sums (row_blocks' PoolRows: one rescale a
// pooled output); channels that do not take it (AllDoubled false only) compute their four outputs
// with the general rescale and take the largest. Where all G channels' widened weights fit beside
// the widened rows in conv_rows::col_budget bytes of stack, they are widened once a call.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_widened_max_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                    std::size_t y_stride, std::size_t cy0, std::int8_t pad = 0,
                                    std::size_t pooled_rows = 1) {
  constexpr std::size_t PW = Pad + W + Pad;
  static_assert(conv2d_s8_widened_max_pool_fits<Pad + H + Pad, PW, K, S> && Pad < K,
                "conv2d_s8_widened_max_pool_dsp: shape not taken (see conv2d_s8_widened_max_pool_fits)");
  using L = conv_widened::layout<PW, K, S>;
  using Buf = conv_widened::rows_buffers<PW, K, S, K, S, 2>;
  constexpr std::size_t OW = L::OW, PO = OW / 2, RW = L::row_words, RK = L::row_weights, WK = Buf::wk_words;
  constexpr std::size_t full = PO / 2;      // blocks of 4 conv columns (2 pooled outputs)
  constexpr bool tail = PO % 2 != 0;        // a last block of 2 conv columns (1 pooled output)
  constexpr bool keep = conv2d_s8_widened_max_pool_keeps<Pad + H + Pad, PW, K, S, G>;
  constexpr auto sum_max = static_cast<std::uint32_t>(K * K * 127u * 128u);
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t width4 = conv_rows::bytes4(hi - lo), lo4 = conv_rows::bytes4(lo);
  alignas(8) std::int32_t xw[Buf::xw_words];
  alignas(8) std::int32_t wk[(keep ? G : 1) * WK];
  auto doubled = [&](std::size_t o) {
    return AllDoubled || (lo <= hi && doubled_rescale_applies(q.bias[o], q.multiplier[o], q.shift[o], q.zero_point,
                                                              sum_max));
  };
  if constexpr (keep)
    for (std::size_t o = 0; o < G; ++o)
      if (doubled(o)) conv_widened::widen_weights<K, S, K>(w + o * K * K, wk + o * WK);
  for (std::size_t i = 0; i < pooled_rows; ++i, cy0 += 2) {
    conv_widened::widen_rows<H, W, Pad, Pad, RW>(x, cy0 * S, S + K, pad, xw);
    for (std::size_t o = 0; o < G; ++o) {
      const std::int32_t bias = q.bias[o], m = q.multiplier[o], shift = q.shift[o];
      std::int8_t* const yo = y + o * y_stride + i * PO;
      if (doubled(o)) {
        std::int32_t* const wko = keep ? wk + o * WK : wk;
        if constexpr (!keep) conv_widened::widen_weights<K, S, K>(w + o * K * K, wko);
        auto& params = *reinterpret_cast<conv_widened::block_params*>(wko + K * RK);
        const std::int32_t e = -shift;
        params = {m, (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e), e,
                  width4, lo4, yo, yo + 2 * full, 2 * bias, 0, 0};
        if constexpr (full > 0) conv_widened::row_blocks<4, K, S, RW, RK, 1, K, S>(xw, wko);
        if constexpr (tail) {
          params.y = yo + 2 * full, params.y_end = yo + 2 * full + 1;
          conv_widened::row_blocks<2, K, S, RW, RK, 1, K, S>(xw + (S == 1 ? 2 * full : 4 * full), wko);
        }
      } else if constexpr (!AllDoubled) {  // the general rescale (fixed_point.hpp), the sums from x
        const std::int8_t* wo = w + o * K * K;
        for (std::size_t px = 0; px < PO; ++px) {
          std::int8_t best = -128;
          for (std::size_t d = 0; d < 4; ++d) {
            const std::size_t oy = cy0 + d / 2, ox = 2 * px + d % 2;
            auto a = static_cast<std::uint32_t>(bias);  // wrapping as the portable kernel's int32 sum
            for (std::size_t ky = 0; ky < K; ++ky) {
              const std::size_t iy = oy * S + ky - Pad;  // wraps above the input
              for (std::size_t kx = 0; kx < K; ++kx) {
                const std::size_t ix = ox * S + kx - Pad;
                const std::int32_t v = iy < H && ix < W ? x[iy * W + ix] : pad;
                a += static_cast<std::uint32_t>(v * wo[ky * K + kx]);
              }
            }
            const std::int8_t v =
                q.clamp(requantize_out_of_line(static_cast<std::int32_t>(a), m, shift, q.zero_point));
            if (v > best) best = v;
          }
          yo[px] = best;
        }
      }
    }
  }
}


// x: C x H x W int8 (C > 1 only for a square window), padded by Pad rows above, PadB below,
// PadL columns on the left and PadR on the right with pad (the kernel reads no padded copy); w: G output channels' K x KW
// weights (contiguous, in [-127, 127]); q: the rescale starting at the first of the G channels;
// y: G x rows x OW int8. S, SW: the vertical and horizontal strides. scratch: null, or
// conv2d_s8_widened_dsp_scratch bytes overlapping neither x nor y, with which a call for all
// output rows of a shape that runs transposed (conv_widened::runs_transposed) runs so; other calls
// take no scratch and keep their buffers on the stack.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          std::size_t KW = K, std::size_t SW = S, std::size_t PadL = Pad, std::size_t PadB = Pad,
          std::size_t PadR = PadL>
void conv2d_s8_widened_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                           std::size_t oy0, std::size_t rows, [[maybe_unused]] std::int8_t pad = 0,
                           [[maybe_unused]] std::int8_t* scratch = nullptr) {
  constexpr std::size_t PH = Pad + H + PadB, PW = PadL + W + PadR;
  static_assert(conv2d_s8_widened_dsp_fits<C, PH, PW, K, S, KW, SW> && Pad < K && PadB < K && PadL < KW && PadR < KW,
                "conv2d_s8_widened_dsp: shape not taken (see conv2d_s8_widened_dsp_fits)");
  if constexpr (conv2d_s8_widened_runs_stem<C, PH, PW, K, S, KW, SW>) {  // 2-3 channels, 3x3: pair planes
    return conv2d_s8_stem_dsp<C, H, W, S, G, Pad, PadL, PadB, PadR>(x, w, q, y, oy0, rows, pad);
  }
  if constexpr (conv_widened::runs_transposed<PH, PW, K, S, KW, SW, G>) {
    using T = conv_widened::transposed_scratch<H, W, PH, PW, K, S, KW, SW, G>;
    constexpr std::size_t OW = T::OW, OH = T::OH, F = K * KW;
    if (scratch != nullptr && oy0 == 0 && rows == OH) {
      // The convolution of x^T (W x H) with the weights transposed (KW x K): OW rows of OH outputs
      // a channel into y, each channel then transposed in place.
      const auto a = reinterpret_cast<std::uintptr_t>(scratch);
      auto* const buffers = reinterpret_cast<std::int32_t*>(scratch + ((0u - a) & 7u));
      std::int8_t* const xt = reinterpret_cast<std::int8_t*>(buffers + T::words);
      std::int8_t* const wt = xt + W * H;
      std::int8_t* const yt = wt + G * F;
      for (std::size_t i = 0; i < H; ++i)
        for (std::size_t j = 0; j < W; ++j) xt[j * H + i] = x[i * W + j];
      for (std::size_t o = 0; o < G; ++o)
        for (std::size_t ky = 0; ky < K; ++ky)
          for (std::size_t kx = 0; kx < KW; ++kx) wt[o * F + kx * K + ky] = w[o * F + ky * KW + kx];
      conv_widened::rows_impl<W, H, KW, SW, G, PadL, K, S, Pad, PH, OW, true>(xt, wt, q, y, 0, OW, pad, buffers);
      for (std::size_t o = 0; o < G; ++o) {
        std::int8_t* yo = y + o * OW * OH;
        for (std::size_t i = 0; i < OW * OH; ++i) yt[i] = yo[i];
        for (std::size_t oy = 0; oy < OH; ++oy)
          for (std::size_t ox = 0; ox < OW; ++ox) yo[oy * OW + ox] = yt[ox * OH + oy];
      }
      return;
    }
  }
  conv_widened::rows_impl<H, W, K, S, G, Pad, KW, SW, PadL, PW, conv_widened::chunk_rows, false, C>(x, w, q, y, oy0,
                                                                                                  rows, pad);
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          std::size_t KW = K, std::size_t SW = S, std::size_t PadL = Pad, std::size_t PadB = Pad,
          std::size_t PadR = PadL>
void conv2d_s8_widened_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                           std::size_t oy0, std::size_t rows, std::int8_t pad = 0,
                           std::int8_t* scratch = nullptr);  // Armv7E-M DSP only
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_widened_max_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                    std::size_t y_stride, std::size_t cy0, std::int8_t pad = 0,
                                    std::size_t pooled_rows = 1);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
