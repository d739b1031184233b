#pragma once
// qdepthwise_conv2d_layer<In, K, Stride, Pad, Clamp, KW, SW, PadL, PadB, PadR>: int8 depthwise_conv2d
// (channel multiplier 1), TFLite int8 DEPTHWISE_CONV_2D arithmetic (kernels/depthwise_s8.hpp); the
// window as depthwise_conv2d_layer's (the trailing five default to a square one). Weights C x K x KW,
// symmetric per channel (zero point 0, [-127, 127]); bias int32 at scale s_in * s_w[c] with the
// input zero point folded in (bias - z_in * sum w[c]), so padding holds z_in (real value 0), as in
// qconv2d_layer; multiplier/shift per channel. Clamp: outputs clamped to [act_min, act_max], a
// fused ReLU or ReLU6 (quantize() sets the range); without it the clamp is the whole int8 range.
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/depthwise_s8.hpp"
#include "arithmetic.hpp"

namespace staticnn::quant {

template <Shape In, std::size_t K, std::size_t Stride, std::size_t Pad = 0, bool Clamp = false, std::size_t KW = K,
          std::size_t SW = Stride, std::size_t PadL = Pad, std::size_t PadB = Pad, std::size_t PadR = PadL>
struct qdepthwise_conv2d_layer {
  static_assert(In::rank == 3 && K > 0 && KW > 0 && Stride > 0 && SW > 0 && K <= In::height + Pad + PadB &&
                    KW <= In::width + PadL + PadR,
                "qdepthwise_conv2d: needs a C x H x W map at least K x KW (padded)");
  static constexpr std::size_t C = In::channels, H = In::height, W = In::width;
  using value_type = std::int8_t;
  static constexpr const char* name = "qdepthwise_conv2d";
  using in_shape = In;
  using out_shape = shape<C, (Pad + H + PadB - K) / Stride + 1, (PadL + W + PadR - KW) / SW + 1>;
  static constexpr std::size_t out_channels = C, kernel = K, stride = Stride, padding = Pad, fan_in = K * KW;
  static constexpr std::size_t kernel_h = K, kernel_w = KW, stride_h = Stride, stride_w = SW;
  static constexpr std::size_t pad_top = Pad, pad_left = PadL, pad_bottom = PadB, pad_right = PadR;
  static constexpr bool square = K == KW && Stride == SW && Pad == PadL && Pad == PadB && Pad == PadR;
  static constexpr std::size_t weight_count = C * fan_in, param_count = 0, state_count = 0;
  static constexpr bool clamped = Clamp;
  static constexpr const char* kernel_name = kernels::depthwise_s8_kernel_name<C, H, W, K, Stride, Pad, KW, SW, PadL, PadB, PadR>();

  std::array<std::int8_t, weight_count> weights{};
  std::array<std::int32_t, C> bias{}, multiplier{};
  std::array<std::int8_t, C> shift{};  // in [-31, 31]
  std::int32_t zero_point = 0;  // of the output
  std::int32_t act_min = -128, act_max = 127;  // the fused activation's clamp
  std::int32_t input_zero_point = 0;  // the value of the padding

  constexpr kernels::channel_rescale rescale() const {
    return {bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
  }
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, out_shape::size> y) const {
    kernels::depthwise_s8<C, H, W, K, Stride, Pad, KW, SW, PadL, PadB, PadR>(
        x.data(), weights.data(), rescale(), y.data(), static_cast<std::int8_t>(input_zero_point));
  }
  // For a layer that is a compile-time constant (network::forward_constant): the DSP column
  // strips' shapes that depthwise_s8_dsp_s2_table takes and the stride-1 planes' shapes that
  // depthwise_s8_dsp_s1_table takes run from its channels' words worked out here
  // (kernels/arm/depthwise_s8_s2_dsp.hpp's s2_known_table, in flash); any other, forward().
  template <const qdepthwise_conv2d_layer& Self>
  static void forward_constant(cview<std::int8_t, In::size> x, view<std::int8_t, out_shape::size> y) {
    if constexpr (square && kernels::arm::depthwise_s8_dsp_s2_table<C, H, W, K, Stride, Pad>) {
      static constexpr auto table = kernels::arm::depthwise_dsp::s2_known_table(Self);
      kernels::arm::depthwise_s8_dsp_s2_known<C, H, W, Pad>(x.data(), table.data(), Self.rescale(), y.data(),
                                                            static_cast<std::int8_t>(Self.input_zero_point));
    } else if constexpr (square && kernels::arm::depthwise_s8_dsp_s1_table<C, H, W, K, Stride, Pad>) {
      static constexpr auto table = kernels::arm::depthwise_dsp::s2_known_table(Self);
      kernels::arm::depthwise_s8_dsp_s1_known<C, H, W, Pad>(x.data(), table.data(), Self.rescale(), y.data(),
                                                            static_cast<std::int8_t>(Self.input_zero_point));
    } else {
      Self.forward(x, y);
    }
  }
  // The kernel a constant layer runs (network::stages_constant): forward_constant's, which says
  // when the channels' words come from the table made at compile time.
  template <const qdepthwise_conv2d_layer& Self>
  static constexpr const char* kernel_name_constant() {
    if constexpr (square && kernels::arm::depthwise_s8_dsp_s2_table<C, H, W, K, Stride, Pad>)
      return "arm_dsp depthwise 3x3 s2 (int8 rows, sxtb16 pairs, column strips; channel table made at compile time)";
    else if constexpr (square && kernels::arm::depthwise_s8_dsp_s1_table<C, H, W, K, Stride, Pad>)
      return "arm_dsp depthwise 3x3 (smlad, whole channel in even/odd column planes; channel table made at compile time)";
    else
      return kernel_name;
  }
};

}  // namespace staticnn::quant
