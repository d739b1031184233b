#pragma once
// batchnorm: y = gamma[c] * (x - mean[c]) / sqrt(var[c] + eps) + beta[c] per channel c (per
// feature for flat inputs). Training uses the minibatch's mean and biased variance over samples
// and H x W, and updates running_mean/running_var (unbiased) with momentum 0.1, as PyTorch;
// inference (forward) uses the running statistics. The mode is chosen by the call, never guessed.
// The update weight lives in the training cache: train::recalibrate_batchnorm sets it to 1/(k+1)
// for the k-th batch, which makes the running statistics the plain mean of k+1 batches' statistics.
// params: gamma (C) then beta (C); state: running_mean (C) then running_var (C).
#include <array>
#include <cmath>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/dispatch.hpp"
#include "../kernels/vector.hpp"

namespace staticnn {

template <Shape In, class T>
struct batchnorm_layer {
  static constexpr std::size_t C = In::channels, P = In::spatial;
  static constexpr double epsilon = 1e-5, momentum = 0.1;

  using value_type = T;
  static constexpr const char* name = "batchnorm";
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 2 * C, state_count = 2 * C;

 private:
  static constexpr std::array<T, 2 * C> halves(T first, T second) {
    std::array<T, 2 * C> a{};
    for (std::size_t c = 0; c < C; ++c) a[c] = first, a[C + c] = second;
    return a;
  }

 public:
  std::array<T, param_count> params = halves(T(1), T(0));  // gamma = 1, beta = 0
  std::array<T, state_count> state = halves(T(0), T(1));   // running mean = 0, var = 1

  constexpr std::span<T, C> gamma() { return std::span(params).template first<C>(); }
  constexpr std::span<const T, C> gamma() const { return std::span(params).template first<C>(); }
  constexpr std::span<T, C> beta() { return std::span(params).template last<C>(); }
  constexpr std::span<const T, C> beta() const { return std::span(params).template last<C>(); }
  constexpr std::span<T, C> running_mean() { return std::span(state).template first<C>(); }
  constexpr std::span<const T, C> running_mean() const { return std::span(state).template first<C>(); }
  constexpr std::span<T, C> running_var() { return std::span(state).template last<C>(); }
  constexpr std::span<const T, C> running_var() const { return std::span(state).template last<C>(); }

  void forward(cview<T, In::size> x, view<T, In::size> y) const {
    for (std::size_t c = 0; c < C; ++c) {
      const T scale = eval_scale(c), mean = state[c], shift = params[C + c];
      for (std::size_t p = 0; p < P; ++p) y[c * P + p] = (x[c * P + p] - mean) * scale + shift;
    }
  }
  // The same on n samples, with the same arithmetic (host batched inference).
  void forward(batch_view<In, const T> x, batch_view<In, T> y, std::size_t n) const {
    std::array<T, C> scale;
    for (std::size_t c = 0; c < C; ++c) scale[c] = eval_scale(c);
    if constexpr (P == 1) {  // flat input: vectorise over the features
      for (std::size_t b = 0; b < n; ++b)
        for (std::size_t c = 0; c < C; ++c) y[b][c] = (x[b][c] - state[c]) * scale[c] + params[C + c];
      return;
    }
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t c = 0; c < C; ++c) {
        const T* xc = x[b].data() + c * P;
        T* yc = y[b].data() + c * P;
        const T s = scale[c], mean = state[c], shift = params[C + c];
        for (std::size_t p = 0; p < P; ++p) yc[p] = (xc[p] - mean) * s + shift;
      }
  }
  // gamma / sqrt(running_var + eps), the eval-mode scale of channel c (as forward computes it).
  T eval_scale(std::size_t c) const {
    return params[c] / static_cast<T>(std::sqrt(static_cast<double>(state[C + c]) + epsilon));
  }

  // Batch statistics of the last forward_train, needed by backward, and the weight of the
  // running-statistics update (running = (1 - m) * running + m * batch).
  struct cache_type {
    std::array<T, C> mean{}, inv_std{};
    double running_momentum = momentum;
  };

  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type& cache, std::size_t n,
                     E& ex) {
    const double count = static_cast<double>(n * P);
    ex.parallel_for(C, kernels::on_best_isa([&](std::size_t c0, std::size_t c1) {
      for (std::size_t c = c0; c < c1; ++c) {
        // Sums per sample in T lanes (vectorised), across samples in double.
        double s = 0;
        for (std::size_t b = 0; b < n; ++b) s += static_cast<double>(kernels::sum<P>(x[b].data() + c * P));
        const double mean = s / count;
        const T mt = static_cast<T>(mean);
        double ss = 0;
        for (std::size_t b = 0; b < n; ++b) {
          const T* xb = x[b].data() + c * P;
          T part[P];
          for (std::size_t p = 0; p < P; ++p) part[p] = (xb[p] - mt) * (xb[p] - mt);
          ss += static_cast<double>(kernels::sum<P>(part));
        }
        const double var = ss / count;
        const T inv = static_cast<T>(1.0 / std::sqrt(var + epsilon));
        cache.mean[c] = mt;
        cache.inv_std[c] = inv;
        const T g = params[c], beta = params[C + c];
        for (std::size_t b = 0; b < n; ++b) {
          const T* xb = x[b].data() + c * P;
          T* yb = y[b].data() + c * P;
          for (std::size_t p = 0; p < P; ++p) yb[p] = (xb[p] - mt) * inv * g + beta;
        }
        const double unbiased = count > 1 ? ss / (count - 1) : var;
        const double m = cache.running_momentum;
        state[c] = static_cast<T>((1 - m) * static_cast<double>(state[c]) + m * mean);
        state[C + c] = static_cast<T>((1 - m) * static_cast<double>(state[C + c]) + m * unbiased);
      }
    }));
  }

  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type& cache, std::size_t n,
                E& ex) const {
    const double count = static_cast<double>(n * P);
    ex.parallel_for(C, kernels::on_best_isa([&](std::size_t c0, std::size_t c1) {
      for (std::size_t c = c0; c < c1; ++c) {
        const T m = cache.mean[c], inv = cache.inv_std[c];
        double dbeta = 0, dgamma = 0;
        for (std::size_t b = 0; b < n; ++b) {
          const T* xb = x[b].data() + c * P;
          const T* gb = dy[b].data() + c * P;
          T part[P];
          for (std::size_t p = 0; p < P; ++p) part[p] = gb[p] * ((xb[p] - m) * inv);
          dbeta += static_cast<double>(kernels::sum<P>(gb));
          dgamma += static_cast<double>(kernels::sum<P>(part));
        }
        grad[c] = static_cast<T>(dgamma);
        grad[C + c] = static_cast<T>(dbeta);
        if (dx.ptr == nullptr) continue;
        // dx = gamma * inv_std * (dy - mean(dy) - xhat * mean(dy * xhat))
        const T k = params[c] * inv;
        const T mdb = static_cast<T>(dbeta / count), mdg = static_cast<T>(dgamma / count);
        for (std::size_t b = 0; b < n; ++b) {
          const T* xb = x[b].data() + c * P;
          const T* gb = dy[b].data() + c * P;
          T* db = dx[b].data() + c * P;
          for (std::size_t p = 0; p < P; ++p) db[p] = k * (gb[p] - mdb - ((xb[p] - m) * inv) * mdg);
        }
      }
    }));
  }
};

struct batchnorm {
  template <Shape In, class T = float>
  using bind = batchnorm_layer<In, T>;
};

}  // namespace staticnn
