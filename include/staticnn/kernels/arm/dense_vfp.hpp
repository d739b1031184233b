#pragma once
// Cortex-M VFP micro-kernel for two dot products that share their input: per 8 inputs one VLDM of
// the inputs (s16-s23) and one of each weight row (s0-s7, s8-s15), then 16 VFMAs. Only built where
// kernels::target::arm_vfp holds.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_VFP
// a0 += w0[0..M8*8) . x[...], a1 += w1[...] . x[...]; pointers are advanced past what was read.
template <std::size_t M8>
[[gnu::always_inline]] inline void dot2x8(const float*& x, const float*& w0, const float*& w1, float& a0, float& a1) {
#define STATICNN_DOT2X8                                                                                        \
  "vldm %[x]!, {s16-s23}\nvldm %[w0]!, {s0-s7}\nvldm %[w1]!, {s8-s15}\n"                                      \
  "vfma.f32 %[a0], s0, s16\nvfma.f32 %[a0], s1, s17\nvfma.f32 %[a0], s2, s18\nvfma.f32 %[a0], s3, s19\n"      \
  "vfma.f32 %[a0], s4, s20\nvfma.f32 %[a0], s5, s21\nvfma.f32 %[a0], s6, s22\nvfma.f32 %[a0], s7, s23\n"      \
  "vfma.f32 %[a1], s8, s16\nvfma.f32 %[a1], s9, s17\nvfma.f32 %[a1], s10, s18\nvfma.f32 %[a1], s11, s19\n"    \
  "vfma.f32 %[a1], s12, s20\nvfma.f32 %[a1], s13, s21\nvfma.f32 %[a1], s14, s22\nvfma.f32 %[a1], s15, s23\n"
  // A loop of two blocks of 8, then one more block when M8 is odd.
  unsigned pairs = M8 / 2;
  asm volatile(
      ".if %c[p]\n"
      "1:\n" STATICNN_DOT2X8 STATICNN_DOT2X8
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".endif\n"
      ".if %c[odd]\n" STATICNN_DOT2X8 ".endif\n"
      : [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [a0] "+t"(a0), [a1] "+t"(a1), [n] "+r"(pairs)
      : [p] "i"(M8 / 2), [odd] "i"(M8 % 2)
      : "cc", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15",
        "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "memory");
#undef STATICNN_DOT2X8
}
#else
template <std::size_t M8>
void dot2x8(const float*& x, const float*& w0, const float*& w1, float& a0, float& a1);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
