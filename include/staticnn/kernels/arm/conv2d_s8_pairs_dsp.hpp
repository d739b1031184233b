#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 convolutions of a few input channels (C in
// [4, 12]; 9 and 10 for K <= 3 only), K in [2, 5], stride 1 or 2, padded by Pad < K on every side (the padding holds pad):
// output rows [oy0, oy0 + rows) of G output channels, TFLite int8 arithmetic and the fused
// activation clamp, bit for bit as kernels/conv2d_s8.hpp's portable path (on the padded input).
//
// Channel pairs instead of an im2col: the padded input rows a chunk of output rows reads are
// widened once to int16, doubled, column after column, a column's channels as P = ceil(C / 2)
// pair words (2 x[2p], 2 x[2p + 1]) (a missing channel C of odd C is 0). Four output channels'
// weights are paired alike, per tap (ky, kx) the words (w[o][2p], w[o][2p + 1]), so one output
// pixel of 4 channels is, per tap, one LDM of the column's pair words (in chunks of at most 4
// registers) and per channel one LDM of its weight words and one SMLAD a word: per tap and chunk
// of n words 1 + 4 (1 + n) instructions for 8 n MACs, with no per-pixel copy. The doubled inputs
// make the accumulator 2 acc, which the doubled rescale (fixed_point.hpp's doubled_rescale_applies)
// takes as it is, with the clamp's lower bound lo taken off, as conv2d_s8_few_dsp.hpp's:
// u = (SMMULR(2 acc, m) + c - [acc < 0]) >> e saturated to [0, 255], the 4 channels' u clamped
// bytewise to lo + min(u, hi - lo). Channels outside the doubled form take fixed_point.hpp's
// requantize (a group of 4 with one such channel computes all 4 that way).
// conv2d_s8_pairs_max_pool_dsp and conv2d_s8_pairs_avg_pool_dsp: the same conv followed by a 2x2
// max or average pool, a pooled row a call (core/sequential.hpp's conv -> activation -> pool stage).
#include <cstddef>
#include <cstdint>

#include "../conv_window_s8.hpp"
#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_rows_dsp.hpp"
#include "conv2d_s8_stage_dsp.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace conv_pairs {
inline constexpr std::size_t min_channels = 4, max_channels = 12;  // C
inline constexpr std::size_t min_kernel = 2, max_kernel = 5;       // K
inline constexpr std::size_t outputs = 4;        // output channels per pass (accumulators r7, r8, r10, r11)
inline constexpr std::size_t chunk_words = 4;    // pair words per LDM (r0-r3; weights r4-r6, lr)
inline constexpr std::size_t chunk_rows = 2;     // output rows per widened chunk (a 2x2 pool's)
inline constexpr std::size_t row_budget = 4096;  // bytes of widened rows per chunk

// PW: the padded input's width.
template <std::size_t C, std::size_t PW, std::size_t K, std::size_t S>
struct layout {
  static constexpr std::size_t pairs = (C + 1) / 2;                                   // P: words per column
  static constexpr std::size_t chunks = (pairs + chunk_words - 1) / chunk_words;      // LDMs per tap
  static constexpr std::size_t small = pairs / chunks, big_count = pairs % chunks;    // chunk sizes:
  static constexpr std::size_t big = small + 1, small_count = chunks - big_count;     // big ones first
  static constexpr std::size_t row_words = PW * pairs;                                // a widened row
  static constexpr std::size_t rows = (chunk_rows - 1) * S + K;                       // widened rows
  static constexpr std::size_t tap_words = outputs * pairs;                           // 4 channels' weights
  // A group's words: the 4 doubled biases, the weights per tap, then its group_params.
  static constexpr std::size_t bias_words = outputs, weight_words = K * K * tap_words;
  // The chunk holding pair p: its first pair and size.
  static constexpr std::size_t chunk_begin(std::size_t p) {
    return p < big_count * big ? p / big * big : big_count * big + (p - big_count * big) / small * small;
  }
  static constexpr std::size_t chunk_size(std::size_t p) { return p < big_count * big ? big : small; }
  // The widened rows within the budget, a row step within an ADDW immediate, and chunks of one
  // size but for K <= 3 (5 pair words, C = 9 or 10, load chunks of 3 and 2: for 5x5 the rows kernel
  // measured faster, fw_family's wide5 10-channel 5x5 conv 0.995 instructions/MAC against 1.013;
  // for 3x3 this kernel, a 10-channel 3x3 conv to 20 with a 2x2 max pool 0.978 against the rows
  // kernel's 1.218).
  static constexpr bool fits =
      rows * row_words * 4 <= row_budget && 4 * (row_words - K * pairs) <= 4095 && (big_count == 0 || K <= 3);
};

