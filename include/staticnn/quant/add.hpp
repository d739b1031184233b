#pragma once
// Host-side parameters of the int8 addition (kernels/add_s8.hpp) from the tensors' scales, as
// TFLite's ADD Prepare derives them (QuantizeMultiplierSmallerThanOneExp on each factor):
//   twice_max = 2 max(s1, s2),  input i: s_i / twice_max,  output: twice_max / (2^20 s_out),
// each a double computed from the float scales. The output factor must stay below 1, i.e.
// max(s1, s2) < 2^19 s_out (TFLite refuses other models).
#include <algorithm>
#include <cstdint>

#include "../core/assert.hpp"
#include "../kernels/add_s8.hpp"
#include "arithmetic.hpp"

namespace staticnn::quant {

using kernels::add_rescale;

inline add_rescale add_rescale_for(const tensor_params& in1, const tensor_params& in2, const tensor_params& out,
                                   std::int32_t act_min = -128, std::int32_t act_max = 127) {
  STATICNN_ASSERT(in1.scale > 0 && in2.scale > 0 && out.scale > 0, "add_rescale_for: scales must be positive");
  const double twice_max = 2.0 * static_cast<double>(std::max(in1.scale, in2.scale));
  const double out_real = twice_max / (static_cast<double>(std::int32_t{1} << add_rescale::left_shift) * out.scale);
  STATICNN_ASSERT(out_real < 1.0, "add_rescale_for: output scale below max input scale / 2^19");
  const fixed_multiplier m1 = quantize_multiplier(static_cast<double>(in1.scale) / twice_max);
  const fixed_multiplier m2 = quantize_multiplier(static_cast<double>(in2.scale) / twice_max);
  const fixed_multiplier mo = quantize_multiplier(out_real);
  STATICNN_ASSERT(mo.shift <= 0, "add_rescale_for: output factor rounds up to 1");
  return {in1.zero_point, in2.zero_point, m1.multiplier, m2.multiplier, m1.shift, m2.shift,
          mo.multiplier, mo.shift, out.zero_point, act_min, act_max};
}

}  // namespace staticnn::quant
