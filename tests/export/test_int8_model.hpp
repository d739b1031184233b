#pragma once
// A small network with every int8 layer kind (conv 5x5 -> sigmoid table -> average pool, conv 3x3
// -> relu (fused: the conv's clamp) -> max pool, flatten, dense -> tanh table, dense -> relu
// (fused), dense), seeded weights and batchnorm statistics, folded and quantized on seeded
// calibration images: the exporter's input, shared by the int8 header generator and the int8
// export test.
#include <memory>
#include <vector>

#include <staticnn/quant/quantize.hpp>
#include <staticnn/staticnn.hpp>
#include <staticnn/train/init.hpp>

namespace export_int8_test {

using net = staticnn::sequential<staticnn::shape<1, 16, 16>, staticnn::conv2d<4, 5>, staticnn::batchnorm,
                                 staticnn::sigmoid, staticnn::avg_pool<2>, staticnn::conv2d<6, 3>, staticnn::relu,
                                 staticnn::max_pool<2>, staticnn::flatten, staticnn::dense<9>, staticnn::batchnorm,
                                 staticnn::tanh, staticnn::dense<7>, staticnn::relu, staticnn::dense<5>>;
using folded = staticnn::folded_t<net>;
using quantized = staticnn::quant::quantized_t<folded>;
constexpr std::size_t image_size = net::in_shape::size;

// count images with pixels in [0, 1], as the exporter's Fashion-MNIST images; seed picks them.
inline std::vector<float> images(std::size_t count, std::uint64_t seed) {
  staticnn::train::rng g(seed);
  std::vector<float> x(count * image_size);
  for (auto& v : x) v = static_cast<float>(g.uniform());
  return x;
}

inline std::unique_ptr<quantized> make_quantized() {
  auto n = std::make_unique<net>();
  staticnn::train::rng g(7);
  staticnn::train::init_parameters(*n, g);
  n->for_each_layer([&](auto, auto& layer) {
    if constexpr (requires { layer.running_var(); }) {
      for (auto& v : layer.gamma()) v = static_cast<float>(g.uniform(0.5, 2));
      for (auto& v : layer.beta()) v = static_cast<float>(g.uniform(-1, 1));
      for (auto& v : layer.running_mean()) v = static_cast<float>(g.uniform(-0.5, 0.5));
      for (auto& v : layer.running_var()) v = static_cast<float>(g.uniform(0.1, 2));
    }
  });
  const auto f = std::make_unique<folded>(staticnn::fold_batchnorm(*n));
  const std::vector<float> calibration = images(64, 3);
  return std::make_unique<quantized>(
      staticnn::quant::quantize(*f, staticnn::quant::calibrate(*f, calibration.data(), 64)));
}

}  // namespace export_int8_test
