#pragma once
// The integer arithmetic of the TFLite int8 specification (gemmlowp's fixed-point helpers), so
// results compare one to one with TFLite Micro and CMSIS-NN kernels:
//   real = scale * (q - zero_point);  an int32 accumulator acc of scale s_acc becomes the int8
//   output of scale s_out as  zero_point + round(acc * s_acc / s_out),  where the real factor
//   s_acc / s_out = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).
// Everything here is integer-only and identical on the host and the firmware; every int8 kernel
// rescales through this file (channel_rescale is the one per-channel parameter type).
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "target.hpp"
#ifdef STATICNN_ARM_DSP
#include <arm_acle.h>
#endif

namespace staticnn::kernels {


#ifdef STATICNN_ARM_DSP
inline std::int32_t dsp_ssat8(std::int32_t v) { return __ssat(v, 8); }
#else
std::int32_t dsp_ssat8(std::int32_t v);  // Armv7E-M DSP only
#endif

// gemmlowp's SaturatingRoundingDoublingHighMul: (a b + nudge) / 2^31 with nudge = 2^30 for a
// product >= 0 and 1 - 2^30 below, the division truncating. For a negative product the truncated
// quotient equals the floor of (a b + 2^30) / 2^31, so both cases are one shift of a b + 2^30
// (an SMULL, an add and a shift on Cortex-M). Ties: 1.5 -> 2, -1.5 -> -1, as gemmlowp.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == b && a == std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>((std::int64_t{a} * std::int64_t{b} + (std::int64_t{1} << 30)) >> 31);
}

// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero, 0 <= exponent <= 31;
// the same as (x + 2^(exponent-1) - [x < 0]) >> exponent, here in 32 bits: the sum is taken
// unsigned and shifted logically when x >= 0 (it cannot exceed 2^32), arithmetically when x < 0
// (it cannot overflow), so it is exact for every x.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  if (exponent == 0) return x;
  const std::uint32_t u = static_cast<std::uint32_t>(x) + (std::uint32_t{1} << (exponent - 1)) - (x < 0 ? 1u : 0u);
  return x >= 0 ? static_cast<std::int32_t>(u >> exponent) : (static_cast<std::int32_t>(u) >> exponent);
}

// acc * multiplier * 2^(shift - 31), rounded as TFLite's MultiplyByQuantizedMultiplier.
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t acc, std::int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  // acc * 2^left as TFLite computes it, wrapping (not undefined) if it overflows int32.
  const auto scaled = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) << left);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(scaled, multiplier), right);
}

constexpr std::int8_t saturate_int8(std::int32_t v) {
  if constexpr (target::arm_dsp) {
    if (!std::is_constant_evaluated()) return static_cast<std::int8_t>(dsp_ssat8(v));  // one SSAT
  }
  return static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
}

// zero_point + v saturated to int8, for any int32 v and an int8 zero point: where the int32 sum
// overflows (TFLite's is undefined there: v within |zero_point| of +-2^31, i.e. no right shift
// and a large acc) the exact sum is far outside int8 and saturates by v's sign.
constexpr std::int8_t add_zero_point(std::int32_t v, std::int32_t zero_point) {
  std::int32_t sum;
  if (__builtin_add_overflow(v, zero_point, &sum)) return v > 0 ? std::int8_t{127} : std::int8_t{-128};
  return saturate_int8(sum);
}

// One accumulator's TFLite requantization, saturated to int8:
//   saturate(zero_point + multiply_by_quantized_multiplier(acc, multiplier, shift)).
constexpr std::int8_t requantize(std::int32_t acc, std::int32_t multiplier, int shift, std::int32_t zero_point) {
  return add_zero_point(multiply_by_quantized_multiplier(acc, multiplier, shift), zero_point);
}

// requantize out of line at run time, one copy per image, for the kernels' per-output and rare
// paths (the loops around the call keep their shape whatever the rescale compiles to); usable in
// constant evaluation like requantize.
[[gnu::noinline]] constexpr std::int8_t requantize_out_of_line(std::int32_t acc, std::int32_t multiplier, int shift,
                                                            std::int32_t zero_point) {
  return requantize(acc, multiplier, shift, zero_point);
}

// Whether one channel's rescale of every accumulator |acc| <= |bias| + sum_max takes the short
// form, bit for bit: a right shift e = -shift in [1, 22], multiplier >= 2^30, |acc| < 2^30 (so
// 2 acc fits an int32) and an int8 zero point. Then s = (2 acc m + 2^31) >> 32 (one SMMULR) is the
// rounding doubling high multiply and (s + c + [s < 0]) >> e with c = 2^(e-1) + (zero_point << e)
// its rounding divide with the zero point added (kernels/arm/conv2d_s8_stage_dsp.hpp). constexpr,
// so a model that is a compile-time constant decides it when it is compiled.
constexpr bool doubled_rescale_applies(std::int32_t bias, std::int32_t multiplier, std::int32_t shift,
                                       std::int32_t zero_point, std::uint32_t sum_max) {
  const std::uint32_t bias_abs = bias < 0 ? 0u - static_cast<std::uint32_t>(bias) : static_cast<std::uint32_t>(bias);
  return shift < 0 && shift >= -22 && multiplier >= (1 << 30) && bias_abs < (1u << 29) && sum_max < (1u << 29) &&
         zero_point >= -128 && zero_point <= 127;
}

// doubled_rescale_applies for every output channel of a layer whose outputs sum `fan_in` int8
// products (weights in [-127, 127] as quantize writes them, int8 inputs: |sum| <= fan_in * 127 *
// 128). The int8 conv and dense layers ask it for their doubled_rescale().
template <std::size_t C>
constexpr bool doubled_rescale_all(const std::array<std::int32_t, C>& bias, const std::array<std::int32_t, C>& multiplier,
                                   const std::array<std::int8_t, C>& shift, std::int32_t zero_point, std::size_t fan_in) {
  const std::uint64_t sum = std::uint64_t{fan_in} * 127u * 128u;  // saturated: too large is "no"
  const auto sum_max = static_cast<std::uint32_t>(sum < (1u << 29) ? sum : (1u << 29));
  for (std::size_t o = 0; o < C; ++o)
    if (!doubled_rescale_applies(bias[o], multiplier[o], shift[o], zero_point, sum_max)) return false;
  return true;
}

// The per-output-channel rescale of an int8 conv or dense layer, as every int8 kernel takes it:
// output channel o's accumulator acc = bias[o] + sum of int8 products becomes
//   clamp(requantize(acc, multiplier[o], shift[o], zero_point), act_min, act_max)
// where [act_min, act_max] is the fused activation's range (TFLite's quantized_activation_min/max:
// [-128, 127] for none, [zero_point, 127] for ReLU). A view of the layer's arrays (flash).
struct channel_rescale {
  const std::int32_t* bias;
  const std::int32_t* multiplier;
  const std::int8_t* shift;  // in [-31, 31]
  std::int32_t zero_point = 0;
  std::int32_t act_min = -128, act_max = 127;

  // The same rescale starting at output channel o.
  constexpr channel_rescale from(std::size_t o) const {
    return {bias + o, multiplier + o, shift + o, zero_point, act_min, act_max};
  }
  constexpr std::int8_t clamp(std::int8_t v) const {
    return static_cast<std::int8_t>(v < act_min ? act_min : (v > act_max ? act_max : v));
  }
  // Channel o's output for accumulator acc (which already includes bias[o]).
  constexpr std::int8_t operator()(std::size_t o, std::int32_t acc) const {
    return clamp(requantize(acc, multiplier[o], shift[o], zero_point));
  }
};

}  // namespace staticnn::kernels
