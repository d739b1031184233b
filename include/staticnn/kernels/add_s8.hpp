#pragma once
// int8 elementwise addition as TFLite's int8 ADD (reference_integer_ops::Add, CMSIS-NN
// arm_elementwise_add_s8): two int8 tensors of scales s1, s2 and zero points z1, z2 give an int8
// tensor of scale s_out and zero point z_out, approximately
//   y = clamp(z_out + round(((x1 - z1) s1 + (x2 - z2) s2) / s_out), act_min, act_max).
// Integer-only: each input, offset and shifted left by add_rescale::left_shift (20 bits of
// headroom), is scaled by its multiplier (s_i / (2 max(s1, s2)), at most 1/2), the two are summed
// in int32 and the sum is rescaled by the output multiplier (2 max(s1, s2) / (2^20 s_out)), each
// step rounded as multiply_by_quantized_multiplier. quant::add_rescale_for derives the parameters
// from the three scales as TFLite's Prepare does.
#include <cstddef>
#include <cstdint>

#include "fixed_point.hpp"

namespace staticnn::kernels {

// The parameters of one int8 addition. Every multiplier is a real factor below 1:
// multiplier in [2^30, 2^31) (or 0) and shift in [-31, 0]; zero points and act_min <= act_max in
// [-128, 127]. Then |(x - z) 2^20| < 2^28 and every intermediate fits an int32.
struct add_rescale {
  static constexpr int left_shift = 20;
  std::int32_t zero_point1 = 0, zero_point2 = 0;
  std::int32_t multiplier1 = 0, multiplier2 = 0;
  std::int32_t shift1 = 0, shift2 = 0;
  std::int32_t out_multiplier = 0, out_shift = 0;
  std::int32_t out_zero_point = 0;
  std::int32_t act_min = -128, act_max = 127;

  // One output element from one element of each input.
  constexpr std::int8_t operator()(std::int8_t x1, std::int8_t x2) const {
    const std::int32_t a1 = (x1 - zero_point1) * (std::int32_t{1} << left_shift);
    const std::int32_t a2 = (x2 - zero_point2) * (std::int32_t{1} << left_shift);
    const std::int32_t sum = multiply_by_quantized_multiplier(a1, multiplier1, shift1) +
                             multiply_by_quantized_multiplier(a2, multiplier2, shift2);
    const std::int32_t v = multiply_by_quantized_multiplier(sum, out_multiplier, out_shift) + out_zero_point;
    return static_cast<std::int8_t>(v < act_min ? act_min : (v > act_max ? act_max : v));
  }
};

// y[i] = r(x1[i], x2[i]) for i < N; y may alias x1 or x2 (each element is read before it is written).
template <std::size_t N>
constexpr void add_s8(const std::int8_t* x1, const std::int8_t* x2, std::int8_t* y, const add_rescale& r) {
  for (std::size_t i = 0; i < N; ++i) y[i] = r(x1[i], x2[i]);
}

}  // namespace staticnn::kernels