// What the asm reads after a group's weights: per channel its doubled rescale, lo taken off
// (c = 2^(e-1) + ((zero_point - lo) << e)), then the clamp; then the 4 channels' running maxima
// of a 2x2 max pool's window (conv2d_s8_pairs_max_pool_dsp), which the asm writes.
struct group_params {
  std::int32_t mce[outputs][3];  // m, c, e
  std::int32_t width4, lo4;      // bytes4(hi - lo), bytes4(lo)
  std::int32_t max[outputs];     // accumulators (2 acc, bias included) of the window so far
};

// What pixel does with a pixel's 4 accumulators: rescale and clamp them (whole), or, for the
// pixels of a 2x2 max pool's window, keep them as the running maxima (first), take the maxima
// with them (more), or take the maxima and rescale and clamp those (last).
enum class acc_use { whole, first, more, last };
}  // namespace conv_pairs

// The shapes conv2d_s8_pairs_dsp takes (H, W: the padded input's; the kernel's Pad < K).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_pairs_dsp_fits =
    target::arm_dsp && C >= conv_pairs::min_channels && C <= conv_pairs::max_channels &&
    K >= conv_pairs::min_kernel && K <= conv_pairs::max_kernel && K <= H && K <= W && (S == 1 || S == 2) &&
    conv_pairs::layout<C, W, K, S>::fits;

