// A depthwise-separable network (conv -> BN -> relu6 -> depthwise -> BN -> relu6 -> pointwise
// conv -> global_avg_pool -> dense) through the trainer: SGD lowers its loss, and serial and
// 2-thread training give bit-identical weights, running statistics and logits.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "bar_task.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/depthwise_conv2d.hpp"
#include "staticnn/layers/global_avg_pool.hpp"
#include "staticnn/layers/relu6.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/rng.hpp"
#include "staticnn/train/sgd.hpp"
#include "staticnn/train/thread_pool.hpp"
#include "staticnn/train/trainer.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

using net_t = sn::sequential<shape<2, 8, 8>, sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu6,
                             sn::depthwise_conv2d<3, 2, 1>, sn::batchnorm, sn::relu6, sn::conv2d<6, 1>,
                             sn::global_avg_pool, sn::dense<2>>;
static_assert(std::is_same_v<net_t::layer_type<3>::out_shape, shape<4, 4, 4>>);
// The plan counts a depthwise conv's MACs as K*K per output (4 x 4 x 4 outputs, 3 x 3 taps).
static_assert(net_t::layer_macs[3] == 4 * 4 * 4 * 9);
constexpr std::size_t B = 8;

}  // namespace

TEST_CASE("separable network: init_parameters draws depthwise weights with fan_in = K*K") {
  // PyTorch: Conv2d(4, 4, 3, groups=4) has fan_in = 1 * 3 * 3, so weights and bias are uniform
  // in [-1/3, 1/3] (a fan_in of C*K*K = 36 would give [-1/6, 1/6]).
  net_t net;
  sn::train::rng g(5);
  sn::train::init_parameters(net, g);
  double lo = 1, hi = -1;
  for (float w : net.layer<3>().params) lo = std::min(lo, double{w}), hi = std::max(hi, double{w});
  CHECK(lo >= -1.0 / 3);
  CHECK(hi <= 1.0 / 3);
  CHECK(hi - lo > 0.5);  // 40 draws spread over most of the 2/3 range
}

TEST_CASE("separable network: SGD steps lower the loss; 1 and 2 threads train bit-identically") {
  constexpr std::size_t steps = 8;
  sn::serial_executor serial;
  sn::train::thread_pool pool(2);
  const auto s = bar_task::train_run<net_t, B>(31, steps, serial, 0.1);
  const auto p = bar_task::train_run<net_t, B>(31, steps, pool, 0.1);
  // Measured: 0.698 falling every step to 0.604 after 7 updates.
  for (std::size_t i = 1; i < steps; ++i) {
    CAPTURE(i);
    CHECK(s.losses[i] < s.losses[i - 1]);
  }
  CHECK(s.losses.back() < 0.9 * s.losses.front());
  CHECK(s.losses == p.losses);
  CHECK(s.net_bytes == p.net_bytes);
  CHECK(s.logits == p.logits);
}
