#pragma once
// qpool_layer<In, K, Op>: int8 K x K pooling, stride K, no padding; output scale and zero point
// are the input's. Average pooling rounds half away from zero, as TFLite's int8 AVERAGE_POOL_2D:
// (sum +- K*K/2) / (K*K) with C++'s truncating division.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/max_pool_s8_dsp.hpp"
#include "../kernels/target.hpp"
#include "../layers/pool.hpp"

namespace staticnn::quant {

template <Shape In, std::size_t K, class Op>
struct qpool_layer {
  static_assert(In::rank == 3 && K > 0 && K <= In::height && K <= In::width, "qpool: window larger than the input");
  static constexpr std::size_t C = In::channels, H = In::height, W = In::width, OH = H / K, OW = W / K;
  using value_type = std::int8_t;
  static constexpr const char* name = std::is_same_v<Op, avg_pool_op> ? "qavg_pool" : "qmax_pool";
  using in_shape = In;
  using out_shape = shape<C, OH, OW>;
  using op = Op;
  static constexpr std::size_t kernel = K, param_count = 0, state_count = 0;

  // One window whose top-left value is w, rows `stride` apart.
  static constexpr std::int8_t reduce(const std::int8_t* w, std::size_t stride) {
    if constexpr (std::is_same_v<Op, avg_pool_op>) {
      constexpr std::int32_t n = K * K;
      std::int32_t sum = 0;
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) sum += w[i * stride + j];
      return static_cast<std::int8_t>(sum >= 0 ? (sum + n / 2) / n : (sum - n / 2) / n);
    } else {
      std::int8_t r = w[0];
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) r = std::max(r, w[i * stride + j]);
      return r;
    }
  }
  // One pooled row of one channel: y[px] = reduce(rows + px K, W) for px < OW, rows: K rows W
  // apart (detail::pool_row_kernel). 2x2 pooling on DSP targets runs four outputs a step
  // (kernels/arm/max_pool_s8_dsp.hpp: max bytewise, average in int16 lanes); the same values.
  // Elsewhere the layer has no row kernel and the conv -> activation -> pool stage keeps its own
  // window loop.
  static constexpr bool has_row_kernel = kernels::target::arm_dsp && K == 2;
  static constexpr const char* kernel_name = !has_row_kernel                        ? "portable"
                                             : std::is_same_v<Op, max_pool_op> ? "arm_dsp max 2x2 (ssub8/sel, 4 a step)"
                                                                               : "arm_dsp avg 2x2 (sadd16/shadd16, 4 a step)";
  static constexpr void reduce_row(const std::int8_t* rows, std::int8_t* y) {
    std::size_t px = 0;
    if constexpr (has_row_kernel) {
      if (!std::is_constant_evaluated()) {
        constexpr std::size_t steps = OW / kernels::arm::max_pool2_step_outputs;
        if constexpr (std::is_same_v<Op, max_pool_op>) kernels::arm::max_pool2_row_s8<W>(rows, y, steps);
        else kernels::arm::avg_pool2_row_s8<W>(rows, y, steps);
        px = steps * kernels::arm::max_pool2_step_outputs;
      }
    }
    for (; px < OW; ++px) y[px] = reduce(rows + px * K, W);
  }
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, out_shape::size> y) const {
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t oy = 0; oy < OH; ++oy) reduce_row(x.data() + (c * H + oy * K) * W, y.data() + (c * OH + oy) * OW);
  }
};

}  // namespace staticnn::quant
