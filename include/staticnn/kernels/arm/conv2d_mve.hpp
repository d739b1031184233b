#pragma once
// Armv8.1-M MVE (Helium) kernels for float convolution and dense layers (Cortex-M55).
//   conv_mve_rows: a K x K convolution at stride 1 (any C, H, W with OW >= 4), one output channel:
//     a block of up to 16 neighbouring outputs of a row sums in four vectors of 4 over every input
//     channel and tap: per tap one scalar weight and, per vector, one load of the 4 inputs at that
//     tap's offset and one VFMA (vector x scalar). A row is blocks of 16 and one block of the
//     vectors that remain, whose last vector ends at the row's end (where OW % 4 != 0 it
//     recomputes up to 3 outputs of the vector before it, with the same sums).
//   dense_mve_rows4: four dot products that share their input, 4 lanes each: per 4 inputs one
//     load of the inputs, one of each row and four VFMA (vector x vector); lane sums at the end,
//     the M % 4 inputs left added one by one.
// Sums in another order than the portable kernels: results agree to rounding.
#include <cstddef>

#include "../target.hpp"
#ifdef STATICNN_ARM_MVE
#include <arm_mve.h>
#endif

namespace staticnn::kernels::arm {

inline constexpr std::size_t mve_floats = 4, conv_mve_block_vectors = 4;

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv_mve_fits = target::arm_mve && S == 1 && K <= H && K <= W && W - K + 1 >= mve_floats;
// Where conv2d_channel_rows takes it before the VFP kernel: up to 8 input channels. With more the
// VFP kernel measured faster (fw_kernels_mve: C=16 K=3 OW=14 1.31 against 1.09 per MAC; C=1-6:
// 0.71-0.89 against 1.07-1.13; cifar_like's C=3 K=3 OW=30 stage 1.11 against 1.28).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv_mve_preferred = conv_mve_fits<C, H, W, K, S> && C <= 8;

#ifdef STATICNN_ARM_MVE
// Outputs of the output row whose first input row is x (C x H x W): V vectors of 4 at offsets
// 0, 4, .., 4 (V - 2) and Last (the last vector's, <= 4 (V - 1)); channel weights w (C x K x K),
// into y at the same offsets.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t V, std::size_t Last>
[[gnu::always_inline]] inline void conv_mve_block(const float* x, const float* w, float bias, float* y) {
  constexpr auto at = [](std::size_t v) { return v + 1 == V ? Last : v * mve_floats; };
  float32x4_t acc[V];
  for (std::size_t v = 0; v < V; ++v) acc[v] = vdupq_n_f32(bias);
#pragma GCC unroll 1
  for (std::size_t c = 0; c < C; ++c) {
#pragma GCC unroll 1
    for (std::size_t ky = 0; ky < K; ++ky, x += W, w += K)
      for (std::size_t kx = 0; kx < K; ++kx) {
        const float wv = w[kx];
        for (std::size_t v = 0; v < V; ++v) acc[v] = vfmaq_n_f32(acc[v], vldrwq_f32(x + kx + at(v)), wv);
      }
    x += (H - K) * W;
  }
  for (std::size_t v = 0; v < V; ++v) vstrwq_f32(y + at(v), acc[v]);
}

// Output rows [0, rows) from x (their first input row), one channel: weights w, bias, y rows x OW.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
void conv_mve_rows(const float* x, const float* w, float bias, float* y, std::size_t rows) {
  static_assert(conv_mve_fits<C, H, W, K, S>, "conv_mve_rows: stride 1 and at least 4 outputs a row");
  constexpr std::size_t OW = W - K + 1, block = conv_mve_block_vectors * mve_floats;
  constexpr std::size_t blocks = OW / block, rest = OW % block, rest_vectors = (rest + mve_floats - 1) / mve_floats;
  for (std::size_t r = 0; r < rows; ++r, x += W, y += OW) {
#pragma GCC unroll 1
    for (std::size_t b = 0; b < blocks; ++b)
      conv_mve_block<C, H, W, K, conv_mve_block_vectors, block - mve_floats>(x + b * block, w, bias, y + b * block);
    if constexpr (rest >= mve_floats)  // the rest in one block, its last vector ending at the row's end
      conv_mve_block<C, H, W, K, rest_vectors, rest - mve_floats>(x + blocks * block, w, bias, y + blocks * block);
    else if constexpr (rest > 0)  // 1-3 outputs: one vector ending at the row's end
      conv_mve_block<C, H, W, K, 1, 0>(x + OW - mve_floats, w, bias, y + OW - mve_floats);
  }
}

// a[j] += row j of w (rows M apart) . x over M inputs, j < 4.
template <std::size_t M>
[[gnu::always_inline]] inline void dense_mve_rows4(const float* w, const float* x, float* a) {
  constexpr std::size_t full = M / mve_floats * mve_floats;
  float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
  const float *w0 = w, *w1 = w + M, *w2 = w + 2 * M, *w3 = w + 3 * M, *xv = x;
  if constexpr (full > 0) {  // in asm: GCC addresses the four rows from one base, an ADD per load
    float32x4_t xs, ws;
    unsigned n = full / mve_floats;
    asm volatile(
        "1:\n"
        "vldrw.u32 %q[xs], [%[x]], #%c[step]\n"
        "vldrw.u32 %q[ws], [%[w0]], #%c[step]\n"
        "vfma.f32 %q[s0], %q[xs], %q[ws]\n"
        "vldrw.u32 %q[ws], [%[w1]], #%c[step]\n"
        "vfma.f32 %q[s1], %q[xs], %q[ws]\n"
        "vldrw.u32 %q[ws], [%[w2]], #%c[step]\n"
        "vfma.f32 %q[s2], %q[xs], %q[ws]\n"
        "vldrw.u32 %q[ws], [%[w3]], #%c[step]\n"
        "vfma.f32 %q[s3], %q[xs], %q[ws]\n"
        "subs %[n], %[n], #1\n"
        "bne 1b\n"
        : [s0] "+w"(s0), [s1] "+w"(s1), [s2] "+w"(s2), [s3] "+w"(s3), [xs] "=&w"(xs), [ws] "=&w"(ws), [x] "+r"(xv),
          [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3), [n] "+r"(n)
        : [step] "i"(mve_floats * sizeof(float))
        : "cc", "memory");
  }
  auto lanes = [](float32x4_t s) {
    return (vgetq_lane_f32(s, 0) + vgetq_lane_f32(s, 1)) + (vgetq_lane_f32(s, 2) + vgetq_lane_f32(s, 3));
  };
  a[0] += lanes(s0), a[1] += lanes(s1), a[2] += lanes(s2), a[3] += lanes(s3);
  for (std::size_t i = full; i < M; ++i, ++w0, ++w1, ++w2, ++w3)
    a[0] += *w0 * x[i], a[1] += *w1 * x[i], a[2] += *w2 * x[i], a[3] += *w3 * x[i];
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
void conv_mve_rows(const float*, const float*, float, float*, std::size_t);  // Armv8.1-M MVE only
template <std::size_t M>
void dense_mve_rows4(const float*, const float*, float*);  // Armv8.1-M MVE only
#endif

}  // namespace staticnn::kernels::arm
