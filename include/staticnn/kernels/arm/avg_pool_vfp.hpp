#pragma once
// Cortex-M VFP kernel for one pooled row of 2x2 float average pooling, four outputs a step: two
// VLDMs bring the step's 8 inputs of each of the two rows into s0-s7 and s8-s15, then per output
//   (((+0 + top-left) + top-right) + bottom-left) + bottom-right, times 0.25
// (VADDs into s16-s19, a VMUL each), the order and the constants of pool_layer::reduce, so the
// same value bit for bit (a window of -0.0 included: its first step is +0 + -0 = +0). One VSTM
// (with write-back) the step's four outputs.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

inline constexpr std::size_t avg_pool2_f32_step_outputs = 4;

#ifdef STATICNN_ARM_VFP
// y[px] = the average above of rows[2 px], rows[2 px + 1], rows[W + 2 px], rows[W + 2 px + 1]
// for px < 4 steps, steps >= 1. Out of line: GCC sizes the asm by its lines, not the
// instructions its macros expand to. Registers: s0-s15 the inputs, s16-s19 the sums, s20 +0,
// s21 0.25.
template <std::size_t W>
[[gnu::noinline]] void avg_pool2_row_f32(const float* rows, float* y, std::size_t steps) {
  const float* bottom = rows + W;
  unsigned zero = 0;
  asm volatile(
      ".altmacro\n"
      ".macro snn_window%= r, a, b, c, d\n"
      "vadd.f32 s\\r, s20, s\\a\n"
      "vadd.f32 s\\r, s\\r, s\\b\n"
      "vadd.f32 s\\r, s\\r, s\\c\n"
      "vadd.f32 s\\r, s\\r, s\\d\n"
      "vmul.f32 s\\r, s\\r, s21\n"
      ".endm\n"
      ".macro snn_out%= j\n"
      "snn_window%= %%(16+\\j), %%(2*\\j), %%(2*\\j+1), %%(8+2*\\j), %%(9+2*\\j)\n"
      ".endm\n"
      "vmov s20, %[zero]\n"
      "vmov.f32 s21, #0.25\n"
      "1:\n"
      "vldmia %[top]!, {s0-s7}\n"
      "vldmia %[bottom]!, {s8-s15}\n"
      "snn_out%= 0\nsnn_out%= 1\nsnn_out%= 2\nsnn_out%= 3\n"
      "vstmia %[y]!, {s16-s19}\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".purgem snn_out%=\n.purgem snn_window%=\n"
      ".noaltmacro\n"
      : [top] "+r"(rows), [bottom] "+r"(bottom), [y] "+r"(y), [n] "+r"(steps)
      : [zero] "r"(zero)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
        "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21");
  static_assert(avg_pool2_f32_step_outputs == 4, "avg_pool2_row_f32: 8 inputs a row in s0-s7, s8-s15");
}
#else
template <std::size_t W>
void avg_pool2_row_f32(const float* rows, float* y, std::size_t steps);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
