#pragma once
// A small network that uses every exportable layer kind (residual blocks with either shortcut), with deterministic non-trivial weights
// and batchnorm statistics (seeded), shared by the header generator and the export test.
#include <staticnn/staticnn.hpp>
#include <staticnn/train/init.hpp>

namespace export_test {

using net = staticnn::sequential<staticnn::shape<2, 9, 9>, staticnn::batchnorm, staticnn::conv2d<4, 3, 2, 1>,
                                 staticnn::batchnorm, staticnn::relu, staticnn::max_pool<2>,
                                 staticnn::residual<staticnn::conv2d<4, 3, 1, 1>, staticnn::batchnorm, staticnn::relu>,
                                 staticnn::residual<staticnn::conv2d<5, 3, 1, 1>, staticnn::batchnorm,
                                                    staticnn::shortcut<staticnn::conv2d<5, 1>, staticnn::batchnorm>>,
                                 staticnn::conv2d<3, 1>,
                                 staticnn::avg_pool<2>, staticnn::flatten, staticnn::dense<7>, staticnn::batchnorm,
                                 staticnn::tanh, staticnn::dense<5>, staticnn::sigmoid>;

inline net make_net() {
  net n;
  staticnn::train::rng g(42);
  staticnn::train::init_parameters(n, g);
  const auto randomize_batchnorm = [&](auto& self, auto& layer) -> void {
    if constexpr (requires { layer.running_var(); }) {
      for (auto& v : layer.gamma()) v = static_cast<float>(g.uniform(-2, 2));
      for (auto& v : layer.beta()) v = static_cast<float>(g.uniform(-1, 1));
      for (auto& v : layer.running_mean()) v = static_cast<float>(g.uniform(-1, 1));
      for (auto& v : layer.running_var()) v = static_cast<float>(g.uniform(0, 3));
    } else if constexpr (staticnn::CompositeLayer<std::remove_cvref_t<decltype(layer)>>) {  // a residual's
      layer.for_each_branch([&](auto& branch) { branch.for_each_layer([&](auto, auto& l) { self(self, l); }); });
    }
  };
  n.for_each_layer([&](auto, auto& layer) { randomize_batchnorm(randomize_batchnorm, layer); });
  return n;
}

}  // namespace export_test
