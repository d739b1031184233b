#pragma once
// SGD with momentum and weight decay, PyTorch semantics (dampening 0, no Nesterov):
// d = g + weight_decay * p;  v = momentum * v + d;  p -= lr * (momentum != 0 ? v : d).
// The velocity is a flat array in the network's parameter order.
#include <array>
#include <span>

#include "../core/concepts.hpp"
#include "../core/sequential.hpp"

namespace staticnn::train {

template <Network Net>
struct sgd {
  using T = typename Net::value_type;
  double lr = 0.1, momentum = 0, weight_decay = 0;
  std::array<T, Net::param_count> velocity{};

  void step(Net& net, std::span<const T, Net::param_count> grad) {
    const T lr_t = static_cast<T>(lr), mom = static_cast<T>(momentum), wd = static_cast<T>(weight_decay);
    std::size_t off = 0;  // the parameters in the network's flat order, run by run
    net.for_each_layer([&](auto, auto& layer) {
      for_each_param_span(layer, [&](auto p) {
        for (std::size_t k = 0; k < p.size(); ++k) {
          T d = grad[off + k] + wd * p[k];
          if (momentum != 0) d = velocity[off + k] = mom * velocity[off + k] + d;
          p[k] -= lr_t * d;
        }
        off += p.size();
      });
    });
  }
};

}  // namespace staticnn::train
