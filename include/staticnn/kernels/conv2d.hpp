#pragma once
// Direct 2-D convolution (cross-correlation, as PyTorch) on one sample without padding: the
// caller pads. x: C x H x W, w: OC x C x K x KW (OIHW), y: OC x OH x OW, OH = (H - K) / S + 1,
// OW = (W - KW) / SW + 1: K and S are the kernel's height and vertical stride, KW and SW (default:
// K and S, a square kernel) its width and horizontal stride.
// Each output row is accumulated in registers across all input channels and kernel taps.
#include <cstddef>
#include <type_traits>

#include "arm/conv2d_mve.hpp"
#include "arm/conv2d_pointwise_vfp.hpp"
#include "arm/conv2d_vfp.hpp"
#include "target.hpp"

namespace staticnn::kernels {

// Whether conv2d_channel_rows runs the MVE kernel (kernels/arm/conv2d_mve.hpp): float on an MVE
// target (Cortex-M55), stride 1, up to 8 input channels (arm::conv_mve_preferred); it comes before
// the VFP kernels.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, class T>
constexpr bool conv2d_runs_mve() {
  return std::is_same_v<T, float> && arm::conv_mve_preferred<C, H, W, K, S>;
}

// Whether a float conv runs kernels/arm/conv2d_mve.hpp's conv_mve_channels (4 output channels a
// vector; any C, kernel height, strides and padding, a kernel width up to 10) on an MVE target:
// every layer with at least 4 output channels whose block fits (arm::conv_mve4_fits); its layer
// then hands it conv2d_channel_group channels at a time (conv2d_group_rows).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S, class T,
          std::size_t KW = K, std::size_t SW = S>
constexpr bool conv2d_runs_mve_channels() {
  return std::is_same_v<T, float> && arm::conv_mve4_fits<C, H, W, K, S, OC, KW, SW>;
}
// Whether a float conv runs kernels/arm/conv2d_pointwise_vfp.hpp's conv_pointwise_vfp_channels
// (several output channels x several pixels a block) on a VFP target: K = 1, stride 1, C from 2
// to arm::pointwise_vfp::group_max_inputs, more than one output channel a group
// (arm::conv_pointwise_vfp_group), and not an MVE kernel.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S, class T,
          std::size_t KW = K, std::size_t SW = S>
constexpr bool conv2d_runs_pointwise_vfp_channels() {
  return target::arm_vfp && std::is_same_v<T, float> && K == 1 && KW == 1 && S == 1 && SW == 1 &&
         arm::conv_pointwise_vfp_channels_fit<C> && arm::conv_pointwise_vfp_group(OC) > 1 &&
         !conv2d_runs_mve_channels<C, H, W, OC, K, S, T, KW, SW>() && !conv2d_runs_mve<C, H, W, K, S, T>();
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S, class T,
          std::size_t KW = K, std::size_t SW = S>
constexpr std::size_t conv2d_channel_group() {
  if constexpr (conv2d_runs_mve_channels<C, H, W, OC, K, S, T, KW, SW>()) return arm::conv_mve4_group(OC);
  else if constexpr (conv2d_runs_pointwise_vfp_channels<C, H, W, OC, K, S, T, KW, SW>()) return arm::conv_pointwise_vfp_group(OC);
  else return 1;
}

// Whether conv2d_channel_rows runs the Cortex-M VFP kernel (kernels/arm/conv2d_vfp.hpp) on an
// input of C x H x W (unpadded, as it sees it): float where the target has it and the shape fits
// its registers and immediates (arm::conv_vfp_fits).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, class T>
constexpr bool conv2d_runs_vfp() {
  return target::arm_vfp && std::is_same_v<T, float> && arm::conv_vfp_fits<C, H, W, K, S>;
}

// Whether conv2d_channel_rows runs the pointwise VFP kernel (kernels/arm/conv2d_pointwise_vfp.hpp):
// float on a VFP target, K = 1 and stride 1 (the rows' pixels are consecutive in each plane).
template <std::size_t C, std::size_t K, std::size_t S, class T>
constexpr bool conv2d_runs_pointwise_vfp() {
  return target::arm_vfp && std::is_same_v<T, float> && K == 1 && S == 1 && arm::conv_pointwise_vfp_fits<C>;
}

// Output rows [oy0, oy0 + rows) of output channel oc (weights w, OIHW), into y laid out rows x OW:
// the pointwise VFP kernel where conv2d_runs_pointwise_vfp(), the VFP kernel where
// conv2d_runs_vfp(), else the portable loop below (every rectangular kernel or stride).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S,
          class T, std::size_t KW = K, std::size_t SW = S>
constexpr void conv2d_channel_rows(const T* x, const T* w, const T* bias, T* y, std::size_t oc,
                                   std::size_t oy0, std::size_t rows) {
  constexpr std::size_t OW = (W - KW) / SW + 1;
  constexpr bool square = K == KW && S == SW;
  if constexpr (square && conv2d_runs_mve<C, H, W, K, S, T>()) {
    if (!std::is_constant_evaluated())
      return arm::conv_mve_rows<C, H, W, K, S>(x + oy0 * S * W, w + oc * C * K * K, bias[oc], y, rows);
  }
  if constexpr (square && conv2d_runs_pointwise_vfp<C, K, S, T>() && !conv2d_runs_mve<C, H, W, K, S, T>()) {
    arm::conv_pointwise_vfp<C, H * W>(x + oy0 * W, w + oc * C, bias[oc], y, rows * W);
  } else if constexpr (square && conv2d_runs_vfp<C, H, W, K, S, T>() && !conv2d_runs_mve<C, H, W, K, S, T>()) {
    arm::conv_vfp_rows<C, H, W, K, S>(x + oy0 * S * W, w + oc * C * K * K, bias[oc], y, rows);
  } else {
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t oy = oy0 + r;
      T acc[OW];
      for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] = bias[oc];
      for (std::size_t ic = 0; ic < C; ++ic) {
        for (std::size_t ky = 0; ky < K; ++ky) {
          const T* xr = x + (ic * H + oy * S + ky) * W;
          const T* wr = w + ((oc * C + ic) * K + ky) * KW;
          for (std::size_t kx = 0; kx < KW; ++kx) {
            const T wv = wr[kx];
            for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] += wv * xr[ox * SW + kx];
          }
        }
      }
      for (std::size_t ox = 0; ox < OW; ++ox) y[r * OW + ox] = acc[ox];
    }
  }
}

