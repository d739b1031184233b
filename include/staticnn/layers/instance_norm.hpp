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
struct instance_norm_layer : detail::affine_norm_layer<In, T, In::spatial, In::spatial> {
  static_assert(In::rank == 3, "instance_norm: input must be a C x H x W map (got a flat shape)");
  static_assert(In::spatial > 1,
                "instance_norm: needs more than one value per channel (H x W > 1)");
  static constexpr const char* name = "instance_norm";
};

struct instance_norm {
  template <Shape In, class T = float>
  using bind = instance_norm_layer<In, T>;
};

}  // namespace staticnn
