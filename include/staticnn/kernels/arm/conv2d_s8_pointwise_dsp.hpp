#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for an int8 pointwise convolution (K = 1, stride 1, no
// padding) of C >= 4 input channels: output rows [oy0, oy0 + rows) of G output channels, TFLite
// int8 arithmetic and the fused activation clamp, bit for bit as kernels/conv2d_s8.hpp's portable
// path. It runs the multiply, rescale and clamp of the DSP rows kernel (kernels/arm/
// conv2d_s8_rows_dsp.hpp, conv_rows::channel_blocks: per output channel, 4 pixels a block, 16
// MACs per weight word) on the same im2col layout, which for K = 1 it builds without gathering
// windows: a block's 4 pixels are consecutive in every channel plane, so the 4 channels of a
// weight word are 4 words of input, one LDR each, transposed into the 8 im2col words
//   (x_c[p], x_{c+2}[p]), (x_{c+1}[p], x_{c+3}[p])  for p = 0..3
// by 8 SXTB16 (the even and odd pixels of each channel as int16 pairs) and 8 PKHBT/PKHTB (pairing
// the channels). The copy serves all G channels.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_few_dsp.hpp"
#include "conv2d_s8_rows_dsp.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

namespace conv_pointwise {
inline constexpr std::size_t max_channels = 120;  // C: one block's im2col fits twice in the rows kernel's budget
}  // namespace conv_pointwise

// The shapes conv2d_s8_pointwise_dsp takes: K = 1, stride 1, a weight word per channel (C >= 4)
// and super-blocks of at least two blocks (C <= 120).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_pointwise_dsp_fits =
    target::arm_dsp && K == 1 && S == 1 && C >= 4 && C <= conv_pointwise::max_channels;

