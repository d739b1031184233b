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
struct layer_norm_layer : detail::affine_norm_layer<In, T, In::size, 1> {
  static constexpr const char* name = "layer_norm";
};

struct layer_norm {
  template <Shape In, class T = float>
  using bind = layer_norm_layer<In, T>;
};

}  // namespace staticnn
