// MLPerf Tiny's visual wake words model (staticnn::models::mobilenet_v1_025: MobileNetV1 0.25 on
// 3 x 96 x 96 images) with seeded parameters and running statistics, trained a few SGD steps on
// synthetic images (the task's data set cannot be downloaded here; parity, instruction counts and
// sizes do not depend on what the weights learned), folded, calibrated and quantized to int8, on
// N synthetic images.
// Writes into --out what ../common/float_int8_example.hpp lists (namespaces mobilenet_float,
// mobilenet_int8).
//   mobilenet --out DIR [--images N]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <span>
#include <vector>

#include <staticnn/models/mobilenet_v1.hpp>
#include <staticnn/train/fit.hpp>

#include "../common/float_int8_example.hpp"

namespace {

namespace sn = staticnn;
using net_t = sn::models::mobilenet_v1_025;
constexpr std::size_t D = net_t::in_shape::size, S = 96;

// A few coloured blobs (each its own level per channel) on noise; labels[i] = 1 when image i's first
// blob is a large one (the "person" class: something fills the view).
std::vector<std::uint8_t> make_images(std::size_t n, sn::train::rng& g, std::vector<std::uint8_t>& labels) {
  std::vector<std::uint8_t> px(n * D);
  labels.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (int blob = 0; blob < 3; ++blob) {
      const double cy = g.uniform(10, 86), cx = g.uniform(10, 86), r = g.uniform(6, 30);
      if (blob == 0) labels[i] = r > 18;
      for (std::size_t c = 0; c < 3; ++c) {
        const double level = g.uniform(0.1, 0.4);
        for (std::size_t y = 0; y < S; ++y)
          for (std::size_t x = 0; x < S; ++x) {
            const double d2 = ((double(y) - cy) * (double(y) - cy) + (double(x) - cx) * (double(x) - cx)) / (r * r);
            std::uint8_t& p = px[i * D + (c * S + y) * S + x];
            const double v = p / 255.0 + level * std::exp(-d2) + (blob == 0 ? g.uniform(0, 0.1) : 0.0);
            p = static_cast<std::uint8_t>(std::min(255.0, std::floor(v * 255.0)));
          }
      }
    }
  return px;
}

}  // namespace

int main(int argc, char** argv) {
  sn::examples::arguments args;
  if (!sn::examples::parse_arguments(argc, argv, "mobilenet", args)) return 2;
  sn::train::rng g(16);
  auto net = std::make_unique<net_t>();
  sn::examples::seed_parameters(*net, g);
  {  // a few SGD steps on images of their own, batch 8, one thread
    constexpr std::size_t B = 8, steps = 4;
    std::vector<std::uint8_t> labels;
    const std::vector<std::uint8_t> train_px = make_images(B * steps, g, labels);
    std::vector<float> x(train_px.size());
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(train_px[k]) / 255.0f;
    std::vector<std::uint32_t> order(B * steps);
    std::iota(order.begin(), order.end(), 0u);
    const auto tr = std::make_unique<sn::train::trainer<net_t, B>>();
    const auto opt = std::make_unique<sn::train::sgd<net_t>>();
    opt->lr = 0.01, opt->momentum = 0.9;
    sn::serial_executor ex;
    const auto e = sn::train::train_epoch(*net, *tr, *opt, x.data(), labels.data(), std::span<const std::uint32_t>(order), B,
                                          ex, [](std::size_t, std::size_t, const auto&) {});
    std::printf("mobilenet: %zu SGD steps of %zu synthetic images, mean loss %.4f\n", steps, B,
                e.loss_sum / static_cast<double>(e.samples));
  }
  std::vector<std::uint8_t> labels;
  sn::examples::fold_quantize_write<sn::folded_t<net_t>, sn::quant::quantized_t<sn::folded_t<net_t>>>(
      args, "mobilenet", "mobilenet example: models::mobilenet_v1_025, seeded random parameters, batchnorm folded", *net,
      make_images(args.images, g, labels), {3, S, S});
  return 0;
}
