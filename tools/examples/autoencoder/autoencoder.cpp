// MLPerf Tiny's anomaly detection model (staticnn::models::autoencoder: 640 inputs, 5 frames of 128
// log-mel bands) with seeded parameters and running statistics, trained a few SGD steps to
// reconstruct synthetic inputs (the task's data set cannot be downloaded here; parity, instruction
// counts and sizes do not depend on what the weights learned), folded, calibrated and quantized
// to int8, on N synthetic inputs.
// Writes into --out what ../common/float_int8_example.hpp lists (namespaces autoencoder_float,
// autoencoder_int8; the "logits" are the 640 reconstructed values).
//   autoencoder --out DIR [--images N]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include <staticnn/models/autoencoder.hpp>
#include <staticnn/train/trainer.hpp>

#include "../common/float_int8_example.hpp"

namespace {

namespace sn = staticnn;
using net_t = sn::models::autoencoder;
constexpr std::size_t D = net_t::in_shape::size, bands = 128;

// Five frames of a smooth spectrum: a random tilt and a few peaks, each frame with its own noise.
std::vector<std::uint8_t> make_inputs(std::size_t n, sn::train::rng& g) {
  std::vector<std::uint8_t> px(n * D);
  for (std::size_t i = 0; i < n; ++i) {
    const double tilt = g.uniform(0.2, 0.8), peak = g.uniform(0, bands), width = g.uniform(3, 20);
    for (std::size_t k = 0; k < D; ++k) {
      const double b = static_cast<double>(k % bands);
      const double v = tilt * (1 - b / bands) + 0.4 * std::exp(-(b - peak) * (b - peak) / (width * width)) + g.uniform(0, 0.15);
      px[i * D + k] = static_cast<std::uint8_t>(std::clamp(std::floor(v * 255.0), 0.0, 255.0));
    }
  }
  return px;
}

}  // namespace

int main(int argc, char** argv) {
  sn::examples::arguments args;
  if (!sn::examples::parse_arguments(argc, argv, "autoencoder", args)) return 2;
  sn::train::rng g(17);
  auto net = std::make_unique<net_t>();
  sn::examples::seed_parameters(*net, g);
  {  // a few SGD steps on inputs of their own, batch 16, one thread: mean squared reconstruction error
    constexpr std::size_t B = 16, steps = 8;
    const std::vector<std::uint8_t> train_px = make_inputs(B * steps, g);
    const auto tr = std::make_unique<sn::train::trainer<net_t, B>>();
    const auto opt = std::make_unique<sn::train::sgd<net_t>>();
    opt->lr = 0.05, opt->momentum = 0.9;
    sn::serial_executor ex;
    double first = 0, last = 0;
    for (std::size_t s = 0; s < steps; ++s) {
      for (std::size_t k = 0; k < B * D; ++k) tr->input[k] = static_cast<float>(train_px[s * B * D + k]) / 255.0f;
      last = tr->reconstruction_step(*net, *opt, B, ex).loss;
      if (s == 0) first = last;
    }
    std::printf("autoencoder: %zu SGD steps of %zu synthetic inputs, reconstruction loss %.4f -> %.4f\n", steps, B, first,
                last);
  }
  sn::examples::fold_quantize_write<sn::folded_t<net_t>, sn::quant::quantized_t<sn::folded_t<net_t>>>(
      args, "autoencoder", "autoencoder example: models::autoencoder, seeded random parameters, batchnorm folded", *net,
      make_inputs(args.images, g), {static_cast<std::uint32_t>(D)});
  return 0;
}
