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
// A rescale made `negated` takes -acc (mod 2^32) instead of acc: the form then runs on the halves of
// -m (mh in [-2^15, 0], the same bounds), which gives the same s since (-acc) m = acc (-m).
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"

namespace staticnn::kernels::arm {

struct rescale_v6m {
  std::int32_t mh = 0, ml = 0;  // the multiplier's halves
  std::int32_t e = 0;           // the right shift
  std::int32_t offset = 0;      // 2^(e-1) + (zero_point << e): the rounding and the zero point before the shift
  std::int32_t multiplier = 0, shift = 0, zero_point = 0;  // for the general path
  bool split = false;    // whether the three-product form applies
  bool negated = false;  // whether the argument is -acc

  // acc_bound: a bound on |acc| (|bias| + the largest sum of products). The form needs |acc| <
  // 2^29, 0 <= multiplier, a right shift e in [1, 22] (zero_point << e then fits beside s) and an
  // int8 zero point.
  static constexpr rescale_v6m make(std::int32_t multiplier, std::int32_t shift, std::int32_t zero_point,
                                    std::uint32_t acc_bound, bool negated = false) {
    rescale_v6m r;
    r.negated = negated;
    r.multiplier = multiplier;
    r.shift = shift;
    r.zero_point = zero_point;
    r.split = acc_bound < (std::uint32_t{1} << 29) && multiplier >= 0 && shift <= -1 && shift >= -22 &&
              zero_point >= -128 && zero_point <= 127;
    if (r.split) {
      const std::int32_t m = negated ? -multiplier : multiplier;
      r.mh = m >> 16;
      r.ml = m & 0xFFFF;
      r.e = -shift;
      r.offset = (std::int32_t{1} << (r.e - 1)) + static_cast<std::int32_t>(static_cast<std::uint32_t>(zero_point) << r.e);
    }
    return r;
  }

  static constexpr std::int32_t negate(std::int32_t v) {
    return static_cast<std::int32_t>(0u - static_cast<std::uint32_t>(v));
  }

  static constexpr std::int8_t saturate(std::int32_t v) {
    if (static_cast<std::uint32_t>(v + 128) > 255u) v = v < 0 ? -128 : 127;
    return static_cast<std::int8_t>(v);
  }

  // requantize(acc, multiplier, shift, zero_point) for |acc| <= the bound given to make().
  // (s + 2^(e-1) - [s < 0]) >> e is rounding_divide_by_pot; adding zero_point << e before the shift
  // adds zero_point after it.
  constexpr std::int8_t operator()(std::int32_t acc) const {
    if (!split) return requantize_out_of_line(negated ? negate(acc) : acc, multiplier, shift, zero_point);
    const std::int32_t al = static_cast<std::int16_t>(acc);
    const std::int32_t ah = (acc - al) >> 16;
    const std::int32_t mid = ah * ml + al * mh + ((al * ml) >> 16) + (std::int32_t{1} << 14);
    const std::int32_t s = ((ah * mh) << 1) + (mid >> 15);
    return saturate((s + offset + (s >> 31)) >> e);
  }

  // y[i] = (*this)(acc[i]) for 0 < n, the channel's decision taken once (store_n an output at a
  // time: the kernels take the unrolled store_n).
  void store(const std::int32_t* acc, std::int8_t* y, std::size_t n) const {
    for (std::size_t i = 0; i < n; ++i) store_n<1>(acc + i, y + i);
  }

  // store(acc, y, N) for a count known when compiling: the outputs unrolled, at immediate offsets.
  template <std::size_t N>
  void store_n(const std::int32_t* acc, std::int8_t* y) const {
    static_assert(N >= 1 && N <= out_reach + 1, "rescale_v6m::store_n: outputs beyond STRB's reach");
    if (!split) {
      for (std::size_t i = 0; i < N; ++i) y[i] = (*this)(acc[i]);
      return;
    }
    store_split<N>(acc, y);
  }

  // store_n in the three-product form. Out of line and one asm statement: GCC sizes asm by its
  // lines, and would otherwise place literal pools and short branches across the unrolled body.
  template <std::size_t N>
  [[gnu::noinline]] void store_split(const std::int32_t* acc, std::int8_t* y) const {
#ifdef STATICNN_ARM_V6M_ASM
    // operator()'s steps, 30 instructions an output i: LDR from acc + 4 i, STRB to y + i.
    // Registers: ap, yp, a, al, t, the halves ml and mh; high: half (2^14), offset, e (seven low
    // registers: r7 may be the frame pointer).
    std::int32_t a, al, t;
    std::int32_t h = mh, l = ml, ex = e, half = std::int32_t{1} << 14, off = offset;
    asm volatile(
        ".syntax unified\n"
        ".set snn_o, 0\n"
        ".rept %c[n]\n"
        "ldr %[a], [%[ap], #4 * snn_o]\n"
        "sxth %[al], %[a]\n"
        "subs %[a], %[a], %[al]\n"
        "asrs %[a], %[a], #16\n"
        "movs %[t], %[al]\n"
        "muls %[t], %[ml], %[t]\n"
        "asrs %[t], %[t], #16\n"
        "muls %[al], %[mh], %[al]\n"
        "adds %[t], %[t], %[al]\n"
        "movs %[al], %[a]\n"
        "muls %[al], %[ml], %[al]\n"
        "adds %[t], %[t], %[al]\n"
        "add %[t], %[half]\n"
        "asrs %[t], %[t], #15\n"
        "muls %[a], %[mh], %[a]\n"
        "lsls %[a], %[a], #1\n"
        "adds %[t], %[t], %[a]\n"
        "asrs %[a], %[t], #31\n"
        "adds %[t], %[t], %[a]\n"
        "add %[t], %[offset]\n"
        "mov %[a], %[e]\n"
        "asrs %[t], %[a]\n"
        "movs %[a], %[t]\n"
        "adds %[a], #128\n"
        "lsrs %[a], %[a], #8\n"
        "beq 2f\n"
        "asrs %[t], %[t], #31\n"  // outside int8: -1 -> -128, 0 -> 127
        "movs %[a], #127\n"
        "eors %[t], %[a]\n"
        "2: strb %[t], [%[yp], #snn_o]\n"
        ".set snn_o, snn_o + 1\n"
        ".endr\n"
        : [a] "=&l"(a), [al] "=&l"(al), [t] "=&l"(t)
        : [ap] "l"(acc), [yp] "l"(y), [n] "i"(N), [ml] "l"(l), [mh] "l"(h), [e] "h"(ex), [half] "h"(half),
          [offset] "h"(off)
        : "cc", "memory");
#else
    for (std::size_t i = 0; i < N; ++i) y[i] = (*this)(acc[i]);
#endif
  }

  static constexpr std::size_t out_reach = 31;  // STRB Rt, [Rn, #imm5]; LDR's word offsets reach as far
};


}  // namespace staticnn::kernels::arm
