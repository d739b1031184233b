#pragma once
// exp for float and double without a library call, so loops over it vectorise (and firmware
// avoids newlib's expf): Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, a degree-7 (float)
// or degree-12 (double) Taylor polynomial, and 2^n built from the exponent bits. Accurate to a
// few ulp; inputs are clamped to [-87, 88] (float) or [-708, 709] (double), so results stay finite and normal
// NaN stays NaN.
#include <bit>
#include <cstdint>
#include <type_traits>

namespace staticnn::kernels {

// fast_exp's constants for T: the clamp, the Cody-Waite split of ln 2 and the round-to-nearest
// shift (1.5 * 2^23 for float, 1.5 * 2^52 for double).
template <class T>
struct exp_constants {
  static_assert(std::is_floating_point_v<T>);
  static constexpr bool is_float = std::is_same_v<T, float>;
  static constexpr T lo = is_float ? T(-87.0) : T(-708.0), hi = is_float ? T(88.0) : T(709.0);
  static constexpr T log2e = T(1.4426950408889634), ln2_hi = T(0.693145751953125),
                     ln2_lo = T(1.42860682030941723212e-6);
  static constexpr T round = is_float ? T(12582912.0) : T(6755399441055744.0);
};

// The steps of fast_exp on a clamped x, for a scalar T or a GCC vector V of T (kernels/
// sigmoid_simd.hpp runs them lane by lane): n = x / ln2 rounded to nearest, r = x - n ln2.
template <class T, class V>
[[gnu::always_inline]] inline void exp_reduce(const V& xc, V& n, V& r) {
  using C = exp_constants<T>;
  n = (xc * C::log2e + C::round) - C::round;
  r = (xc - n * C::ln2_hi) - n * C::ln2_lo;
}
// p = e^r for |r| <= ln2/2, float: the degree-7 Taylor polynomial. (Out parameters, not a
// returned vector: a vector by value would be an ABI question GCC warns about.)
template <class V>
[[gnu::always_inline]] inline void exp_poly_float(const V& r, V& p) {
  p = 1.0f + r * (1.0f + r * (float(1.0 / 2) + r * (float(1.0 / 6) + r * (float(1.0 / 24) + r * (float(1.0 / 120) +
         r * (float(1.0 / 720) + r * float(1.0 / 5040)))))));
}

template <class T>
[[gnu::always_inline]] inline T fast_exp(T x) {
  using C = exp_constants<T>;
  constexpr bool is_float = C::is_float;
  using I = std::conditional_t<is_float, std::int32_t, std::int64_t>;
  const T xc = x < C::lo ? C::lo : (x > C::hi ? C::hi : (x == x ? x : T(0)));
  T n, r;
  exp_reduce<T>(xc, n, r);
  T p;
  if constexpr (is_float) {
    exp_poly_float(r, p);
  } else {
    p = T(1.0 / 479001600);
    for (int k = 11; k >= 0; --k) {
      T f = 1;
      for (int j = 2; j <= k; ++j) f *= T(j);
      p = p * r + T(1) / f;
    }
  }
  constexpr int mantissa = is_float ? 23 : 52, bias = is_float ? 127 : 1023;
  const T scale = std::bit_cast<T>(static_cast<I>((static_cast<I>(n) + bias)) << mantissa);
  const T e = p * scale;
  return x == x ? e : x;
}

}  // namespace staticnn::kernels
