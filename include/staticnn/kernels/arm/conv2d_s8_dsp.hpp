#pragma once
// Armv7E-M DSP kernel for int8 5x5 stride-1 convolution (Cortex-M4, M7, M33): four neighbouring
// outputs of one channel and row. With P_j = (x_j, x_j+2) as an int16 pair, one output is
//   y_j += P_j . (w0, w2) + P_j+1 . (w1, w3) + x_j+4 w4,
// so the pairs P_0..P_5 of the inputs x_0..x_7 serve all four outputs: three word loads and six
// SXTB16 unpack them, eight SMLADs and four SMLABB/SMLATBs (x4..x7 times w4) add the 20 products. The kernel row's weights
// [w0 w1 w2 w3][w4] (OIHW as exported, no reordering) unpack with two SXTB16 per row.
#include <cstddef>
#include <cstdint>

#include "../target.hpp"

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_DSP
// acc[0..4) += the products of this channel's C x 5 x 5 weights w with the windows starting at
// x, x + 1, x + 2, x + 3 (row stride W, channel stride H * W). In asm: the unpacking needs the
// rotates folded into SXTB16 and all pairs in registers, which GCC's code does not keep.
template <std::size_t C, std::size_t H, std::size_t W>
[[gnu::always_inline]] inline void conv5x4_s8(const std::int8_t* x, const std::int8_t* w, std::int32_t* acc) {
  static_assert(W < 256 && (H - 5) * W < 4096, "conv5x4_s8: row offsets must fit the load immediates");
  std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  unsigned channels = C;
  std::int32_t t0, t1, t2, t3, t4, t5;
  // One kernel row: A = (w0, w2) in t2, B = (w1, w3) in t0, w4 in t1; P_j pairs in t3-t5.
#define STATICNN_CONV5X4_S8_ROW                                                                     \
  "ldr %[t0], [%[w]], #5\n"                                                                        \
  "ldrsb %[t1], [%[w], #-1]\n"                                                                     \
  "sxtb16 %[t2], %[t0]\n"                                                                          \
  "sxtb16 %[t0], %[t0], ror #8\n"                                                                  \
  "ldr %[t3], [%[x]], #%c[rs]\n"                                                                   \
  "sxtb16 %[t4], %[t3]\n"                                                                          \
  "smlad %[a0], %[t4], %[t2], %[a0]\n"                                                             \
  "sxtb16 %[t3], %[t3], ror #8\n"                                                                  \
  "smlad %[a0], %[t3], %[t0], %[a0]\n"                                                             \
  "smlad %[a1], %[t3], %[t2], %[a1]\n"                                                             \
  "ldr %[t4], [%[x], #2-%c[rs]]\n"                                                                 \
  "sxtb16 %[t5], %[t4]\n"                                                                          \
  "smlad %[a1], %[t5], %[t0], %[a1]\n"                                                             \
  "smlad %[a2], %[t5], %[t2], %[a2]\n"                                                             \
  "sxtb16 %[t4], %[t4], ror #8\n"                                                                  \
  "smlad %[a2], %[t4], %[t0], %[a2]\n"                                                             \
  "smlad %[a3], %[t4], %[t2], %[a3]\n"                                                             \
  "ldr %[t4], [%[x], #4-%c[rs]]\n"                                                                 \
  "sxtb16 %[t5], %[t4]\n"                                                                          \
  "smlad %[a3], %[t5], %[t0], %[a3]\n"                                                             \
  "smlabb %[a0], %[t5], %[t1], %[a0]\n"                                                            \
  "smlatb %[a2], %[t5], %[t1], %[a2]\n"                                                            \
  "sxtb16 %[t4], %[t4], ror #8\n"                                                                  \
  "smlabb %[a1], %[t4], %[t1], %[a1]\n"                                                            \
  "smlatb %[a3], %[t4], %[t1], %[a3]\n"
  asm volatile(
      "1:\n" STATICNN_CONV5X4_S8_ROW STATICNN_CONV5X4_S8_ROW STATICNN_CONV5X4_S8_ROW STATICNN_CONV5X4_S8_ROW
          STATICNN_CONV5X4_S8_ROW
      ".if %c[cs]\naddw %[x], %[x], #%c[cs]\n.endif\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [w] "+r"(w), [n] "+r"(channels),
        [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5)
      : [rs] "i"(W), [cs] "i"((H - 5) * W)
      : "cc", "memory");
#undef STATICNN_CONV5X4_S8_ROW
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}
#else
template <std::size_t C, std::size_t H, std::size_t W>
void conv5x4_s8(const std::int8_t* x, const std::int8_t* w, std::int32_t* acc);  // Armv7E-M DSP only
#endif

}  // namespace staticnn::kernels::arm
