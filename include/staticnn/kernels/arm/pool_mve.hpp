#pragma once
// Armv8.1-M MVE (Helium) kernels for one pooled row of 2x2 float pooling, four outputs a step:
// VLD20/VLD21 split each input row's 8 values of the step into its even and odd columns (the
// left and right inputs of the 4 windows), then lane-wise:
//   avg_pool2_row_mve: ((top-left + top-right) + bottom-left + bottom-right) * 0.25 in the order
//     pool_layer::reduce adds them (its first step, 0 + top-left, differs only in a zero's sign);
//   relu_max_pool2_row_mve: relu of the window's maximum on the values' bits as int32, as
//     max_pool_vfp.hpp's relu_max_pool2_row_f32 computes it (VMAX.S32, then the word cleared
//     where its sign bit is set), bit for bit.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

inline constexpr std::size_t pool2_mve_step_outputs = 4;

#ifdef STATICNN_ARM_MVE
// y[px] for px < 4 steps (steps >= 1), rows: two rows W apart; ReluMax: the ReLU of the maximum,
// else the average. Out of line (see max_pool_vfp.hpp).
template <std::size_t W, bool ReluMax>
[[gnu::noinline]] void pool2_row_mve(const float* rows, float* y, std::size_t steps) {
  const float* bottom = rows + W;
  asm volatile(
      "1:\n"
      "vld20.32 {q0, q1}, [%[top]]\n"
      "vld21.32 {q0, q1}, [%[top]]!\n"
      "vld20.32 {q2, q3}, [%[bottom]]\n"
      "vld21.32 {q2, q3}, [%[bottom]]!\n"
      ".if %c[relu_max]\n"
      "vmax.s32 q0, q0, q1\nvmax.s32 q2, q2, q3\nvmax.s32 q0, q0, q2\n"
      "vshr.s32 q1, q0, #31\nvbic q0, q0, q1\n"
      ".else\n"
      "vadd.f32 q0, q0, q1\nvadd.f32 q0, q0, q2\nvadd.f32 q0, q0, q3\n"
      "vmul.f32 q0, q0, %[quarter]\n"
      ".endif\n"
      "vstrw.32 q0, [%[y]], #16\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      : [top] "+r"(rows), [bottom] "+r"(bottom), [y] "+r"(y), [n] "+r"(steps)
      : [quarter] "r"(0.25f), [relu_max] "i"(ReluMax ? 1 : 0)
      : "cc", "memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7");
  static_assert(pool2_mve_step_outputs == 4, "pool2_row_mve: 8 inputs a row in two vectors");
}
template <std::size_t W>
void avg_pool2_row_mve(const float* rows, float* y, std::size_t steps) {
  pool2_row_mve<W, false>(rows, y, steps);
}
template <std::size_t W>
void relu_max_pool2_row_mve(const float* rows, float* y, std::size_t steps) {
  pool2_row_mve<W, true>(rows, y, steps);
}
#else
template <std::size_t W>
void avg_pool2_row_mve(const float* rows, float* y, std::size_t steps);  // Armv8.1-M MVE only
template <std::size_t W>
void relu_max_pool2_row_mve(const float* rows, float* y, std::size_t steps);  // Armv8.1-M MVE only
#endif

}  // namespace staticnn::kernels::arm
