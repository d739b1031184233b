// batchnorm: inference with running statistics, training with batch mean and biased variance,
// running statistics updated with momentum 0.1 and the unbiased variance, epsilon 1e-5.
// Every expected value is worked out by hand in the comments.
#include "staticnn/layers/batchnorm.hpp"

#include <doctest/doctest.h>

#include "staticnn/core/concepts.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

using staticnn::shape;

namespace {

constexpr double eps = 1e-5;

template <class L, std::size_t N>
void train_forward(L& l, const std::array<double, N>& x, std::array<double, N>& y, std::size_t n) {
  typename L::cache_type cache;
  staticnn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, n, ex);
}

}  // namespace

TEST_CASE("batchnorm: layout, defaults and constants") {
  using L = staticnn::batchnorm::bind<shape<3, 2, 2>, float>;
  static_assert(std::is_same_v<L::out_shape, shape<3, 2, 2>>);
  static_assert(L::param_count == 6 && L::state_count == 6 && staticnn::Layer<L>);
  static_assert(L::epsilon == 1e-5 && L::momentum == 0.1);
  static_assert(staticnn::batchnorm::bind<shape<7>>::param_count == 14);  // flat: one channel per feature
  L l;
  for (std::size_t c = 0; c < 3; ++c) {
    CHECK(l.gamma()[c] == 1.0f);
    CHECK(l.beta()[c] == 0.0f);
    CHECK(l.running_mean()[c] == 0.0f);
    CHECK(l.running_var()[c] == 1.0f);
  }
  CHECK(l.gamma().data() == l.params.data());
  CHECK(l.beta().data() == l.params.data() + 3);
  CHECK(l.running_mean().data() == l.state.data());
  CHECK(l.running_var().data() == l.state.data() + 3);
}

TEST_CASE("batchnorm: inference uses running statistics, per channel") {
  // ch0: mean 3, var 4 - eps, gamma 2, beta 1 -> y = 2 (x - 3) / 2 + 1 = x - 2
  // ch1: mean -1, var 1 - eps, gamma 0.5, beta 0 -> y = (x + 1) / 2
  staticnn::batchnorm::bind<shape<2, 1, 2>, double> l;
  l.params = {2, 0.5, 1, 0};
  l.state = {3, -1, 4 - eps, 1 - eps};
  std::array<double, 4> x{5, -1, 3, 0}, y{};
  l.forward(x, y);
  CHECK(y[0] == doctest::Approx(3).epsilon(1e-12));
  CHECK(y[1] == doctest::Approx(-3).epsilon(1e-12));
  CHECK(y[2] == doctest::Approx(2).epsilon(1e-12));
  CHECK(y[3] == doctest::Approx(0.5).epsilon(1e-12));
}

TEST_CASE("batchnorm: epsilon is 1e-5 in both modes") {
  // Train: batch {-1e-3, 1e-3}: mean 0, biased var 1e-6 -> y = 1e-3 / sqrt(1e-6 + 1e-5) = 1/sqrt(11).
  staticnn::batchnorm::bind<shape<1>, double> t;
  std::array<double, 2> x{-1e-3, 1e-3}, y{};
  train_forward(t, x, y, 2);
  CHECK(y[1] == doctest::Approx(1 / std::sqrt(11.0)).epsilon(1e-12));
  CHECK(y[0] == doctest::Approx(-1 / std::sqrt(11.0)).epsilon(1e-12));
  // Eval: running var 0 -> y = 1e-3 / sqrt(1e-5) = 1/sqrt(10).
  staticnn::batchnorm::bind<shape<1>, double> e;
  e.state = {0, 0};
  std::array<double, 1> x1{1e-3}, y1{};
  e.forward(x1, y1);
  CHECK(y1[0] == doctest::Approx(1 / std::sqrt(10.0)).epsilon(1e-12));
}

