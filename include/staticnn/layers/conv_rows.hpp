#pragma once
// Inference of a padded convolution layer (float conv2d_layer, int8 quant::qconv2d_layer) an
// output row at a time: for each output row, the KH rows of the padded input it reads
// (Conv::pack_window), then the layer's unpadded row kernel on them (Conv::forward_channel_rows,
// channel_group channels per call). The same values as the kernel on a padded copy of the whole
// input, in C x KH x (PL + W + PR) values of stack instead of the whole padded input. Conv names
// its kernel height kernel_h, vertical stride stride_h and left and right padding pad_left, pad_right.
#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include "../kernels/target.hpp"

namespace staticnn {

// The output rows conv_forward_by_rows packs one window for: float on VFP targets (a kernel
// call per channel, kernels/arm/conv2d_vfp.hpp), as many as a window of at most
// window_rows_bytes holds, so each kernel call (its set-up) and each window row shared by
// neighbouring output rows serve several output rows; else one.
namespace conv_rows {
inline constexpr std::size_t window_rows_bytes = 4096;
template <class Conv, class T>
constexpr std::size_t output_rows_per_window() {
  constexpr std::size_t K = Conv::kernel_h, S = Conv::stride_h, OH = Conv::out_shape::height;
  constexpr std::size_t row_bytes = Conv::in_shape::channels * (Conv::pad_left + Conv::in_shape::width + Conv::pad_right) * sizeof(T);
  if constexpr (!(std::is_same_v<T, float> && kernels::target::arm_vfp && Conv::channel_group == 1)) {
    return 1;
  } else {
    std::size_t r = 1;
    while (r < OH && (r * S + K) * row_bytes <= window_rows_bytes) ++r;
    return r;
  }
}
}  // namespace conv_rows

template <class Conv, class T>
constexpr void conv_forward_by_rows(const Conv& conv, const T* x, T* y) {
  constexpr std::size_t K = Conv::kernel_h, S = Conv::stride_h, G = Conv::channel_group;
  constexpr std::size_t C = Conv::in_shape::channels, PW = Conv::pad_left + Conv::in_shape::width + Conv::pad_right;
  constexpr std::size_t OC = Conv::out_shape::channels, OH = Conv::out_shape::height, OW = Conv::out_shape::width;
  static_assert(OC % G == 0, "conv: channel_group must divide the output channels");
  constexpr std::size_t RB = conv_rows::output_rows_per_window<Conv, T>();
  if constexpr (RB > 1) {  // G == 1: RB output rows a window (the last window: those left)
    constexpr std::size_t R = (RB - 1) * S + K;
    std::array<T, C * R * PW> window;
    for (std::size_t oy = 0; oy < OH; oy += RB) {
      const std::size_t rows = OH - oy < RB ? OH - oy : RB;
      conv.template pack_window<R>(x, window.data(), oy * S);
      for (std::size_t oc = 0; oc < OC; ++oc)
        conv.template forward_channel_rows<R>(window.data(), y + (oc * OH + oy) * OW, oc, 0, rows);
    }
    return;
  }
  std::array<T, C * K * PW> window;
  for (std::size_t oy = 0; oy < OH; ++oy) {
    conv.template pack_window<K>(x, window.data(), oy * S);
    for (std::size_t oc = 0; oc < OC; oc += G) {
      if constexpr (G == 1) {
        conv.template forward_channel_rows<K>(window.data(), y + (oc * OH + oy) * OW, oc, 0, 1);
      } else {  // G x 1 x OW rows, one per channel plane
        std::array<T, G * OW> rows;
        conv.template forward_channel_rows<K>(window.data(), rows.data(), oc, 0, 1);
        for (std::size_t g = 0; g < G; ++g) std::copy_n(rows.data() + g * OW, OW, y + ((oc + g) * OH + oy) * OW);
      }
    }
  }
}

// The same values an output row at a time into band, for a caller that consumes them as they
// come (a residual block's last conv adds its shortcut): for each output row oy and each group of
// channel_group channels from oc, band (channel_group x OW values) holds output rows oy of channels
// [oc, oc + channel_group), then emit(oc, oy) runs. Each row comes from the kernel forward runs
// for the layer's shape (the unpadded kernel on x, the kernel padding itself, or the unpadded
// kernel on a window of K padded rows), so the values are forward's. x is read only; the window
// of a padded layer that does not pad itself is C x K x (PL + W + PR) values of stack.
template <class Conv, class T, class Emit>
constexpr void conv_forward_rows_then(const Conv& conv, const T* x, T* band, Emit&& emit) {
  constexpr std::size_t K = Conv::kernel_h, S = Conv::stride_h, G = Conv::channel_group;
  constexpr std::size_t C = Conv::in_shape::channels, PW = Conv::pad_left + Conv::in_shape::width + Conv::pad_right;
  constexpr std::size_t OC = Conv::out_shape::channels, OH = Conv::out_shape::height;
  constexpr bool unpadded = Conv::pad_top == 0 && Conv::pad_left == 0 && Conv::pad_bottom == 0 && Conv::pad_right == 0;
  static_assert(OC % G == 0, "conv: channel_group must divide the output channels");
  if constexpr (unpadded) {
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t oc = 0; oc < OC; oc += G) conv.forward_channel_rows(x, band, oc, oy, 1), emit(oc, oy);
    return;
  } else {
    if constexpr (requires { requires Conv::pads_itself; }) {
      if (!std::is_constant_evaluated()) {
        for (std::size_t oy = 0; oy < OH; ++oy)
          for (std::size_t oc = 0; oc < OC; oc += G) conv.forward_padded_rows(x, band, oc, oy, 1), emit(oc, oy);
        return;
      }
    }
    std::array<T, C * K * PW> window;
    for (std::size_t oy = 0; oy < OH; ++oy) {
      conv.template pack_window<K>(x, window.data(), oy * S);
      for (std::size_t oc = 0; oc < OC; oc += G)
        conv.template forward_channel_rows<K>(window.data(), band, oc, 0, 1), emit(oc, oy);
    }
  }
}

}  // namespace staticnn
