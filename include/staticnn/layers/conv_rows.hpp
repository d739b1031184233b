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

namespace staticnn {

template <class Conv, class T>
constexpr void conv_forward_by_rows(const Conv& conv, const T* x, T* y) {
  constexpr std::size_t K = Conv::kernel_h, S = Conv::stride_h, G = Conv::channel_group;
  constexpr std::size_t C = Conv::in_shape::channels, PW = Conv::pad_left + Conv::in_shape::width + Conv::pad_right;
  constexpr std::size_t OC = Conv::out_shape::channels, OH = Conv::out_shape::height, OW = Conv::out_shape::width;
  static_assert(OC % G == 0, "conv: channel_group must divide the output channels");
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

}  // namespace staticnn
