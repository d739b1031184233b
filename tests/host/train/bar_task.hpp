#pragma once
// The toy task of the separable and residual training tests, on 2 x 8 x 8 inputs: class 1 is a
// bright vertical bar in channel 0 at a random column, class 0 the same bar in channel 1, noise
// everywhere else. train_run trains a network on one fixed batch of it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../support.hpp"
#include "staticnn/core/parallel.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/rng.hpp"
#include "staticnn/train/sgd.hpp"
#include "staticnn/train/trainer.hpp"

namespace bar_task {

template <class Net, std::size_t B>
void fill_batch(staticnn::train::trainer<Net, B>& tr, staticnn::train::rng& g) {
  constexpr std::size_t H = 8, W = 8;
  static_assert(Net::in_shape::size == 2 * H * W);
  for (std::size_t b = 0; b < B; ++b) {
    const auto label = static_cast<std::uint8_t>(b % 2);
    tr.labels[b] = label;
    float* x = tr.input.data() + b * Net::in_shape::size;
    for (std::size_t i = 0; i < Net::in_shape::size; ++i) x[i] = static_cast<float>(g.uniform(-0.2, 0.2));
    const std::size_t col = static_cast<std::size_t>(g.uniform(0, 7.99));
    const std::size_t c = label == 1 ? 0 : 1;
    for (std::size_t r = 0; r < H; ++r) x[(c * H + r) * W + col] += 1.0f;
  }
}

struct run_result {
  std::vector<double> losses;            // each step's loss, before its update
  std::vector<unsigned char> net_bytes;  // parameters and running statistics afterwards
  std::vector<float> logits;             // eval-mode forward of the batch, sample by sample
};

// `steps` SGD steps (momentum 0.9) from init_parameters(seed) on one fixed batch; every odd step
// uses B - partial samples.
template <class Net, std::size_t B, class E>
run_result train_run(std::uint64_t seed, std::size_t steps, E& ex, double lr, std::size_t partial = 0) {
  auto net = std::make_unique<Net>();
  auto tr = std::make_unique<staticnn::train::trainer<Net, B>>();
  auto opt = std::make_unique<staticnn::train::sgd<Net>>();
  opt->lr = lr;
  opt->momentum = 0.9;
  staticnn::train::rng g(seed);
  staticnn::train::init_parameters(*net, g);
  run_result r;
  fill_batch(*tr, g);
  for (std::size_t s = 0; s < steps; ++s) r.losses.push_back(tr->step(*net, *opt, s % 2 == 0 ? B : B - partial, ex).loss);
  r.net_bytes = test_support::network_bytes(*net);
  constexpr std::size_t N = Net::in_shape::size, K = Net::out_shape::size;
  for (std::size_t b = 0; b < B; ++b) {
    std::array<float, K> y{};
    net->forward(staticnn::cview<float, N>(tr->input.data() + b * N, N), y);
    r.logits.insert(r.logits.end(), y.begin(), y.end());
  }
  return r;
}

}  // namespace bar_task
