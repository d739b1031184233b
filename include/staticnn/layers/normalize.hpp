#pragma once
// The arithmetic shared by layer_norm, group_norm and instance_norm. A sample of Size values is
// G = Size / M contiguous blocks of M values (in CHW order a run of channels is contiguous); each
// block is normalised by its own mean and biased variance, xhat = (x - mean) / sqrt(var + eps),
// then y[i] = gamma[i / Q] * xhat[i] + beta[i / Q]: Q = H * W gives one gamma/beta per channel,
// Q = 1 one per value. M is a multiple of Q, so an affine unit never straddles two blocks.
// There are no running statistics: training and inference compute the same function.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/tensor.hpp"

namespace staticnn::detail {

template <class T, std::size_t Size, std::size_t M, std::size_t Q>
struct block_norm {
  static_assert(M > 0 && Q > 0 && Size % M == 0 && M % Q == 0, "norm: blocks must tile the sample");
  static constexpr std::size_t groups = Size / M, units = Size / Q;
  static constexpr double epsilon = 1e-5;

  // Mean and 1 / sqrt(biased variance + eps) of the block [x, x + M), two passes.
  static void stats(const T* x, T& mean, T& inv_std) {
    T s = 0;
    for (std::size_t i = 0; i < M; ++i) s += x[i];
    const T m = s / static_cast<T>(M);
    T ss = 0;
    for (std::size_t i = 0; i < M; ++i) ss += (x[i] - m) * (x[i] - m);
    mean = m;
    inv_std =
        static_cast<T>(1.0 / std::sqrt(static_cast<double>(ss / static_cast<T>(M)) + epsilon));
  }

  // One sample; params holds gamma (units) then beta (units).
  static void forward(const T* x, T* y, const T* params) {
    for (std::size_t g = 0; g < groups; ++g) {
      T m, r;
      stats(x + g * M, m, r);
      for (std::size_t i = g * M; i < (g + 1) * M; ++i)
        y[i] = (x[i] - m) * r * params[i / Q] + params[units + i / Q];
    }
  }

  template <class In, Executor E>
  static void forward_batch(batch_view<In, const T> x, batch_view<In, T> y, const T* params,
                            std::size_t n, E& ex) {
    ex.parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) forward(x[b].data(), y[b].data(), params);
    });
  }

  // grad[a] = sum over samples of dy * xhat, grad[units + a] = sum of dy, over the values of
  // affine unit a; and, if dx.ptr, per block with dxhat = gamma * dy:
  //   dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
  // Block statistics are recomputed from x (a layer's cache cannot hold one entry per sample).
  template <class In, Executor E>
  static void backward_batch(batch_view<In, const T> x, batch_view<In, const T> dy,
                             batch_view<In, T> dx, std::span<T, 2 * units> grad, const T* params,
                             std::size_t n, E& ex) {
    // Parameter gradients: units split across calls; each value is summed in a fixed order.
    ex.parallel_for(units, [&](std::size_t a0, std::size_t a1) {
      std::fill(grad.begin() + static_cast<std::ptrdiff_t>(a0),
                grad.begin() + static_cast<std::ptrdiff_t>(a1), T(0));
      std::fill(grad.begin() + static_cast<std::ptrdiff_t>(units + a0),
                grad.begin() + static_cast<std::ptrdiff_t>(units + a1), T(0));
      const std::size_t g0 = a0 * Q / M, g1 = ((a1 * Q) + M - 1) / M;  // blocks these units lie in
      for (std::size_t b = 0; b < n; ++b)
        for (std::size_t g = g0; g < g1; ++g) {
          T m, r;
          stats(x[b].data() + g * M, m, r);
          const std::size_t lo = std::max(g * M, a0 * Q), hi = std::min((g + 1) * M, a1 * Q);
          for (std::size_t i = lo; i < hi; ++i) {
            grad[i / Q] += dy[b][i] * ((x[b][i] - m) * r);
            grad[units + i / Q] += dy[b][i];
          }
        }
    });
    if (dx.ptr == nullptr) return;
    ex.parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b)
        for (std::size_t g = 0; g < groups; ++g) {
          T m, r;
          const T* xb = x[b].data() + g * M;
          stats(xb, m, r);
          T s1 = 0, s2 = 0;
          for (std::size_t k = 0; k < M; ++k) {
            const T d = dy[b][g * M + k] * params[(g * M + k) / Q];
            s1 += d;
            s2 += d * ((xb[k] - m) * r);
          }
          s1 /= static_cast<T>(M), s2 /= static_cast<T>(M);
          for (std::size_t k = 0; k < M; ++k) {
            const T d = dy[b][g * M + k] * params[(g * M + k) / Q];
            dx[b][g * M + k] = r * (d - s1 - (xb[k] - m) * r * s2);
          }
        }
    });
  }

  static constexpr std::array<T, 2 * units> default_params() {
    std::array<T, 2 * units> p{};
    for (std::size_t a = 0; a < units; ++a) p[a] = T(1);  // gamma 1, beta 0
    return p;
  }
};

// Everything layer_norm, group_norm and instance_norm have in common: a layer over In whose
// blocks of M values are normalised and whose affine units are Q values wide. The three derive
// from it and add only their name and their shape rules.
template <class In, class T, std::size_t M, std::size_t Q>
struct affine_norm_layer {
  using norm = block_norm<T, In::size, M, Q>;
  static constexpr std::size_t units = norm::units;
  static constexpr double epsilon = norm::epsilon;

  using value_type = T;
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 2 * units, state_count = 0;

  std::array<T, param_count> params = norm::default_params();  // gamma = 1, beta = 0

  constexpr std::span<T, units> gamma() { return std::span(params).template first<units>(); }
  constexpr std::span<const T, units> gamma() const { return std::span(params).template first<units>(); }
  constexpr std::span<T, units> beta() { return std::span(params).template last<units>(); }
  constexpr std::span<const T, units> beta() const { return std::span(params).template last<units>(); }

  void forward(cview<T, In::size> x, view<T, In::size> y) const { norm::forward(x.data(), y.data(), params.data()); }

  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<In, T> y, cache_type&, std::size_t n, E& ex) {
    norm::forward_batch(x, y, params.data(), n, ex);
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<In, const T>, batch_view<In, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type&, std::size_t n, E& ex) const {
    norm::backward_batch(x, dy, dx, grad, params.data(), n, ex);
  }
};

}  // namespace staticnn::detail
