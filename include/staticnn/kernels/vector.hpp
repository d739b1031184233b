#pragma once
// Small vector kernels with compile-time lengths. Sums use 8 independent partial accumulators,
// combined in a fixed order: the compiler vectorises them without -ffast-math and the result
// does not depend on the machine's vector width.
#include <cstddef>

namespace staticnn::kernels {

inline constexpr std::size_t lanes = 8;

template <std::size_t N, class T>
constexpr T dot(const T* a, const T* b) {
  T part[lanes] = {};
  constexpr std::size_t full = N / lanes * lanes;
  for (std::size_t i = 0; i < full; i += lanes)
    for (std::size_t l = 0; l < lanes; ++l) part[l] += a[i + l] * b[i + l];
  for (std::size_t i = full; i < N; ++i) part[i - full] += a[i] * b[i];
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

template <std::size_t N, class T>
constexpr T sum(const T* a) {
  T part[lanes] = {};
  constexpr std::size_t full = N / lanes * lanes;
  for (std::size_t i = 0; i < full; i += lanes)
    for (std::size_t l = 0; l < lanes; ++l) part[l] += a[i + l];
  for (std::size_t i = full; i < N; ++i) part[i - full] += a[i];
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

}  // namespace staticnn::kernels
