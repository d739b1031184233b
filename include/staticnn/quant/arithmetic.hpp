#pragma once
// The integer arithmetic of the TFLite int8 specification (gemmlowp's fixed-point helpers), so
// results compare one to one with TFLite Micro and CMSIS-NN kernels:
//   real = scale * (q - zero_point);  an int32 accumulator acc of scale s_acc becomes the int8
//   output of scale s_out as  zero_point + round(acc * s_acc / s_out),  where the real factor
//   s_acc / s_out = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (quantize_multiplier).
// Everything here is integer-only and identical on the host and the firmware.
#include <cmath>
#include <cstdint>
#include <limits>

namespace staticnn::quant {

// round(a * b / 2^31) with ties away from zero, saturating the one overflow case (gemmlowp).
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == b && a == std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::max();
  const std::int64_t ab = std::int64_t{a} * std::int64_t{b};
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : 1 - (std::int64_t{1} << 30);
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

// round(x / 2^exponent), ties away from zero (gemmlowp RoundingDivideByPOT), 0 <= exponent <= 31.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// acc * multiplier * 2^(shift - 31), rounded as TFLite's MultiplyByQuantizedMultiplier.
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t acc, std::int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(acc * (std::int32_t{1} << left), multiplier),
                                right);
}

constexpr std::int8_t saturate_int8(std::int32_t v) {
  return static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
}

// A positive real factor as multiplier * 2^(shift - 31) with multiplier in [2^30, 2^31)
// (TFLite QuantizeMultiplier); 0 gives {0, 0}. Host side (export), in double precision.
struct fixed_multiplier {
  std::int32_t multiplier;
  std::int32_t shift;
};
inline fixed_multiplier quantize_multiplier(double real) {
  if (real == 0) return {0, 0};
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
  auto q = static_cast<std::int64_t>(std::llround(fraction * 2147483648.0));
  if (q == (std::int64_t{1} << 31)) q /= 2, ++exponent;
  if (exponent < -31) return {0, 0};  // below what 31 bits of shift can reach: the product rounds to 0
  return {static_cast<std::int32_t>(q), exponent};
}

// Per-tensor affine parameters of an int8 tensor: real = scale * (q - zero_point).
struct tensor_params {
  float scale = 1;
  std::int32_t zero_point = 0;

  // round(x / scale) + zero_point, saturated: one division and one addition of floats, so no
  // compiler contracts it into an FMA and host and firmware get the same int8.
  constexpr std::int8_t quantize(float x) const {
    const float v = x / scale;
    if (!(v == v)) return saturate_int8(zero_point);
    if (v > 1000.0f || v < -1000.0f) return v > 0 ? std::int8_t{127} : std::int8_t{-128};
    const auto r = static_cast<std::int32_t>(v >= 0 ? v + 0.5f : v - 0.5f);  // ties away from zero
    return saturate_int8(r + zero_point);
  }
  constexpr float dequantize(std::int8_t q) const { return scale * static_cast<float>(q - zero_point); }
};

}  // namespace staticnn::quant