// Output rows [oy0, oy0 + rows) of channels [oc, oc + G), into y laid out G x rows x OW: the
// 4-channel MVE kernel where conv2d_runs_mve_channels() and G > 1, the multi-channel pointwise VFP
// kernel where conv2d_runs_pointwise_vfp_channels() and G > 1, else conv2d_channel_rows per
// channel.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S,
          class T, std::size_t KW, std::size_t SW, std::size_t G>
constexpr void conv2d_group_rows(const T* x, const T* w, const T* bias, T* y, std::size_t oc, std::size_t oy0,
                                 std::size_t rows) {
  constexpr std::size_t OW = (W - KW) / SW + 1;
  if constexpr (G > 1 && conv2d_runs_mve_channels<C, H, W, OC, K, S, T, KW, SW>()) {
    if (!std::is_constant_evaluated())
      return arm::conv_mve_channels<C, H, W, K, S, OC, KW, SW>(x + oy0 * S * W, w, bias, y, oc, G, rows * OW, rows);
  }
  if constexpr (G > 1 && conv2d_runs_pointwise_vfp_channels<C, H, W, OC, K, S, T, KW, SW>()) {
    if (!std::is_constant_evaluated())
      return arm::conv_pointwise_vfp_channels<C, H * W, G>(x + oy0 * W, w + oc * C, bias + oc, y, rows * W, rows * W);
  }
  for (std::size_t g = 0; g < G; ++g)
    conv2d_channel_rows<C, H, W, OC, K, S, T, KW, SW>(x, w, bias, y + g * rows * OW, oc + g, oy0, rows);
}

// Output rows [oy0, oy0 + rows) of every channel, into y laid out OC x rows x OW (all channels in
// one call of the MVE or the multi-channel pointwise VFP kernel where they run).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S,
          class T, std::size_t KW = K, std::size_t SW = S>
constexpr void conv2d_forward_rows(const T* x, const T* w, const T* bias, T* y, std::size_t oy0,
                                   std::size_t rows) {
  constexpr std::size_t OW = (W - KW) / SW + 1;
  if constexpr (conv2d_runs_mve_channels<C, H, W, OC, K, S, T, KW, SW>()) {
    if (!std::is_constant_evaluated())
      return arm::conv_mve_channels<C, H, W, K, S, OC, KW, SW>(x + oy0 * S * W, w, bias, y, 0, OC, rows * OW, rows);
  }
  if constexpr (conv2d_runs_pointwise_vfp_channels<C, H, W, OC, K, S, T, KW, SW>()) {
    if (!std::is_constant_evaluated())
      return arm::conv_pointwise_vfp_channels<C, H * W, OC>(x + oy0 * W, w, bias, y, rows * W, rows * W);
  }
  for (std::size_t oc = 0; oc < OC; ++oc)
    conv2d_channel_rows<C, H, W, OC, K, S, T, KW, SW>(x, w, bias, y + oc * rows * OW, oc, oy0, rows);
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S,
          class T, std::size_t KW = K, std::size_t SW = S>
constexpr void conv2d_forward(const T* x, const T* w, const T* bias, T* y) {
  conv2d_forward_rows<C, H, W, OC, K, S, T, KW, SW>(x, w, bias, y, 0, (H - K) / S + 1);
}

}  // namespace staticnn::kernels
