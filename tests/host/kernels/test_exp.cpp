// kernels::fast_exp against std::exp evaluated one precision up (long double for both float and
// double): the error in units in the last place of the exact value across the whole clamp range,
// the clamp edges and beyond, infinities and NaN.
#include "staticnn/kernels/exp.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "staticnn/train/rng.hpp"

namespace sk = staticnn::kernels;

namespace {

// |got - want| in ulps of T at want (want normal, as every clamped result is).
template <class T>
long double ulp_error(T got, long double want) {
  const int mantissa = std::numeric_limits<T>::digits - 1;
  return std::fabs(static_cast<long double>(got) - want) / std::ldexp(1.0L, std::ilogb(want) - mantissa);
}

template <class T>
long double exact_exp(T x) {
  return std::exp(static_cast<long double>(x));
}

// Bounds a little above the largest error measured (x86-64 SSE2, no FMA contraction): float
// 1.221 ulp over every float in [-87, 88] (at 59.2652245), double 2.572 ulp over 2e7 inputs in
// [-708, 709], a quarter of them scaled towards 0 (at -429.404445247984).
constexpr long double float_bound = 1.5L, double_bound = 3.0L;

}  // namespace

TEST_CASE("fast_exp<float>: within 1.5 ulp of exp over [-87, 88]") {
  using C = sk::exp_constants<float>;
  long double worst = 0;
  float worst_x = 0;
  std::size_t count = 0;
  // Every 1009th bit pattern from +0 to 88 and from -0 to -87: all binades, subnormals included.
  auto sweep = [&](std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t b = from; b <= to; b += 1009, ++count) {
      const float x = std::bit_cast<float>(b);
      const long double e = ulp_error(sk::fast_exp(x), exact_exp(x));
      if (e > worst) worst = e, worst_x = x;
    }
  };
  sweep(0, std::bit_cast<std::uint32_t>(C::hi));
  sweep(0x80000000u, std::bit_cast<std::uint32_t>(C::lo));
  CAPTURE(worst_x);
  CAPTURE(static_cast<double>(worst));
  CHECK(count > 2000000);
  CHECK(worst <= float_bound);
  // The clamp edges, exactly and one float inside.
  for (const float x : {C::lo, C::hi, std::nextafter(C::lo, 0.0f), std::nextafter(C::hi, 0.0f), 0.0f, -0.0f}) {
    CAPTURE(x);
    CHECK(ulp_error(sk::fast_exp(x), exact_exp(x)) <= float_bound);
  }
  CHECK(sk::fast_exp(0.0f) == 1.0f);
}

TEST_CASE("fast_exp<double>: within 3 ulp of exp over [-708, 709]") {
  using C = sk::exp_constants<double>;
  staticnn::train::rng g(17);
  long double worst = 0;
  double worst_x = 0;
  for (int i = 0; i < 2000000; ++i) {
    double x = g.uniform(C::lo, C::hi);
    if (i % 4 == 0) x = std::ldexp(x, -static_cast<int>(g.below(60)));  // towards 0: small |r|
    const long double e = ulp_error(sk::fast_exp(x), exact_exp(x));
    if (e > worst) worst = e, worst_x = x;
  }
  CAPTURE(worst_x);
  CAPTURE(static_cast<double>(worst));
  CHECK(worst <= double_bound);
  for (const double x : {C::lo, C::hi, std::nextafter(C::lo, 0.0), std::nextafter(C::hi, 0.0), 0.0, -0.0, 1.0, -1.0}) {
    CAPTURE(x);
    CHECK(ulp_error(sk::fast_exp(x), exact_exp(x)) <= double_bound);
  }
  CHECK(sk::fast_exp(0.0) == 1.0);
}

TEST_CASE("fast_exp: inputs beyond the clamp give the edge's value; infinities too; NaN stays NaN") {
  auto check_type = [](auto zero) {
    using T = decltype(zero);
    using C = sk::exp_constants<T>;
    constexpr T inf = std::numeric_limits<T>::infinity();
    const T at_lo = sk::fast_exp(C::lo), at_hi = sk::fast_exp(C::hi);
    CHECK(std::isnormal(at_lo));
    CHECK(std::isnormal(at_hi));
    for (const T x : {std::nextafter(C::lo, -inf), C::lo - T(1), T(-1e4), -std::numeric_limits<T>::max(), -inf})
      CHECK(sk::fast_exp(x) == at_lo);
    for (const T x : {std::nextafter(C::hi, inf), C::hi + T(1), T(1e4), std::numeric_limits<T>::max(), inf})
      CHECK(sk::fast_exp(x) == at_hi);
    CHECK(std::isnan(sk::fast_exp(std::numeric_limits<T>::quiet_NaN())));
    CHECK(std::isnan(sk::fast_exp(-std::numeric_limits<T>::quiet_NaN())));
  };
  check_type(0.0f);
  check_type(0.0);
}
