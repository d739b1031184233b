#pragma once
// Armv7E-M DSP sums of an int8 depthwise 3x3 stride-2 channel (padding 0 or 1) straight from its
// int8 rows, no widened copy: the accumulators (scale * bias + the scaled taps, padding taps
// included) that depthwise_s8_channel_dsp rescales. SXTB16 of a word (x0, x1, x2, x3) is (x0, x2)
// and with ROR 8 (x1, x3): a stride-2 window's outer taps and, from the same word, the middle taps
// of two neighbouring windows. The channel goes strip by strip, a strip being two output columns
// (2q, 2q + 1) whose windows start at input column c0 = 4q - P, walked down every input row:
// each input row is read once per strip (an even padded row serves two output rows, kernel row 2
// of one and kernel row 0 of the next). Per input row of an inner strip: the words at c0 and
// c0 + 1, three SXTB16 ((c0, c0+2) outer taps of 2q, (c0+1, c0+3) the middle taps of both,
// (c0+2, c0+4) outer taps of 2q + 1), and per output row it serves 2 SMLAD + 2 SMLAxy.
// Every load lies inside its row: the first strip of P = 1 (c0 = -1) reads from column 0 and
// skips the left padding tap, the last strip of an odd OW (one output) or a window reaching the
// right padding reads from further left; the padding taps (zero point z times a weight) are added
// after: the top padding row in the first output row's initial sum, the left column in the
// initial sums of the left strip's column 0 (each output row's), the right column and the bottom
// row by depthwise_s8_s2_sums' fix-ups.
#include <array>
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace depthwise_dsp {
inline constexpr std::size_t max_s2_acc_bytes = 3072;  // the channel's int32 sums on the stack
}  // namespace depthwise_dsp

// The shapes depthwise_s8_s2_sums takes: K = 3, stride 2, padding 0 or 1, rows of at least 4
// (a strip's word loads stay inside a row), four rows on within LDR's immediate, an output row's
// sums within STR's post-index (4 OW <= 255) and the channel's sums within max_s2_acc_bytes.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_s8_dsp_s2_columns =
    target::arm_dsp && K == 3 && S == 2 && P <= 1 && W >= 4 && H + 2 * P >= 3 && 6 * W + 8 < 4096 &&
    4 * ((W + 2 * P - 3) / 2 + 1) <= 255 &&
    4 * (((H + 2 * P - 3) / 2 + 1) * ((W + 2 * P - 3) / 2 + 1) + 1) <= depthwise_dsp::max_s2_acc_bytes;

