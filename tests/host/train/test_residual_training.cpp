// A small ResNet (conv -> BN -> relu, an identity block, a strided block with a 1x1 projection,
// global average pooling, dense) through the trainer: SGD lowers its loss, serial and 2-thread
// training give bit-identical weights, running statistics and logits, and recalibrating batchnorm
// reaches the blocks' batchnorms.
#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../support.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/global_avg_pool.hpp"
#include "staticnn/layers/residual.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/rng.hpp"
#include "staticnn/train/sgd.hpp"
#include "staticnn/train/thread_pool.hpp"
#include "staticnn/train/trainer.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

using net_t = sn::sequential<
    shape<2, 8, 8>, sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu,
    sn::residual<sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<4, 3, 1, 1>, sn::batchnorm>, sn::relu,
    sn::residual<sn::conv2d<6, 3, 2, 1>, sn::batchnorm, sn::relu, sn::conv2d<6, 3, 1, 1>, sn::batchnorm,
                 sn::shortcut<sn::conv2d<6, 1, 2, 0>, sn::batchnorm>>,
    sn::relu, sn::global_avg_pool, sn::dense<2>>;
constexpr std::size_t B = 8;
using trainer_t = sn::train::trainer<net_t, B>;
// The stem's batchnorm and the blocks' five.
static_assert(trainer_t::running_statistics_layers == 6);

// Class 1: a bright vertical bar in channel 0 at a random column; class 0: the same bar in
// channel 1. Noise everywhere else.
void fill_batch(trainer_t& tr, sn::train::rng& g) {
  constexpr std::size_t H = 8, W = 8;
  for (std::size_t b = 0; b < B; ++b) {
    const auto label = static_cast<std::uint8_t>(b % 2);
    tr.labels[b] = label;
    float* x = tr.input.data() + b * net_t::in_shape::size;
    for (std::size_t i = 0; i < net_t::in_shape::size; ++i) x[i] = static_cast<float>(g.uniform(-0.2, 0.2));
    const std::size_t col = static_cast<std::size_t>(g.uniform(0, 7.99));
    const std::size_t c = label == 1 ? 0 : 1;
    for (std::size_t r = 0; r < H; ++r) x[(c * H + r) * W + col] += 1.0f;
  }
}

struct run_result {
  std::vector<double> losses;            // each step's loss, before its update
  std::vector<unsigned char> net_bytes;  // parameters and running statistics afterwards
  std::vector<float> logits;             // eval-mode forward of the last batch, sample by sample
};

template <class E>
run_result train_run(std::uint64_t seed, std::size_t steps, E& ex) {
  auto net = std::make_unique<net_t>();
  auto tr = std::make_unique<trainer_t>();
  auto opt = std::make_unique<sn::train::sgd<net_t>>();
  opt->lr = 0.05;
  opt->momentum = 0.9;
  sn::train::rng g(seed);
  sn::train::init_parameters(*net, g);
  run_result r;
  fill_batch(*tr, g);  // one fixed batch: its loss must fall
  for (std::size_t s = 0; s < steps; ++s) r.losses.push_back(tr->step(*net, *opt, s % 2 == 0 ? B : B - 3, ex).loss);
  r.net_bytes = test_support::network_bytes(*net);
  for (std::size_t b = 0; b < B; ++b) {
    std::array<float, 2> y{};
    net->forward(sn::cview<float, net_t::in_shape::size>(tr->input.data() + b * net_t::in_shape::size,
                                                         net_t::in_shape::size),
                 y);
    r.logits.insert(r.logits.end(), y.begin(), y.end());
  }
  return r;
}

}  // namespace

TEST_CASE("residual network: SGD lowers the loss; 1 and 2 threads train bit-identically") {
  constexpr std::size_t steps = 8;
  sn::serial_executor serial;
  sn::train::thread_pool pool(2);
  const run_result s = train_run(31, steps, serial);
  const run_result p = train_run(31, steps, pool);
  MESSAGE("loss ", s.losses.front(), " -> ", s.losses.back());
  CHECK(s.losses.back() < 0.8 * s.losses.front());
  CHECK(s.losses == p.losses);
  CHECK(s.net_bytes == p.net_bytes);
  CHECK(s.logits == p.logits);
  const run_result other = train_run(32, steps, serial);
  CHECK(other.net_bytes != s.net_bytes);
}

TEST_CASE("residual network: running momentum reaches the blocks' batchnorms") {
  auto net = std::make_unique<net_t>();
  auto tr = std::make_unique<trainer_t>();
  sn::train::rng g(7);
  sn::train::init_parameters(*net, g);
  fill_batch(*tr, g);
  sn::serial_executor ex;
  // Momentum 0 keeps every running statistic, the blocks' too; the default (0.1) moves them.
  const auto before = test_support::network_bytes(*net);
  tr->set_running_momentum(0.0);
  tr->forward(*net, B, ex);
  CHECK(test_support::network_bytes(*net) == before);
  tr->reset_running_momentum();
  tr->forward(*net, B, ex);
  CHECK(test_support::network_bytes(*net) != before);
  const auto& bn = net->layer<3>().body.layer<1>();  // the identity block's first batchnorm
  CHECK(bn.running_mean()[0] != 0.0f);
}