#ifdef STATICNN_ARM_DSP
namespace conv_pairs {

// One output pixel of a group of 4 channels: from its window's first widened word xp (row ky = 0,
// column kx = 0) and the group's words gw (biases, weights, group_params), the 4 clamped outputs
// as the bytes of one word (channel j in byte j). Registers: pair words r0-r3, weight words r4-r6
// and lr, accumulators r7, r8, r10, r11, the walk over the weights r9, over the input r12.
// Use: acc_use (whole, or a max pool window's pixels, the output only after the last).
template <class L, std::size_t K, acc_use Use = acc_use::whole>
[[gnu::always_inline]] inline std::uint32_t pixel(const std::int32_t* xp, const std::int32_t* gw) {
  register const std::int32_t* xr asm("r12") = xp;
  register const std::int32_t* wr asm("r9") = gw;
  register std::int32_t r0 asm("r0"), r1 asm("r1"), r2 asm("r2"), r3 asm("r3"), r4 asm("r4"), r5 asm("r5"),
      r6 asm("r6"), r8 asm("r8"), r10 asm("r10"), r11 asm("r11");
  register std::uint32_t out asm("r7");
  asm volatile(
      // snn_chunk n: the next n pair words of the column times each channel's next n weight words.
      ".macro snn_chunk n\n"
      ".if \\n == 1\n ldr r0, [r12], #4\n.elseif \\n == 2\n ldm r12!, {r0, r1}\n"
      ".elseif \\n == 3\n ldm r12!, {r0, r1, r2}\n.else\n ldm r12!, {r0, r1, r2, r3}\n.endif\n"
      ".irp acc, r7, r8, r10, r11\n"
      ".if \\n == 1\n ldr r4, [r9], #4\n.elseif \\n == 2\n ldm r9!, {r4, r5}\n"
      ".elseif \\n == 3\n ldm r9!, {r4, r5, r6}\n.else\n ldm r9!, {r4, r5, r6, lr}\n.endif\n"
      " smlad \\acc, r0, r4, \\acc\n"
      ".if \\n >= 2\n smlad \\acc, r1, r5, \\acc\n.endif\n"
      ".if \\n >= 3\n smlad \\acc, r2, r6, \\acc\n.endif\n"
      ".if \\n >= 4\n smlad \\acc, r3, lr, \\acc\n.endif\n"
      ".endr\n"
      ".endm\n"
      // snn_rescale acc, m, c, e: the doubled rescale of one accumulator, lo taken off, r6 scratch.
      ".macro snn_rescale acc, m, c, e\n"
      " smmlar r6, \\acc, \\m, \\c\n"
      " add \\acc, r6, \\acc, asr #31\n"
      " asr \\acc, \\acc, \\e\n"
      " usat \\acc, #8, \\acc\n"
      ".endm\n"
      "ldm r9!, {r7, r8, r10, r11}\n"  // the doubled biases
      ".rept %c[K]\n"
      ".rept %c[K]\n"
      ".rept %c[big_count]\n snn_chunk %c[big]\n.endr\n"
      ".rept %c[small_count]\n snn_chunk %c[small]\n.endr\n"
      ".endr\n"
      ".if %c[row_step]\n add r12, r12, #%c[row_step]\n.endif\n"
      ".endr\n"
      // the window's running maxima (group_params::max, past the clamp words)
      ".if %c[use] == 1\n"
      " add r6, r9, #%c[maxo]\n"
      " stm r6, {r7, r8, r10, r11}\n"
      ".elseif %c[use] >= 2\n"
      " add r6, r9, #%c[maxo]\n"
      " ldm r6, {r0, r1, r2, r3}\n"
      " cmp r7, r0\n it lt\n movlt r7, r0\n"
      " cmp r8, r1\n it lt\n movlt r8, r1\n"
      " cmp r10, r2\n it lt\n movlt r10, r2\n"
      " cmp r11, r3\n it lt\n movlt r11, r3\n"
      ".if %c[use] == 2\n"
      " stm r6, {r7, r8, r10, r11}\n"
      ".endif\n"
      ".endif\n"
      ".if %c[use] == 0 || %c[use] == 3\n"
      "ldm r9!, {r0, r1, r2, r3, r4, r5}\n"  // m, c, e of channels 0 and 1
      "snn_rescale r7, r0, r1, r2\n"
      "snn_rescale r8, r3, r4, r5\n"
      "ldm r9!, {r0, r1, r2, r3, r4, r5}\n"  // of channels 2 and 3
      "snn_rescale r10, r0, r1, r2\n"
      "snn_rescale r11, r3, r4, r5\n"
      "ldm r9, {r0, r1}\n"  // width4, lo4
      "orr r7, r7, r8, lsl #8\n"
      "orr r7, r7, r10, lsl #16\n"
      "orr r7, r7, r11, lsl #24\n"
      "uqsub8 r6, r7, r0\n"  // u - min(u, hi - lo)
      "usub8 r7, r7, r6\n"
      "uadd8 r7, r7, r1\n"
      ".endif\n"
      ".purgem snn_chunk\n"
      ".purgem snn_rescale\n"
      : "+r"(xr), "+r"(wr), "=&r"(out), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5),
        "=&r"(r6), "=&r"(r8), "=&r"(r10), "=&r"(r11)
      : [K] "i"(K), [big] "i"(L::big), [big_count] "i"(L::big_count), [small] "i"(L::small),
        [small_count] "i"(L::small_count), [row_step] "i"(4 * (L::row_words - K * L::pairs)),
        [use] "i"(static_cast<int>(Use)), [maxo] "i"(offsetof(group_params, max))
      : "lr", "cc", "memory");
  static_assert(offsetof(group_params, width4) == 4 * 3 * outputs &&
                    offsetof(group_params, max) == 4 * (3 * outputs + 2),
                "pixel: two LDMs of 6 take m, c, e of the 4 channels, one of 2 the clamp, the maxima after");
  static_assert(static_cast<int>(acc_use::first) == 1 && static_cast<int>(acc_use::more) == 2 &&
                    static_cast<int>(acc_use::last) == 3,
                "pixel: the asm tests Use by value");
  return out;
}

// Whether the group of `count` channels from o0 runs the doubled rescale: the clamp range within
// int8 is not empty and every channel's rescale takes the doubled form (AllDoubled: the caller
// knows both).
template <bool AllDoubled>
inline bool group_doubled(const channel_rescale& q, std::size_t o0, std::size_t count, std::int32_t lo,
                          std::int32_t hi, std::uint32_t sum_max) {
  if constexpr (AllDoubled) {
    return true;
  } else {
    bool doubled = lo <= hi;
    for (std::size_t j = 0; j < count && doubled; ++j)
      doubled = doubled_rescale_applies(q.bias[o0 + j], q.multiplier[o0 + j], q.shift[o0 + j], q.zero_point, sum_max);
    return doubled;
  }
}