namespace depthwise_dsp {
// Whether s2_strip_sums can loop over strips: x's and acc's way back within SUBW's immediate, the
// row-pair count within ADD's (an 8-bit value shifted).
template <std::size_t H, std::size_t W, std::size_t P>
inline constexpr bool s2_strips_loop = [] {
  constexpr std::size_t OH = (H + 2 * P - 3) / 2 + 1, OW = (W + 2 * P - 3) / 2 + 1;
  constexpr std::size_t iter = OH % 2 == 1 ? (OH - 1) / 2 : (OH - 2) / 2;
  return 4 * W * iter < 4096 && 4 * OW * OH < 4096 && iter < 256;
}();

// A channel of a layer that is a compile-time constant, as the column strips and the rescale
// take it, worked out when the program is compiled (s2_known_table) instead of at run time
// (depthwise_s8_channel_dsp's per-channel setup: its rescale form, the weights' pair words):
// w02, u and v as depthwise_s8_s2_sums takes them (weights times 2^g), init = 2^g bias, m the
// multiplier, k the form's constant (c2 for the doubled forms, ra for the top form), and in v's
// top half (which the strips do not read) the form (bits 16-23; 0: requantize(), 1-4 as
// rescale_quads<at_or_above == false, narrow>, 5: the top form (rescale_quads_top), 6: the top
// form for e = 8 (rescale_top_known<1>)) and e = -shift (bits 24-31).
// The top form for e = 8 (form 6): weights and bias times 2^8 (2^9, top's g = 17 - e, would take
// int8 weights past int16) and ra = 2^6 + 2^14 + (zero_point - lo) 2^15, so that T = SMMLA(2^8
// acc, m, ra) has floor(T / 2^15) = floor((2 acc m + 2^31 + 2^39 + 2^40 (zero_point - lo)) / 2^40),
// the doubled form's (c2 + SMMULR(2 acc, m)) >> 8 (as the top form's proof, the numerator and
// 2^48 times 2^-7); within int16 where narrow, with |2^8 acc| < 2^31. Without the per-channel
// setup the top forms cost the table nothing, so they are taken on maps of any size.
struct s2_channel {
  std::int32_t w02[3], u, v, init, m, k;
};
inline constexpr int s2_form_bit = 16, s2_e_bit = 24;
// The shapes whose constant layers take the table: the column strips' shapes, a table of at most
// max_s2_table_bytes (flash) and channels of at most max_s2_table_outputs outputs, where the
// per-channel setup the table saves (about 100 instructions) is more than 1.5 instructions an
// output.
inline constexpr std::size_t max_s2_table_bytes = 1024, max_s2_table_outputs = 64;
// The int16 pair word (lo, hi), at compile time.
constexpr std::int32_t pair_of(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & 0xffffu) | (static_cast<std::uint32_t>(hi) << 16));
}
// Channel c's words: the same choices as depthwise_s8_channel_dsp makes at run time (its doubled,
// narrow and top conditions, with layer_clamp's clamp), but for the top forms (above).
constexpr s2_channel s2_known_channel(const std::int8_t* wc, std::int32_t bias, std::int32_t m, std::int32_t shift,
                                      std::int32_t zero_point, std::int32_t act_min, std::int32_t act_max) {
  constexpr auto sum_max = static_cast<std::uint32_t>(9u * 127u * 128u);
  const std::int32_t lo = act_min < -128 ? -128 : act_min, hi = act_max > 127 ? 127 : act_max;
  const std::int32_t zl = zero_point - lo;
  const bool clamped = lo <= hi && zero_point >= -128 && zero_point <= 127, at_or_above = lo >= zero_point;
  const bool doubled = clamped && doubled_rescale_applies(bias, m, shift, 0, sum_max);
  const std::int32_t e = -shift;
  const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
  const bool narrow = doubled && (bias_abs + sum_max + 3) >> e < 32000u;
  const bool top = at_or_above && narrow && e >= 9 && e <= 15 && (bias_abs + sum_max) >> (14 + e) == 0;
  const bool top8 = at_or_above && narrow && e == 8 && (bias_abs + sum_max) >> 23 == 0;
  const std::int32_t g = top ? 17 - e : top8 ? 8 : doubled ? 1 : 0, scale = std::int32_t{1} << g;
  const int form = top ? 5 : top8 ? 6 : !doubled ? 0 : (at_or_above ? 1 : 2) + (narrow ? 2 : 0);
  s2_channel r{};
  for (std::size_t ky = 0; ky < 3; ++ky) r.w02[ky] = pair_of(scale * wc[3 * ky], scale * wc[3 * ky + 2]);
  r.u = pair_of(scale * wc[1], scale * wc[4]);
  r.v = static_cast<std::int32_t>((static_cast<std::uint32_t>(scale * wc[7]) & 0xffffu) |
                                  (static_cast<std::uint32_t>(form) << s2_form_bit) |
                                  ((static_cast<std::uint32_t>(e) & 0xffu) << s2_e_bit));
  r.init = scale * bias, r.m = m;
  r.k = top    ? (1 << (15 - e)) + (1 << 15) + static_cast<std::int32_t>(static_cast<std::uint32_t>(zl) << 16)
        : top8  ? (1 << 6) + (1 << 14) + static_cast<std::int32_t>(static_cast<std::uint32_t>(zl) << 15)
        : doubled ? (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(zl) << e)
                  : 0;
  return r;
}
// Every channel's words of a constant layer (L: a quant::qdepthwise_conv2d_layer, K = 3): the
// column strips' (depthwise_s8_dsp_s2_known) and the stride-1 planes' (depthwise_s8_dsp_s1_known in
// depthwise_s8_dsp.hpp, which takes (w4, w7) from u's top and v's bottom half; the sum bound
// 9 * 127 * 128 and the rescale forms are the same for both strides).
template <class L>
constexpr auto s2_known_table(const L& l) {
  std::array<s2_channel, L::out_channels> t{};
  for (std::size_t c = 0; c < L::out_channels; ++c)
    t[c] = s2_known_channel(l.weights.data() + 9 * c, l.bias[c], l.multiplier[c], l.shift[c], l.zero_point,
                                    l.act_min, l.act_max);
  return t;
}
}  // namespace depthwise_dsp
// Whether a constant layer of C channels takes s2_known_table (depthwise_s8_dsp_s2_known).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr bool depthwise_s8_dsp_s2_table =
    depthwise_s8_dsp_s2_columns<H, W, K, S, P> && C * sizeof(depthwise_dsp::s2_channel) <= depthwise_dsp::max_s2_table_bytes &&
    ((H + 2 * P - 3) / 2 + 1) * ((W + 2 * P - 3) / 2 + 1) <= depthwise_dsp::max_s2_table_outputs;

