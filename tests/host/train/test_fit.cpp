// train_epoch / predict: an epoch equals the same minibatch steps done by hand, a last batch of
// one sample is skipped, recalibrate_batchnorm averages batch statistics, and predict is the
// argmax of eval-mode inference.
#include "staticnn/train/fit.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../support.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/train/init.hpp"

namespace sn = staticnn;
using net_t = sn::basic_sequential<double, sn::shape<3>, sn::dense<4>, sn::batchnorm, sn::tanh, sn::dense<3>>;

namespace {

struct data {
  std::vector<double> images;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint32_t> order;
};

data make_data(std::size_t count) {
  data d;
  sn::train::rng g(4);
  d.images.resize(3 * count);
  test_support::fill_uniform(d.images, g, -1, 1);
  for (std::size_t i = 0; i < count; ++i) {
    d.labels.push_back(static_cast<std::uint8_t>(g.below(3)));
    d.order.push_back(static_cast<std::uint32_t>(i));
  }
  g.shuffle(d.order.begin(), d.order.end());
  return d;
}

}  // namespace

TEST_CASE("train_epoch: equals the minibatch steps done by hand; a last batch of one is skipped") {
  // 9 samples in batches of 4: steps on samples order[0..3], order[4..7]; order[8] alone is skipped.
  const data d = make_data(9);
  net_t a, b;
  sn::train::rng g(1);
  sn::train::init_parameters(a, g);
  b = a;
  auto ta = std::make_unique<sn::train::trainer<net_t, 4>>();
  auto tb = std::make_unique<sn::train::trainer<net_t, 4>>();
  sn::train::sgd<net_t> oa{0.1, 0.9, 0}, ob{0.1, 0.9, 0};
  sn::serial_executor ex;

  std::vector<std::size_t> calls;
  const auto e = sn::train::train_epoch(a, *ta, oa, d.images.data(), d.labels.data(), d.order, 4, ex,
                                        [&](std::size_t done, std::size_t, const sn::train::epoch_stats&) {
                                          calls.push_back(done);
                                        });
  CHECK(e.samples == 8);
  CHECK(calls == std::vector<std::size_t>{1, 2});

  double loss = 0;
  std::size_t correct = 0;
  for (std::size_t first = 0; first < 8; first += 4) {
    for (std::size_t k = 0; k < 4; ++k) {
      const std::uint32_t i = d.order[first + k];
      for (std::size_t p = 0; p < 3; ++p) tb->input[k * 3 + p] = d.images[i * 3 + p];
      tb->labels[k] = d.labels[i];
    }
    const auto s = tb->step(b, ob, 4, ex);
    loss += s.loss_sum;
    correct += s.correct;
  }
  CHECK(e.loss_sum == loss);
  CHECK(e.correct == correct);
  CHECK(test_support::network_bytes(a) == test_support::network_bytes(b));
}

TEST_CASE("predict: argmax of eval-mode inference for every image") {
  const data d = make_data(7);
  net_t net;
  sn::train::rng g(2);
  sn::train::init_parameters(net, g);
  std::vector<std::uint8_t> got(7, 255);
  sn::serial_executor ex;
  sn::train::predict(net, d.images.data(), 7, got.data(), ex);
  for (std::size_t i = 0; i < 7; ++i) {
    std::array<double, 3> z{};
    net.forward(std::span<const double, 3>(d.images.data() + 3 * i, 3), z);
    std::size_t best = 0;
    for (std::size_t j = 1; j < 3; ++j)
      if (z[j] > z[best]) best = j;
    CHECK(got[i] == best);
  }
}

TEST_CASE("recalibrate_batchnorm: running statistics become the mean of the batches' statistics") {
  // 11 samples in batches of 4: two full batches (order[0..3], order[4..7]) even though 5 are asked.
  const data d = make_data(11);
  net_t net;
  sn::train::rng g(3);
  sn::train::init_parameters(net, g);
  auto& bn = net.layer<1>();
  for (std::size_t c = 0; c < 4; ++c) bn.running_mean()[c] = 100, bn.running_var()[c] = 1e6;  // stale
  const net_t before = net;
  auto tr = std::make_unique<sn::train::trainer<net_t, 4>>();
  sn::serial_executor ex;
  CHECK(sn::train::recalibrate_batchnorm(net, *tr, d.images.data(), d.labels.data(), d.order, 4, 5, ex) == 2);

  // Expected, in double from the dense layer's outputs: mean over the two batches of each
  // batch's mean and unbiased variance (what PyTorch's update_bn computes).
  std::array<double, 4> mean{}, var{};
  for (std::size_t first = 0; first < 8; first += 4) {
    std::array<std::array<double, 4>, 4> z{};
    for (std::size_t k = 0; k < 4; ++k)
      before.layer<0>().forward(std::span<const double, 3>(d.images.data() + 3 * d.order[first + k], 3), z[k]);
    for (std::size_t c = 0; c < 4; ++c) {
      double m = 0, v = 0;
      for (std::size_t k = 0; k < 4; ++k) m += z[k][c] / 4;
      for (std::size_t k = 0; k < 4; ++k) v += (z[k][c] - m) * (z[k][c] - m) / 3;
      mean[c] += m / 2, var[c] += v / 2;
    }
  }
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(bn.running_mean()[c] == doctest::Approx(mean[c]).epsilon(1e-12));
    CHECK(bn.running_var()[c] == doctest::Approx(var[c]).epsilon(1e-12));
  }
  // Parameters untouched; later training-mode forwards update with PyTorch's momentum 0.1 again.
  CHECK(net.layer<0>().params == before.layer<0>().params);
  CHECK(net.layer<1>().params == before.layer<1>().params);
  CHECK(net.layer<3>().params == before.layer<3>().params);
  const double m0 = bn.running_mean()[0];
  std::array<double, 4> z0{};
  double m = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const std::uint32_t i = d.order[k];
    std::copy_n(d.images.data() + 3 * i, 3, tr->input.data() + 3 * k);
    before.layer<0>().forward(std::span<const double, 3>(d.images.data() + 3 * i, 3), z0);
    m += z0[0] / 4;
  }
  tr->forward(net, 4, ex);
  CHECK(bn.running_mean()[0] == doctest::Approx(0.9 * m0 + 0.1 * m).epsilon(1e-12));
}

TEST_CASE("recalibrate_batchnorm: a network without batchnorm is left as it is") {
  using plain_t = sn::basic_sequential<double, sn::shape<3>, sn::dense<4>, sn::tanh, sn::dense<3>>;
  const data d = make_data(8);
  plain_t net;
  sn::train::rng g(5);
  sn::train::init_parameters(net, g);
  const plain_t before = net;
  auto tr = std::make_unique<sn::train::trainer<plain_t, 4>>();
  sn::serial_executor ex;
  CHECK(sn::train::recalibrate_batchnorm(net, *tr, d.images.data(), d.labels.data(), d.order, 4, 2, ex) == 0);
  CHECK(test_support::network_bytes(net) == test_support::network_bytes(before));
}