// The bytes of v (one pixel's 4 channels, channel j in byte j) at y[j stride] for j < count.
[[gnu::always_inline]] inline void store_lanes(std::uint32_t v, std::int8_t* y, std::size_t stride,
                                               std::size_t count) {
  y[0] = static_cast<std::int8_t>(v);
  if (count > 1) y[stride] = static_cast<std::int8_t>(v >> 8);
  if (count > 2) y[2 * stride] = static_cast<std::int8_t>(v >> 16);
  if (count > 3) y[3 * stride] = static_cast<std::int8_t>(v >> 24);
}

// Output rows [0, rows) of a chunk for a group: pixel (r, ox) from the widened rows xw into
// yg[j n + r OW + ox] for the group's first `count` channels j. Out of line: its unrolled asm,
// longer than GCC counts it, keeps out of any caller's literal-pool range.
template <class L, std::size_t K, std::size_t S, std::size_t OW>
[[gnu::noinline]] void rows_pixels(const std::int32_t* xw, const std::int32_t* gw, std::int8_t* yg, std::size_t n,
                                   std::size_t rows, std::size_t count) {
  for (std::size_t r = 0; r < rows; ++r, xw += S * L::row_words, yg += OW)
#pragma GCC unroll 1
    for (std::size_t ox = 0; ox < OW; ++ox) {
      const std::uint32_t v = pixel<L, K>(xw + ox * S * L::pairs, gw);
      store_lanes(v, yg + ox, n, count);
    }
}

// A pooled row of a 2x2 max pool for a group: pooled pixel px from the window of conv pixels
// (dy, 2 px + dx), dy, dx in {0, 1}, of the widened rows xw (2 output rows' worth), the maximum of
// the 4 accumulators rescaled once, into yg[j y_stride + px] for the first `count` channels j.
// gw: the group's words, whose group_params::max the asm writes.
template <class L, std::size_t K, std::size_t S, std::size_t PW>
[[gnu::noinline]] void pooled_pixels(const std::int32_t* xw, const std::int32_t* gw, std::int8_t* yg,
                                     std::size_t y_stride, std::size_t count) {
  constexpr std::size_t dx = S * L::pairs, dy = S * L::row_words;
#pragma GCC unroll 1
  for (std::size_t px = 0; px < PW; ++px, xw += 2 * dx) {
    pixel<L, K, acc_use::first>(xw, gw);
    pixel<L, K, acc_use::more>(xw + dx, gw);
    pixel<L, K, acc_use::more>(xw + dy, gw);
    const std::uint32_t v = pixel<L, K, acc_use::last>(xw + dy + dx, gw);
    store_lanes(v, yg + px, y_stride, count);
  }
}

// The same window's 2x2 average: each of the 4 pixels rescaled and clamped whole, its 4 channels'
// bytes b (int8) summed as b + 128 (XOR 0x80) in the int16 lanes of two words (UXTAB16: channels
// 0, 2 and 1, 3), S = sum + 512 in [0, 1020]; the average rounded half away from zero,
// (sum + 2 - [sum < 0]) >> 2 (qpool_layer's (sum +- 2) / 4), is
// ((S + 1 + [S >= 512]) >> 2) - 128, [S >= 512] bit 9 of the lane (S + 2 < 1024: no carry out).
template <class L, std::size_t K, std::size_t S, std::size_t PW>
[[gnu::noinline]] void avg_pooled_pixels(const std::int32_t* xw, const std::int32_t* gw, std::int8_t* yg,
                                         std::size_t y_stride, std::size_t count) {
  constexpr std::size_t dx = S * L::pairs, dy = S * L::row_words;
  auto lanes = [](std::uint32_t a) {  // the 2 lanes' averages + 128 in bytes 0 and 2
    a = a + 0x00010001u + ((a >> 9) & 0x00010001u);
    return __uxtb16(a >> 2);
  };
#pragma GCC unroll 1
  for (std::size_t px = 0; px < PW; ++px, xw += 2 * dx) {
    std::uint32_t a02 = 0, a13 = 0;
    for (const std::int32_t* p : {xw, xw + dx, xw + dy, xw + dy + dx}) {
      const std::uint32_t v = pixel<L, K>(p, gw) ^ 0x80808080u;
      a02 = __uxtab16(a02, v);
      a13 = __uxtab16(a13, v >> 8);
    }
    const std::uint32_t v = (lanes(a02) | lanes(a13) << 8) ^ 0x80808080u;
    store_lanes(v, yg + px, y_stride, count);
  }
}

