#pragma once
// Armv8.1-M MVE (Helium) kernels for int8 convolution of any C, K <= 16, stride (Cortex-M55):
// output rows [oy0, oy0 + rows) of G channels from the padded C x H x W input, as
// conv2d_s8_rows_portable, acc[g][p] = bias[g] + sum_i w[g][i] window[p][i], 16 products per
// VMLADAVA (a vector of 16 int8 pairs summed into a scalar).
// - conv2d_s8_cols_mve (rows of 4+ pixels, conv2d_s8_cols_mve_fits): per output row a columns
//   buffer in which each pixel's window is contiguous, the weights gathered once per call into its
//   order; per 4 pixels and 2 channels eight VMLADAVA share four window and two weight loads, and
//   each channel's 4 pixels are rescaled as one vector and stored as 4 contiguous bytes.
// - conv2d_s8_patches_mve (the other shapes): per pair of output pixels the two C x K x K windows
//   are copied into patches of F = C K K bytes (one predicated VLDRB/VSTRB per kernel row), then
//   each pair of output channels takes the dot products of both patches with both channels'
//   weights: per 16 taps two patch loads and two weight loads serve four VMLADAVA; the last partial
//   vector of weights is loaded with the tail predicate (zero lanes, nothing read past the
//   channel's weights). The four accumulators are rescaled as one vector of lanes (g, p0),
//   (g, p1), (g+1, p0), (g+1, p1) and a scatter store writes the four bytes.
// The vector rescale: VQRDMULH is gemmlowp's rounding doubling high multiply bit for bit, and
// (s - [s < 0]) rounded right by e (VRSHL) its rounding divide; a left shift (shift > 0) is applied
// first, wrapping as TFLite's.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../fixed_point.hpp"
#include "../target.hpp"
#ifdef STATICNN_ARM_MVE
#include <arm_mve.h>
#endif

