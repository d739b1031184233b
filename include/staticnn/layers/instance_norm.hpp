#pragma once
// instance_norm: each channel of each sample is normalised over its H x W values with their mean
// and biased variance, eps 1e-5, then a per-channel affine:
//   y[c][p] = gamma[c] * (x[c][p] - mean[c]) / sqrt(var[c] + eps) + beta[c].
// PyTorch's InstanceNorm2d(C, affine=True) (track_running_stats=False): the statistics are the
// sample's own in training and at inference alike. Same values as group_norm<C>.
// params: gamma (C) then beta (C); shape in = shape out (a C x H x W map).
#include <array>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "normalize.hpp"

namespace staticnn {

template <Shape In, class T>
struct instance_norm_layer {
  static_assert(In::rank == 3, "instance_norm: input must be a C x H x W map (got a flat shape)");
  static_assert(In::spatial > 1,
                "instance_norm: needs more than one value per channel (H x W > 1)");
  static constexpr std::size_t C = In::channels, P = In::spatial;
  using norm = detail::block_norm<T, In::size, P, P>;
  static constexpr double epsilon = norm::epsilon;

  using value_type = T;
  static constexpr const char* name = "instance_norm";
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 2 * C, state_count = 0;

  std::array<T, param_count> params = norm::default_params();  // gamma = 1, beta = 0

  constexpr std::span<T, C> gamma() { return std::span(params).template first<C>(); }
  constexpr std::span<const T, C> gamma() const { return std::span(params).template first<C>(); }
  constexpr std::span<T, C> beta() { return std::span(params).template last<C>(); }
  constexpr std::span<const T, C> beta() const { return std::span(params).template last<C>(); }

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

struct instance_norm {
  template <Shape In, class T = float>
  using bind = instance_norm_layer<In, T>;
};

}  // namespace staticnn
