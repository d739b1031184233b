#pragma once
// Armv8.1-M MVE (Helium) sigmoid and tanh, four values a vector: the arithmetic of
// kernels/arm/sigmoid_vfp.hpp lane by lane (t = x * scale to Q6.25 by VCVT, f = its low 25 bits,
// 2^f by the same degree-5 Horner with fused multiply-adds (VFMAS: p = p * f + c), 2^n added to
// the exponent bits, 1 + e, then four VDIVs on the vector's S registers: MVE has no vector
// division). Each lane's result is the VFP kernel's, bit for bit; the n % 4 values left run the
// VFP kernel itself.
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../target.hpp"
#include "sigmoid_vfp.hpp"

namespace staticnn::kernels::arm {

inline constexpr std::size_t logistic_mve_lanes = 4;
inline constexpr unsigned logistic_fraction_bits = 25, float_mantissa_bits = 23;
inline constexpr unsigned logistic_fraction_mask = (1u << logistic_fraction_bits) - 1;

#ifdef STATICNN_ARM_MVE
// y[i] = sigmoid(x[i]) (Tanh: tanh(x[i])) for i < n (x == y allowed). Not inlined: one copy
// serves every layer.
// Registers: q0 t, then 2^n's exponent bits; q1 f; q2 2^f, e, then the result; q3 = 1 (s12 the
// dividend); q4 1 - e (tanh's dividend); q6 c5; q7 the fraction mask; the other coefficients
// and the scale as bits in general registers (VFMAS and VMUL take a scalar from one).
template <bool Tanh>
[[gnu::noinline, gnu::noclone]] void logistic_mve(const float* x, float* y, std::size_t n) {
  const auto& k = Tanh ? tanh_constants : sigmoid_constants;
  const std::size_t vectors = n / logistic_mve_lanes;
  if (vectors > 0) {
    const float* xp = x;
    float* yp = y;
    std::size_t count = vectors;
    asm volatile(
        "vdup.32 q7, %[mask]\n"
        "vdup.32 q6, %[c5]\n"
        "vdup.32 q3, %[one]\n"
        "1:\n"
        "vldrw.u32 q0, [%[x]], #16\n"
        "vmul.f32 q0, q0, %[scale]\n"
        "vcvt.s32.f32 q0, q0, #%c[fb]\n"
        "vand q1, q0, q7\n"
        "vcvt.f32.u32 q1, q1, #%c[fb]\n"
        "vmov q2, q6\n"
        "vfmas.f32 q2, q1, %[c4]\n"
        "vfmas.f32 q2, q1, %[c3]\n"
        "vfmas.f32 q2, q1, %[c2]\n"
        "vfmas.f32 q2, q1, %[c1]\n"
        "vfmas.f32 q2, q1, %[c0]\n"
        "vshr.s32 q0, q0, #%c[fb]\n"
        "vshl.i32 q0, q0, #%c[mb]\n"
        "vadd.i32 q2, q2, q0\n"
        ".if %c[tanh]\n"
        "vsub.f32 q4, q3, q2\n"
        "vadd.f32 q2, q2, q3\n"
        "vdiv.f32 s8, s16, s8\nvdiv.f32 s9, s17, s9\nvdiv.f32 s10, s18, s10\nvdiv.f32 s11, s19, s11\n"
        ".else\n"
        "vadd.f32 q2, q2, q3\n"
        "vdiv.f32 s8, s12, s8\nvdiv.f32 s9, s12, s9\nvdiv.f32 s10, s12, s10\nvdiv.f32 s11, s12, s11\n"
        ".endif\n"
        "vstrw.32 q2, [%[y]], #16\n"
        "subs %[n], %[n], #1\n"
        "bne 1b\n"
        : [x] "+r"(xp), [y] "+r"(yp), [n] "+r"(count)
        : [c0] "r"(std::bit_cast<std::uint32_t>(k[0])), [c1] "r"(std::bit_cast<std::uint32_t>(k[1])),
          [c2] "r"(std::bit_cast<std::uint32_t>(k[2])), [c3] "r"(std::bit_cast<std::uint32_t>(k[3])),
          [c4] "r"(std::bit_cast<std::uint32_t>(k[4])), [c5] "r"(std::bit_cast<std::uint32_t>(k[5])),
          [one] "r"(std::bit_cast<std::uint32_t>(k[6])), [scale] "r"(std::bit_cast<std::uint32_t>(k[7])),
          [mask] "r"(logistic_fraction_mask), [fb] "i"(logistic_fraction_bits), [mb] "i"(float_mantissa_bits),
          [tanh] "i"(Tanh ? 1 : 0)
        : "cc", "memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d12", "d13", "d14", "d15");
  }
  if (const std::size_t done = vectors * logistic_mve_lanes; done < n) logistic_vfp<Tanh>(x + done, y + done, n - done);
}
inline void sigmoid_mve(const float* x, float* y, std::size_t n) { logistic_mve<false>(x, y, n); }
inline void tanh_mve(const float* x, float* y, std::size_t n) { logistic_mve<true>(x, y, n); }
#else
void sigmoid_mve(const float* x, float* y, std::size_t n);  // Armv8.1-M MVE only
void tanh_mve(const float* x, float* y, std::size_t n);     // Armv8.1-M MVE only
#endif

}  // namespace staticnn::kernels::arm