namespace staticnn::kernels::arm {

// The shapes this kernel takes: a kernel row fits one vector.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_mve_fits = target::arm_mve && K <= 16 && K <= H && K <= W && S >= 1;

// The columns kernel's layout for a C x H x W input, K x K window, stride S: a row of output pixels
// reads the columns buffer cols[x][c][ky] = input[c][row S + ky][x] (W columns of C K bytes), in
// which the window of pixel ox is the F = C K K contiguous bytes from ox S C K, in (kx, c, ky)
// order; the weights are gathered into that order once per call, two channels interleaved per
// vector of 16 taps (lanes past F zero, so a window's last vector may read past it: cols has a
// vector of slack).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
struct conv2d_s8_cols_mve_layout {
  static constexpr std::size_t OW = (W - K) / S + 1, CK = C * K, F = CK * K, vectors = (F + 15) / 16;
  static constexpr std::size_t cols_bytes = W * CK + 16, pair_bytes = 2 * vectors * 16;
  // Bytes a call keeps on the stack for the columns and the gathered weights together, and how
  // many channels' weights that leaves room for (even; 0: the shape does not fit).
  // G channels all in one block where the columns and their weights take at most
  // scratch_all_bytes (the columns are then built once a row). A 1 x 1 window's columns cost one
  // scatter per input channel and row to build again for each block, so its blocks are smaller
  // (the stack of a network of wide pointwise layers, e.g. DS-CNN's 64 -> 64, stays in its RAM goal).
  static constexpr std::size_t scratch_bytes = K == 1 ? 1536 : 2688, scratch_all_bytes = 3072;
  static constexpr std::size_t block =
      cols_bytes < scratch_bytes ? (scratch_bytes - cols_bytes) / pair_bytes * 2 : 0;
  template <std::size_t G>
  static constexpr std::size_t block_for = cols_bytes + (G + 1) / 2 * pair_bytes <= scratch_all_bytes
                                               ? G + G % 2
                                               : (block < G + G % 2 ? block : G + G % 2);
  // Byte offsets fit 8-bit gather/scatter offsets (16 lanes) or take 16-bit ones (8 lanes).
  static constexpr bool narrow_cols = 15 * CK <= 255, narrow_weights = F <= 256;
  // The weight gather: lane j of the (kx, c, ky) order reads byte c K K + ky K + kx of the channel.
  using offset_t = std::conditional_t<narrow_weights, std::uint8_t, std::uint16_t>;
  static constexpr auto gather = [] {
    std::array<offset_t, vectors * 16> t{};
    for (std::size_t j = 0; j < F; ++j) {
      const std::size_t kx = j / CK, c = j / K % C, ky = j % K;
      t[j] = static_cast<offset_t>(c * K * K + ky * K + kx);
    }
    return t;
  }();
};

// The shapes the columns kernel takes: four pixels a row at least, a pixel step a VLDRB immediate
// reaches (cols_mve_dot), the columns of a row and the weights of two channels within its scratch.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_cols_mve_fits =
    conv2d_s8_mve_fits<C, H, W, K, S> && (W - K) / S + 1 >= 4 && S * C * K <= 143 &&
    conv2d_s8_cols_mve_layout<C, H, W, K, S>::block >= 2;

#ifdef STATICNN_ARM_MVE
// Lanes per int8 vector and per int32 vector.
inline constexpr std::size_t mve_bytes = 16, mve_words = 4;

// The per-lane rescale of one vector of int32 accumulators: multiplier, left shift (>= 0), right
// shift as a VRSHL amount (<= 0). With a right shift (right < 0) a negative value is lowered by 1
// first: VRSHL's round-half-up is then the round-half-away of RoundingDivideByPOT.
struct mve_rescale {
  int32x4_t multiplier, left, right;
};

// requantize() of 4 lanes: saturate(zero_point + multiply_by_quantized_multiplier(acc, m, shift)),
// clamped to [lo, hi] (within int8).
[[gnu::always_inline]] inline int32x4_t requantize_mve(int32x4_t acc, const mve_rescale& r, std::int32_t zero_point,
                                                       std::int32_t lo, std::int32_t hi) {
  int32x4_t s = vqrdmulhq_s32(vshlq_s32(acc, r.left), r.multiplier);
  s = vaddq_s32(s, vshrq_n_s32(vandq_s32(s, r.right), 31));  // -1 where s < 0 and right < 0
  s = vrshlq_s32(s, r.right);
  s = vqaddq_n_s32(s, zero_point);  // a sum beyond int32 saturates by v's sign (add_zero_point)
  return vminq_s32(vmaxq_s32(s, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

// Lanes (g, g, g1, g1) of channel_rescale q.
inline mve_rescale mve_rescale_pair(const channel_rescale& q, std::size_t g, std::size_t g1) {
  auto lanes = [](std::int32_t a, std::int32_t b) {
    int32x4_t v = vdupq_n_s32(a);
    v = vsetq_lane_s32(b, v, 2);
    return vsetq_lane_s32(b, v, 3);
  };
  const std::int32_t s0 = q.shift[g], s1 = q.shift[g1];
  return {lanes(q.multiplier[g], q.multiplier[g1]), lanes(s0 > 0 ? s0 : 0, s1 > 0 ? s1 : 0),
          lanes(s0 > 0 ? 0 : s0, s1 > 0 ? 0 : s1)};
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_patches_mve(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                           std::size_t oy0, std::size_t rows) {
  static_assert(conv2d_s8_mve_fits<C, H, W, K, S>, "conv2d_s8_patches_mve: a shape the kernel takes");
  constexpr std::size_t OW = (W - K) / S + 1, F = C * K * K;
  constexpr std::size_t full = F / mve_bytes, tail = F % mve_bytes;
  alignas(16) std::int8_t patch[2][F];
  const mve_pred16_t row_lanes = vctp8q(K), tail_lanes = vctp8q(tail);
  const std::int32_t lo = q.act_min > -128 ? q.act_min : -128, hi = q.act_max < 127 ? q.act_max : 127;
  // Output byte offsets of the four lanes: (g, p0), (g, p1), (g + 1, p0), (g + 1, p1).
  const std::uint32_t plane = static_cast<std::uint32_t>(rows * OW);
  mve_rescale rescale[(G + 1) / 2];  // per channel pair, built once per call
  for (std::size_t g = 0; g < G; g += 2) rescale[g / 2] = mve_rescale_pair(q, g, g + 1 < G ? g + 1 : g);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t ox = 0; ox < OW; ox += 2) {
      const bool pair = ox + 1 < OW;  // else the last pixel alone (computed twice, stored once)
      for (std::size_t p = 0; p < 2; ++p) {
        const std::int8_t* src = x + (oy0 + r) * S * W + (pair ? ox + p : ox) * S;
        std::int8_t* d = patch[p];
#pragma GCC unroll 1
        for (std::size_t c = 0; c < C; ++c, src += (H - K) * W)
#pragma GCC unroll 1
          for (std::size_t ky = 0; ky < K; ++ky, d += K, src += W)
            vstrbq_p_s8(d, vldrbq_z_s8(src, row_lanes), row_lanes);
      }
      const std::uint32_t second = pair ? 1u : 0u;  // lane p1 rewrites p0 for a lone pixel
      uint32x4_t at = vdupq_n_u32(0);
      at = vsetq_lane_u32(second, at, 1), at = vsetq_lane_u32(plane, at, 2), at = vsetq_lane_u32(plane + second, at, 3);
      const uint32x4_t lone = vsetq_lane_u32(second, vsetq_lane_u32(second, vdupq_n_u32(0), 1), 3);
      std::int8_t* yo = y + r * OW + ox;
      for (std::size_t g = 0; g < G; g += 2) {
        const std::size_t g1 = g + 1 < G ? g + 1 : g;  // an odd last channel pairs with itself
        const std::int8_t *w0 = w + g * F, *w1 = w + g1 * F;
        std::int32_t a00 = q.bias[g], a01 = a00, a10 = q.bias[g1], a11 = a10;
        for (std::size_t v = 0; v < full; ++v) {
          const int8x16_t p0 = vldrbq_s8(patch[0] + v * mve_bytes), p1 = vldrbq_s8(patch[1] + v * mve_bytes);
          const int8x16_t v0 = vldrbq_s8(w0 + v * mve_bytes), v1 = vldrbq_s8(w1 + v * mve_bytes);
          a00 = vmladavaq_s8(a00, p0, v0), a01 = vmladavaq_s8(a01, p1, v0);
          a10 = vmladavaq_s8(a10, p0, v1), a11 = vmladavaq_s8(a11, p1, v1);
        }
        if constexpr (tail != 0) {
          const int8x16_t p0 = vldrbq_z_s8(patch[0] + full * mve_bytes, tail_lanes);
          const int8x16_t p1 = vldrbq_z_s8(patch[1] + full * mve_bytes, tail_lanes);
          const int8x16_t v0 = vldrbq_z_s8(w0 + full * mve_bytes, tail_lanes);
          const int8x16_t v1 = vldrbq_z_s8(w1 + full * mve_bytes, tail_lanes);
          a00 = vmladavaq_s8(a00, p0, v0), a01 = vmladavaq_s8(a01, p1, v0);
          a10 = vmladavaq_s8(a10, p0, v1), a11 = vmladavaq_s8(a11, p1, v1);
        }
        int32x4_t acc = vdupq_n_s32(a00);
        acc = vsetq_lane_s32(a01, acc, 1), acc = vsetq_lane_s32(a10, acc, 2), acc = vsetq_lane_s32(a11, acc, 3);
        const int32x4_t out = requantize_mve(acc, rescale[g / 2], q.zero_point, lo, hi);
        // An odd last channel's lanes 2, 3 hold lanes 0, 1 again and go to the same two bytes.
        vstrbq_scatter_offset_s32(yo + g * plane, g1 == g ? lone : at, out);
      }
    }
  }
}

// One channel's rescale as scalars of the vector-by-scalar instructions: bias, multiplier, left shift
// (>= 0), right shift as a VRSHL amount (<= 0), and -1 where the right shift needs the 1 subtracted
// from a negative value (RoundingDivideByPOT's round-half-away), else 0.
struct mve_channel_rescale {
  std::int32_t bias, multiplier, left, right, neg_fix;
};

// requantize() of 4 accumulators of one channel (without their bias), clamped to [lo, hi].
[[gnu::always_inline]] inline int32x4_t requantize_mve_n(int32x4_t acc, const mve_channel_rescale& r,
                                                         std::int32_t zero_point, int32x4_t lo, int32x4_t hi) {
  int32x4_t s = vqrdmulhq_n_s32(vshlq_r_s32(vaddq_n_s32(acc, r.bias), r.left), r.multiplier);
  const uint32x4_t negative = vshrq_n_u32(vreinterpretq_u32_s32(s), 31);
  s = vmlaq_n_s32(s, vreinterpretq_s32_u32(negative), r.neg_fix);
  s = vqaddq_n_s32(vrshlq_n_s32(s, r.right), zero_point);
  return vminq_s32(vmaxq_s32(s, lo), hi);
}

// The dot products of four windows (from p, Step bytes apart) with two channels' gathered weights
// (wp: per vector of 16 taps channel a's then channel b's), Vectors vectors of 16 taps: a and b,
// lane k pixel k (no bias). Register use: the eight accumulators in the even registers VMLADAVA writes
// (r0-r12, lr), q0-q5 for the four windows' and two channels' vectors; the other operands where
// the compiler puts them. The window pointers step 16 bytes after each load pair, so the second of
// a pair is at Step - 16 from the first's pointer (a VLDRB immediate: within +-127).
inline constexpr std::size_t unrolled_vectors = 16;
template <std::size_t Step, std::size_t Vectors>
[[gnu::always_inline]] inline void cols_mve_dot(const std::int8_t* p, const std::int8_t* wp, int32x4_t& a,
                                                int32x4_t& b) {
  constexpr int pair_offset = static_cast<int>(Step) - static_cast<int>(mve_bytes);
  static_assert(pair_offset >= -127 && pair_offset <= 127, "cols_mve_dot: a pixel step VLDRB reaches");
  register std::int32_t r0 asm("r0"), r2 asm("r2"), r4 asm("r4"), r6 asm("r6"), r8 asm("r8"), r10 asm("r10"),
      r12 asm("r12"), r14 asm("lr");
  const std::int8_t *p0 = p, *p2 = p + 2 * Step;
  // One vector of 16 taps: four window loads, two weight loads, eight products into a0-a3, b0-b3
  // (mla: VMLADAV sets them, VMLADAVA adds to them).
#define STATICNN_COLS_MVE_STEP(mla)                                                                    \
  "vldrb.8 q0, [%[p0]], #%c[vb]\n\t"                                                                     \
  "vldrb.8 q1, [%[p0], #%c[off]]\n\t"                                                                \
  "vldrb.8 q2, [%[p2]], #%c[vb]\n\t"                                                                     \
  "vldrb.8 q3, [%[p2], #%c[off]]\n\t"                                                                \
  "vldrb.8 q4, [%[w]], #%c[vb]\n\t"                                                                      \
  "vldrb.8 q5, [%[w]], #%c[vb]\n\t" mla ".s8 %[a0], q0, q4\n\t" mla ".s8 %[a1], q1, q4\n\t" mla           \
  ".s8 %[a2], q2, q4\n\t" mla ".s8 %[a3], q3, q4\n\t" mla ".s8 %[b0], q0, q5\n\t" mla                 \
  ".s8 %[b1], q1, q5\n\t" mla ".s8 %[b2], q2, q5\n\t" mla ".s8 %[b3], q3, q5\n\t"
  asm volatile(STATICNN_COLS_MVE_STEP("vmladav")
      : [a0] "=r"(r0), [a1] "=r"(r2), [a2] "=r"(r4), [a3] "=r"(r6), [b0] "=r"(r8), [b1] "=r"(r10), [b2] "=r"(r12),
        [b3] "=r"(r14), [p0] "+r"(p0), [p2] "+r"(p2), [w] "+r"(wp)
      : [off] "i"(pair_offset), [vb] "i"(mve_bytes)
      : "q0", "q1", "q2", "q3", "q4", "q5", "memory");
  // The other vectors: written out (.rept) up to unrolled_vectors, else a counted loop.
  if constexpr (Vectors > 1 && Vectors <= unrolled_vectors) {
    asm volatile(".rept %c[n]\n\t" STATICNN_COLS_MVE_STEP("vmladava") ".endr"
                 : [a0] "+r"(r0), [a1] "+r"(r2), [a2] "+r"(r4), [a3] "+r"(r6), [b0] "+r"(r8), [b1] "+r"(r10),
                   [b2] "+r"(r12), [b3] "+r"(r14), [p0] "+r"(p0), [p2] "+r"(p2), [w] "+r"(wp)
                 : [off] "i"(pair_offset), [vb] "i"(mve_bytes), [n] "i"(Vectors - 1)
                 : "q0", "q1", "q2", "q3", "q4", "q5", "memory");
  } else if constexpr (Vectors > 1) {
    std::uint32_t count = Vectors - 1;
    asm volatile("1:\n\t" STATICNN_COLS_MVE_STEP("vmladava") "subs %[n], %[n], #1\n\tbne 1b"
                 : [a0] "+r"(r0), [a1] "+r"(r2), [a2] "+r"(r4), [a3] "+r"(r6), [b0] "+r"(r8), [b1] "+r"(r10),
                   [b2] "+r"(r12), [b3] "+r"(r14), [p0] "+r"(p0), [p2] "+r"(p2), [w] "+r"(wp), [n] "+r"(count)
                 : [off] "i"(pair_offset), [vb] "i"(mve_bytes)
                 : "q0", "q1", "q2", "q3", "q4", "q5", "memory", "cc");
  }
#undef STATICNN_COLS_MVE_STEP
  // Two-lane VMOVs: lanes 0, 2 then 1, 3 of each channel's vector.
  asm("vmov %q[a][2], %q[a][0], %[a0], %[a2]\n\t"
      "vmov %q[a][3], %q[a][1], %[a1], %[a3]\n\t"
      "vmov %q[b][2], %q[b][0], %[b0], %[b2]\n\t"
      "vmov %q[b][3], %q[b][1], %[b1], %[b3]"
      : [a] "=&w"(a), [b] "=&w"(b)
      : [a0] "r"(r0), [a1] "r"(r2), [a2] "r"(r4), [a3] "r"(r6), [b0] "r"(r8), [b1] "r"(r10), [b2] "r"(r12),
        [b3] "r"(r14));
}

// conv2d_s8_patches_mve's results for the shapes conv2d_s8_cols_mve_fits takes: per output row the
// columns buffer (one VLDRB and one VSTRB scatter per 16 or 8 input bytes), then per four pixels
// and two channels eight VMLADAVA per 16 taps (four window loads, two weight loads); a channel's
// four pixels are rescaled as one vector and stored as four contiguous bytes (a row's last four
// pixels overlap the previous four when OW is not a multiple of 4).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_cols_mve(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                        std::size_t oy0, std::size_t rows) {
  using L = conv2d_s8_cols_mve_layout<C, H, W, K, S>;
  static_assert(conv2d_s8_cols_mve_fits<C, H, W, K, S>, "conv2d_s8_cols_mve: a shape the kernel takes");
  constexpr std::size_t OW = L::OW, CK = L::CK, F = L::F, NV = L::vectors, pixel_step = S * CK;
  constexpr std::size_t block = L::template block_for<G>;
  alignas(16) std::int8_t cols[L::cols_bytes];
  alignas(16) std::int8_t wbuf[block / 2 * L::pair_bytes];
  mve_channel_rescale rescale[block];
  vstrbq_s8(cols + L::cols_bytes - 16, vdupq_n_s8(0));  // the slack: read, multiplied by zero weights
  const std::int32_t lo = q.act_min > -128 ? q.act_min : -128, hi = q.act_max < 127 ? q.act_max : 127;
  const int32x4_t lo_v = vdupq_n_s32(lo), hi_v = vdupq_n_s32(hi);
  const std::size_t plane = rows * OW;
  for (std::size_t g0 = 0; g0 < G; g0 += block) {
    const std::size_t n = G - g0 < block ? G - g0 : block;  // channels in this block
    // Gather the block's weights, an odd last channel paired with itself.
    for (std::size_t i = 0; i < n + n % 2; ++i) {
      const std::size_t g = g0 + (i < n ? i : n - 1);
      const std::int8_t* wg = w + g * F;
      std::int8_t* d = wbuf + i / 2 * L::pair_bytes + i % 2 * 16;
#pragma GCC unroll 1
      for (std::size_t v = 0; v < NV; ++v, d += 32) {
        if constexpr (L::narrow_weights) {
          const uint8x16_t at = vldrbq_u8(L::gather.data() + v * 16);
          vstrbq_s8(d, vldrbq_gather_offset_z_s8(wg, at, vctp8q(F - v * 16)));
        } else {
          for (std::size_t h = 0; h < 2; ++h) {
            const uint16x8_t at = vldrhq_u16(L::gather.data() + v * 16 + h * 8);
            const std::size_t j = v * 16 + h * 8;
            vstrbq_s16(d + h * 8, vldrbq_gather_offset_z_s16(wg, at, vctp16q(j < F ? F - j : 0)));
          }
        }
      }
      if (i < n) {
        const std::int32_t s = q.shift[g];
        rescale[i] = {q.bias[g], q.multiplier[g], s > 0 ? s : 0, s > 0 ? 0 : s, s < 0 ? -1 : 0};
      }
    }
    for (std::size_t r = 0; r < rows; ++r) {
      // The columns of input rows (oy0 + r) S + [0, K).
      const std::int8_t* src = x + (oy0 + r) * S * W;
#pragma GCC unroll 1
      for (std::size_t c = 0; c < C; ++c, src += (H - K) * W)
#pragma GCC unroll 1
        for (std::size_t ky = 0; ky < K; ++ky, src += W) {
          std::int8_t* d = cols + c * K + ky;
          if constexpr (L::narrow_cols) {
            const uint8x16_t at = vmulq_n_u8(vidupq_n_u8(0, 1), CK);
            for (std::size_t x0 = 0; x0 < W; x0 += 16) {
              const mve_pred16_t in = vctp8q(W - x0);
              vstrbq_scatter_offset_p_s8(d + x0 * CK, at, vldrbq_z_s8(src + x0, in), in);
            }
          } else {
            const uint16x8_t at = vmulq_n_u16(vidupq_n_u16(0, 1), CK);
            for (std::size_t x0 = 0; x0 < W; x0 += 8) {
              const mve_pred16_t in = vctp16q(W - x0);
              vstrbq_scatter_offset_p_s16(d + x0 * CK, at, vldrbq_z_s16(src + x0, in), in);
            }
          }
        }
      std::int8_t* yr = y + g0 * plane + r * OW;
#pragma GCC unroll 1
      for (std::size_t ox0 = 0; ox0 < OW; ox0 += 4) {
        const std::size_t ox = ox0 + 4 <= OW ? ox0 : OW - 4;
        const std::int8_t* p = cols + ox * pixel_step;
#pragma GCC unroll 1
        for (std::size_t i = 0; i < n; i += 2) {
          const std::int8_t* wp = wbuf + i / 2 * L::pair_bytes;
          int32x4_t a, b;
          cols_mve_dot<pixel_step, NV>(p, wp, a, b);
          vstrbq_s32(yr + i * plane + ox, requantize_mve_n(a, rescale[i], q.zero_point, lo_v, hi_v));
          if (i + 1 < n)
            vstrbq_s32(yr + (i + 1) * plane + ox, requantize_mve_n(b, rescale[i + 1], q.zero_point, lo_v, hi_v));
        }
      }
    }
  }
}

// Output rows [oy0, oy0 + rows) of G channels, as conv2d_s8_rows_portable: the columns kernel
// where it takes the shape, else the patches kernel.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_rows_mve(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y, std::size_t oy0,
                        std::size_t rows) {
  if constexpr (conv2d_s8_cols_mve_fits<C, H, W, K, S>)
    conv2d_s8_cols_mve<C, H, W, K, S, G>(x, w, q, y, oy0, rows);
  else
    conv2d_s8_patches_mve<C, H, W, K, S, G>(x, w, q, y, oy0, rows);
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void conv2d_s8_rows_mve(const std::int8_t*, const std::int8_t*, channel_rescale, std::int8_t*, std::size_t,
                        std::size_t);  // Armv8.1-M MVE only
#endif

}  // namespace staticnn::kernels::arm
