#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 convolutions of small fan-in F = C K K <= 9
// (a network's first conv: one input channel and a 3x3 kernel, or a few channels and K = 1 or 2),
// any stride, no padding (a padded layer passes a window of its padded input): output rows
// [oy0, oy0 + rows) of G output channels, TFLite int8 arithmetic and the fused activation clamp,
// bit for bit as kernels/conv2d_s8.hpp's portable path.
//
// With so few products per output the requantize dominates, so the kernel is weight-stationary:
// one output channel's F weights live in registers as int16 pairs, doubled, while its outputs are
// computed pixel after pixel from an im2col the pixels share over all G channels. The taps of a
// window pair up as SXTB16 unpacks its rows (pair_words: F / 2 int16 pair words and, for odd F, a
// single tap, an int32 word each); the weights pair alike. Per output: the words in LDMs of two
// or three, one SMLAD per pair (the first starts from the doubled bias), SMLABT for the single
// tap, then the doubled rescale of fixed_point.hpp's doubled_rescale_applies, with the clamp's
// lower bound lo taken off, in four instructions:
//   t = c + SMMULR(2 acc, m)       (SMMLAR; c = 2^(e-1) + ((zero_point - lo) << e))
//   u = (t - [acc < 0]) >> e, saturated to [0, 255] (USAT)
// ([acc < 0] equals the reference's [SMMULR(2 acc, m) < 0] wherever it matters: when the product
// rounds to 0, c - 1 and c shift to the same value for e >= 1). Four u are packed into a word and
// clamped bytewise to the output lo + min(u, hi - lo) (UQSUB8, USUB8, UADD8; for int8 bounds
// -128 <= lo <= hi <= 127 that is the reference's saturate then clamp), stored with one STR. The
// single weight shares its register with e (weight in the top half for SMLABT, e in the bottom
// byte for ASR).
// A channel whose rescale is not in the doubled form takes fixed_point.hpp's requantize.
#include <cstddef>
#include <cstdint>

#include "../conv_window_s8.hpp"
#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_rows_dsp.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace conv_few {
inline constexpr std::size_t max_fan_in = 9;      // C K K: 4 pair registers and the single
inline constexpr std::size_t group = 4;           // outputs per stored word
inline constexpr std::size_t col_budget = 1152;   // bytes of im2col per pass (one group at least)

template <std::size_t F>
struct layout {
  static constexpr std::size_t pairs = F / 2;                   // pair words per window
  static constexpr bool single = F % 2 == 1;                    // a last tap alone
  static constexpr std::size_t words = pairs + (single ? 1 : 0);  // im2col words per pixel
  // Pixels per pass: a multiple of the group within the budget.
  static constexpr std::size_t pixels =
      col_budget / (4 * words * group) > 0 ? col_budget / (4 * words * group) * group : group;
};
}  // namespace conv_few

// The shapes conv2d_s8_few_dsp takes.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_few_dsp_fits = target::arm_dsp && K >= 1 && S >= 1 && K <= H && K <= W &&
                                               C >= 1 && C * K * K <= conv_few::max_fan_in;

