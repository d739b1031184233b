#pragma once
// A window of rows of a zero-padded C x H x W map, the input of an unpadded convolution kernel:
// window[c][r][j] = x[c][iy0 + r - P][j - P] where that is inside the map, else fill (0 for float,
// the input zero point for int8). window: C x R x (W + 2P); iy0 in padded coordinates.
#include <algorithm>
#include <cstddef>

namespace staticnn::kernels {

template <std::size_t C, std::size_t H, std::size_t W, std::size_t P, std::size_t R, class T>
constexpr void pad_rows(const T* x, T* window, std::size_t iy0, T fill) {
  constexpr std::size_t PW = W + 2 * P;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t r = 0; r < R; ++r) {
      T* row = window + (c * R + r) * PW;
      const std::size_t iy = iy0 + r;
      if (iy < P || iy >= H + P) {
        std::fill_n(row, PW, fill);
        continue;
      }
      std::fill_n(row, P, fill);
      std::copy_n(x + (c * H + iy - P) * W, W, row + P);
      std::fill_n(row + P + W, P, fill);
    }
}

}  // namespace staticnn::kernels
