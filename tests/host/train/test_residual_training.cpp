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

#include "bar_task.hpp"
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

}  // namespace

TEST_CASE("residual network: SGD lowers the loss; 1 and 2 threads train bit-identically") {
  constexpr std::size_t steps = 8;
  sn::serial_executor serial;
  sn::train::thread_pool pool(2);
  const auto s = bar_task::train_run<net_t, B>(31, steps, serial, 0.05, 3);
  const auto p = bar_task::train_run<net_t, B>(31, steps, pool, 0.05, 3);
  MESSAGE("loss ", s.losses.front(), " -> ", s.losses.back());
  CHECK(s.losses.back() < 0.8 * s.losses.front());
  CHECK(s.losses == p.losses);
  CHECK(s.net_bytes == p.net_bytes);
  CHECK(s.logits == p.logits);
  const auto other = bar_task::train_run<net_t, B>(32, steps, serial, 0.05, 3);
  CHECK(other.net_bytes != s.net_bytes);
}

TEST_CASE("residual network: running momentum reaches the blocks' batchnorms") {
  auto net = std::make_unique<net_t>();
  auto tr = std::make_unique<trainer_t>();
  sn::train::rng g(7);
  sn::train::init_parameters(*net, g);
  bar_task::fill_batch(*tr, g);
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