// Padded rows [r0, r0 + n) of the C x H x W input x (padded by Pad with pad) widened and doubled
// into rows of L::row_words words: padded column col's pair p at col P + p.
template <class L, std::size_t C, std::size_t H, std::size_t W, std::size_t Pad>
inline void widen_rows(const std::int8_t* x, std::size_t r0, std::size_t n, std::int8_t pad, std::int32_t* out) {
  constexpr std::size_t P = L::pairs, PW = W + 2 * Pad, inner = W / 4 * 4;
  const std::uint32_t pad2 = static_cast<std::uint16_t>(2 * pad), pads = pad2 | pad2 << 16;
  auto tap = [](const std::int8_t* plane, std::size_t c, std::size_t col) -> std::uint32_t {
    return c < C ? static_cast<std::uint16_t>(2 * plane[c * H * W + col]) : 0u;
  };
  for (std::size_t r = r0; r < r0 + n; ++r, out += L::row_words) {
    const std::size_t iy = r - Pad;  // wraps above the input
    if (iy >= H) {
      for (std::size_t m = 0; m < L::row_words; ++m) out[m] = static_cast<std::int32_t>(pads);
      continue;
    }
    for (std::size_t col = 0; col < Pad; ++col)
      for (std::size_t p = 0; p < P; ++p) {
        out[col * P + p] = static_cast<std::int32_t>(2 * p + 1 < C ? pads : pad2);
        out[(PW - 1 - col) * P + p] = static_cast<std::int32_t>(2 * p + 1 < C ? pads : pad2);
      }
    const std::int8_t* row = x + iy * W;
    std::int32_t* d = out + Pad * P;
#pragma GCC unroll 1
    for (std::size_t p = 0; p < C / 2; ++p)  // whole pairs, 4 columns a step
      if constexpr (inner > 0) pairs_s8<H * W, 4 * P, true>(row + 2 * p * H * W, d + p, inner / 4);
    for (std::size_t col = inner; col < W; ++col)  // the columns past the steps
      for (std::size_t p = 0; p < C / 2; ++p)
        d[col * P + p] = static_cast<std::int32_t>(tap(row, 2 * p, col) | tap(row, 2 * p + 1, col) << 16);
    if constexpr (C % 2 == 1)  // the last channel alone
      for (std::size_t col = 0; col < W; ++col) d[col * P + P - 1] = static_cast<std::int32_t>(tap(row, C - 1, col));
  }
}

// The words of the group of 4 channels from o0 (channels past G: zero weights, channel o0's
// rescale; their outputs are not stored) into gw: biases, weights per tap, group_params.
template <class L, std::size_t C, std::size_t K, std::size_t G>
inline void pair_weights(const std::int8_t* w, const channel_rescale& q, std::int32_t lo, std::int32_t width4,
                         std::int32_t lo4, std::size_t o0, std::int32_t* gw) {
  constexpr std::size_t KK = K * K, P = L::pairs;
  std::int32_t* wt = gw + L::bias_words;
  auto& params = *reinterpret_cast<group_params*>(wt + L::weight_words);
  for (std::size_t j = 0; j < outputs; ++j) {
    const std::size_t o = o0 + j < G ? o0 + j : o0;
    const std::int32_t e = -q.shift[o];
    gw[j] = o0 + j < G ? 2 * q.bias[o] : 0;
    params.mce[j][0] = q.multiplier[o];
    params.mce[j][1] = (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e);
    params.mce[j][2] = e;
    for (std::size_t p = 0; p < P; ++p) {
      // pair p of channel j: word j * size + (p - begin) of its chunk, in every tap
      std::int32_t* d = wt + L::chunk_begin(p) * outputs + j * L::chunk_size(p) + (p - L::chunk_begin(p));
      const std::int8_t* a = w + (o * C + 2 * p) * KK;
      if (o0 + j >= G) {
        for (std::size_t t = 0; t < KK; ++t) d[t * L::tap_words] = 0;
        continue;
      }
      std::size_t t = 0;
      if (2 * p + 1 < C) {  // 4 taps a step
        if constexpr (KK >= 4) pairs_s8<KK, 4 * L::tap_words, false>(a, d, KK / 4);
        t = KK / 4 * 4;
      }
      for (; t < KK; ++t)
        d[t * L::tap_words] = pair16(a[t], 2 * p + 1 < C ? a[KK + t] : 0);
    }
  }
  params.width4 = width4, params.lo4 = lo4;
}

}  // namespace conv_pairs

