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

template <class T>
[[gnu::always_inline]] inline T fast_exp(T x) {
  static_assert(std::is_floating_point_v<T>);
  constexpr bool is_float = std::is_same_v<T, float>;
  using I = std::conditional_t<is_float, std::int32_t, std::int64_t>;
  constexpr T lo = is_float ? T(-87.0) : T(-708.0), hi = is_float ? T(88.0) : T(709.0);
  constexpr T log2e = T(1.4426950408889634), ln2_hi = T(0.693145751953125), ln2_lo = T(1.42860682030941723212e-6);
  constexpr T round = is_float ? T(12582912.0) : T(6755399441055744.0);  // 1.5 * 2^23 (2^52)
  const T xc = x < lo ? lo : (x > hi ? hi : (x == x ? x : T(0)));
  const T n = (xc * log2e + round) - round;  // round to nearest
  const T r = (xc - n * ln2_hi) - n * ln2_lo;
  T p;
  if constexpr (is_float) {
    p = T(1) + r * (T(1) + r * (T(1.0 / 2) + r * (T(1.0 / 6) + r * (T(1.0 / 24) + r * (T(1.0 / 120) +
        r * (T(1.0 / 720) + r * T(1.0 / 5040)))))));
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
