#pragma once
// PyTorch's default initialisation: conv2d and dense weights and biases uniform in
// [-1/sqrt(fan_in), 1/sqrt(fan_in)] (kaiming_uniform with a = sqrt(5)); batchnorm gamma 1,
// beta 0, running mean 0, running var 1. Draws in layer order, weights before bias.
#include <cmath>

#include "../core/sequential.hpp"
#include "rng.hpp"

namespace staticnn::train {

template <Network Net>
void init_parameters(Net& net, rng& g) {
  net.for_each_layer([&](auto, auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    using T = typename L::value_type;
    if constexpr (CompositeLayer<L>) {
      layer.for_each_branch([&](auto& branch) { init_parameters(branch, g); });  // in parameter order
    } else if constexpr (requires { L::fan_in; layer.weights(); layer.bias(); }) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(L::fan_in));
      for (auto& w : layer.weights()) w = static_cast<T>(g.uniform(-bound, bound));
      for (auto& b : layer.bias()) b = static_cast<T>(g.uniform(-bound, bound));
    } else if constexpr (L::param_count + L::state_count > 0) {
      layer = L{};  // layers without fan-in (batchnorm) start from their default values
    }
  });
}

}  // namespace staticnn::train