#ifdef STATICNN_ARM_DSP
namespace depthwise_dsp {
// A strip's kind: how its rows are read (x: the strip's pointer, at input column c0 but for
// kinds 1, 4, 5) and which outputs it has.
enum s2_strip : int {
  s2_inner = 0,      // 2q, 2q + 1; words at c0 and c0 + 1
  s2_left = 1,       // c0 = -1 (P = 1): the word at column 0 = (x0, x1, x2, x3): 2q skips w0 z
  s2_right_pad = 2,  // c0 + 4 = W (the right padding): the word at c0; 2q + 1 skips w2 z
  s2_half = 3,       // 2q alone (odd OW); the word at c0
  s2_half_back = 4,  // 2q alone, c0 + 3 = W: the word at c0 - 1
  s2_half_pad = 5,   // 2q alone, c0 + 2 = W (the right padding): the word at c0 - 2; skips w2 z
};

// One strip of an OH x OW channel: the sums of output columns 2q (and 2q + 1) of every output
// row into acc (column 2q of row 0; rows 4 OW bytes apart). x: the strip's first input row at
// its kind's column; rows W bytes apart. a0/a1: the first output row's initial sums (init plus
// the top padding row's taps for P = 1); init: every other row's, but for the left strip's
// column 0, whose other rows start from left_start (init plus the left padding column's taps).
// Registers (all 14 named): r0, r1 the loaded word and its SXTB16 halves (r0 brings init, kept
// in lr; r1 left_start, kept at [sp] for the left strip), r2-r4 (w0, w2) of kernel rows 0-2, r5 (w1 of row 0, w1 of row 1), r6 (w1 of row 2,
// the row-pair loop's iterations left - 1 in the top half), r7/r8 and r10/r11 the sums of two output rows
// (even and odd rows alternate), r12 x, r9 acc.
// Strips > 1: that many strips of this kind side by side (x and acc 4 bytes and 2 sums on each
// time), looped in the asm: the first row's sums a0 and the end of x kept on the stack (8 bytes).
template <s2_strip Kind, std::size_t H, std::size_t W, std::size_t P, std::size_t OH, std::size_t OW,
          std::size_t Strips = 1>
[[gnu::always_inline]] inline void s2_strip_sums(const std::int8_t* x, const std::int32_t (&w02)[3], std::int32_t u,
                                                 std::int32_t v, std::int32_t init, std::int32_t a0, std::int32_t a1,
                                                 std::int32_t* acc, std::int32_t left_start = 0) {
  // Padded row 2 oy + k is input row 2 oy + k - P. After the first output row's first rows
  // (kernel row 0 unless it is padding, kernel row 1), row pairs: each of the loop's iterations
  // finishes two output rows and brings the next one to kernel row 1; the last one or two rows
  // after it. The last output row's kernel row 2 is padding where 2 OH - P > H - 1.
  constexpr int iterations = OH % 2 == 1 ? static_cast<int>(OH - 1) / 2 : static_cast<int>(OH - 2) / 2;
  constexpr bool last_real = 2 * OH - P <= H - 1;
  constexpr int row = static_cast<int>(W), first = static_cast<int>(2 - P) * row;  // the loop's first row
  static_assert(iterations < 0x8000, "s2_strip_sums: the count in r6's top half");
  static_assert(Strips == 1 || s2_strips_loop<H, W, P>, "s2_strip_sums: strip loop offsets beyond SUBW's immediate");
  register std::int32_t r0 asm("r0") = init, r1 asm("r1") = left_start;
  register std::int32_t w0 asm("r2") = w02[0], w1 asm("r3") = w02[1], w2 asm("r4") = w02[2];
  register std::int32_t ru asm("r5") = u, rv asm("r6") = static_cast<std::int32_t>(
                                              (static_cast<std::uint32_t>(v) & 0xffffu) | (static_cast<std::uint32_t>(iterations > 0 ? iterations - 1 : 0) << 16));
  register std::int32_t s00 asm("r7") = a0, s01 asm("r8") = a1, s10 asm("r10"), s11 asm("r11");
  register const std::int8_t* rx asm("r12") = x;
  register std::int32_t* ra asm("r9") = acc;
  asm volatile(
      // d = op(a, b) + (s ? init : d)
      ".macro snn_mac%= op, d, a, b, s\n"
      ".if \\s\n"
      "\\op \\d, \\a, \\b, lr\n"
      ".else\n"
      "\\op \\d, \\a, \\b, \\d\n"
      ".endif\n"
      ".endm\n"
      // The input row at offset off into output F (sums F0, F1; kernel row's pair word wF, middle
      // tap in half hF of mF; sF: F starts here) and, n = 2, into output N (kernel row 0, starts).
      ".macro snn_row%= off, n, F0, F1, wF, mF, hF, sF, N0, N1, wN, mN, hN\n"
      ".if %c[kind] == 0\n"  // inner
      "ldr r0, [r12, #(\\off)]\n"
      "sxtb16 r1, r0\n"                       // (c0, c0+2)
      "snn_mac%= smlad, \\F0, \\wF, r1, \\sF\n"
      ".if \\n == 2\n"
      "smlad \\N0, \\wN, r1, lr\n"
      ".endif\n"
      "sxtb16 r1, r0, ror #8\n"               // (c0+1, c0+3)
      "smla\\hF\\()b \\F0, \\mF, r1, \\F0\n"
      "snn_mac%= smla\\hF\\()t, \\F1, \\mF, r1, \\sF\n"
      ".if \\n == 2\n"
      "smla\\hN\\()b \\N0, \\mN, r1, \\N0\n"
      "smla\\hN\\()t \\N1, \\mN, r1, lr\n"
      ".endif\n"
      "ldr r0, [r12, #(\\off + 1)]\n"
      "sxtb16 r0, r0, ror #8\n"               // (c0+2, c0+4)
      "smlad \\F1, \\wF, r0, \\F1\n"
      ".if \\n == 2\n"
      "smlad \\N1, \\wN, r0, \\N1\n"
      ".endif\n"
      ".elseif %c[kind] == 1 || %c[kind] == 2\n"  // left (x0..x3) or right padding (c0..c0+3)
      "ldr r0, [r12, #(\\off)]\n"
      "sxtb16 r1, r0\n"
      "sxtb16 r0, r0, ror #8\n"
      ".if %c[kind] == 1\n"
      // 2q: w1 x0 + w2 x1; 2q + 1: w1 x2 + (w0 x1 + w2 x3); an output row's 2q starts from
      // left_start ([sp]), its sums on the left padding column included.
      "snn_mac%= smla\\hF\\()b, \\F0, \\mF, r1, \\sF\n"
      "smlatb \\F0, \\wF, r0, \\F0\n"
      "snn_mac%= smla\\hF\\()t, \\F1, \\mF, r1, \\sF\n"
      "smlad \\F1, \\wF, r0, \\F1\n"
      ".if \\n == 2\n"
      "ldr \\N0, [sp]\n"
      "smla\\hN\\()b \\N0, \\mN, r1, \\N0\n"
      "smlatb \\N0, \\wN, r0, \\N0\n"
      "smla\\hN\\()t \\N1, \\mN, r1, lr\n"
      "smlad \\N1, \\wN, r0, \\N1\n"
      ".endif\n"
      ".else\n"
      // 2q: (w0 c0 + w2 c0+2) + w1 c0+1; 2q + 1: w0 c0+2 + w1 c0+3
      "snn_mac%= smlad, \\F0, \\wF, r1, \\sF\n"
      "smla\\hF\\()b \\F0, \\mF, r0, \\F0\n"
      "snn_mac%= smlabt, \\F1, \\wF, r1, \\sF\n"
      "smla\\hF\\()t \\F1, \\mF, r0, \\F1\n"
      ".if \\n == 2\n"
      "smlad \\N0, \\wN, r1, lr\n"
      "smla\\hN\\()b \\N0, \\mN, r0, \\N0\n"
      "smlabt \\N1, \\wN, r1, lr\n"
      "smla\\hN\\()t \\N1, \\mN, r0, \\N1\n"
      ".endif\n"
      ".endif\n"
      ".elseif %c[kind] == 3\n"  // 2q alone from (c0, .., c0+3)
      "ldr r0, [r12, #(\\off)]\n"
      "sxtb16 r1, r0\n"
      "sxtb16 r0, r0, ror #8\n"
      "snn_mac%= smlad, \\F0, \\wF, r1, \\sF\n"
      "smla\\hF\\()b \\F0, \\mF, r0, \\F0\n"
      ".if \\n == 2\n"
      "smlad \\N0, \\wN, r1, lr\n"
      "smla\\hN\\()b \\N0, \\mN, r0, \\N0\n"
      ".endif\n"
      ".elseif %c[kind] == 4\n"  // 2q alone from (c0-1, .., c0+2)
      "ldr r0, [r12, #(\\off)]\n"
      "sxtb16 r1, r0, ror #8\n"               // (c0, c0+2)
      "sxtb16 r0, r0\n"                       // (c0-1, c0+1)
      "snn_mac%= smlad, \\F0, \\wF, r1, \\sF\n"
      "smla\\hF\\()t \\F0, \\mF, r0, \\F0\n"
      ".if \\n == 2\n"
      "smlad \\N0, \\wN, r1, lr\n"
      "smla\\hN\\()t \\N0, \\mN, r0, \\N0\n"
      ".endif\n"
      ".else\n"                  // 2q alone from (c0-2, .., c0+1): w0 c0 + w1 c0+1
      "ldr r0, [r12, #(\\off)]\n"
      "sxtb16 r1, r0\n"                       // (c0-2, c0)
      "sxtb16 r0, r0, ror #8\n"               // (c0-1, c0+1)
      "snn_mac%= smlabt, \\F0, \\wF, r1, \\sF\n"
      "smla\\hF\\()t \\F0, \\mF, r0, \\F0\n"
      ".if \\n == 2\n"
      "smlabt \\N0, \\wN, r1, lr\n"
      "smla\\hN\\()t \\N0, \\mN, r0, \\N0\n"
      ".endif\n"
      ".endif\n"
      ".endm\n"
      ".macro snn_store%= A0, A1\n"
      ".if %c[kind] <= 2\n"  // two outputs: inner, left, right padding
      "strd \\A0, \\A1, [r9], #%c[ob]\n"
      ".else\n"
      "str \\A0, [r9], #%c[ob]\n"
      ".endif\n"
      ".endm\n"
      "mov lr, r0\n"
      ".if %c[kind] == 1\n"
      "str r1, [sp, #-8]!\n"  // left_start at [sp] (8 bytes: sp stays 8-byte aligned)
      ".endif\n"
      ".if %c[strips] > 1\n"
      "add r0, r12, #(4 * %c[strips])\n"
      "strd r7, r0, [sp, #-8]!\n"
      "3:\n"
      ".endif\n"
      // The first output row (r7/r8): kernel row 0 (P = 0) and kernel row 1.
      ".if %c[P] == 0\n"
      "snn_row%= 0, 1, r7, r8, r2, r5, b, 1, r10, r11, r2, r5, b\n"
      ".endif\n"
      "snn_row%= ((1 - %c[P]) * %c[rb]), 1, r7, r8, r3, r5, t, 0, r10, r11, r2, r5, b\n"
      ".if %c[iter] > 0\n"
      "1:\n"
      "snn_row%= %c[fr], 2, r7, r8, r4, r6, b, 0, r10, r11, r2, r5, b\n"
      "snn_store%= r7, r8\n"
      "snn_row%= (%c[fr] + %c[rb]), 1, r10, r11, r3, r5, t, 0, r10, r11, r2, r5, b\n"
      "snn_row%= (%c[fr] + 2 * %c[rb]), 2, r10, r11, r4, r6, b, 0, r7, r8, r2, r5, b\n"
      "snn_store%= r10, r11\n"
      "snn_row%= (%c[fr] + 3 * %c[rb]), 1, r7, r8, r3, r5, t, 0, r10, r11, r2, r5, b\n"
      "addw r12, r12, #(4 * %c[rb])\n"
      "subs r6, r6, #0x10000\n"  // no borrow while the top half (iterations left - 1) was >= 1
      "bcs 1b\n"
      ".endif\n"
      ".if %c[odd]\n"  // the last row r7/r8: kernel row 2
      ".if %c[real]\n"
      "snn_row%= %c[fr], 1, r7, r8, r4, r6, b, 0, r10, r11, r2, r5, b\n"
      ".endif\n"
      "snn_store%= r7, r8\n"
      ".else\n"        // the last two rows
      "snn_row%= %c[fr], 2, r7, r8, r4, r6, b, 0, r10, r11, r2, r5, b\n"
      "snn_store%= r7, r8\n"
      "snn_row%= (%c[fr] + %c[rb]), 1, r10, r11, r3, r5, t, 0, r10, r11, r2, r5, b\n"
      ".if %c[real]\n"
      "snn_row%= (%c[fr] + 2 * %c[rb]), 1, r10, r11, r4, r6, b, 0, r7, r8, r2, r5, b\n"
      ".endif\n"
      "snn_store%= r10, r11\n"
      ".endif\n"
      ".if %c[strips] > 1\n"  // the next strip: x back to its first row 4 on, acc to its row 0
      ".if %c[iter] > 0\n"
      "subw r12, r12, #(4 * %c[rb] * %c[iter] - 4)\n"
      "add r6, r6, #(%c[iter] << 16)\n"  // the top half back to iterations - 1
      ".else\n"
      "add r12, r12, #4\n"
      ".endif\n"
      "subw r9, r9, #(%c[ob] * %c[oh] - 8)\n"
      "ldrd r7, r0, [sp]\n"
      "mov r8, r7\n"
      "cmp r12, r0\n"
      "bne 3b\n"
      "add sp, sp, #8\n"
      ".endif\n"
      ".if %c[kind] == 1\n"
      "add sp, sp, #8\n"
      ".endif\n"
      ".purgem snn_mac%=\n"
      ".purgem snn_row%=\n"
      ".purgem snn_store%=\n"
      : "+r"(r0), "+r"(r1), "+r"(s00), "+r"(s01), "=&r"(s10), "=&r"(s11), "+r"(rx), "+r"(ra), "+r"(rv)
      : "r"(w0), "r"(w1), "r"(w2), "r"(ru), [kind] "i"(static_cast<int>(Kind)), [P] "i"(static_cast<int>(P)),
        [rb] "i"(row), [fr] "i"(first), [iter] "i"(iterations), [odd] "i"(static_cast<int>(OH % 2)),
        [real] "i"(static_cast<int>(last_real)), [ob] "i"(static_cast<int>(4 * OW)),
        [strips] "i"(static_cast<int>(Strips)), [oh] "i"(static_cast<int>(OH))
      : "lr", "cc", "memory");
}

// The OH x OW sums of channel xc (H x W int8) into acc: init (scale * bias) plus the taps of the
// 3 x 3 weights (w0 .. w8, scaled) on the input padded with z, stride 2, padding P. The weights
// as int16 pair words: w02 = (w0, w2), (w3, w5), (w6, w8); u = (w1, w4); v = w7 (bottom half).
template <std::size_t H, std::size_t W, std::size_t P>
[[gnu::always_inline]] inline void depthwise_s8_s2_sums(const std::int8_t* xc, const std::int32_t (&w02)[3], std::int32_t u,
                                                        std::int32_t v, std::int32_t init, std::int32_t z, std::int32_t* acc) {
  constexpr std::size_t OH = (H + 2 * P - 3) / 2 + 1, OW = (W + 2 * P - 3) / 2 + 1;
  constexpr bool right_pad = P == 1 && W % 2 == 1;  // the last window's right column is padding
  constexpr bool bottom_pad = P == 1 && 2 * OH - P > H - 1;  // the last output row's kernel row 2
  const auto zz = static_cast<std::int32_t>((static_cast<std::uint32_t>(z) & 0xffffu) * 0x10001u);  // (z, z)
  // Row 0's kernel row 0 on padding (P = 1): z (w0 + w1 + w2) in its initial sums.
  const std::int32_t top = P == 1 ? __smlabb(u, zz, __smlad(w02[0], zz, init)) : init;
  auto lo = [](std::int32_t p) { return static_cast<std::int32_t>(static_cast<std::int16_t>(p)); };
  auto hi = [](std::int32_t p) { return p >> 16; };
  // The left strip's column 0 starts with its taps on the left padding column: z (w3 + w6) in
  // row 0 (whose w0 tap is in top), z (w0 + w3 + w6) in every other row (the last row's w6 tap
  // taken back below where kernel row 2 is the bottom padding).
  const std::int32_t left = P == 1 ? z * (lo(w02[1]) + lo(w02[2])) : 0, left0 = P == 1 ? left + z * lo(w02[0]) : 0;
  // The left strip (P = 1), the inner ones (looped in one asm where s2_strips_loop), the last one
  // if it is of another kind.
  constexpr std::size_t strips = (OW + 1) / 2, first_inner = P == 1 ? 1 : 0;
  constexpr bool last_inner = OW % 2 == 0 && !right_pad;
  constexpr std::size_t end_inner = last_inner ? strips : strips - 1;
  if constexpr (P == 1) s2_strip_sums<s2_left, H, W, P, OH, OW>(xc, w02, u, v, init, top + left, top, acc, init + left0);
  if constexpr (end_inner > first_inner) {
    if constexpr (s2_strips_loop<H, W, P> && end_inner - first_inner > 1) {
      s2_strip_sums<s2_inner, H, W, P, OH, OW, end_inner - first_inner>(xc + 4 * first_inner - P, w02, u, v, init, top, top,
                                                                        acc + 2 * first_inner);
    } else {
#pragma GCC unroll 1
      for (std::size_t q = first_inner; q < end_inner; ++q)
        s2_strip_sums<s2_inner, H, W, P, OH, OW>(xc + 4 * q - P, w02, u, v, init, top, top, acc + 2 * q);
    }
  }
  if constexpr (end_inner < strips && !(P == 1 && strips == 1)) {
    constexpr std::size_t q = strips - 1, c = 4 * q;  // c0 + P
    std::int32_t* a = acc + 2 * q;
    if constexpr (OW % 2 == 0)
      s2_strip_sums<s2_right_pad, H, W, P, OH, OW>(xc + c - P, w02, u, v, init, top, top, a);
    else if constexpr (right_pad)
      s2_strip_sums<s2_half_pad, H, W, P, OH, OW>(xc + c - P - 2, w02, u, v, init, top, top, a);
    else if constexpr (c - P + 3 <= W - 1)
      s2_strip_sums<s2_half, H, W, P, OH, OW>(xc + c - P, w02, u, v, init, top, top, a);
    else
      s2_strip_sums<s2_half_back, H, W, P, OH, OW>(xc + c - P - 1, w02, u, v, init, top, top, a);
  }
  if constexpr (P == 1) {
    // The padding taps the strips skip: the right column for odd W (w2, w5, w8), the bottom row
    // for odd H (kernel row 2, all three; column 0 already has w6's).
    const std::int32_t right = z * (hi(w02[1]) + hi(w02[2])), right0 = right + z * hi(w02[0]);
    const std::int32_t bottom_right = z * (hi(w02[0]) + hi(w02[1]));
    if constexpr (right_pad) {
#pragma GCC unroll 64
      for (std::size_t oy = 0; oy < OH; ++oy) {
        const bool final = bottom_pad && oy == OH - 1;
        acc[oy * OW + OW - 1] += oy == 0 ? (final ? z * hi(w02[1]) : right) : (final ? bottom_right : right0);
      }
    }
    if constexpr (bottom_pad) {
      const std::int32_t b = __smlabb(v, zz, __smuad(w02[2], zz));
      acc[(OH - 1) * OW] += b - z * lo(w02[2]);
#pragma GCC unroll 1
      for (std::size_t ox = 1; ox < OW; ++ox) acc[(OH - 1) * OW + ox] += b;
    }
  }
}
}  // namespace depthwise_dsp
#endif

}  // namespace staticnn::kernels::arm