#ifdef STATICNN_ARM_DSP
namespace conv_pointwise {
// (bottom half of lo, bottom half of hi) and (top half of lo, top half of hi) as int16 pair words.
[[gnu::always_inline]] inline std::int32_t pair_bottoms(std::int32_t lo, std::int32_t hi) { return conv_few::pack16(lo, hi); }
[[gnu::always_inline]] inline std::int32_t pair_tops(std::int32_t lo, std::int32_t hi) {
  std::int32_t r;
  asm("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}

// The im2col words of one weight word's 4 channels for 4 pixels, from the 4 words v0..v3 of the
// channels c..c+3 at those pixels (byte p = pixel p), doubled if Twice, stored at col (8 words):
// pixel p's (x_c, x_{c+2}) and (x_{c+1}, x_{c+3}).
template <bool Twice>
[[gnu::always_inline]] inline void transpose_quad(std::uint32_t v0, std::uint32_t v1, std::uint32_t v2,
                                                  std::uint32_t v3, std::int32_t* col) {
  // even: pixels 0 and 2 of a channel, odd: pixels 1 and 3, as int16 pairs
  const auto e0 = static_cast<std::int32_t>(__sxtb16(v0)), e1 = static_cast<std::int32_t>(__sxtb16(v1));
  const auto e2 = static_cast<std::int32_t>(__sxtb16(v2)), e3 = static_cast<std::int32_t>(__sxtb16(v3));
  const std::int32_t o0 = conv_rows::sxtb16_ror8(v0), o1 = conv_rows::sxtb16_ror8(v1);
  const std::int32_t o2 = conv_rows::sxtb16_ror8(v2), o3 = conv_rows::sxtb16_ror8(v3);
  std::int32_t r[8] = {pair_bottoms(e0, e2), pair_bottoms(e1, e3), pair_bottoms(o0, o2), pair_bottoms(o1, o3),
                       pair_tops(e0, e2),    pair_tops(e1, e3),    pair_tops(o0, o2),    pair_tops(o1, o3)};
  if constexpr (Twice)
    for (auto& v : r) v = static_cast<std::int32_t>(__sadd16(v, v));
  __builtin_memcpy(col, r, sizeof(r));
}

// Channel c's word of 4 pixels at xc: all 4 (Whole) or `valid` of them, the rest repeating pixel
// 0 (read nothing past the input).
template <bool Whole>
[[gnu::always_inline]] inline std::uint32_t pixels4(const std::int8_t* xc, [[maybe_unused]] std::size_t valid) {
  std::uint32_t v;
  if constexpr (Whole) {
    __builtin_memcpy(&v, xc, 4);
  } else {
    std::uint8_t b[4];
    for (std::size_t p = 0; p < 4; ++p) b[p] = static_cast<std::uint8_t>(xc[p < valid ? p : 0]);
    __builtin_memcpy(&v, b, 4);
  }
  return v;
}

// One block's im2col (the rows kernel's layout<C, 1>) from its first pixel xb (channel 0, planes HW
// bytes apart), doubled if Twice: per weight word 8 words; a last word of one channel (C = 4k + 1)
// as its 4 pixels' int16 in 2 words; a last word that repeats channels already counted has their
// inputs 0.
template <std::size_t C, std::size_t HW, bool Twice, bool Whole>
[[gnu::always_inline]] inline void pack_block(const std::int8_t* xb, std::int32_t* col, std::size_t valid) {
  using L = conv_rows::layout<C, 1>;
#pragma GCC unroll 1
  for (std::size_t q = 0; q < L::main_quads; ++q, xb += 4 * HW, col += L::quad_words)
    transpose_quad<Twice>(pixels4<Whole>(xb, valid), pixels4<Whole>(xb + HW, valid), pixels4<Whole>(xb + 2 * HW, valid),
                          pixels4<Whole>(xb + 3 * HW, valid), col);
  if constexpr (L::single) {  // channel C - 1 alone: (p0, p1), (p2, p3)
    const std::uint32_t v = pixels4<Whole>(xb, valid);
    const auto e = static_cast<std::int32_t>(__sxtb16(v)), o = conv_rows::sxtb16_ror8(v);
    const std::int32_t lo = pair_bottoms(e, o), hi = pair_tops(e, o);
    col[0] = Twice ? static_cast<std::int32_t>(__sadd16(lo, lo)) : lo;
    col[1] = Twice ? static_cast<std::int32_t>(__sadd16(hi, hi)) : hi;
  } else {  // channels C - 4 .. C - 1, the first pad of them 0
    const std::int8_t* xl = xb - L::pad * HW;
    std::uint32_t v[4];
    for (std::size_t j = 0; j < 4; ++j) v[j] = j < L::pad ? 0u : pixels4<Whole>(xl + j * HW, valid);
    transpose_quad<Twice>(v[0], v[1], v[2], v[3], col);
  }
}
}  // namespace conv_pointwise

// x: C x H x W int8; w: G output channels' C weights (in [-127, 127]); q: the rescale starting at the
// first of the G channels; y: G x rows x W int8.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G>
void conv2d_s8_pointwise_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                             std::size_t oy0, std::size_t rows) {
  static_assert(conv2d_s8_pointwise_dsp_fits<C, H, W, 1, 1>, "conv2d_s8_pointwise_dsp: shape not taken");
  using L = conv_rows::layout<C, 1>;
  static_assert(L::blocks > 1, "conv2d_s8_pointwise_dsp: super-blocks of channel_blocks");
  constexpr std::size_t P = conv_rows::pixels, span = L::blocks * P;
  constexpr auto sum_max = static_cast<std::uint32_t>(C * 127u * 128u);
  const std::size_t n = rows * W;  // output pixels, consecutive in each plane from row oy0
  const std::int8_t* const xs = x + oy0 * W;
  // The clamp within int8 (the results are saturated first); an empty range takes the general path.
  const std::int32_t lo = q.act_min < -128 ? -128 : q.act_min, hi = q.act_max > 127 ? 127 : q.act_max;
  const std::int32_t lo4 = conv_rows::bytes4(lo), width4 = conv_rows::bytes4(hi - lo);
  bool all_doubled = lo <= hi;
  for (std::size_t o = 0; o < G && all_doubled; ++o)
    all_doubled = doubled_rescale_applies(q.bias[o], q.multiplier[o], q.shift[o], q.zero_point, sum_max);
  // The im2col doubled where that is cheaper than doubling each channel's accumulators.
  constexpr bool twice = 2 * L::quads < G;
  alignas(8) std::int32_t col[L::blocks * L::col_words];
  for (std::size_t i0 = 0; i0 < n; i0 += span) {
    const std::size_t count = n - i0 < span ? n - i0 : span, blocks = (count + P - 1) / P;
    for (std::size_t b = 0; b < count / P; ++b)
      conv_pointwise::pack_block<C, H * W, twice, true>(xs + i0 + b * P, col + b * L::col_words, P);
    if (count % P != 0)  // past the end: pixel 0 of the block again, not stored
      conv_pointwise::pack_block<C, H * W, twice, false>(xs + i0 + count / P * P, col + count / P * L::col_words,
                                                         count % P);
    const bool whole = count % P == 0;
    std::int8_t out[span];  // a partial last block's outputs, then copied up to count
    for (std::size_t o = 0; o < G; ++o) {
      const std::int8_t* wo = w + o * C;
      std::int8_t* yo = y + o * n + i0;
      const std::int32_t bias = q.bias[o], m = q.multiplier[o], shift = q.shift[o];
      if (all_doubled || (lo <= hi && doubled_rescale_applies(bias, m, shift, q.zero_point, sum_max))) {
        const std::int32_t e = -shift;
        const std::int32_t c =
            (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point - lo) << e);
        conv_rows::doubled_out d{m, c, e, width4, lo4, whole ? yo : out, col + blocks * L::col_words,
                                 twice ? 2 * bias : bias};
        conv_rows::channel_blocks<C, 1, twice>(col, wo, &d);
        if (!whole)
          for (std::size_t p = 0; p < count; ++p) yo[p] = out[p];
      } else {
        conv_rows::general_channel<L, twice>(col, wo, q, o, count, yo);
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G>
void conv2d_s8_pointwise_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                             std::size_t oy0, std::size_t rows);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
