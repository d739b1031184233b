#pragma once
// layer_norm: each sample is normalised over all its values (C x H x W, or N features), with the
// sample's mean and biased variance, eps 1e-5, then an elementwise affine:
//   y[i] = gamma[i] * (x[i] - mean) / sqrt(var + eps) + beta[i].
// PyTorch's LayerNorm(normalized_shape = (C, H, W) or (N,)) with elementwise_affine: one gamma and
// one beta per value (for flat inputs, per feature). For one gamma/beta per channel of a map use
// group_norm<1>. No running statistics: training and inference compute the same function.
// params: gamma (In::size) then beta (In::size); shape in = shape out.
#include <array>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "normalize.hpp"

namespace staticnn {

template <Shape In, class T>
struct layer_norm_layer {
  using norm = detail::block_norm<T, In::size, In::size, 1>;
  static constexpr double epsilon = norm::epsilon;

  using value_type = T;
  static constexpr const char* name = "layer_norm";
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 2 * In::size, state_count = 0;

  std::array<T, param_count> params = norm::default_params();  // gamma = 1, beta = 0

  constexpr std::span<T, In::size> gamma() { return std::span(params).template first<In::size>(); }
  constexpr std::span<const T, In::size> gamma() const {
    return std::span(params).template first<In::size>();
  }
  constexpr std::span<T, In::size> beta() { return std::span(params).template last<In::size>(); }
  constexpr std::span<const T, In::size> beta() const {
    return std::span(params).template last<In::size>();
  }

  void forward(cview<T, In::size> x, view<T, In::size> y) const {
    norm::forward(x.data(), y.data(), params.data());
  }

  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<In, T> y, cache_type&, std::size_t n,
                     E& ex) {
    norm::forward_batch(x, y, params.data(), n, ex);
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<In, const T>, batch_view<In, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type&, std::size_t n,
                E& ex) const {
    norm::backward_batch(x, dy, dx, grad, params.data(), n, ex);
  }
};

struct layer_norm {
  template <Shape In, class T = float>
  using bind = layer_norm_layer<In, T>;
};

}  // namespace staticnn
