// The dscnn example (models.hpp: MLPerf Tiny's DS-CNN for keyword spotting) trained a few SGD
// steps on synthetic MFCC-shaped data (no keyword data set can be downloaded here: the inputs are
// made up, so the figures are about speed, size and parity, not accuracy), folded, calibrated and
// quantized to int8. Writes into --out what ../common/float_int8_example.hpp lists (namespaces
// dscnn_float, dscnn_int8), on N seeded 1 x 49 x 10 maps.
//   dscnn --out DIR [--images N]
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
#include <staticnn/train/sgd.hpp>
#include <staticnn/train/thread_pool.hpp>
#include <staticnn/train/trainer.hpp>

#include "../common/float_int8_example.hpp"
#include "models.hpp"

namespace {

namespace sn = staticnn;
constexpr std::size_t H = 49, W = 10, D = H * W, classes = 12, B = 16, steps = 24;
static_assert(dscnn::net::in_shape::size == D && dscnn::net::out_shape::size == classes);

// A made-up "keyword" k: a burst centred at a time (row) that depends on k, with a spectral
// (column) profile of frequency k % 4, on noise; values in [0, 1) as bytes, as the firmware reads them.
std::uint8_t pixel(double v) { return static_cast<std::uint8_t>(std::clamp(std::floor(v * 255.0), 0.0, 255.0)); }
void make_map(std::size_t k, sn::train::rng& g, std::uint8_t* px) {
  const double t0 = 6.0 + 3.2 * static_cast<double>(k) + g.uniform(-1.5, 1.5), width = g.uniform(3, 6);
  const double f = static_cast<double>(k % 4) + 1.0, phase = static_cast<double>(k / 4) * 1.3;
  for (std::size_t y = 0; y < H; ++y)
    for (std::size_t x = 0; x < W; ++x) {
      const double dt = (static_cast<double>(y) - t0) / width;
      const double spectrum = 0.5 + 0.5 * std::cos(f * static_cast<double>(x) * 0.6 + phase);
      px[y * W + x] = pixel(0.7 * std::exp(-dt * dt) * spectrum + g.uniform(0, 0.25));
    }
}

}  // namespace

int main(int argc, char** argv) {
  sn::examples::arguments args;
  if (!sn::examples::parse_arguments(argc, argv, "dscnn", args)) return 2;
  const std::size_t n = args.images;
  sn::train::rng g(15);
  auto net = std::make_unique<dscnn::net>();
  sn::train::init_parameters(*net, g);

  auto tr = std::make_unique<sn::train::trainer<dscnn::net, B>>();
  auto opt = std::make_unique<sn::train::sgd<dscnn::net>>();
  opt->lr = 0.05;
  opt->momentum = 0.9;
  sn::train::thread_pool pool(2);
  std::vector<std::uint8_t> px(std::max(n, B) * D);
  double first = 0, last = 0;
  for (std::size_t s = 0; s < steps; ++s) {
    for (std::size_t b = 0; b < B; ++b) {
      tr->labels[b] = static_cast<std::uint8_t>((s * B + b) % classes);
      make_map(tr->labels[b], g, px.data() + b * D);
      for (std::size_t k = 0; k < D; ++k) tr->input[b * D + k] = static_cast<float>(px[b * D + k]) / 255.0f;
    }
    const double loss = tr->step(*net, *opt, B, pool).loss;
    (s == 0 ? first : last) = loss;
  }
  std::printf("dscnn: %zu SGD steps of %zu synthetic maps, loss %.3f -> %.3f\n", steps, B, first, last);

  for (std::size_t i = 0; i < n; ++i) make_map(i % classes, g, px.data() + i * D);
  px.resize(n * D);
  sn::examples::fold_quantize_write<dscnn::folded, dscnn::int8>(
      args, "dscnn", "dscnn example: trained " + std::to_string(steps) + " steps on synthetic maps, batchnorm folded", *net,
      px, {49, 10});  // one channel: N x H x W, as MNIST
  return 0;
}
