#pragma once
// One output channel's TFLite int8 rescale (fixed_point.hpp's requantize) in ARMv6-M instructions:
// Cortex-M0/M0+ have no 64-bit multiply (SMULL), so the rounding doubling high multiply
//   s = (acc m + 2^30) >> 31   (floor)
// is taken from three 32-bit products of 16-bit halves: acc = ah 2^16 + al with al = (int16)acc,
// m = mh 2^16 + ml with ml = m & 0xFFFF, and
//   s = 2 ah mh + ((ah ml + al mh + ((al ml) >> 16) + 2^14) >> 15),
// exact (the low 16 bits of al ml cannot carry past bit 31 of the sum) as long as every term fits
// an int32: |acc| < 2^29 and 0 <= m < 2^31. Then the rounding divide by 2^e (e = -shift >= 1),
// the zero point and the int8 saturation as fixed_point.hpp's. A channel outside that range
// (a left shift, a negative multiplier, a bound on |acc| of 2^29 or more) takes requantize.
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"

namespace staticnn::kernels::arm {

struct rescale_v6m {
  std::int32_t mh = 0, ml = 0;  // the multiplier's halves
  std::int32_t round = 0, e = 0, zero_point = 0;
  std::int32_t multiplier = 0, shift = 0;  // for the general path
  bool split = false;                      // whether the three-product form applies

  // acc_bound: a bound on |acc| (|bias| + the largest sum of products).
  static constexpr rescale_v6m make(std::int32_t multiplier, std::int32_t shift, std::int32_t zero_point,
                                    std::uint32_t acc_bound) {
    rescale_v6m r;
    r.multiplier = multiplier;
    r.shift = shift;
    r.zero_point = zero_point;
    r.split = acc_bound < (std::uint32_t{1} << 29) && multiplier >= 0 && shift <= -1 && shift >= -31 &&
              zero_point >= -128 && zero_point <= 127;
    if (r.split) {
      r.mh = multiplier >> 16;
      r.ml = multiplier & 0xFFFF;
      r.e = -shift;
      r.round = std::int32_t{1} << (r.e - 1);
    }
    return r;
  }

  // requantize(acc, multiplier, shift, zero_point) for |acc| <= the bound given to make().
  constexpr std::int8_t operator()(std::int32_t acc) const {
    if (!split) return requantize_out_of_line(acc, multiplier, shift, zero_point);
    const std::int32_t al = static_cast<std::int16_t>(acc);
    const std::int32_t ah = (acc - al) >> 16;
    const std::int32_t mid = ah * ml + al * mh + ((al * ml) >> 16) + (std::int32_t{1} << 14);
    const std::int32_t s = ((ah * mh) << 1) + (mid >> 15);
    // rounding_divide_by_pot(s, e): |s| <= |acc| < 2^29, so s + round - [s < 0] fits.
    const std::int32_t v = ((s + round + (s >> 31)) >> e) + zero_point;
    return saturate(v);
  }
  static constexpr std::int8_t saturate(std::int32_t v) {
    if (static_cast<std::uint32_t>(v + 128) > 255u) v = v < 0 ? -128 : 127;
    return static_cast<std::int8_t>(v);
  }

  // y[i] = (*this)(acc[i]) for i < n, the channel's decision taken once.
  void store(const std::int32_t* acc, std::int8_t* y, std::size_t n) const {
    if (!split) {
      for (std::size_t i = 0; i < n; ++i) y[i] = requantize_out_of_line(acc[i], multiplier, shift, zero_point);
      return;
    }
    const std::int32_t h = mh, l = ml, rd = round, ex = e, zp = zero_point;
#pragma GCC unroll 1
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t a = acc[i];
      const std::int32_t al = static_cast<std::int16_t>(a);
      const std::int32_t ah = (a - al) >> 16;
      const std::int32_t mid = ah * l + al * h + ((al * l) >> 16) + (std::int32_t{1} << 14);
      const std::int32_t s = ((ah * h) << 1) + (mid >> 15);
      y[i] = saturate(((s + rd + (s >> 31)) >> ex) + zp);
    }
  }
};

}  // namespace staticnn::kernels::arm
