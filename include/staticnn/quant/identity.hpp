#pragma once
// qidentity_layer<In>: an int8 layer whose output is its input, what a ReLU becomes once the conv
// or dense before it clamps its outputs to [zero_point, 127] (quantized_type.hpp). The network
// plan runs no stage for it (identity_forward); between a conv and a pool its apply does nothing,
// so conv -> ReLU -> pool still runs as one streamed stage (core/sequential.hpp).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"

namespace staticnn::quant {

template <Shape In>
struct qidentity_layer {
  using value_type = std::int8_t;
  static constexpr const char* name = "qidentity";
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 0, state_count = 0;
  static constexpr bool identity_forward = true;
  static constexpr bool non_decreasing = true;  // a <= b implies f(a) <= f(b)

  constexpr void apply(std::int8_t*, std::size_t) const {}
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, In::size> y) const {
    std::copy(x.begin(), x.end(), y.begin());
  }
};

}  // namespace staticnn::quant
