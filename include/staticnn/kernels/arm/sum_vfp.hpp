#pragma once
// The float sum of n values on Cortex-M VFP targets, added in order from 0 (0 + x0 + x1 + ...,
// each addition rounded: the portable loop's result bit for bit): 16 values a VLDM into s0-s15,
// then 16 VADDs into one sum; the last n % 16 one at a time.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_VFP
[[gnu::noinline]] inline float sum_f32_vfp(const float* x, std::size_t n) {
  constexpr std::size_t chunk = 16;  // values per VLDM (s0-s15)
  float s = 0.0f;
  const float* p = x;
  if (const std::size_t loops = n / chunk; loops > 0) {
    const float* end = x + loops * chunk;
    asm("1:\n"
        "vldmia %[p]!, {s0-s15}\n"
        ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        "vadd.f32 %[s], %[s], s\\r\n"
        ".endr\n"
        "cmp %[p], %[end]\n"
        "bne 1b\n"
        : [p] "+&r"(p), [s] "+&t"(s)
        : [end] "r"(end)
        : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
          "s14", "s15");
  }
  for (std::size_t i = n / chunk * chunk; i < n; ++i) s += x[i];
  return s;
}
#else
float sum_f32_vfp(const float* x, std::size_t n);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
