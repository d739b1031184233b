// The issue-14 CNN (staticnn::models::cnn3x3: padded 3x3 convs, BatchNorm, ReLU, max pooling) with
// seeded random parameters and running statistics, folded, calibrated and quantized to int8, for the
// firmware's parity and cost checks of padded convolutions (no training: parity and instruction
// counts do not depend on what the weights learned). Writes into --out what
// ../common/float_int8_example.hpp lists (namespaces cnn3x3_float, cnn3x3_int8), on N seeded
// 28 x 28 images.
//   cnn3x3 --out DIR [--images N]
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <staticnn/quant/quantize.hpp>
#include <staticnn/staticnn.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/rng.hpp>

#include "../common/float_int8_example.hpp"

namespace {

namespace sn = staticnn;
using net_t = sn::models::cnn3x3;
using folded_t = sn::folded_t<net_t>;
using int8_t_net = sn::quant::quantized_t<folded_t>;
constexpr std::size_t D = net_t::in_shape::size;

// Smooth random blobs on a dark background, roughly the statistics of a grey-scale image set.
std::vector<std::uint8_t> make_images(std::size_t n, sn::train::rng& g) {
  std::vector<std::uint8_t> px(n * D);
  for (std::size_t i = 0; i < n; ++i) {
    const double cy = g.uniform(6, 22), cx = g.uniform(6, 22), r = g.uniform(3, 10), level = g.uniform(0.4, 1.0);
    for (std::size_t y = 0; y < 28; ++y)
      for (std::size_t x = 0; x < 28; ++x) {
        const double d2 = ((double(y) - cy) * (double(y) - cy) + (double(x) - cx) * (double(x) - cx)) / (r * r);
        const double v = level * std::exp(-d2) + g.uniform(0, 0.15);
        px[i * D + y * 28 + x] = static_cast<std::uint8_t>(std::min(255.0, std::floor(v * 255.0)));
      }
  }
  return px;
}

}  // namespace

int main(int argc, char** argv) {
  sn::examples::arguments args;
  if (!sn::examples::parse_arguments(argc, argv, "cnn3x3", args)) return 2;
  const std::string& out = args.out;
  const std::size_t n = args.images;
  sn::train::rng g(14);
  auto net = std::make_unique<net_t>();
  sn::train::init_parameters(*net, g);
  net->for_each_layer([&](auto, auto& l) {  // BatchNorm: random affine and running statistics
    using L = std::remove_cvref_t<decltype(l)>;
    if constexpr (L::state_count > 0) {
      constexpr std::size_t C = L::param_count / 2;
      for (std::size_t c = 0; c < C; ++c) {
        l.params[c] = static_cast<float>(g.uniform(0.5, 1.5)), l.params[C + c] = static_cast<float>(g.uniform(-0.3, 0.3));
        l.state[c] = static_cast<float>(g.uniform(-0.2, 0.2)), l.state[C + c] = static_cast<float>(g.uniform(0.5, 2.0));
      }
    }
  });
  const auto folded = std::make_unique<folded_t>(sn::fold_batchnorm(*net));
  const std::vector<std::uint8_t> px = make_images(n, g);
  std::vector<float> x(n * D);  // as the firmware converts them
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(px[k]) / 255.0f;
  const auto q = std::make_unique<int8_t_net>(sn::quant::quantize(*folded, sn::quant::calibrate(*folded, x.data(), n)));

  const std::size_t agree = sn::examples::write_float_int8(
      out, "cnn3x3", "cnn3x3 example: models::cnn3x3, seeded random parameters, batchnorm folded", *folded, *q, px, x, n,
      {28, 28});
  std::printf("cnn3x3: wrote %s/{float,int8}.hpp and the logits of %zu images; int8 argmax = float argmax on %zu\n",
              out.c_str(), n, agree);
  return 0;
}
