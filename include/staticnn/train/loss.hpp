#pragma once
// The losses a trainer computes (train/trainer.hpp), per sample.
//
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

// Squared error for one sample, as PyTorch's MSELoss: loss = (1/N) sum_j (z_j - t_j)^2, the mean
// over the sample's N values; dz = 2 (z - t) / N * scale, where scale is 1/n for the mean over a
// batch of n (the mean over all n N values, MSELoss's reduction='mean').
template <class T, std::size_t N>
double mean_squared_error(std::span<const T, N> z, std::span<const T, N> t, std::span<T, N> dz, double scale) {
  double loss = 0;
  for (std::size_t j = 0; j < N; ++j) {
    const double d = static_cast<double>(z[j]) - static_cast<double>(t[j]);
    loss += d * d;
    dz[j] = static_cast<T>(2.0 * d / static_cast<double>(N) * scale);
  }
  return loss / static_cast<double>(N);
}

template <class T, std::size_t N>
std::size_t argmax(std::span<const T, N> z) {
  return static_cast<std::size_t>(std::max_element(z.begin(), z.end()) - z.begin());
}

}  // namespace staticnn::train
