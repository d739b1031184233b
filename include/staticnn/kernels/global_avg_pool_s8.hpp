#pragma once
// int8 global average pooling as TFLite's int8 AVERAGE_POOL_2D with the filter the whole map
// (reference_integer_ops::AveragePool): the output keeps the input's scale and zero point, and
//   y[c] = clamp((s + n/2) / n if s >= 0 else (s - n/2) / n, act_min, act_max),
//   s = sum of the n = H W int8 values of channel c (int32), / truncating,
// i.e. the mean rounded half away from zero. x: C x n int8, y: C int8.
#include <cstddef>
#include <cstdint>

namespace staticnn::kernels {

template <std::size_t C, std::size_t N>
constexpr void global_avg_pool_s8(const std::int8_t* x, std::int8_t* y, std::int32_t act_min = -128,
                                  std::int32_t act_max = 127) {
  static_assert(N > 0 && N < (std::size_t{1} << 23), "global_avg_pool_s8: the int32 sum needs n < 2^23");
  constexpr auto n = static_cast<std::int32_t>(N);
  for (std::size_t c = 0; c < C; ++c) {
    std::int32_t s = 0;
    for (std::size_t i = 0; i < N; ++i) s += x[c * N + i];
    std::int32_t v = s >= 0 ? (s + n / 2) / n : (s - n / 2) / n;  // in [-128, 127]: a mean of int8
    v = v < act_min ? act_min : (v > act_max ? act_max : v);
    y[c] = static_cast<std::int8_t>(v);
  }
}

}  // namespace staticnn::kernels