// x: C x H x W int8, padded by Pad on every side with pad (the kernel reads no padded copy); w: G
// output channels' C x K x K weights (OIHW, contiguous, in [-127, 127]); q: the rescale starting
// at the first of the G channels; y: G x rows x OW int8. AllDoubled: as conv2d_s8_rows_dsp's.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_pairs_dsp(
    const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0, std::size_t rows,
    [[maybe_unused]] std::int8_t pad = 0) {
  static_assert(conv2d_s8_pairs_dsp_fits<C, H + 2 * Pad, W + 2 * Pad, K, S> && Pad < K,
                "conv2d_s8_pairs_dsp: shape not taken (see conv2d_s8_pairs_dsp_fits)");
  constexpr std::size_t PW = W + 2 * Pad, OW = (PW - K) / S + 1, F = C * K * K;
  using L = conv_pairs::layout<C, PW, K, S>;
  constexpr auto sum_max = static_cast<std::uint32_t>(F * 127u * 128u);
  const std::size_t n = rows * OW;
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t width4 = conv_rows::bytes4(hi - lo), lo4 = conv_rows::bytes4(lo);
  alignas(8) std::int32_t xw[L::rows * L::row_words];
  alignas(8) std::int32_t gw[L::bias_words + L::weight_words + sizeof(conv_pairs::group_params) / 4];
  for (std::size_t c0 = 0; c0 < rows; c0 += conv_pairs::chunk_rows) {
    const std::size_t chunk = rows - c0 < conv_pairs::chunk_rows ? rows - c0 : conv_pairs::chunk_rows;
    conv_pairs::widen_rows<L, C, H, W, Pad>(x, (oy0 + c0) * S, (chunk - 1) * S + K, pad, xw);
    for (std::size_t o0 = 0; o0 < G; o0 += conv_pairs::outputs) {
      const std::size_t count = G - o0 < conv_pairs::outputs ? G - o0 : conv_pairs::outputs;
      const bool doubled = conv_pairs::group_doubled<AllDoubled>(q, o0, count, lo, hi, sum_max);
      std::int8_t* yg = y + o0 * n + c0 * OW;
      if (doubled) {
        conv_pairs::pair_weights<L, C, K, G>(w, q, lo, width4, lo4, o0, gw);
        conv_pairs::rows_pixels<L, K, S, OW>(xw, gw, yg, n, chunk, count);
      } else if constexpr (!AllDoubled) {  // the general rescale (fixed_point.hpp), sums from x
        const conv_window_s8 win{x, C, H, W, W, K, K, pad};
        for (std::size_t j = 0; j < count; ++j)
          for (std::size_t r = 0; r < chunk; ++r)
            for (std::size_t ox = 0; ox < OW; ++ox)
              yg[j * n + r * OW + ox] =
                  conv_window_output(win, w + (o0 + j) * F, q, o0 + j, (oy0 + c0 + r) * S - Pad, ox * S - Pad);
      }
    }
  }
}

