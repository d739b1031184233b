// SGD with momentum and weight decay, PyTorch's rule: d = g + wd p; v = m v + d; p -= lr v
// (first step v = d), or p -= lr d without momentum. Two steps worked out by hand.
#include "staticnn/train/sgd.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <span>

#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/dense.hpp"

using staticnn::shape;

TEST_CASE("sgd: two steps with momentum 0.9, weight decay 0.01, lr 0.1") {
  using net_t = staticnn::basic_sequential<double, shape<2>, staticnn::dense<1>>;
  net_t net;
  net.layer<0>().params = {1, -2, 0.5};
  staticnn::train::sgd<net_t> opt{0.1, 0.9, 0.01};
  // Step 1, g = {0.1, 0.2, -0.3}: d = g + 0.01 p = {0.11, 0.18, -0.295}; v = d;
  // p = p - 0.1 v = {0.989, -2.018, 0.5295}.
  const std::array<double, 3> g1{0.1, 0.2, -0.3}, g2{-0.2, 0.05, 0.1};
  opt.step(net, g1);
  const auto& p = net.layer<0>().params;
  CHECK(p[0] == doctest::Approx(0.989).epsilon(1e-14));
  CHECK(p[1] == doctest::Approx(-2.018).epsilon(1e-14));
  CHECK(p[2] == doctest::Approx(0.5295).epsilon(1e-14));
  CHECK(opt.velocity[1] == doctest::Approx(0.18).epsilon(1e-14));
  // Step 2, g = {-0.2, 0.05, 0.1}: d = {-0.2 + 0.00989, 0.05 - 0.02018, 0.1 + 0.005295}
  // = {-0.19011, 0.02982, 0.105295}; v = 0.9 v + d = {0.099 - 0.19011, 0.162 + 0.02982, -0.2655 + 0.105295}
  // = {-0.09111, 0.19182, -0.160205}; p = p - 0.1 v = {0.998111, -2.037182, 0.5455205}.
  opt.step(net, g2);
  CHECK(opt.velocity[0] == doctest::Approx(-0.09111).epsilon(1e-13));
  CHECK(opt.velocity[1] == doctest::Approx(0.19182).epsilon(1e-13));
  CHECK(opt.velocity[2] == doctest::Approx(-0.160205).epsilon(1e-13));
  CHECK(p[0] == doctest::Approx(0.998111).epsilon(1e-14));
  CHECK(p[1] == doctest::Approx(-2.037182).epsilon(1e-14));
  CHECK(p[2] == doctest::Approx(0.5455205).epsilon(1e-14));
}

TEST_CASE("sgd: without momentum the step is lr * (g + wd p) and no velocity is kept") {
  // p = {1, -2, 0.5}, g = {0.1, 0.2, -0.3}, wd 0.01, lr 0.5: p -= 0.5 {0.11, 0.18, -0.295}
  // = {0.945, -2.09, 0.6475}; then again with the same g: d = {0.10945, 0.1791, -0.293525},
  // p = {0.890275, -2.17955, 0.7942625}.
  using net_t = staticnn::basic_sequential<double, shape<2>, staticnn::dense<1>>;
  net_t net;
  net.layer<0>().params = {1, -2, 0.5};
  staticnn::train::sgd<net_t> opt{0.5, 0.0, 0.01};
  const std::array<double, 3> g{0.1, 0.2, -0.3};
  opt.step(net, g);
  const auto& p = net.layer<0>().params;
  CHECK(p[0] == doctest::Approx(0.945).epsilon(1e-14));
  CHECK(p[1] == doctest::Approx(-2.09).epsilon(1e-14));
  CHECK(p[2] == doctest::Approx(0.6475).epsilon(1e-14));
  opt.step(net, g);
  CHECK(p[0] == doctest::Approx(0.890275).epsilon(1e-14));
  CHECK(p[1] == doctest::Approx(-2.17955).epsilon(1e-14));
  CHECK(p[2] == doctest::Approx(0.7942625).epsilon(1e-14));
  CHECK(opt.velocity == std::array<double, 3>{0, 0, 0});
}

TEST_CASE("sgd: the flat gradient maps onto every layer through the parameter offsets") {
  // dense<2> (6 params), relu (0), dense<1> (3 params): gradient entry k belongs to flat parameter k.
  // With lr 1, no momentum, no decay and g_k = k + 1, each parameter drops by exactly k + 1.
  using net_t = staticnn::basic_sequential<double, shape<2>, staticnn::dense<2>, staticnn::relu, staticnn::dense<1>>;
  net_t net;
  net.layer<0>().params = {10, 20, 30, 40, 50, 60};
  net.layer<2>().params = {70, 80, 90};
  staticnn::train::sgd<net_t> opt{1.0, 0.0, 0.0};
  const std::array<double, 9> g{1, 2, 3, 4, 5, 6, 7, 8, 9};
  opt.step(net, g);
  CHECK(net.layer<0>().params == std::array<double, 6>{9, 18, 27, 36, 45, 54});
  CHECK(net.layer<2>().params == std::array<double, 3>{63, 72, 81});
}
