#pragma once
// sigmoid(x) = 1 / (1 + e^-x) over an array (x == y allowed). Cortex-M VFP targets use the
// kernel of kernels/arm/sigmoid_vfp.hpp (no table, within 1.2e-7 of the
// exact value), four values a vector on MVE targets (kernels/arm/sigmoid_mve.hpp, the same
// values); elsewhere kernels/exp.hpp's exp and a division, as training computes it.
#include <cstddef>
#include <type_traits>

#include "arm/sigmoid_mve.hpp"
#include "arm/sigmoid_vfp.hpp"
#include "exp.hpp"
#include "target.hpp"

namespace staticnn::kernels {

template <class T>
T sigmoid(T x) {
  return T(1) / (T(1) + fast_exp(-x));
}

// Whether the array form runs kernels/arm/sigmoid_vfp.hpp.
template <class T>
inline constexpr bool sigmoid_runs_vfp = target::arm_vfp && std::is_same_v<T, float>;
// Whether it runs kernels/arm/sigmoid_mve.hpp (before the VFP kernel, whose values it gives).
template <class T>
inline constexpr bool sigmoid_runs_mve = target::arm_mve && std::is_same_v<T, float>;

template <class T>
void sigmoid(const T* x, T* y, std::size_t n) {
  if constexpr (sigmoid_runs_mve<T>) {
    arm::sigmoid_mve(x, y, n);
  } else if constexpr (sigmoid_runs_vfp<T>) {
    arm::sigmoid(x, y, n);
  } else {
    for (std::size_t i = 0; i < n; ++i) y[i] = sigmoid(x[i]);
  }
}

}  // namespace staticnn::kernels