// conv2d_s8_pairs_dsp's shapes and arguments followed by a 2x2 max pool (stride 2, unpadded; the
// conv's last row and column are dropped where its output height or width is odd): pooled row
// py = oy0 / 2 (oy0 even: the first of its two conv rows) of the G channels, channel g's PW =
// OW / 2 values at y + g * y_stride,
//   y[g][px] = max over dy, dx in {0, 1} of clamp(requantize(acc_g(oy0 + dy, 2 px + dx))),
// bit for bit as the portable conv then the pool. Max before rescale: for a group whose channels
// all take the doubled form, f: acc -> clamp(rescale(acc)) is non-decreasing (conv2d_s8_max_pool_dsp.hpp
// says why), so f(max acc) = max f(acc) and each pooled output is rescaled once; any other group
// takes fixed_point.hpp's requantize of each of the four and their maximum.
namespace conv_pairs {
// conv2d_s8_pairs_max_pool_dsp (Avg false) and conv2d_s8_pairs_avg_pool_dsp (Avg true).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad,
          bool AllDoubled, bool Avg>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void pool_row(const std::int8_t* x, const std::int8_t* w,
                                                                    channel_rescale q, std::int8_t* y,
                                                                    std::size_t y_stride, std::size_t oy0,
                                                                    [[maybe_unused]] std::int8_t pad) {
  static_assert(conv2d_s8_pairs_dsp_fits<C, H + 2 * Pad, W + 2 * Pad, K, S> && Pad < K,
                "conv2d_s8_pairs_max_pool_dsp: shape not taken (see conv2d_s8_pairs_dsp_fits)");
  constexpr std::size_t PW = W + 2 * Pad, OW = (PW - K) / S + 1, F = C * K * K, PO = OW / 2;
  using L = conv_pairs::layout<C, PW, K, S>;
  static_assert(conv_pairs::chunk_rows == 2, "conv2d_s8_pairs_max_pool_dsp: a chunk is a pooled row's 2 conv rows");
  constexpr auto sum_max = static_cast<std::uint32_t>(F * 127u * 128u);
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t width4 = conv_rows::bytes4(hi - lo), lo4 = conv_rows::bytes4(lo);
  alignas(8) std::int32_t xw[L::rows * L::row_words];
  alignas(8) std::int32_t gw[L::bias_words + L::weight_words + sizeof(conv_pairs::group_params) / 4];
  conv_pairs::widen_rows<L, C, H, W, Pad>(x, oy0 * S, L::rows, pad, xw);
  for (std::size_t o0 = 0; o0 < G; o0 += conv_pairs::outputs) {
    const std::size_t count = G - o0 < conv_pairs::outputs ? G - o0 : conv_pairs::outputs;
    const bool doubled = conv_pairs::group_doubled<AllDoubled>(q, o0, count, lo, hi, sum_max);
    std::int8_t* yg = y + o0 * y_stride;
    if (doubled) {
      conv_pairs::pair_weights<L, C, K, G>(w, q, lo, width4, lo4, o0, gw);
      if constexpr (Avg) conv_pairs::avg_pooled_pixels<L, K, S, PO>(xw, gw, yg, y_stride, count);
      else conv_pairs::pooled_pixels<L, K, S, PO>(xw, gw, yg, y_stride, count);
    } else if constexpr (!AllDoubled) {  // the general rescale (fixed_point.hpp), sums from x
      const conv_window_s8 win{x, C, H, W, W, K, K, pad};
      for (std::size_t j = 0; j < count; ++j)
        for (std::size_t px = 0; px < PO; ++px)
          yg[j * y_stride + px] =
              conv_window_pooled(win, w + (o0 + j) * F, q, o0 + j, oy0 * S - Pad, 2 * px * S - Pad, S, S, 2, Avg);
    }
  }
}
}  // namespace conv_pairs

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_pairs_max_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                  std::size_t y_stride, std::size_t oy0, std::int8_t pad = 0) {
  conv_pairs::pool_row<C, H, W, K, S, G, Pad, AllDoubled, false>(x, w, q, y, y_stride, oy0, pad);
}

// conv2d_s8_pairs_max_pool_dsp's shapes and arguments with a 2x2 average pool instead:
// y[g][px] = the average of the four clamp(requantize(acc)) rounded half away from zero, as
// quant/pool.hpp's qpool_layer (each output rescaled: an average does not commute with the rescale).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_pairs_avg_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                  std::size_t y_stride, std::size_t oy0, std::int8_t pad = 0) {
  conv_pairs::pool_row<C, H, W, K, S, G, Pad, AllDoubled, true>(x, w, q, y, y_stride, oy0, pad);
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_pairs_max_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                  std::size_t y_stride, std::size_t oy0, std::int8_t pad = 0);  // Armv7E-M DSP only
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_pairs_avg_pool_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                  std::size_t y_stride, std::size_t oy0, std::int8_t pad = 0);  // Armv7E-M DSP only
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad = 0,
          bool AllDoubled = false>
void conv2d_s8_pairs_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0,
                         std::size_t rows, std::int8_t pad = 0);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
