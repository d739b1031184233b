#pragma once
// qglobal_avg_pool_layer<In>: int8 global average pooling, TFLite's int8 AVERAGE_POOL_2D over the
// whole map (kernels/global_avg_pool_s8.hpp): the output keeps the input's scale and zero point,
// each channel's mean rounded half away from zero. C x H x W in, C out.
#include <cstddef>
#include <cstdint>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/global_avg_pool_s8.hpp"

namespace staticnn::quant {

template <Shape In>
struct qglobal_avg_pool_layer {
  static_assert(In::rank == 3, "qglobal_avg_pool: input must be a C x H x W map");
  static constexpr std::size_t C = In::channels, HW = In::height * In::width;
  using value_type = std::int8_t;
  static constexpr const char* name = "qglobal_avg_pool";
  static constexpr const char* kernel_name = kernels::arm::global_avg_pool_s8_runs_dsp<HW>
                                                 ? "arm_dsp mean (usada8 sum, rounded half away from zero)"
                                                 : "portable mean (int32 sum, rounded half away from zero)";
  using in_shape = In;
  using out_shape = shape<C>;
  static constexpr std::size_t param_count = 0, state_count = 0;

  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, C> y) const {
    kernels::global_avg_pool_s8<C, HW>(x.data(), y.data());
  }
};

}  // namespace staticnn::quant
