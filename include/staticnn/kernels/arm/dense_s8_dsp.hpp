#pragma once
// Armv7E-M DSP kernel for int8 dot products of four weight rows with one input (Cortex-M4, M7,
// M33): per four inputs one word [x0 x1 x2 x3] unpacks with SXTB16 into (x0, x2) and, rotated
// by 8, (x1, x3), shared by the four rows; each row's word of weights unpacks the same way and
// two SMLADs add its four products: 25 instructions for 16 multiply-adds. Rows are M bytes apart,
// read at immediate offsets from one pointer (M < 1366).
#include <cstddef>
#include <cstdint>

#include "../target.hpp"

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_DSP
// acc[r] += w[r * M .. r * M + M) . x[0 .. M) for r < 4 (int32), M a multiple of 4.
template <std::size_t M>
[[gnu::always_inline]] inline void dot4_s8(const std::int8_t* x, const std::int8_t* w, std::int32_t* acc) {
  static_assert(M % 4 == 0 && 3 * M < 4096, "dot4_s8: rows must fit the load immediates");
  std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], x02, x13, t0, t1;
  unsigned n = M / 4;
#define STATICNN_DOT4_ROW(A, OFF)                                                                   \
  "ldr %[t0], [%[w], #" OFF "]\n"                                                                   \
  "sxtb16 %[t1], %[t0]\n"                                                                           \
  "smlad %[" A "], %[x02], %[t1], %[" A "]\n"                                                       \
  "sxtb16 %[t0], %[t0], ror #8\n"                                                                   \
  "smlad %[" A "], %[x13], %[t0], %[" A "]\n"
  asm volatile(
      "1:\n"
      "ldr %[t0], [%[x]], #4\n"
      "sxtb16 %[x02], %[t0]\n"
      "sxtb16 %[x13], %[t0], ror #8\n"
      STATICNN_DOT4_ROW("a1", "%c[m1]") STATICNN_DOT4_ROW("a2", "%c[m2]") STATICNN_DOT4_ROW("a3", "%c[m3]")
      "ldr %[t0], [%[w]], #4\n"
      "sxtb16 %[t1], %[t0]\n"
      "smlad %[a0], %[x02], %[t1], %[a0]\n"
      "sxtb16 %[t0], %[t0], ror #8\n"
      "smlad %[a0], %[x13], %[t0], %[a0]\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [w] "+r"(w), [n] "+r"(n),
        [x02] "=&r"(x02), [x13] "=&r"(x13), [t0] "=&r"(t0), [t1] "=&r"(t1)
      : [m1] "i"(M), [m2] "i"(2 * M), [m3] "i"(3 * M)
      : "cc", "memory");
#undef STATICNN_DOT4_ROW
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}
#else
template <std::size_t M>
void dot4_s8(const std::int8_t* x, const std::int8_t* w, std::int32_t* acc);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
