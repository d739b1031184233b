#pragma once
// scale_shift: y = x * scale[c] + shift[c] per channel (per feature for flat inputs). It is what
// a batchnorm becomes at inference when no conv2d or dense precedes it to absorb it.
// params: scale (C) then shift (C). Inference only.
#include <array>
#include <cstddef>
#include <span>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"

namespace staticnn {

template <Shape In, class T>
struct scale_shift_layer {
  static constexpr std::size_t C = In::channels, P = In::spatial;
  static constexpr const char* name = "scale_shift";
  using value_type = T;
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 2 * C, state_count = 0;

  std::array<T, param_count> params{};

  void forward(cview<T, In::size> x, view<T, In::size> y) const {
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t p = 0; p < P; ++p) y[c * P + p] = x[c * P + p] * params[c] + params[C + c];
  }
};

}  // namespace staticnn
