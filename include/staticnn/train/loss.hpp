#pragma once
// Softmax cross-entropy for one sample: loss = log(sum_j e^z_j) - z_label, computed as
// m + log(sum_j e^(z_j - m)) with m = max z (stable for any logits). dz = (softmax(z) - onehot) * scale,
// where scale is 1/n for the mean over a batch of n.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>

namespace staticnn::train {

template <class T, std::size_t N>
double softmax_cross_entropy(std::span<const T, N> z, std::size_t label, std::span<T, N> dz, double scale) {
  const T m = *std::max_element(z.begin(), z.end());
  double s = 0;
  for (std::size_t j = 0; j < N; ++j) s += std::exp(static_cast<double>(z[j] - m));
  const double loss = static_cast<double>(m) + std::log(s) - static_cast<double>(z[label]);
  for (std::size_t j = 0; j < N; ++j) {
    const double p = std::exp(static_cast<double>(z[j] - m)) / s;
    dz[j] = static_cast<T>((p - (j == label ? 1.0 : 0.0)) * scale);
  }
  return loss;
}

template <class T, std::size_t N>
std::size_t argmax(std::span<const T, N> z) {
  return static_cast<std::size_t>(std::max_element(z.begin(), z.end()) - z.begin());
}

}  // namespace staticnn::train
