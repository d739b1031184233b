// The separable example (models.hpp: depthwise-separable blocks, ReLU6, global average pooling)
// with seeded random parameters and running statistics (no training: parity and instruction
// counts do not depend on what the weights learned), folded, calibrated and quantized to int8.
// Writes into --out what ../common/float_int8_example.hpp lists (namespaces separable_float,
// separable_int8), on N seeded 3 x 32 x 32 images.
//   separable --out DIR [--images N]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <staticnn/quant/quantize.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/rng.hpp>

#include "../common/float_int8_example.hpp"
#include "models.hpp"

namespace {

namespace sn = staticnn;
constexpr std::size_t D = separable::net::in_shape::size;

// A coloured blob (its own level per channel) on noise.
std::vector<std::uint8_t> make_images(std::size_t n, sn::train::rng& g) {
  std::vector<std::uint8_t> px(n * D);
  for (std::size_t i = 0; i < n; ++i) {
    const double cy = g.uniform(6, 26), cx = g.uniform(6, 26), r = g.uniform(3, 12);
    sn::examples::draw_blob(px.data() + i * D, g, cy, cx, r, [&](std::size_t) { return g.uniform(0.2, 1.0); });
  }
  return px;
}

}  // namespace

int main(int argc, char** argv) {
  sn::examples::arguments args;
  if (!sn::examples::parse_arguments(argc, argv, "separable", args)) return 2;
  const std::string& out = args.out;
  const std::size_t n = args.images;
  sn::train::rng g(15);
  auto net = std::make_unique<separable::net>();
  sn::train::init_parameters(*net, g);
  net->for_each_layer([&](auto, auto& l) {  // BatchNorm: random affine and running statistics
    if constexpr (requires { l.running_var(); }) {
      for (auto& v : l.gamma()) v = static_cast<float>(g.uniform(0.5, 1.5));
      for (auto& v : l.beta()) v = static_cast<float>(g.uniform(-0.1, 0.5));
      for (auto& v : l.running_mean()) v = static_cast<float>(g.uniform(-0.2, 0.2));
      for (auto& v : l.running_var()) v = static_cast<float>(g.uniform(0.5, 2.0));
    }
  });
  const auto folded = std::make_unique<separable::folded>(sn::fold_batchnorm(*net));
  const std::vector<std::uint8_t> px = make_images(n, g);
  std::vector<float> x(n * D);  // as the firmware converts them
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(px[k]) / 255.0f;
  const auto q =
      std::make_unique<separable::int8>(sn::quant::quantize(*folded, sn::quant::calibrate(*folded, x.data(), n)));

  const std::size_t agree = sn::examples::write_float_int8(
      out, "separable", "separable example: seeded random parameters, batchnorm folded", *folded, *q, px, x, n, {3, 32, 32});
  std::printf("separable: wrote %s/{float,int8}.hpp and the logits of %zu images; int8 argmax = float argmax on %zu\n",
              out.c_str(), n, agree);
  return 0;
}
