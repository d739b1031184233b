// Softmax cross-entropy: loss = log(sum e^z) - z_label, dz = (softmax - onehot) * scale.
// Mean squared error: loss = mean (z - t)^2, dz = 2 (z - t) / N * scale.
#include "staticnn/train/loss.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <span>

using staticnn::train::argmax;
using staticnn::train::mean_squared_error;
using staticnn::train::softmax_cross_entropy;

TEST_CASE("softmax cross-entropy: logits {1, 2, 3}, label 2") {
  // loss = log(e + e^2 + e^3) - 3 = log(1 + e^-1 + e^-2) = log(1.503214724...) = 0.4076059644...
  // softmax = {e^-2, e^-1, 1} / 1.503214724 = {0.0900305732, 0.2447284711, 0.6652409558}
  const std::array<double, 3> z{1, 2, 3};
  std::array<double, 3> dz{};
  const double loss = softmax_cross_entropy<double, 3>(z, 2, dz, 1.0);
  CHECK(loss == doctest::Approx(0.4076059644443803).epsilon(1e-13));
  CHECK(loss == doctest::Approx(std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3).epsilon(1e-13));
  CHECK(dz[0] == doctest::Approx(0.0900305731703805).epsilon(1e-12));
  CHECK(dz[1] == doctest::Approx(0.2447284710547977).epsilon(1e-12));
  CHECK(dz[2] == doctest::Approx(0.6652409557748219 - 1).epsilon(1e-12));
}

TEST_CASE("softmax cross-entropy: the gradient is scaled by 1/n for a batch mean") {
  // Same logits, label 0, n = 4: dz = (softmax - e_0) / 4.
  const std::array<double, 3> z{1, 2, 3};
  std::array<double, 3> dz{};
  const double loss = softmax_cross_entropy<double, 3>(z, 0, dz, 0.25);
  CHECK(loss == doctest::Approx(0.4076059644443803 + 2).epsilon(1e-13));  // the loss itself is not scaled
  CHECK(dz[0] == doctest::Approx((0.0900305731703805 - 1) / 4).epsilon(1e-12));
  CHECK(dz[1] == doctest::Approx(0.2447284710547977 / 4).epsilon(1e-12));
  CHECK(dz[2] == doctest::Approx(0.6652409557748219 / 4).epsilon(1e-12));
  CHECK(dz[0] + dz[1] + dz[2] == doctest::Approx(0.0).scale(1));  // softmax sums to 1
}

TEST_CASE("softmax cross-entropy: two classes equal logits") {
  // z = {0.7, 0.7}: softmax = {1/2, 1/2}, loss = log 2.
  const std::array<float, 2> z{0.7f, 0.7f};
  std::array<float, 2> dz{};
  const double loss = softmax_cross_entropy<float, 2>(z, 1, dz, 1.0);
  CHECK(loss == doctest::Approx(std::log(2.0)).epsilon(1e-7));
  CHECK(dz[0] == 0.5f);
  CHECK(dz[1] == -0.5f);
}

TEST_CASE("softmax cross-entropy: stable for huge logits") {
  // z = {1000, -1000}. Label 0: loss = log(1 + e^-2000) = 0 (to double precision),
  // softmax = {1, 0}, dz = {0, 0}. Label 1: loss = 2000 + log(1 + e^-2000) = 2000, dz = {1, -1} * scale.
  for (const double scale : {1.0, 0.5}) {
    const std::array<double, 2> z{1000, -1000};
    std::array<double, 2> dz{};
    const double l0 = softmax_cross_entropy<double, 2>(z, 0, dz, scale);
    CHECK(std::isfinite(l0));
    CHECK(l0 == 0.0);
    CHECK(dz[0] == 0.0);
    CHECK(dz[1] == 0.0);
    const double l1 = softmax_cross_entropy<double, 2>(z, 1, dz, scale);
    CHECK(l1 == 2000.0);
    CHECK(dz[0] == scale);
    CHECK(dz[1] == -scale);
  }
  // The same in float, where e^1000 would overflow to inf.
  const std::array<float, 3> zf{1000.0f, -1000.0f, 1000.0f};
  std::array<float, 3> dzf{};
  const double lf = softmax_cross_entropy<float, 3>(zf, 1, dzf, 1.0);
  CHECK(lf == doctest::Approx(2000 + std::log(2.0)).epsilon(1e-12));  // log(e^1000 + e^-1000 + e^1000) + 1000
  CHECK(dzf[0] == 0.5f);
  CHECK(dzf[1] == -1.0f);
  CHECK(dzf[2] == 0.5f);
}

TEST_CASE("softmax cross-entropy: invariant to adding a constant to every logit") {
  // log-sum-exp(z + c) - (z_l + c) = log-sum-exp(z) - z_l.
  const std::array<double, 4> z{0.3, -1.2, 2.5, 0.0}, zs{500.3, 498.8, 502.5, 500.0};
  std::array<double, 4> dz{}, dzs{};
  const double a = softmax_cross_entropy<double, 4>(z, 1, dz, 1.0);
  const double b = softmax_cross_entropy<double, 4>(zs, 1, dzs, 1.0);
  CHECK(a == doctest::Approx(b).epsilon(1e-12));
  for (std::size_t j = 0; j < 4; ++j) CHECK(dz[j] == doctest::Approx(dzs[j]).epsilon(1e-10));
}

TEST_CASE("argmax: first largest element") {
  CHECK(argmax<double, 4>(std::array<double, 4>{0.1, 3, -2, 2.9}) == 1);
  CHECK(argmax<float, 3>(std::array<float, 3>{-5, -4, -4.5f}) == 1);
  CHECK(argmax<double, 3>(std::array<double, 3>{7, 7, 1}) == 0);
}

TEST_CASE("mean squared error: z {1, 2, 4} against t {0, 2, 1}, a batch of 2") {
  // z - t = {1, 0, 3}: loss = (1 + 0 + 9) / 3 = 10/3; dz = 2 (z - t) / 3 * 1/2 = {1/3, 0, 1}.
  const std::array<double, 3> z{1, 2, 4}, t{0, 2, 1};
  std::array<double, 3> dz{};
  const double loss = mean_squared_error<double, 3>(z, t, dz, 0.5);
  CHECK(loss == doctest::Approx(10.0 / 3).epsilon(1e-15));
  CHECK(dz[0] == doctest::Approx(1.0 / 3).epsilon(1e-15));
  CHECK(dz[1] == 0.0);
  CHECK(dz[2] == doctest::Approx(1.0).epsilon(1e-15));
}
