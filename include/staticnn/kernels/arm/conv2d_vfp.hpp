#pragma once
// Cortex-M VFP micro-kernel for a 5x5, stride-1 convolution: eight neighbouring outputs of one
// output channel and row, accumulated in s0-s7 over every input channel and kernel row. Per kernel
// row one VLDM brings the 12 inputs (s8-s19), one VLDM the 5 weights (s20-s24), then 40 VFMAs.
// Only built where kernels::target::arm_vfp holds; the
// portable kernel (kernels/conv2d.hpp) computes the same sums in another order.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

// Input rows of W floats, H rows per channel, C channels; the offsets the kernel adds to its input
// pointer must fit ADDW's 12-bit immediate.
template <std::size_t C, std::size_t H, std::size_t W>
inline constexpr bool conv5x8_fits = W >= 12 && (W - 12) * 4 < 4096 && (H - 5) * W * 4 < 4096 && H >= 5;

#ifdef STATICNN_ARM_VFP
// y[0..8) = b8[0..8) + sum_{c,ky,kx} w[(c*5 + ky)*5 + kx] * x[c*H*W + ky*W + kx + i].
template <std::size_t C, std::size_t H, std::size_t W>
[[gnu::always_inline]] inline void conv5x8(const float* x, const float* w, const float* b8, float* y) {
  static_assert(conv5x8_fits<C, H, W>);
  // The body is written out rather than .rept-ed: GCC sizes an asm statement by its lines, and
  // places literal pools by that size.
#define STATICNN_CONV5X8_ROW                                                                                 \
  "vldm %[x]!, {s8-s19}\n"                                                                                  \
  ".if %c[rs]\naddw %[x], %[x], #%c[rs]\n.endif\n"                                                         \
  "vldm %[w]!, {s20-s24}\n"                                                                                 \
  "vfma.f32 s0, s20, s8\nvfma.f32 s1, s20, s9\nvfma.f32 s2, s20, s10\nvfma.f32 s3, s20, s11\n"             \
  "vfma.f32 s4, s20, s12\nvfma.f32 s5, s20, s13\nvfma.f32 s6, s20, s14\nvfma.f32 s7, s20, s15\n"           \
  "vfma.f32 s0, s21, s9\nvfma.f32 s1, s21, s10\nvfma.f32 s2, s21, s11\nvfma.f32 s3, s21, s12\n"            \
  "vfma.f32 s4, s21, s13\nvfma.f32 s5, s21, s14\nvfma.f32 s6, s21, s15\nvfma.f32 s7, s21, s16\n"           \
  "vfma.f32 s0, s22, s10\nvfma.f32 s1, s22, s11\nvfma.f32 s2, s22, s12\nvfma.f32 s3, s22, s13\n"           \
  "vfma.f32 s4, s22, s14\nvfma.f32 s5, s22, s15\nvfma.f32 s6, s22, s16\nvfma.f32 s7, s22, s17\n"           \
  "vfma.f32 s0, s23, s11\nvfma.f32 s1, s23, s12\nvfma.f32 s2, s23, s13\nvfma.f32 s3, s23, s14\n"           \
  "vfma.f32 s4, s23, s15\nvfma.f32 s5, s23, s16\nvfma.f32 s6, s23, s17\nvfma.f32 s7, s23, s18\n"           \
  "vfma.f32 s0, s24, s12\nvfma.f32 s1, s24, s13\nvfma.f32 s2, s24, s14\nvfma.f32 s3, s24, s15\n"           \
  "vfma.f32 s4, s24, s16\nvfma.f32 s5, s24, s17\nvfma.f32 s6, s24, s18\nvfma.f32 s7, s24, s19\n"
  unsigned channels = C;
  asm volatile(
      "vldm %[b], {s0-s7}\n"
      "1:\n"
      STATICNN_CONV5X8_ROW STATICNN_CONV5X8_ROW STATICNN_CONV5X8_ROW STATICNN_CONV5X8_ROW STATICNN_CONV5X8_ROW
      ".if %c[cs]\naddw %[x], %[x], #%c[cs]\n.endif\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      "vstm %[y], {s0-s7}\n"
      : [x] "+r"(x), [w] "+r"(w), [n] "+r"(channels)
      : [b] "r"(b8), [y] "r"(y), [rs] "i"((W - 12) * 4), [cs] "i"((H - 5) * W * 4)
      : "cc", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15",
        "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "memory");
#undef STATICNN_CONV5X8_ROW
}
#else
template <std::size_t C, std::size_t H, std::size_t W>
void conv5x8(const float* x, const float* w, const float* b8, float* y);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
