#pragma once
// int8 dense layer, TFLite int8 arithmetic: acc = bias[o] + sum_i w[o][i] * x[i] (int32; the
// input zero point folded into bias), y[o] = saturate(zero_point + acc * multiplier[o] * 2^(shift[o]-31)).
// On Armv7E-M DSP targets four rows at a time through kernels/arm/dense_s8_dsp.hpp (SMLAD).
#include <cstddef>
#include <cstdint>

#include "../quant/arithmetic.hpp"
#include "arm/dense_s8_dsp.hpp"
#include "target.hpp"

namespace staticnn::kernels {

template <std::size_t M, std::size_t N>
constexpr void dense_s8(const std::int8_t* w, const std::int32_t* bias, const std::int32_t* multiplier,
                        const std::int32_t* shift, std::int32_t zero_point, const std::int8_t* x, std::int8_t* y) {
  auto out = [&](std::size_t o, std::int32_t acc) {
    y[o] = quant::saturate_int8(zero_point + quant::multiply_by_quantized_multiplier(acc, multiplier[o], shift[o]));
  };
  constexpr bool dsp = target::arm_dsp && M % 4 == 0 && 3 * M < 4096;
  constexpr std::size_t blocked = dsp ? N / 4 * 4 : 0;
  if constexpr (dsp) {  // four rows at a time, kernels/arm/dense_s8_dsp.hpp
    for (std::size_t o = 0; o < blocked; o += 4) {
      std::int32_t acc[4] = {bias[o], bias[o + 1], bias[o + 2], bias[o + 3]};
      arm::dot4_s8<M>(x, w + o * M, acc);
      for (std::size_t k = 0; k < 4; ++k) out(o + k, acc[k]);
    }
  }
  for (std::size_t o = blocked; o < N; ++o) {
    std::int32_t acc = bias[o];
    const std::int8_t* wr = w + o * M;
    for (std::size_t i = 0; i < M; ++i) acc += std::int32_t{wr[i]} * x[i];
    out(o, acc);
  }
}

}  // namespace staticnn::kernels
