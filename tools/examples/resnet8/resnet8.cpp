// The resnet8 example (models.hpp: MLPerf Tiny's ResNet-8) trained a few SGD steps on synthetic
// 3 x 32 x 32 images (no CIFAR-10 here: a coloured blob whose colour is the class, on noise;
// parity, instruction counts and sizes do not depend on what the weights learned), folded,
// calibrated and quantized to int8. Writes into --out what ../common/float_int8_example.hpp lists
// (namespaces resnet8_float, resnet8_int8), on N seeded images of the same kind.
//   resnet8 --out DIR [--images N]
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
#include <staticnn/train/trainer.hpp>

#include "../common/float_int8_example.hpp"
#include "models.hpp"

namespace {

namespace sn = staticnn;
constexpr std::size_t D = resnet8::net::in_shape::size, classes = 10;
constexpr std::size_t batch = 8, steps = 12;

// Image i: a blob of class labels[i]'s colour (a fixed level per channel and class) on noise.
std::vector<std::uint8_t> make_images(std::size_t n, sn::train::rng& g, std::vector<std::uint8_t>& labels) {
  std::vector<std::uint8_t> px(n * D);
  labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = static_cast<std::size_t>(g.uniform(0, classes)) % classes;
    labels[i] = static_cast<std::uint8_t>(k);
    const double cy = g.uniform(8, 24), cx = g.uniform(8, 24), r = g.uniform(4, 10);
    sn::examples::draw_blob(px.data() + i * D, g, cy, cx, r, [k](std::size_t c) {
      return 0.2 + 0.8 * static_cast<double>((k >> c) & 1) + 0.1 * static_cast<double>(k / 8);
    });
  }
  return px;
}

}  // namespace

int main(int argc, char** argv) {
  sn::examples::arguments args;
  if (!sn::examples::parse_arguments(argc, argv, "resnet8", args)) return 2;
  const std::size_t n = args.images;
  sn::train::rng g(8);
  auto net = std::make_unique<resnet8::net>();
  sn::train::init_parameters(*net, g);

  // A few SGD steps (batch statistics in batchnorm, running statistics updated as it trains).
  auto tr = std::make_unique<sn::train::trainer<resnet8::net, batch>>();
  auto opt = std::make_unique<sn::train::sgd<resnet8::net>>();
  opt->lr = 0.05, opt->momentum = 0.9;
  sn::serial_executor ex;
  std::vector<std::uint8_t> train_labels;
  const std::vector<std::uint8_t> train_px = make_images(batch * steps, g, train_labels);
  double first = 0, last = 0;
  for (std::size_t s = 0; s < steps; ++s) {
    for (std::size_t k = 0; k < batch * D; ++k) tr->input[k] = static_cast<float>(train_px[s * batch * D + k]) / 255.0f;
    for (std::size_t b = 0; b < batch; ++b) tr->labels[b] = train_labels[s * batch + b];
    const double loss = tr->step(*net, *opt, batch, ex).loss;
    (s == 0 ? first : last) = loss;
  }

  std::printf("resnet8: %zu SGD steps of %zu synthetic images, loss %.3f -> %.3f\n", steps, batch, first, last);
  std::vector<std::uint8_t> labels;
  sn::examples::fold_quantize_write<resnet8::folded, resnet8::int8>(
      args, "resnet8", "resnet8 example: SGD steps on synthetic images, batchnorm folded", *net, make_images(n, g, labels),
      {3, 32, 32});
  return 0;
}