TEST_CASE("batchnorm: training on a C x H x W batch, running statistics over two steps") {
  // shape 2 x 1 x 2, batch of 2; values of a channel over (sample, position):
  // step 1: ch0 = {0 4 | 0 4}: mean 2, biased var 4, unbiased 16/3
  //         ch1 = {1 2 | 3 6}: mean 3, deviations -2 -1 0 3, ss 14, biased 3.5, unbiased 14/3
  using L = staticnn::batchnorm::bind<shape<2, 1, 2>, double>;
  L l;
  l.params = {3, 1, -1, 0.5};  // gamma {3, 1}, beta {-1, 0.5}
  std::array<double, 8> x{0, 4, 1, 2, 0, 4, 3, 6}, y{};
  train_forward(l, x, y, 2);
  const double s0 = 1 / std::sqrt(4 + eps), s1 = 1 / std::sqrt(3.5 + eps);
  const std::array<double, 8> want{-1 - 3 * 2 * s0, -1 + 3 * 2 * s0, 0.5 - 2 * s1, 0.5 - 1 * s1,
                                   -1 - 3 * 2 * s0, -1 + 3 * 2 * s0, 0.5 + 0 * s1, 0.5 + 3 * s1};
  for (std::size_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(y[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
  // running_mean = 0.9 * 0 + 0.1 * mean = {0.2, 0.3}; running_var = 0.9 * 1 + 0.1 * unbiased
  // = {0.9 + 1.6/3, 0.9 + 1.4/3}
  CHECK(l.running_mean()[0] == doctest::Approx(0.2).epsilon(1e-14));
  CHECK(l.running_mean()[1] == doctest::Approx(0.3).epsilon(1e-14));
  CHECK(l.running_var()[0] == doctest::Approx(0.9 + 1.6 / 3).epsilon(1e-14));
  CHECK(l.running_var()[1] == doctest::Approx(0.9 + 1.4 / 3).epsilon(1e-14));
  // step 2: ch0 = {1 1 | 1 5}: mean 2, ss 1+1+1+9 = 12, unbiased 4
  //         ch1 = {-2 0 | 0 2}: mean 0, ss 8, unbiased 8/3
  // running_mean = {0.9*0.2 + 0.2, 0.9*0.3 + 0} = {0.38, 0.27}
  // running_var  = {0.9*(0.9 + 1.6/3) + 0.4, 0.9*(0.9 + 1.4/3) + 0.8/3} = {1.29 + 0.4, 1.23 + 0.8/3}
  std::array<double, 8> x2{1, 1, -2, 0, 1, 5, 0, 2}, y2{};
  train_forward(l, x2, y2, 2);
  CHECK(l.running_mean()[0] == doctest::Approx(0.38).epsilon(1e-14));
  CHECK(l.running_mean()[1] == doctest::Approx(0.27).epsilon(1e-14));
  CHECK(l.running_var()[0] == doctest::Approx(1.69).epsilon(1e-14));
  CHECK(l.running_var()[1] == doctest::Approx(1.23 + 0.8 / 3).epsilon(1e-14));
  // Parameters are untouched by the forward pass.
  CHECK(l.params == std::array<double, 4>{3, 1, -1, 0.5});

  // Eval mode on the same input uses the running statistics: ch0 x = 1 ->
  // 3 (1 - 0.38) / sqrt(1.69 + eps) - 1, which differs from the training output 3 (1 - 2)/sqrt(3 + eps) - 1.
  std::array<double, 4> e{};
  l.forward(std::span<const double, 4>(x2.data(), 4), e);
  CHECK(e[0] == doctest::Approx(3 * 0.62 / std::sqrt(1.69 + eps) - 1).epsilon(1e-12));
  CHECK(e[2] == doctest::Approx(1 * (-2 - 0.27) / std::sqrt(1.23 + 0.8 / 3 + eps) + 0.5).epsilon(1e-12));
  CHECK(y2[0] == doctest::Approx(3 * (1 - 2) / std::sqrt(3 + eps) - 1).epsilon(1e-12));
  CHECK(std::abs(e[0] - y2[0]) > 1);
}

TEST_CASE("batchnorm: training on flat features, batch of four") {
  // Two features over 4 samples: f0 = {1 2 3 4}: mean 2.5, biased var 1.25, unbiased 5/3;
  // f1 = {-3 -3 -3 -3}: mean -3, var 0 -> y = beta exactly, running var 0.9.
  using L = staticnn::batchnorm::bind<shape<2>, double>;
  L l;
  std::array<double, 8> x{1, -3, 2, -3, 3, -3, 4, -3}, y{};
  train_forward(l, x, y, 4);
  const double s = 1 / std::sqrt(1.25 + eps);
  for (std::size_t b = 0; b < 4; ++b) {
    CHECK(y[2 * b] == doctest::Approx((static_cast<double>(b) + 1 - 2.5) * s).epsilon(1e-12));
    CHECK(y[2 * b + 1] == 0.0);
  }
  CHECK(l.running_mean()[0] == doctest::Approx(0.25).epsilon(1e-14));
  CHECK(l.running_mean()[1] == doctest::Approx(-0.3).epsilon(1e-14));
  CHECK(l.running_var()[0] == doctest::Approx(0.9 + 0.5 / 3).epsilon(1e-14));
  CHECK(l.running_var()[1] == doctest::Approx(0.9).epsilon(1e-14));
}

TEST_CASE("batchnorm: training reads only the first n samples") {
  // B = 4 storage, n = 2: samples 2 and 3 are NaN and must not leak into the statistics.
  using L = staticnn::batchnorm::bind<shape<1>, double>;
  L l;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::array<double, 4> x{-1, 1, nan, nan}, y{};
  train_forward(l, x, y, 2);
  CHECK(y[0] == doctest::Approx(-1 / std::sqrt(1 + eps)).epsilon(1e-12));
  CHECK(y[1] == doctest::Approx(1 / std::sqrt(1 + eps)).epsilon(1e-12));
  CHECK(l.running_mean()[0] == 0.0);
  CHECK(l.running_var()[0] == doctest::Approx(0.9 + 0.1 * 2).epsilon(1e-14));  // unbiased var of {-1, 1} is 2
}

TEST_CASE("batchnorm: backward on a hand example") {
  // One feature, batch {-1, 1}, gamma 2: xhat = {-a, a} with a = 1/sqrt(1 + eps).
  // dy = {1, 3}: dbeta = 4, dgamma = sum dy xhat = 2a.
  // dx = gamma/sqrt(var+eps) (dy - mean(dy) - xhat mean(dy xhat)) = 2a (dy - 2 - xhat a)
  //    = 2a {-1 + a^2, 1 - a^2}.
  using L = staticnn::batchnorm::bind<shape<1>, double>;
  L l;
  l.params = {2, 0};
  std::array<double, 2> x{-1, 1}, y{}, dy{1, 3}, dx{};
  std::array<double, 2> grad{};
  L::cache_type cache;
  staticnn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, 2, ex);
  l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 2>(grad), cache, 2, ex);
  const double a = 1 / std::sqrt(1 + eps);
  CHECK(grad[0] == doctest::Approx(2 * a).epsilon(1e-12));
  CHECK(grad[1] == 4.0);
  CHECK(dx[0] == doctest::Approx(2 * a * (a * a - 1)).epsilon(1e-9));
  CHECK(dx[1] == doctest::Approx(2 * a * (1 - a * a)).epsilon(1e-9));
}
