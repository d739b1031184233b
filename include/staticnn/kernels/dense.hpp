#pragma once
// Dense inference y = b + W x for one sample, W row-major N x M (row o: output o's weights).
// On Cortex-M VFP targets two rows at a time through kernels/arm/dense_vfp.hpp (each input
// loaded once per pair of rows); elsewhere the portable dot product
// of kernels/vector.hpp. The two sum in different orders: results agree to rounding.
#include <cstddef>
#include <type_traits>

#include "arm/conv2d_mve.hpp"
#include "arm/dense_vfp.hpp"
#include "target.hpp"
#include "vector.hpp"

namespace staticnn::kernels {

// Whether dense_forward runs kernels/arm/dense_vfp.hpp's two-row kernel, and its name for plans.
template <std::size_t M, class T>
inline constexpr bool dense_runs_vfp = target::arm_vfp && std::is_same_v<T, float> && M >= 8;
// On MVE targets four rows at a time through kernels/arm/conv2d_mve.hpp (VFMA on 4 lanes).
template <std::size_t M, class T>
inline constexpr bool dense_runs_mve = target::arm_mve && std::is_same_v<T, float> && M >= 4;
template <std::size_t M, class T>
inline constexpr const char* dense_kernel_name = dense_runs_mve<M, T>   ? "arm_mve dense 4 rows (vfma)"
                                                 : dense_runs_vfp<M, T> ? "arm_vfp dense 2 rows"
                                                                        : "portable";

template <std::size_t M, std::size_t N, class T>
constexpr void dense_forward(const T* w, const T* b, const T* x, T* y) {
  if constexpr (dense_runs_mve<M, T>) {
    if (!std::is_constant_evaluated()) {
      std::size_t o = 0;
      for (; o + 4 <= N; o += 4) {
        float a[4] = {b[o], b[o + 1], b[o + 2], b[o + 3]};
        arm::dense_mve_rows4<M>(w + o * M, x, a);
        y[o] = a[0], y[o + 1] = a[1], y[o + 2] = a[2], y[o + 3] = a[3];
      }
      if constexpr (N % 4 != 0)
        for (; o < N; ++o) y[o] = b[o] + dot<M>(w + o * M, x);
      return;
    }
  }
  if constexpr (dense_runs_vfp<M, T>) {
    constexpr std::size_t full = M / 8 * 8;
    std::size_t o = 0;
    for (; o + 2 <= N; o += 2) {
      const float* xp = x;
      const float* w0 = w + o * M;
      const float* w1 = w0 + M;
      float a0 = b[o], a1 = b[o + 1];
      arm::dot2x8<M / 8>(xp, w0, w1, a0, a1);
      for (std::size_t i = full; i < M; ++i) a0 += w0[i - full] * x[i], a1 += w1[i - full] * x[i];
      y[o] = a0, y[o + 1] = a1;
    }
    if (o < N) y[o] = b[o] + dot<M>(w + o * M, x);
  } else {
    for (std::size_t o = 0; o < N; ++o) y[o] = b[o] + dot<M>(w + o * M, x);
  }
}

}  // namespace staticnn::kernels
