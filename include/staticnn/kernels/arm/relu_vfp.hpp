#pragma once
// ReLU and ReLU6 over a float array on Cortex-M VFP targets, as integer operations on the values' bits:
// y = x with its sign bit clear, else +0 (BIC with the word shifted right arithmetically by 31).
// That is relu_op's x > 0 ? x : 0 for every value but a NaN with its sign bit clear, which
// stays NaN (as PyTorch's relu keeps NaN). Four values a loop (LDM, 4 BIC, STM), then one at a time.
#include <cstddef>
#include <cstdint>

#include "../target.hpp"

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_VFP
// y[i] = relu(x[i]) for i < n (x == y allowed; both 4-byte aligned). Not inlined: one copy of the
// code serves every layer.
[[gnu::noinline]] inline void relu_f32(const float* x, float* y, std::size_t n) {
  constexpr std::size_t per_loop = 4;  // values per LDM/STM (r0-r3)
  register std::int32_t v0 asm("r0"), v1 asm("r1"), v2 asm("r2"), v3 asm("r3");
  const float* src = x;
  float* dst = y;
  if (std::size_t loops = n / per_loop; loops > 0)
    asm volatile("1:\n"
                 "ldm %[x]!, {%[v0], %[v1], %[v2], %[v3]}\n"
                 "bic %[v0], %[v0], %[v0], asr #31\n"
                 "bic %[v1], %[v1], %[v1], asr #31\n"
                 "bic %[v2], %[v2], %[v2], asr #31\n"
                 "bic %[v3], %[v3], %[v3], asr #31\n"
                 "stm %[y]!, {%[v0], %[v1], %[v2], %[v3]}\n"
                 "subs %[n], %[n], #1\n"
                 "bne 1b\n"
                 : [x] "+r"(src), [y] "+r"(dst), [n] "+r"(loops), [v0] "=&r"(v0), [v1] "=&r"(v1), [v2] "=&r"(v2),
                   [v3] "=&r"(v3)
                 :
                 : "cc", "memory");
  for (std::size_t i = n / per_loop * per_loop; i < n; ++i) {
    std::int32_t v;
    __builtin_memcpy(&v, x + i, 4);
    v &= ~(v >> 31);
    __builtin_memcpy(y + i, &v, 4);
  }
}
#else
void relu_f32(const float* x, float* y, std::size_t n);  // Cortex-M VFP only
#endif

#if defined(STATICNN_ARM_VFP) && defined(STATICNN_ARM_DSP)
// ReLU6 on the bits (QADD: Armv7E-M's DSP extension): a float's bits as int32 order the non-negative floats as their values and put
// every float with its sign bit set below 0. So min(max(x, 0), 6) is, on the bits v,
//   usat31(qadd(v, top - six) - (top - six)),  six = the bits of 6.0f, top = INT32_MAX:
// QADD saturates the values above 6 to top (6 after the subtraction), USAT takes the negative
// words to 0. relu6_op's result for every value but a NaN with its sign bit clear (6 here, 0
// there). Groups of eight values (LDM, 24 instructions, STM), four to a pass of the loop while
// 32 are left, then one group at a time, then one value at a time.
namespace relu6_bits {
inline constexpr std::int32_t six = 0x40c00000;  // 6.0f
inline constexpr std::int32_t offset = 0x7fffffff - six;
}  // namespace relu6_bits
[[gnu::noinline]] inline void relu6_f32(const float* x, float* y, std::size_t n) {
  constexpr std::size_t per_group = 8;  // values per LDM/STM (r0-r5, r12, lr: ascending, as LDM lists them)
  constexpr std::size_t unrolled = 4;   // groups per pass of the first loop (its SUBS/BNE on 32 values)
  constexpr std::size_t per_loop = per_group * unrolled;
  register std::int32_t v0 asm("r0"), v1 asm("r1"), v2 asm("r2"), v3 asm("r3"), v4 asm("r4"), v5 asm("r5"),
      v6 asm("r12"), v7 asm("lr");
  const float* src = x;
  float* dst = y;
  const std::int32_t k = relu6_bits::offset;
  // passes: groups of `unrolled` groups; groups: the single groups left.
  std::size_t passes = n / per_loop, groups = n % per_loop / per_group;
  asm volatile(
      ".macro snn_relu6%= v\n"
      "qadd \\v, \\v, %[k]\n"
      "sub \\v, \\v, %[k]\n"
      "usat \\v, #31, \\v\n"
      ".endm\n"
      ".macro snn_group%=\n"
      "ldm %[x]!, {%[v0], %[v1], %[v2], %[v3], %[v4], %[v5], %[v6], %[v7]}\n"
      ".irp v, %[v0], %[v1], %[v2], %[v3], %[v4], %[v5], %[v6], %[v7]\n"
      "snn_relu6%= \\v\n"
      ".endr\n"
      "stm %[y]!, {%[v0], %[v1], %[v2], %[v3], %[v4], %[v5], %[v6], %[v7]}\n"
      ".endm\n"
      "cmp %[p], #0\n"
      "beq 2f\n"
      "1:\n"
      ".rept %c[u]\nsnn_group%=\n.endr\n"
      "subs %[p], %[p], #1\n"
      "bne 1b\n"
      "2:\n"
      "cmp %[g], #0\n"
      "beq 4f\n"
      "3:\n"
      "snn_group%=\n"
      "subs %[g], %[g], #1\n"
      "bne 3b\n"
      "4:\n"
      ".purgem snn_group%=\n"
      ".purgem snn_relu6%=\n"
      : [x] "+r"(src), [y] "+r"(dst), [p] "+r"(passes), [g] "+r"(groups), [v0] "=&r"(v0), [v1] "=&r"(v1),
        [v2] "=&r"(v2), [v3] "=&r"(v3), [v4] "=&r"(v4), [v5] "=&r"(v5), [v6] "=&r"(v6), [v7] "=&r"(v7)
      : [k] "r"(k), [u] "i"(unrolled)
      : "cc", "memory");
  for (std::size_t i = n / per_group * per_group; i < n; ++i) {
    std::int32_t v;
    __builtin_memcpy(&v, x + i, 4);
    v = v < 0 ? 0 : v > relu6_bits::six ? relu6_bits::six : v;
    __builtin_memcpy(y + i, &v, 4);
  }
}
#else
void relu6_f32(const float* x, float* y, std::size_t n);  // Cortex-M VFP with DSP only
#endif

}  // namespace staticnn::kernels::arm
