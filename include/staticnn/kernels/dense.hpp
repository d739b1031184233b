#pragma once
// Dense inference y = b + W x for one sample, W row-major N x M (row o: output o's weights).
// On Cortex-M VFP targets two rows at a time through kernels/arm/dense_vfp.hpp (each input
// loaded once per pair of rows); elsewhere the portable dot product
// of kernels/vector.hpp. The two sum in different orders: results agree to rounding.
#include <cstddef>
#include <type_traits>

#include "arm/dense_vfp.hpp"
#include "target.hpp"
#include "vector.hpp"

namespace staticnn::kernels {

// Whether dense_forward runs kernels/arm/dense_vfp.hpp's two-row kernel, and its name for plans.
template <std::size_t M, class T>
inline constexpr bool dense_runs_vfp = target::arm_vfp && std::is_same_v<T, float> && M >= 8;
template <std::size_t M, class T>
inline constexpr const char* dense_kernel_name = dense_runs_vfp<M, T> ? "arm_vfp dense 2 rows" : "portable";

template <std::size_t M, std::size_t N, class T>
constexpr void dense_forward(const T* w, const T* b, const T* x, T* y) {
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
