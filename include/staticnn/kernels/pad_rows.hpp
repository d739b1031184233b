#pragma once
// A window of rows of a zero-padded C x H x W map, the input of an unpadded convolution kernel:
// window[c][r][j] = x[c][iy0 + r - P][j - P] where that is inside the map, else fill (0 for float,
// the input zero point for int8). window: C x R x (W + 2P); iy0 in padded coordinates.
// Its copies and fills are loops, and on Arm GCC they stay loops: a row is a few bytes, and an
// image would otherwise link newlib's memmove and memset for these alone.
#include <cstddef>

namespace staticnn::kernels {

template <std::size_t C, std::size_t H, std::size_t W, std::size_t P, std::size_t R, class T>
#if defined(__arm__) && !defined(__clang__)
[[gnu::optimize("no-tree-loop-distribute-patterns")]]
#endif
constexpr void pad_rows(const T* x, T* window, std::size_t iy0, T fill) {
  constexpr std::size_t PW = W + 2 * P;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t r = 0; r < R; ++r) {
      T* row = window + (c * R + r) * PW;
      const std::size_t iy = iy0 + r;
      if (iy < P || iy >= H + P) {
        for (std::size_t j = 0; j < PW; ++j) row[j] = fill;
        continue;
      }
      const T* src = x + (c * H + iy - P) * W;
      for (std::size_t j = 0; j < P; ++j) row[j] = fill;
      for (std::size_t j = 0; j < W; ++j) row[P + j] = src[j];
      for (std::size_t j = P + W; j < PW; ++j) row[j] = fill;
    }
}

}  // namespace staticnn::kernels
