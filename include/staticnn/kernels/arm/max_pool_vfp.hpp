#pragma once
// Cortex-M VFP kernel for one pooled row of 2x2 float max pooling, four outputs a step: two VLDMs
// bring the step's 8 inputs of each of the two rows into s0-s7 and s8-s15, then per output three
// compare-and-moves (VCMPE, VMRS, IT MI, VMOVMI: r = v where r < v) from its top-left input, in
// the order of pool_layer::reduce (r = max(r, v) = r < v ? v : r), so the same value, NaN
// included. One VSTM (with write-back) an output.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

inline constexpr std::size_t max_pool2_f32_step_outputs = 4;

#ifdef STATICNN_ARM_VFP
// y[px] = max(rows[2 px], rows[2 px + 1], rows[W + 2 px], rows[W + 2 px + 1]) for px < 4 steps,
// steps >= 1.
// Out of line: GCC sizes the asm by its lines, not the instructions its macros expand to, and
// would place a caller's literal pool out of reach.
template <std::size_t W>
[[gnu::noinline]] void max_pool2_row_f32(const float* rows, float* y, std::size_t steps) {
  const float* bottom = rows + W;
  asm volatile(
      ".altmacro\n"
      ".macro snn_max%= r, v\n"
      "vcmpe.f32 s\\r, s\\v\n"
      "vmrs APSR_nzcv, fpscr\n"
      "it mi\n"
      "vmovmi.f32 s\\r, s\\v\n"
      ".endm\n"
      ".macro snn_vstr%= r\n"
      "vstmia %[y]!, {s\\r}\n"
      ".endm\n"
      ".macro snn_out%= j\n"
      "snn_max%= %%(2*\\j), %%(2*\\j+1)\n"
      "snn_max%= %%(2*\\j), %%(8+2*\\j)\n"
      "snn_max%= %%(2*\\j), %%(8+2*\\j+1)\n"
      "snn_vstr%= %%(2*\\j)\n"
      ".endm\n"
      "1:\n"
      "vldmia %[top]!, {s0-s7}\n"
      "vldmia %[bottom]!, {s8-s15}\n"
      "snn_out%= 0\nsnn_out%= 1\nsnn_out%= 2\nsnn_out%= 3\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".purgem snn_out%=\n.purgem snn_vstr%=\n.purgem snn_max%=\n"
      ".noaltmacro\n"
      : [top] "+r"(rows), [bottom] "+r"(bottom), [y] "+r"(y), [n] "+r"(steps)
      :
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
        "s14", "s15");
  static_assert(max_pool2_f32_step_outputs == 4, "max_pool2_row_f32: 8 inputs a row in s0-s7, s8-s15");
}
#else
template <std::size_t W>
void max_pool2_row_f32(const float* rows, float* y, std::size_t steps);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
