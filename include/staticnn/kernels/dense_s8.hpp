#pragma once
// int8 dense layer, TFLite int8 arithmetic: acc = bias[o] + sum_i w[o][i] * x[i] (int32; the
// input zero point folded into bias), y[o] = saturate(zero_point + acc * multiplier[o] * 2^(shift[o]-31)).
#include <cstddef>
#include <cstdint>

#include "../quant/arithmetic.hpp"

namespace staticnn::kernels {

template <std::size_t M, std::size_t N>
constexpr void dense_s8(const std::int8_t* w, const std::int32_t* bias, const std::int32_t* multiplier,
                        const std::int32_t* shift, std::int32_t zero_point, const std::int8_t* x, std::int8_t* y) {
  for (std::size_t o = 0; o < N; ++o) {
    std::int32_t acc = bias[o];
    const std::int8_t* wr = w + o * M;
    for (std::size_t i = 0; i < M; ++i) acc += std::int32_t{wr[i]} * x[i];
    y[o] = quant::saturate_int8(zero_point + quant::multiply_by_quantized_multiplier(acc, multiplier[o], shift[o]));
  }
}

}  // namespace staticnn::kernels
