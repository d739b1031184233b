#pragma once
// A small network that uses every exportable layer kind, with deterministic non-trivial weights
// and batchnorm statistics (seeded), shared by the header generator and the export test.
#include <staticnn/staticnn.hpp>
#include <staticnn/train/init.hpp>

namespace export_test {

using net = staticnn::sequential<staticnn::shape<2, 9, 9>, staticnn::batchnorm, staticnn::conv2d<4, 3, 2, 1>,
                                 staticnn::batchnorm, staticnn::relu, staticnn::max_pool<2>, staticnn::conv2d<3, 1>,
                                 staticnn::avg_pool<2>, staticnn::flatten, staticnn::dense<7>, staticnn::batchnorm,
                                 staticnn::tanh, staticnn::dense<5>, staticnn::sigmoid>;

inline net make_net() {
  net n;
  staticnn::train::rng g(42);
  staticnn::train::init_parameters(n, g);
  n.for_each_layer([&](auto, auto& layer) {
    if constexpr (requires { layer.running_var(); }) {
      for (auto& v : layer.gamma()) v = static_cast<float>(g.uniform(-2, 2));
      for (auto& v : layer.beta()) v = static_cast<float>(g.uniform(-1, 1));
      for (auto& v : layer.running_mean()) v = static_cast<float>(g.uniform(-1, 1));
      for (auto& v : layer.running_var()) v = static_cast<float>(g.uniform(0, 3));
    }
  });
  return n;
}

}  // namespace export_test
