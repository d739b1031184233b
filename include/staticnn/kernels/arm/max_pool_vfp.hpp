#pragma once
// Cortex-M VFP kernel for one pooled row of 2x2 float max pooling, four outputs a step: two VLDMs
// bring the step's 8 inputs of each of the two rows into s0-s7 and s8-s15, then per output three
// compare-and-moves (VCMPE, VMRS, IT MI, VMOVMI: r = v where r < v) from its top-left input, in
// the order of pool_layer::reduce (r = max(r, v) = r < v ? v : r), so the same value, NaN
// included. One VSTM (with write-back) an output.
#include <cstddef>
#include <cstdint>

#include "../target.hpp"

namespace staticnn::kernels::arm {

inline constexpr std::size_t max_pool2_f32_step_outputs = 4;
inline constexpr std::size_t relu_max_pool2_f32_step_outputs = 2;  // relu_max_pool2_row_f32

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

// ReLU of one pooled row of 2x2 max pooling, two outputs a step, on the values' bits as int32:
// y[px] = relu(max of its 4 inputs) as the largest of their bit patterns, compared as signed
// integers, with the sign bit's word cleared (BIC with itself shifted right by 31). Among
// non-negative floats integer order is float order and every negative float is a negative
// integer, so that is relu_vfp.hpp's ReLU of the float maximum, bit for bit, for inputs without a
// NaN. Per step: 2 LDM, 6 compare-and-moves (CMP, IT LT, MOVLT), 2 BIC, 1 STM.
// steps >= 1; out of line for the reason above.
template <std::size_t W>
[[gnu::noinline]] void relu_max_pool2_row_f32(const float* rows, float* y, std::size_t steps) {
  const float* bottom = rows + W;
  register std::int32_t a0 asm("r0"), b0 asm("r1"), a1 asm("r2"), b1 asm("r3");  // top row: outputs 0, 1
  register std::int32_t c0 asm("r4"), d0 asm("r5"), c1 asm("r6"), d1 asm("r7");  // bottom row
  asm volatile(
      ".macro snn_max%= r, v\n"
      "cmp \\r, \\v\n"
      "it lt\n"
      "movlt \\r, \\v\n"
      ".endm\n"
      "1:\n"
      "ldm %[top]!, {%[a0], %[b0], %[a1], %[b1]}\n"
      "ldm %[bottom]!, {%[c0], %[d0], %[c1], %[d1]}\n"
      "snn_max%= %[a0], %[b0]\nsnn_max%= %[a0], %[c0]\nsnn_max%= %[a0], %[d0]\n"
      "snn_max%= %[a1], %[b1]\nsnn_max%= %[a1], %[c1]\nsnn_max%= %[a1], %[d1]\n"
      "bic %[a0], %[a0], %[a0], asr #31\n"
      "bic %[a1], %[a1], %[a1], asr #31\n"
      "stm %[y]!, {%[a0], %[a1]}\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".purgem snn_max%=\n"
      : [top] "+r"(rows), [bottom] "+r"(bottom), [y] "+r"(y), [n] "+r"(steps), [a0] "=&r"(a0), [b0] "=&r"(b0),
        [a1] "=&r"(a1), [b1] "=&r"(b1), [c0] "=&r"(c0), [d0] "=&r"(d0), [c1] "=&r"(c1), [d1] "=&r"(d1)
      :
      : "cc", "memory");
  static_assert(relu_max_pool2_f32_step_outputs == 2, "relu_max_pool2_row_f32: 4 inputs a row in r0-r3, r4-r7");
}
#else
template <std::size_t W>
void max_pool2_row_f32(const float* rows, float* y, std::size_t steps);  // Arm VFP only
template <std::size_t W>
void relu_max_pool2_row_f32(const float* rows, float* y, std::size_t steps);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
