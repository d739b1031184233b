#pragma once
// Cortex-M VFP sigmoid by table and second-order Taylor step: for x in [-16, 16) the table holds,
// at x0 = j/64 (j = trunc(64 x), one VCVT to fixed point), sigma(x0), sigma'(x0) and sigma''(x0)/2,
// so sigma(x) = a + d (b + d c) with d = x - x0, |d| < 1/64: error below 1e-7 (the third-order
// term is at most (1/8)/6 / 64^3 = 5e-8, plus the float rounding of the entries). Beyond +-16
// the edge entries hold sigma(+-16) with b = c = 0. Ten instructions per value: one VLDM of the
// entry, no exp and no division. 32 KB of table in flash, computed at compile time in double.
#include <array>
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

struct sigmoid_entry {
  float a, b, c, x0;
};

// exp in double at compile time: x = n ln2 + r, Taylor series of e^r to 1e-17.
constexpr double constexpr_exp(double x) {
  constexpr double ln2 = 0.6931471805599453;
  const long n = static_cast<long>(x / ln2 + (x >= 0 ? 0.5 : -0.5));
  const double r = x - static_cast<double>(n) * ln2;
  double term = 1, sum = 1;
  for (int k = 1; k < 25; ++k) sum += (term *= r / k);
  for (long i = 0; i < n; ++i) sum *= 2;
  for (long i = 0; i > n; --i) sum /= 2;
  return sum;
}

inline constexpr int sigmoid_steps = 64, sigmoid_half = 16 * sigmoid_steps;  // 1/64 steps on [-16, 16)
inline constexpr std::array<sigmoid_entry, 2 * sigmoid_half> sigmoid_table = [] {
  std::array<sigmoid_entry, 2 * sigmoid_half> t{};
  for (int j = -sigmoid_half; j < sigmoid_half; ++j) {
    const double x0 = static_cast<double>(j) / sigmoid_steps, s = 1 / (1 + constexpr_exp(-x0));
    const bool edge = j == -sigmoid_half || j == sigmoid_half - 1;
    const double b = edge ? 0 : s * (1 - s), c = edge ? 0 : b * (1 - 2 * s) / 2;
    t[static_cast<std::size_t>(j + sigmoid_half)] = {static_cast<float>(s), static_cast<float>(b),
                                                     static_cast<float>(c), static_cast<float>(x0)};
  }
  return t;
}();

#ifdef STATICNN_ARM_VFP
// y[i] = sigmoid(x[i]) for i < 4 * blocks (x == y allowed).
inline void sigmoid4(const float* x, float* y, std::size_t blocks) {
  // One value: j = trunc(64 x) saturated to [-1024, 1023], entry {a b c x0} at table + 16 j,
  // d = x - x0, a + d (b + d c). Written out (not a .macro): GCC sizes asm by its lines.
#define STATICNN_SIGMOID1(X, D, A, B, C, X0, OFF)                                                    \
  "vcvt.s32.f32 s" #D ", s" #D ", #6\n"                                                              \
  "vmov r12, s" #D "\n"                                                                              \
  "ssat r12, #11, r12\n"                                                                             \
  "add r12, %[t], r12, lsl #4\n"                                                                     \
  "vldm r12, {s" #A "-s" #X0 "}\n"                                                                   \
  "vsub.f32 s" #D ", s" #X ", s" #X0 "\n"                                                            \
  "vfma.f32 s" #B ", s" #D ", s" #C "\n"                                                             \
  "vfma.f32 s" #A ", s" #D ", s" #B "\n"                                                             \
  "vstr s" #A ", [%[y], #" #OFF "]\n"
  asm volatile(
      "1:\n"
      "vldm %[x], {s0-s3}\n"
      "vldm %[x]!, {s20-s23}\n"
      STATICNN_SIGMOID1(0, 20, 4, 5, 6, 7, 0)
      STATICNN_SIGMOID1(1, 21, 8, 9, 10, 11, 4)
      STATICNN_SIGMOID1(2, 22, 12, 13, 14, 15, 8)
      STATICNN_SIGMOID1(3, 23, 16, 17, 18, 19, 12)
      "adds %[y], %[y], #16\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      : [x] "+r"(x), [y] "+r"(y), [n] "+r"(blocks)
      : [t] "r"(sigmoid_table.data() + sigmoid_half)
      : "cc", "r12", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "memory");
#undef STATICNN_SIGMOID1
}
#else
void sigmoid4(const float* x, float* y, std::size_t blocks);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
