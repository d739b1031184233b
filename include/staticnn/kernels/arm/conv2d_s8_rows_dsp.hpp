#pragma once
// Armv7E-M DSP kernel (Cortex-M4, M7, M33) for int8 convolution of any C, K and stride, no
// padding: output rows [oy0, oy0 + rows) of G output channels, TFLite int8 arithmetic and the
// fused activation clamp, bit for bit as kernels/conv2d_s8.hpp's portable path.
//
// Weight-stationary over blocks of 4 output pixels. One output channel's F = C K K weights are
// read straight from their OIHW bytes, a word of 4 consecutive weights w_f .. w_f+3 at a time, and
// unpacked by SXTB16 into the int16 pairs (w_f, w_f+2) and (w_f+1, w_f+3). The block's 4 windows
// are copied once (im2col, int16, on the stack) so that the same pairs of inputs are neighbours:
//   col[q][p] = { (x_p[4q], x_p[4q+2]), (x_p[4q+1], x_p[4q+3]) }   (x_p: pixel p's window, OIHW order)
// Per 4 weights of a channel: 1 LDR, 2 SXTB16, 2 LDM (two pixels' pairs each), 8 SMLAD = 16 MACs;
// the copy serves all G channels. When 4 does not divide F, the last word is the weights
// F-4 .. F-1 (in bounds) and the inputs of the weights the word before already counted are 0.
#include <array>
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels::arm {

// The shapes conv2d_s8_rows_dsp takes: at least one word of weights per channel (C K K >= 4) and a
// block's im2col within a small stack budget; sums that fit the doubled rescale (C K K * 127 * 128
// < 2^29) so a channel takes the fast rescale whenever its own parameters allow.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_rows_dsp_fits =
    target::arm_dsp && K >= 1 && S >= 1 && K <= H && K <= W && C * K * K >= 4 && C * K * K <= 1024;

namespace conv_rows {
inline constexpr std::size_t pixels = 4;  // output pixels per block (accumulators per channel)

template <std::size_t C, std::size_t K>
struct layout {
  static constexpr std::size_t fan_in = C * K * K;              // F
  static constexpr std::size_t quads = (fan_in + 3) / 4;        // weight words per channel
  static constexpr std::size_t pad = 4 * quads - fan_in;        // weights the last word repeats
  static constexpr std::size_t quad_words = 2 * pixels;         // im2col words per weight word
  static constexpr std::size_t col_words = quads * quad_words;  // the block's im2col
  static constexpr std::size_t unroll = 4;                      // weight words per loop iteration
  static constexpr std::size_t main_quads = quads - 1;          // all but the last word
};

// Byte offset of window entry f = (c K + ky) K + kx from the window's corner in a C x H x W input.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K>
constexpr std::array<std::uint32_t, C * K * K> window_offsets() {
  std::array<std::uint32_t, C * K * K> off{};
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t ky = 0; ky < K; ++ky)
      for (std::size_t kx = 0; kx < K; ++kx) off[(c * K + ky) * K + kx] = static_cast<std::uint32_t>((c * H + ky) * W + kx);
  return off;
}
}  // namespace conv_rows

#ifdef STATICNN_ARM_DSP
namespace conv_rows {
inline std::int32_t pair16(std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(lo) & 0xffffu) | (static_cast<std::uint32_t>(hi) << 16));
}