#ifdef STATICNN_ARM_DSP
namespace conv_few {

// (lo, hi) as an int16 pair word: lo in the bottom half.
[[gnu::always_inline]] inline std::int32_t pack16(std::int32_t lo, std::int32_t hi) {
  std::int32_t r;
  asm("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}

// The taps of a window (or a channel's weights) as the kernel's int16 pair words, from its C K
// rows of K <= 3 taps, row r = (c, ky) at t + c CS + ky RS: per row of 3 the pair (c0, c2) and c1
// left over, per row of 2 the pair (c0, c1), per row of 1 its tap left over; the taps left over
// pair in order, (l_0, l_1), (l_2, l_3), ... (appended as they complete); the last of an odd count
// is the single, at out[F / 2] (an int16 in its bottom half; its top half is not a tap). A row is
// read as a whole word (up to 3 bytes past it: the taps after it), the last row byte by byte, so
// nothing past the last tap is read.
template <std::size_t C, std::size_t K, std::size_t CS, std::size_t RS>
[[gnu::always_inline]] inline void pair_words(const std::int8_t* t, std::int32_t* out) {
  static_assert(K >= 1 && K <= 3, "pair_words: rows of 1 to 3 taps");
  std::size_t pairs = 0;
  std::int32_t left = 0;
  bool have_left = false;
  auto leftover = [&](std::int32_t v) {
    if (have_left) out[pairs++] = pack16(left, v);
    else left = v;
    have_left = !have_left;
  };
#pragma GCC unroll 9
  for (std::size_t r = 0; r < C * K; ++r) {
    const std::int8_t* p = t + r / K * CS + r % K * RS;
    if (r + 1 == C * K) {  // the last row, byte by byte
      if constexpr (K == 3) {
        out[pairs++] = pack16(p[0], p[2]);
        leftover(p[1]);
      } else if constexpr (K == 2) {
        out[pairs++] = pack16(p[0], p[1]);
      } else {
        leftover(p[0]);
      }
      continue;
    }
    std::uint32_t v;
    __builtin_memcpy(&v, p, 4);
    const auto e = static_cast<std::int32_t>(__sxtb16(v));  // (c0, c2)
    if constexpr (K == 3) {
      out[pairs++] = e;
      leftover(conv_rows::sxtb16_ror8(v));  // c1 in the bottom half
    } else if constexpr (K == 2) {
      out[pairs++] = pack16(e, conv_rows::sxtb16_ror8(v));
    } else {
      leftover(e);
    }
  }
  if (have_left) out[pairs] = left;
}

// The window with corner xb (C x H x W int8) as its pair words, into col.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K>
[[gnu::always_inline]] inline void pack_window(const std::int8_t* xb, std::int32_t* col) {
  pair_words<C, K, H * W, W>(xb, col);
}

// Registers of the multiply and rescale (LDM needs its list ascending, so they are fixed).
#define STATICNN_FEW_REGISTERS                                                                      \
  register std::int32_t i0 asm("r0"), i1 asm("r1");                                                \
  register std::int32_t w0 asm("r2") = wr.w[0], w1 asm("r3") = wr.w[1], w2 asm("r4") = wr.w[2],      \
                                     w3 asm("r5") = wr.w[3];                                        \
  register std::int32_t we asm("r6") = wr.single_e;                                                  \
  register std::int32_t acc asm("r7");                                                              \
  register std::int32_t m asm("r8") = wr.m, c asm("r9") = wr.c;                                     \
  register const std::int32_t* cp asm("r10") = col;                                                 \
  register std::int32_t pk asm("r11");                                                              \
  register std::int32_t bias asm("r12") = wr.bias2;

// One channel's registers: pair words (doubled), single weight (doubled, top half) with e (bottom
// byte), m, c, the doubled bias.
struct channel_regs {
  std::int32_t w[5];  // w[4]: room for pair_words' single of F = 9, not passed
  std::int32_t single_e, m, c, bias2;
};

// Word k of a window times its weights: a pair (SMLAD with w_k) or the single (SMLABT with the
// top half of we); word 0 starts from the doubled bias.
#define STATICNN_FEW_WORD(K, REG, ACC)                                                              \
  ".if " #K " < %c[pairs]\n"                                                                        \
  "smlad %[acc], " REG ", %[w" #K "], " ACC "\n"                                                     \
  ".else\n"                                                                                         \
  "smlabt %[acc], " REG ", %[we], " ACC "\n"                                                        \
  ".endif\n"
// One output of the window at [col]: the multiply (acc), the rescale, its byte B of pk. The words
// load in LDMs of three (i0, i1, lr) where three_in: 3 or 5 words, else of two.
#define STATICNN_FEW_OUTPUT(B)                                                                      \
  ".if %c[words] == 1\n"                                                                            \
  "ldr %[i0], [%[col]], #4\n" STATICNN_FEW_WORD(0, "%[i0]", "%[bias]")                               \
  ".elseif %c[three_in]\n"                                                                          \
  "ldm %[col]!, {%[i0], %[i1], lr}\n"                                                               \
  STATICNN_FEW_WORD(0, "%[i0]", "%[bias]") STATICNN_FEW_WORD(1, "%[i1]", "%[acc]")                    \
  STATICNN_FEW_WORD(2, "lr", "%[acc]")                                                               \
  ".if %c[words] == 5\n"                                                                            \
  "ldm %[col]!, {%[i0], %[i1]}\n"                                                                   \
  STATICNN_FEW_WORD(3, "%[i0]", "%[acc]")                                                            \
  "smlabt %[acc], %[i1], %[we], %[acc]\n"                                                           \
  ".endif\n"                                                                                        \
  ".else\n"                                                                                         \
  "ldm %[col]!, {%[i0], %[i1]}\n"                                                                   \
  STATICNN_FEW_WORD(0, "%[i0]", "%[bias]") STATICNN_FEW_WORD(1, "%[i1]", "%[acc]")                    \
  ".if %c[words] == 4\n"                                                                            \
  "ldm %[col]!, {%[i0], %[i1]}\n"                                                                   \
  STATICNN_FEW_WORD(2, "%[i0]", "%[acc]") STATICNN_FEW_WORD(3, "%[i1]", "%[acc]")                     \
  ".endif\n"                                                                                        \
  ".endif\n"                                                                                        \
  "smmlar %[i0], %[acc], %[m], %[c]\n"                                                              \
  "add %[i0], %[i0], %[acc], asr #31\n"                                                             \
  "asr %[i0], %[i0], %[we]\n"                                                                       \
  "usat %[i0], #8, %[i0]\n"                                                                         \
  "bfi %[pk], %[i0], #" #B ", #8\n"

// The frame the asm pushes: the clamp as bytes4 words (its width hi - lo, its lower bound lo),
// the next outputs (where lr is an input register) and the end of the outputs.
struct frame {
  std::int32_t width4, lo4;
  std::int8_t* y;
  std::int8_t* y_end;
};

// One channel's outputs for the groups of 4 pixels of the im2col at col, stored at y until y_end
// (4 bytes a group).
template <std::size_t F>
[[gnu::always_inline]] inline void channel_groups(const std::int32_t* col, const channel_regs& wr, std::int8_t* y,
                                                  std::int8_t* y_end, std::int32_t width4, std::int32_t lo4) {
  using L = layout<F>;
  STATICNN_FEW_REGISTERS
  i0 = width4, i1 = lo4, pk = reinterpret_cast<std::int32_t>(y_end);
  acc = reinterpret_cast<std::int32_t>(y);
  asm volatile("mov lr, %[acc]\n"  // lr: the next 4 outputs, unless three_in
               "push {%[i0], %[i1], %[acc], %[pk]}\n"  // the frame (struct frame)
               "1:\n" STATICNN_FEW_OUTPUT(0) STATICNN_FEW_OUTPUT(8) STATICNN_FEW_OUTPUT(16) STATICNN_FEW_OUTPUT(24)
               "ldrd %[i0], %[i1], [sp, #%c[width4]]\n"
               "uqsub8 %[acc], %[pk], %[i0]\n"  // u - min(u, width)
               "usub8 %[pk], %[pk], %[acc]\n"
               "uadd8 %[pk], %[pk], %[i1]\n"
               ".if %c[three_in]\n"
               "ldr %[i0], [sp, #%c[y]]\n"
               "str %[pk], [%[i0]], #4\n"
               "str %[i0], [sp, #%c[y]]\n"
               "ldr %[i1], [sp, #%c[yend]]\n"
               "cmp %[i0], %[i1]\n"
               ".else\n"
               "str %[pk], [lr], #4\n"
               "ldr %[i0], [sp, #%c[yend]]\n"
               "cmp lr, %[i0]\n"
               ".endif\n"
               "bne 1b\n"
               "add sp, sp, #%c[size]\n"
               : [i0] "+r"(i0), [i1] "+r"(i1), [acc] "+r"(acc), [pk] "+r"(pk), [col] "+r"(cp)
               : [w0] "r"(w0), [w1] "r"(w1), [w2] "r"(w2), [w3] "r"(w3), [we] "r"(we), [m] "r"(m), [c] "r"(c),
                 [bias] "r"(bias), [pairs] "i"(L::pairs), [words] "i"(L::words),
                 [three_in] "i"(L::words == 3 || L::words == 5 ? 1 : 0), [width4] "i"(offsetof(frame, width4)),
                 [y] "i"(offsetof(frame, y)), [yend] "i"(offsetof(frame, y_end)), [size] "i"(sizeof(frame))
               : "lr", "cc", "memory");
  static_assert(offsetof(frame, width4) == 0 && offsetof(frame, lo4) == 4 && offsetof(frame, y) == 8 &&
                    offsetof(frame, y_end) == 12 && sizeof(frame) == 16,
                "channel_groups: PUSH {r0, r1, r7, r11} lays out the frame");
}
#undef STATICNN_FEW_OUTPUT
#undef STATICNN_FEW_WORD
#undef STATICNN_FEW_REGISTERS

}  // namespace conv_few

// x: C x H x W int8; w: G output channels' C x K x K weights (OIHW, contiguous, in [-127, 127]);
// q: the rescale starting at the first of the G channels; y: G x rows x OW int8. AllDoubled: as
// conv2d_s8_rows_dsp's (the caller knows every channel takes the doubled rescale: no general path).
// (Its loops stay loops: no call to memcpy for a few words.)
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, bool AllDoubled = false>
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void conv2d_s8_few_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                       std::size_t oy0, std::size_t rows) {
  static_assert(conv2d_s8_few_dsp_fits<C, H, W, K, S>, "conv2d_s8_few_dsp: shape not taken (see conv2d_s8_few_dsp_fits)");
  constexpr std::size_t F = C * K * K, OW = (W - K) / S + 1, P = conv_few::group;
  using L = conv_few::layout<F>;
  constexpr auto sum_max = static_cast<std::uint32_t>(F * 127u * 128u);
  const std::size_t n = rows * OW;  // output pixels, flat: pixel i is row i / OW, column i % OW
  // The clamp within int8 (the results are saturated first); an empty range takes the general path.
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t width4 = conv_rows::bytes4(hi - lo), lo4 = conv_rows::bytes4(lo);
  bool all_doubled = AllDoubled || lo <= hi;
  if constexpr (!AllDoubled)
    for (std::size_t o = 0; o < G && all_doubled; ++o)
      all_doubled = doubled_rescale_applies(q.bias[o], q.multiplier[o], q.shift[o], q.zero_point, sum_max);
  alignas(8) std::int32_t col[L::pixels * L::words];
  std::size_t oy = oy0, ox = 0;  // the pixel i0 + p packs next, its window at xb
  const std::int8_t* xb = x + oy * S * W;
  for (std::size_t i0 = 0; i0 < n; i0 += L::pixels) {
    const std::size_t count = n - i0 < L::pixels ? n - i0 : L::pixels, padded = (count + P - 1) / P * P;
    for (std::size_t p = 0; p < count; ++p) {
      conv_few::pack_window<C, H, W, K>(xb, col + p * L::words);
      if (++ox == OW) ox = 0, ++oy, xb = x + oy * S * W;
      else xb += S;
    }
    for (std::size_t p = count; p < padded; ++p)  // past the end: pixel i0 again, not stored
      for (std::size_t j = 0; j < L::words; ++j) col[p * L::words + j] = col[j];
    for (std::size_t o = 0; o < G; ++o) {
      const std::int8_t* wo = w + o * F;
      std::int8_t* yo = y + o * n + i0;
      const std::int32_t bias = q.bias[o], m = q.multiplier[o], shift = q.shift[o];
      if (all_doubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max))) {
        const std::int32_t e = -shift;
        conv_few::channel_regs wr{};
        conv_few::pair_words<C, K, K * K, K>(wo, wr.w);  // the single (if any) lands in w[pairs], then doubled
#pragma GCC unroll 4
        for (std::size_t j = 0; j < L::pairs; ++j) wr.w[j] = static_cast<std::int32_t>(__sadd16(wr.w[j], wr.w[j]));
        wr.single_e = L::single ? static_cast<std::int32_t>(static_cast<std::uint32_t>(wr.w[L::pairs]) << 17) | e : e;
        wr.m = m;
        wr.c = (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e);
        wr.bias2 = 2 * bias;
        // One pass: the last group of a channel but the last may store up to 3 bytes past its
        // outputs, into the next channel's, which are stored after it.
        const std::size_t full = n <= L::pixels && o + 1 < G ? padded : count / P * P;
        if (full > 0) conv_few::channel_groups<F>(col, wr, yo, yo + full, width4, lo4);
        if (full < count) {  // the last group's outputs past count are not stored
          alignas(4) std::int8_t last[P];
          conv_few::channel_groups<F>(col + full * L::words, wr, last, last + P, width4, lo4);
          for (std::size_t p = 0; p < count - full; ++p) yo[full + p] = last[p];
        }
      } else if constexpr (!AllDoubled) {  // the general rescale (conv_window_s8.hpp), the sums from x
        const conv_window_s8 win{x, C, H, W, W, K, K};
        for (std::size_t p = 0; p < count; ++p) {
          const std::size_t i = i0 + p;
          yo[p] = conv_window_output(win, wo, q, o, (oy0 + i / OW) * S, i % OW * S);
        }
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, bool AllDoubled = false>
void conv2d_s8_few_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                       std::size_t oy0, std::size_t rows);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
