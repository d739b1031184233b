#pragma once
// ReLU over a float array on Cortex-M VFP targets, as integer operations on the values' bits:
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

}  // namespace staticnn::kernels::arm