// acc[p] = bias + the F products of one channel's weights w with the block's im2col col (4-byte
// aligned), p < 4. The loop and its registers are fixed (LDM needs ascending registers).
template <std::size_t C, std::size_t K>
[[gnu::always_inline]] inline void channel_block(const std::int32_t* col, const std::int8_t* w, std::int32_t bias,
                                                 std::int32_t (&acc)[pixels]) {
  using L = layout<C, K>;
  register std::int32_t i0 asm("r0"), i1 asm("r1"), i2 asm("r2"), i3 asm("r3");
  register std::int32_t we asm("r4"), wo asm("r5"), n asm("r6");
  register std::int32_t a0 asm("r7") = bias, a1 asm("r8") = bias, a2 asm("r10") = bias, a3 asm("r11") = bias;
  register const std::int8_t* wp asm("r9") = w;
  register const std::int32_t* cp asm("r12") = col;
  // One weight word against the 4 pixels; LOAD fetches it into we.
#define STATICNN_ROWS_QUAD(LOAD)                                                                    \
  LOAD                                                                                              \
  "sxtb16 %[wo], %[we], ror #8\n"                                                                   \
  "sxtb16 %[we], %[we]\n"                                                                           \
  "ldm %[col]!, {%[i0], %[i1], %[i2], %[i3]}\n"                                                     \
  "smlad %[a0], %[i0], %[we], %[a0]\n"                                                              \
  "smlad %[a0], %[i1], %[wo], %[a0]\n"                                                              \
  "smlad %[a1], %[i2], %[we], %[a1]\n"                                                              \
  "smlad %[a1], %[i3], %[wo], %[a1]\n"                                                              \
  "ldm %[col]!, {%[i0], %[i1], %[i2], %[i3]}\n"                                                     \
  "smlad %[a2], %[i0], %[we], %[a2]\n"                                                              \
  "smlad %[a2], %[i1], %[wo], %[a2]\n"                                                              \
  "smlad %[a3], %[i2], %[we], %[a3]\n"                                                              \
  "smlad %[a3], %[i3], %[wo], %[a3]\n"
#define STATICNN_ROWS_NEXT "ldr %[we], [%[w]], #4\n"
#define STATICNN_ROWS_LAST "ldr %[we], [%[w], #%c[last]]\n"
  asm volatile(".rept %c[rest]\n" STATICNN_ROWS_QUAD(STATICNN_ROWS_NEXT) ".endr\n"
               ".if %c[iters]\n"
               "movw %[n], #%c[iters]\n"
               "1:\n"
               ".rept %c[unroll]\n" STATICNN_ROWS_QUAD(STATICNN_ROWS_NEXT) ".endr\n"
               "subs %[n], %[n], #1\n"
               "bne 1b\n"
               ".endif\n" STATICNN_ROWS_QUAD(STATICNN_ROWS_LAST)
               : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(wp), [col] "+r"(cp),
                 [i0] "=&r"(i0), [i1] "=&r"(i1), [i2] "=&r"(i2), [i3] "=&r"(i3), [we] "=&r"(we), [wo] "=&r"(wo),
                 [n] "=&r"(n)
               : [rest] "i"(L::main_quads % L::unroll), [iters] "i"(L::main_quads / L::unroll),
                 [unroll] "i"(L::unroll), [last] "i"(-static_cast<int>(L::pad))
               : "cc", "memory");
#undef STATICNN_ROWS_LAST
#undef STATICNN_ROWS_NEXT
#undef STATICNN_ROWS_QUAD
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

// Pixel p's window (corner at xb, C x H x W int8 input) into the block's im2col col.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K>
[[gnu::always_inline]] inline void im2col_pixel(const std::int8_t* xb, std::int32_t* col, std::size_t p) {
  using L = layout<C, K>;
  static constexpr auto off = window_offsets<C, H, W, K>();
  std::int32_t* d = col + 2 * p;
  for (std::size_t q = 0; q < L::main_quads; ++q, d += L::quad_words) {
    const std::uint32_t* o = off.data() + 4 * q;
    d[0] = pair16(xb[o[0]], xb[o[2]]);
    d[1] = pair16(xb[o[1]], xb[o[3]]);
  }
  // The last word covers entries F-4 .. F-1; the first pad of them were counted by the word before.
  std::int32_t v[4];
  for (std::size_t i = 0; i < 4; ++i) v[i] = i < L::pad ? 0 : xb[off[L::fan_in - 4 + i]];
  d[0] = pair16(v[0], v[2]);
  d[1] = pair16(v[1], v[3]);
}

// saturate(zero_point + multiply_by_quantized_multiplier(acc, m, -e)) for a channel whose rescale
// doubled_rescale_applies holds (kernels/fixed_point.hpp): SMMULR(2 acc, m) is the rounding
// doubling high multiply, c = 2^(e-1) + (zero_point << e) its rounding divide with the zero point.
[[gnu::always_inline]] inline std::int32_t rescale_doubled(std::int32_t acc, std::int32_t m, std::int32_t c,
                                                           std::int32_t e) {
  std::int32_t s;
  asm("smmulr %0, %1, %2" : "=r"(s) : "r"(acc + acc), "r"(m));
  return __ssat((s + c + (s >> 31)) >> e, 8);
}
}  // namespace conv_rows

// x: C x H x W int8; w: G output channels' C x K x K weights (OIHW, contiguous, in [-127, 127]);
// q: the rescale starting at the first of the G channels; y: G x rows x OW int8.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_rows_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0,
                        std::size_t rows) {
  static_assert(conv2d_s8_rows_dsp_fits<C, H, W, K, S>, "conv2d_s8_rows_dsp: shape not taken (see conv2d_s8_rows_dsp_fits)");
  using L = conv_rows::layout<C, K>;
  constexpr std::size_t OW = (W - K) / S + 1, P = conv_rows::pixels;
  constexpr auto sum_max = static_cast<std::uint32_t>(L::fan_in * 127u * 128u);
  const std::size_t n = rows * OW;  // output pixels, flat: pixel i is row i / OW, column i % OW
  alignas(8) std::int32_t col[L::col_words];
  for (std::size_t i0 = 0; i0 < n; i0 += P) {
    const std::size_t valid = n - i0 < P ? n - i0 : P;
    for (std::size_t p = 0; p < P; ++p) {
      const std::size_t i = i0 + (p < valid ? p : 0);  // past the end: pixel i0 again, not stored
      const std::size_t oy = oy0 + i / OW, ox = i % OW;
      conv_rows::im2col_pixel<C, H, W, K>(x + oy * S * W + ox * S, col, p);
    }
    for (std::size_t o = 0; o < G; ++o) {
      std::int32_t acc[P];
      conv_rows::channel_block<C, K>(col, w + o * L::fan_in, q.bias[o], acc);
      std::int8_t* yo = y + o * n + i0;
      const std::int32_t m = q.multiplier[o], shift = q.shift[o];
      if (doubled_rescale_applies(q.bias[o], m, shift, q.zero_point, sum_max)) {
        const std::int32_t e = -shift;
        const std::int32_t c = (1 << (e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(q.zero_point) << e);
        for (std::size_t p = 0; p < valid; ++p) yo[p] = q.clamp(static_cast<std::int8_t>(conv_rows::rescale_doubled(acc[p], m, c, e)));
      } else {
        for (std::size_t p = 0; p < valid; ++p) yo[p] = q.clamp(requantize_out_of_line(acc[p], m, shift, q.zero_point));
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_rows_dsp(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0,
                        std::size_t rows);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
