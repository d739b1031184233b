#pragma once
// A window of rows of a zero-padded C x H x W map, the input of an unpadded convolution kernel:
// window[c][r][j] = x[c][iy0 + r - P][j - PL] where that is inside the map, else fill (0 for float,
// the input zero point for int8). window: C x R x (PL + W + PR); iy0 in padded coordinates (P rows
// above the map; any number below it). PL and PR, the left and right padding, default to P.
// Its copies and fills are loops, and on Arm GCC they stay loops: a row is a few bytes, and an
// image would otherwise link newlib's memmove and memset for these alone.
#include <cstddef>

namespace staticnn::kernels {

template <std::size_t C, std::size_t H, std::size_t W, std::size_t P, std::size_t R, class T, std::size_t PL = P,
          std::size_t PR = P>
#if defined(__arm__) && !defined(__clang__)
[[gnu::optimize("no-tree-loop-distribute-patterns")]]
#endif
constexpr void pad_rows(const T* x, T* window, std::size_t iy0, T fill) {
  constexpr std::size_t PW = PL + W + PR;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t r = 0; r < R; ++r) {
      T* row = window + (c * R + r) * PW;
      const std::size_t iy = iy0 + r;
      if (iy < P || iy >= H + P) {
        for (std::size_t j = 0; j < PW; ++j) row[j] = fill;
        continue;
      }
      const T* src = x + (c * H + iy - P) * W;
      for (std::size_t j = 0; j < PL; ++j) row[j] = fill;
      for (std::size_t j = 0; j < W; ++j) row[PL + j] = src[j];
      for (std::size_t j = PL + W; j < PW; ++j) row[j] = fill;
    }
}

}  // namespace staticnn::kernels
