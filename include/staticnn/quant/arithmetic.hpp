#pragma once
// Host-side int8 quantization arithmetic (TFLite int8 scheme): quantize_multiplier and the
// per-tensor affine parameters; the integer arithmetic every kernel uses is kernels/fixed_point.hpp,
// named here in quant:: too.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../kernels/fixed_point.hpp"

namespace staticnn::quant {

using kernels::add_zero_point;
using kernels::channel_rescale;
using kernels::doubled_rescale_all;
using kernels::doubled_rescale_applies;
using kernels::multiply_by_quantized_multiplier;
using kernels::requantize;
using kernels::requantize_out_of_line;
using kernels::rounding_divide_by_pot;
using kernels::saturate_int8;
using kernels::saturating_rounding_doubling_high_mul;

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
