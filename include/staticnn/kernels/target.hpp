#pragma once
// What the compiler builds for, as constants that kernels are selected by with `if constexpr`.
// This is the one place that reads the compiler's predefined macros; kernel bodies never do.
//   arm_vfp: Thumb-2 with a single-precision VFP of 32 S registers (Cortex-M4F, M7, M33F)
//   arm_dsp: the Armv7E-M DSP extension (SMLAD, SXTB16; Cortex-M4, M7, M33)
//   arm_v6m: the ARMv6-M instruction set only (Cortex-M0, M0+, M1; ARMv8-M Baseline M23): no
//     Thumb-2, no SMLAD/SMULL/MLA, 8 low registers; MULS is the one multiply. Its kernels' inner
//     loops are asm only when optimising for speed (STATICNN_ARM_V6M_ASM): the asm keeps
//     accumulators in r8-r11, which GCC does not allocate on Thumb-1 at -Os, and needs all eight
//     low registers, one of which is the frame pointer at -O0; elsewhere the same loops in C++
//   arm_mve: Armv8.1-M MVE (Helium) with integer and single-precision float vectors
//     (__ARM_FEATURE_MVE == 3: Cortex-M55, M85); such a core has arm_dsp and arm_vfp too
//   x86_dispatch: an x86 host build that carries AVX2+FMA and AVX-512 copies of its hot kernels
//     and picks one at run time (kernels/dispatch.hpp); off on other targets, for the firmware
//     and with -DSTATICNN_NO_DISPATCH
// A host build and the soft-float Cortex-M3 see arm_vfp and arm_dsp false and run the portable kernels.
#if defined(__arm__) && defined(__thumb2__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
#define STATICNN_ARM_VFP 1
#endif
#if defined(__arm__) && defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#define STATICNN_ARM_DSP 1
#endif

#if defined(__arm__) && (defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__)) && defined(__GNUC__)
#define STATICNN_ARM_V6M 1
#if defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
#define STATICNN_ARM_V6M_ASM 1
#endif
#endif

#if defined(__arm__) && defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 3) == 3 && defined(__GNUC__)
#define STATICNN_ARM_MVE 1
#endif

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(STATICNN_NO_DISPATCH) && \
    !defined(STATICNN_FIRMWARE)
#define STATICNN_X86_DISPATCH 1
#endif

namespace staticnn::kernels::target {
#ifdef STATICNN_ARM_VFP
inline constexpr bool arm_vfp = true;
#else
inline constexpr bool arm_vfp = false;
#endif
#ifdef STATICNN_ARM_DSP
inline constexpr bool arm_dsp = true;
#else
inline constexpr bool arm_dsp = false;
#endif
#ifdef STATICNN_ARM_V6M
inline constexpr bool arm_v6m = true;
#else
inline constexpr bool arm_v6m = false;
#endif
#ifdef STATICNN_ARM_MVE
inline constexpr bool arm_mve = true;
#else
inline constexpr bool arm_mve = false;
#endif
#ifdef STATICNN_X86_DISPATCH
inline constexpr bool x86_dispatch = true;
#else
inline constexpr bool x86_dispatch = false;
#endif
}  // namespace staticnn::kernels::target
