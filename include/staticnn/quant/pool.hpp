#pragma once
// qpool_layer<In, K, Op>: int8 K x K pooling, stride K, no padding; output scale and zero point
// are the input's. Average pooling rounds half away from zero, as TFLite's int8 AVERAGE_POOL_2D:
// (sum +- n/2) / n with C++'s truncating division, n = K*K.
// qpool_layer<In, K, Op, KW, SH, SW, PT, PL, PB, PR>: the window of pool_layer's trailing parameters
// (layers/pool.hpp: padding is no value; n = the inputs of the window inside the map, as TFLite).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/elementwise_s8_mve.hpp"
#include "../kernels/arm/max_pool_s8_dsp.hpp"
#include "../kernels/target.hpp"
#include "../layers/pool.hpp"

namespace staticnn::quant {

template <Shape In, std::size_t K, class Op, std::size_t KW = K, std::size_t SH = K, std::size_t SW = KW,
          std::size_t PadT = 0, std::size_t PadL = 0, std::size_t PadB = PadT, std::size_t PadR = PadL>
struct qpool_layer {
  static_assert(In::rank == 3 && K > 0 && KW > 0 && SH > 0 && SW > 0 && K <= PadT + In::height + PadB &&
                    KW <= PadL + In::width + PadR,
                "qpool: window larger than the input");
  using window = pool_window<In::height, In::width, K, KW, SH, SW, PadT, PadL, PadB, PadR>;
  static constexpr bool square = window::square;
  static constexpr std::size_t kernel_h = K, kernel_w = KW, stride_h = SH, stride_w = SW;
  static constexpr std::size_t pad_top = PadT, pad_left = PadL, pad_bottom = PadB, pad_right = PadR;
  static constexpr std::size_t C = In::channels, H = In::height, W = In::width, OH = window::OH, OW = window::OW;
  using value_type = std::int8_t;
  static constexpr const char* name = std::is_same_v<Op, avg_pool_op> ? "qavg_pool" : "qmax_pool";
  using in_shape = In;
  using out_shape = shape<C, OH, OW>;
  using op = Op;
  static constexpr std::size_t kernel = K, param_count = 0, state_count = 0;
  static constexpr bool selects_max = std::is_same_v<Op, max_pool_op>;

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
  // (kernels/arm/max_pool_s8_dsp.hpp: max bytewise, average in int16 lanes), 2x2 average pooling on
  // MVE targets eight (kernels/arm/elementwise_s8_mve.hpp); the same values. Elsewhere the layer
  // has no row kernel and the conv -> activation -> pool stage keeps its own window loop.
  static constexpr bool has_avg_row_kernel = kernels::target::arm_mve && square && K == 2 && std::is_same_v<Op, avg_pool_op>;
  static constexpr bool has_row_kernel = (kernels::target::arm_dsp && square && K == 2) || has_avg_row_kernel;
  static constexpr const char* kernel_name = has_avg_row_kernel                 ? "arm_mve avg 2x2 (vmovlb/vmovlt, 8 a step)"
                                             : !has_row_kernel                  ? "portable"
                                             : std::is_same_v<Op, max_pool_op> ? "arm_dsp max 2x2 (ssub8/sel, 4 a step)"
                                                                               : "arm_dsp avg 2x2 (sadd16/shadd16, 4 a step)";
  static constexpr void reduce_row(const std::int8_t* rows, std::int8_t* y) {
    std::size_t px = 0;
    if constexpr (has_avg_row_kernel) {
      if (!std::is_constant_evaluated()) px = kernels::arm::avg_pool2_row_s8_mve<W>(rows, y);
    } else if constexpr (has_row_kernel) {
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
      for (std::size_t oy = 0; oy < OH; ++oy) {
        if constexpr (square) {
          reduce_row(x.data() + (c * H + oy * K) * W, y.data() + (c * OH + oy) * OW);
          continue;
        }
        for (std::size_t ox = 0; ox < OW; ++ox) y[(c * OH + oy) * OW + ox] = reduce_window(x.data() + c * H * W, oy, ox);
      }
  }
  // A window of a rectangular, strided or padded pool over the inputs inside the map (xc: one plane).
  static constexpr std::int8_t reduce_window(const std::int8_t* xc, std::size_t oy, std::size_t ox) {
    std::int32_t r = std::is_same_v<Op, avg_pool_op> ? 0 : -128, n = 0;
    window::visit(oy, ox, [&](std::size_t i) {
      r = std::is_same_v<Op, avg_pool_op> ? r + xc[i] : std::max<std::int32_t>(r, xc[i]);
      ++n;
    });
    if constexpr (std::is_same_v<Op, avg_pool_op>) r = r >= 0 ? (r + n / 2) / n : (r - n / 2) / n;
    return static_cast<std::int8_t>(r);
  }
};

}  // namespace staticnn::quant
