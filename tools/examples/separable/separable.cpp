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
  sn::train::rng g(15);
  auto net = std::make_unique<separable::net>();
  sn::examples::seed_parameters(*net, g);
  sn::examples::fold_quantize_write<separable::folded, separable::int8>(
      args, "separable", "separable example: seeded random parameters, batchnorm folded", *net, make_images(args.images, g),
      {3, 32, 32});
  return 0;
}
