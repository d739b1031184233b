#pragma once
// Cortex-M VFP sigmoid without a table: sigma(x) = 1 / (1 + 2^t), t = -x log2(e); and tanh in the
// same form, tanh(x) = 2 sigma(2x) - 1 = (1 - 2^t) / (1 + 2^t), t = -2x log2(e).
// One VCVT turns t into Q6.25 fixed point, saturating at +-64 (so every input, NaN and +-inf
// included, gives a finite, defined result: sigma = 1/(1 + 2^-64) rounds to 1, and NaN gives 1/2).
// The integer splits into n = floor(t) and f = t - n in [0, 1); 2^f is a degree-5 polynomial
// (relative error 1.5e-7 in float), 2^n is added to its exponent bits, then one VADD and one VDIV.
// Eight values a loop and no table: its flash is the code and eight constants. Within 1.2e-7 of
// the exact sigmoid; tanh within 2.5e-7 (absolute) of the exact tanh.
#include <array>
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

// 2^f on [0, 1): c0 + c1 f + ... + c5 f^5, fitted in double for the least maximum relative error
// (Lawson's iteration on Chebyshev nodes); then 1 and -log2(e).
inline constexpr std::array<float, 8> sigmoid_constants = {
    0.9999999403953552f,   0.6931530833244324f,    0.24015361070632935f, 0.05582631751894951f,
    0.008989340625703335f, 0.0018775765784084797f, 1.0f,                 -1.4426950408889634f};
// The same 2^f, then 1 and -2 log2(e) (tanh's t).
inline constexpr std::array<float, 8> tanh_constants = {
    sigmoid_constants[0], sigmoid_constants[1], sigmoid_constants[2], sigmoid_constants[3],
    sigmoid_constants[4], sigmoid_constants[5], 1.0f,                 -2.8853900817779268f};

#ifdef STATICNN_ARM_VFP
// y[i] = sigmoid(x[i]) (Tanh: tanh(x[i])) for i < n (x == y allowed): eight values a loop, then
// one at a time with the same instructions, so a value's result does not depend on where it
// falls. Not inlined: one copy of the code serves every layer.
template <bool Tanh>
[[gnu::noinline, gnu::noclone]] void logistic_vfp(const float* x, float* y, std::size_t n) {
  std::size_t bits;
  // One value in s<K>: the constants reloaded into s8-s15 (VFMA accumulates into the
  // coefficients; only caller-saved registers, so no stack frame), t in Q6.25 in r12, f = its
  // low 25 bits as a float back in s<K>, Horner, exponent + n, 1 / (1 + e); for tanh
  // (1 - e) / (1 + e), 1 - e in s9 (free after Horner until the next value's VLDM).
  // Written out (not a .macro): GCC sizes asm by its lines.
#define STATICNN_SIGMOID1(K)                                                                       \
  "vldm %[c], {s8-s15}\n"                                                                          \
  "vmul.f32 s" #K ", s" #K ", s15\n"                                                               \
  "vcvt.s32.f32 s" #K ", s" #K ", #25\n"                                                           \
  "vmov r12, s" #K "\n"                                                                            \
  "ubfx %[b], r12, #0, #25\n"                                                                      \
  "vmov s" #K ", %[b]\n"                                                                           \
  "vcvt.f32.u32 s" #K ", s" #K ", #25\n"                                                           \
  "vfma.f32 s12, s" #K ", s13\n"                                                                   \
  "vfma.f32 s11, s" #K ", s12\n"                                                                   \
  "vfma.f32 s10, s" #K ", s11\n"                                                                   \
  "vfma.f32 s9, s" #K ", s10\n"                                                                    \
  "vfma.f32 s8, s" #K ", s9\n"                                                                     \
  "vmov %[b], s8\n"                                                                                \
  "asr r12, r12, #25\n"                                                                            \
  "add %[b], %[b], r12, lsl #23\n"                                                                 \
  "vmov s" #K ", %[b]\n"                                                                           \
  ".if %c[tanh]\n"                                                                                 \
  "vsub.f32 s9, s14, s" #K "\n"                                                                    \
  "vadd.f32 s" #K ", s" #K ", s14\n"                                                               \
  "vdiv.f32 s" #K ", s9, s" #K "\n"                                                                \
  ".else\n"                                                                                        \
  "vadd.f32 s" #K ", s" #K ", s14\n"                                                               \
  "vdiv.f32 s" #K ", s14, s" #K "\n"                                                               \
  ".endif\n"
  std::size_t blocks = n / 8, rest = n % 8;
  asm volatile(
      "cmp %[n], #0\n"
      "beq.w 2f\n"
      "1:\n"
      "vldm %[x]!, {s0-s7}\n"
      STATICNN_SIGMOID1(0) STATICNN_SIGMOID1(1) STATICNN_SIGMOID1(2) STATICNN_SIGMOID1(3)
      STATICNN_SIGMOID1(4) STATICNN_SIGMOID1(5) STATICNN_SIGMOID1(6) STATICNN_SIGMOID1(7)
      "vstm %[y]!, {s0-s7}\n"
      "subs %[n], %[n], #1\n"
      "bne.w 1b\n"
      "2:\n"
      "cmp %[r], #0\n"
      "beq.w 4f\n"
      "3:\n"
      "vldm %[x]!, {s0}\n"
      STATICNN_SIGMOID1(0)
      "vstm %[y]!, {s0}\n"
      "subs %[r], %[r], #1\n"
      "bne 3b\n"
      "4:\n"
      : [x] "+r"(x), [y] "+r"(y), [n] "+r"(blocks), [r] "+r"(rest), [b] "=&r"(bits)
      : [c] "r"(Tanh ? tanh_constants.data() : sigmoid_constants.data()), [tanh] "i"(Tanh ? 1 : 0)
      : "cc", "r12", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "memory");
#undef STATICNN_SIGMOID1
}
inline void sigmoid(const float* x, float* y, std::size_t n) { logistic_vfp<false>(x, y, n); }
inline void tanh(const float* x, float* y, std::size_t n) { logistic_vfp<true>(x, y, n); }
#else
void sigmoid(const float* x, float* y, std::size_t n);  // Arm VFP only
void tanh(const float* x, float* y, std::size_t n);     // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
