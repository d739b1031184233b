// Activations at points whose values are known in closed form, and their backward
// (dx = dy * f'(x), computed from y).
#include "staticnn/layers/activation.hpp"

#include <doctest/doctest.h>

#include "staticnn/core/concepts.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>

using staticnn::shape;

namespace {

template <class Spec, std::size_t N>
std::array<double, N> apply(const std::array<double, N>& x) {
  typename Spec::template bind<shape<N>, double> l;
  std::array<double, N> y{};
  l.forward(x, y);
  return y;
}

template <class Spec, std::size_t N>
std::array<double, N> input_grad(const std::array<double, N>& x, const std::array<double, N>& dy) {
  using L = typename Spec::template bind<shape<N>, double>;
  L l;
  std::array<double, N> y{}, dx{};
  typename L::cache_type cache;
  staticnn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, 1, ex);
  l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 0>(), cache, 1, ex);
  return dx;
}

}  // namespace

// An activation preserves its shape and has no parameters (checked when this file compiles).
using sigmoid_234 = staticnn::sigmoid::bind<shape<2, 3, 4>, float>;
static_assert(std::is_same_v<sigmoid_234::out_shape, shape<2, 3, 4>>);
static_assert(sigmoid_234::param_count == 0 && sigmoid_234::state_count == 0);
static_assert(staticnn::Layer<sigmoid_234>);
static_assert(std::is_empty_v<sigmoid_234>);

TEST_CASE("sigmoid: values and derivative") {
  // 1/(1+e^0) = 1/2; 1/(1+e^-ln3) = 1/(1+1/3) = 3/4; 1/(1+e^ln3) = 1/4.
  const auto y = apply<staticnn::sigmoid>(std::array<double, 5>{0, std::log(3.0), -std::log(3.0), 800, -800});
  CHECK(y[0] == 0.5);
  CHECK(y[1] == doctest::Approx(0.75).epsilon(1e-15));
  CHECK(y[2] == doctest::Approx(0.25).epsilon(1e-15));
  CHECK(y[3] == 1.0);  // saturates without overflow trouble
  CHECK(y[4] == doctest::Approx(0.0));
  CHECK(std::isfinite(y[4]));
  // f' = y (1 - y): 1/4 at 0, 3/16 at ln 3; dy = 2 -> 1/2 and 3/8.
  const auto dx = input_grad<staticnn::sigmoid>(std::array<double, 2>{0, std::log(3.0)}, {2, 2});
  CHECK(dx[0] == 0.5);
  CHECK(dx[1] == doctest::Approx(0.375).epsilon(1e-15));
}

TEST_CASE("relu: values and derivative") {
  const auto y = apply<staticnn::relu>(std::array<double, 4>{-2, 0, 3, -0.5});
  CHECK(y == std::array<double, 4>{0, 0, 3, 0});
  const auto dx = input_grad<staticnn::relu>(std::array<double, 4>{-2, 1e-3, 3, -0.5}, {5, 6, 7, 8});
  CHECK(dx == std::array<double, 4>{0, 6, 7, 0});
}

TEST_CASE("tanh: values and derivative") {
  // tanh(x) = (e^2x - 1)/(e^2x + 1): tanh(ln 2) = (4 - 1)/(4 + 1) = 3/5.
  const auto y = apply<staticnn::tanh>(std::array<double, 4>{0, std::log(2.0), -std::log(2.0), 50});
  CHECK(y[0] == 0.0);
  CHECK(y[1] == doctest::Approx(0.6).epsilon(1e-15));
  CHECK(y[2] == doctest::Approx(-0.6).epsilon(1e-15));
  CHECK(y[3] == 1.0);
  // f' = 1 - y^2: 1 at 0, 16/25 at ln 2; dy = 3 -> 3 and 48/25.
  const auto dx = input_grad<staticnn::tanh>(std::array<double, 2>{0, std::log(2.0)}, {3, 3});
  CHECK(dx[0] == 3.0);
  CHECK(dx[1] == doctest::Approx(1.92).epsilon(1e-15));
}

TEST_CASE("activation: forward_train touches only the first n samples") {
  using L = staticnn::relu::bind<shape<2>, float>;
  L l;
  L::cache_type cache;
  std::array<float, 6> x{-1, 2, 3, -4, 5, 6}, y{};
  y.fill(-7);
  staticnn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, 2, ex);
  CHECK(y == std::array<float, 6>{0, 2, 3, 0, -7, -7});
}
