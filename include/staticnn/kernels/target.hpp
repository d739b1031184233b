#pragma once
// What the compiler builds for, as constants that kernels are selected by with `if constexpr`.
// This is the one place that reads the compiler's predefined macros; kernel bodies never do.
//   arm_vfp: Thumb-2 with a single-precision VFP of 32 S registers (Cortex-M4F, M7, M33F)
//   arm_dsp: the Armv7E-M DSP extension (SMLAD, SXTB16; Cortex-M4, M7, M33)
// A host build and the soft-float Cortex-M3 see both false and run the portable kernels.
#if defined(__arm__) && defined(__thumb2__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
#define STATICNN_ARM_VFP 1
#endif
#if defined(__arm__) && defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
#define STATICNN_ARM_DSP 1
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
}  // namespace staticnn::kernels::target
