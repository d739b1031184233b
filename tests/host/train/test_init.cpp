// init_parameters: PyTorch's defaults. conv2d/dense weights and biases U(-b, b), b = 1/sqrt(fan_in);
// batchnorm gamma 1, beta 0, running mean 0, running var 1; reproducible from the seed.
#include "staticnn/train/init.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

#include "../support.hpp"
#include "staticnn/models/lenet.hpp"

using net_t = staticnn::models::bn_lenet;

namespace {

struct moments {
  double mean = 0, var = 0, lo = 0, hi = 0;
};

template <class Span>
moments moments_of(const Span& s) {
  moments m{};
  double sum = 0, sum2 = 0;
  m.lo = m.hi = static_cast<double>(s[0]);
  for (const auto v : s) {
    const double d = static_cast<double>(v);
    sum += d;
    sum2 += d * d;
    m.lo = std::min(m.lo, d);
    m.hi = std::max(m.hi, d);
  }
  const double n = static_cast<double>(s.size());
  m.mean = sum / n;
  m.var = sum2 / n - m.mean * m.mean;
  return m;
}

}  // namespace

TEST_CASE("init: every conv/dense value within 1/sqrt(fan_in); batchnorm reset to identity") {
  auto net = std::make_unique<net_t>();
  // Start from garbage, so a layer the initialiser skips is caught.
  net->for_each_layer([](auto, auto& layer) {
    for (auto& v : staticnn::param_span(layer)) v = 7.0f;
    for (auto& v : staticnn::state_span(layer)) v = 7.0f;
  });
  staticnn::train::rng g(1);
  staticnn::train::init_parameters(*net, g);
  // fan_in: conv1 1*5*5 = 25, conv2 6*5*5 = 150, dense 256, 120, 84.
  CHECK(net->layer<0>().fan_in == 25);
  CHECK(net->layer<4>().fan_in == 150);
  CHECK(net->layer<9>().fan_in == 256);
  CHECK(net->layer<12>().fan_in == 120);
  CHECK(net->layer<15>().fan_in == 84);
  std::size_t checked_layers = 0;
  net->for_each_layer([&](auto index, auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    CAPTURE(decltype(index)::value);
    if constexpr (requires { L::fan_in; }) {
      const double bound = 1 / std::sqrt(static_cast<double>(L::fan_in));
      bool in_range = true;
      for (const float v : layer.params) in_range = in_range && std::abs(static_cast<double>(v)) <= bound;
      CHECK(in_range);
      const moments b = moments_of(layer.bias());
      CHECK(b.hi > b.lo);  // biases are drawn too, not left at zero
      ++checked_layers;
    } else if constexpr (L::param_count > 0) {
      for (std::size_t c = 0; c < L::C; ++c) {
        CHECK(layer.gamma()[c] == 1.0f);
        CHECK(layer.beta()[c] == 0.0f);
        CHECK(layer.running_mean()[c] == 0.0f);
        CHECK(layer.running_var()[c] == 1.0f);
      }
      ++checked_layers;
    }
  });
  CHECK(checked_layers == 9);
}

TEST_CASE("init: weights follow U(-b, b): mean 0, variance b^2/3, range reaching +-b") {
  auto net = std::make_unique<net_t>();
  staticnn::train::rng g(2);
  staticnn::train::init_parameters(*net, g);
  // dense1: 30720 weights, b = 1/16. For U(-b, b): sigma^2 = b^2/3, Var(w^2) = b^4/5 - b^4/9 = 4b^4/45.
  // Standard errors with n = 30720: mean sqrt(b^2/3/n), variance sqrt(4b^4/45/n); allow 5 of each.
  // The chance that no draw lies within 0.1% of either end is (1 - 0.0005)^30720 ~ e^-15.
  const auto& d = net->layer<9>();
  const double b = 1.0 / 16, n = static_cast<double>(d.weight_count);
  const moments m = moments_of(d.weights());
  CHECK(std::abs(m.mean) < 5 * std::sqrt(b * b / 3 / n));
  CHECK(std::abs(m.var - b * b / 3) < 5 * std::sqrt(4 * b * b * b * b / 45 / n));
  CHECK(m.hi > b * 0.999);
  CHECK(m.lo < -b * 0.999);
  // conv1 (150 weights, b = 1/5): looser check of the spread, 5 SE = 5 * sqrt(4b^4/45/150).
  const auto& c = net->layer<0>();
  const double bc = 0.2;
  const moments mc = moments_of(c.weights());
  CHECK(std::abs(mc.var - bc * bc / 3) < 5 * std::sqrt(4 * bc * bc * bc * bc / 45 / 150));
}

TEST_CASE("init: reproducible from the seed, different for another seed") {
  auto a = std::make_unique<net_t>(), b = std::make_unique<net_t>(), c = std::make_unique<net_t>();
  staticnn::train::rng ga(42), gb(42), gc(43);
  staticnn::train::init_parameters(*a, ga);
  staticnn::train::init_parameters(*b, gb);
  staticnn::train::init_parameters(*c, gc);
  CHECK(test_support::network_bytes(*a) == test_support::network_bytes(*b));
  CHECK(test_support::network_bytes(*a) != test_support::network_bytes(*c));
  // Draw order: layer order, weights before bias. conv1's first weight is the first draw.
  staticnn::train::rng r(42);
  CHECK(a->layer<0>().params[0] == static_cast<float>(r.uniform(-0.2, 0.2)));
}
