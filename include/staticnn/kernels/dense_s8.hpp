#pragma once
// int8 dense layer, TFLite int8 arithmetic: acc = bias[o] + sum_i w[o][i] * x[i] (int32; the
// input zero point folded into bias), y[o] = saturate(zero_point + acc * multiplier[o] * 2^(shift[o]-31)).
// On Armv7E-M DSP targets four rows at a time through kernels/arm/dense_s8_dsp.hpp (SMLAD);
// every path gives the same int32 sums, so the same outputs.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../quant/arithmetic.hpp"
#include "arm/dense_s8_dsp.hpp"
#include "target.hpp"

namespace staticnn::kernels {

// One output's rescale, out of line on DSP targets (a few hundred outputs per inference: the
// call costs less than the flash of inlining it in every loop).
[[gnu::noinline]] inline std::int8_t requantize_dense_out(std::int32_t acc, std::int32_t multiplier, std::int32_t shift,
                                                          std::int32_t zero_point) {
  return quant::saturate_int8(zero_point + quant::multiply_by_quantized_multiplier(acc, multiplier, shift));
}

template <std::size_t M, std::size_t N>
constexpr void dense_s8(const std::int8_t* w, const std::int32_t* bias, const std::int32_t* multiplier,
                        const std::int8_t* shift, std::int32_t zero_point, const std::int8_t* x, std::int8_t* y) {
  auto out = [&](std::size_t o, std::int32_t acc) {
    y[o] = quant::saturate_int8(zero_point + quant::multiply_by_quantized_multiplier(acc, multiplier[o], shift[o]));
  };
  // kernels/arm/dense_s8_dsp.hpp: four rows at a time over the widened input, the first four
  // inputs apart when M % 8 == 4; rows left over by N % 4 use the widened input too.
  constexpr bool dsp = target::arm_dsp && M % 4 == 0 && M >= 12 && 3 * M <= 1020;
  if constexpr (dsp) {
    if (!std::is_constant_evaluated()) {
      arm::pair_buffer<M> buffer;
      std::int32_t* xp = buffer.begin();
      arm::widen_pairs_s8<M>(x, xp);
      constexpr std::size_t head = M % 8;  // 0 or 4 inputs
      auto head_dot = [&](const std::int8_t* wr, std::int32_t acc) {
        if constexpr (head == 4) {
          std::uint32_t v;
          __builtin_memcpy(&v, wr, 4);
          acc = __smlad(xp[0], __sxtb16(v), acc);
          acc = __smlad(xp[1], __sxtb16(std::rotr(v, 8)), acc);
        }
        return acc;
      };
      auto out_dsp = [&](std::size_t o, std::int32_t acc) {
        y[o] = requantize_dense_out(acc, multiplier[o], shift[o], zero_point);
      };
      for (std::size_t o = 0; o + 4 <= N; o += 4) {
        std::int32_t acc[4];
        for (std::size_t k = 0; k < 4; ++k) acc[k] = head_dot(w + (o + k) * M, bias[o + k]);
        arm::dot4x8_s8<M - head, M, arm::pair_buffer<M>::align_bits>(xp + head / 2, w + o * M + head, acc);
#pragma GCC unroll 1
        for (std::size_t k = 0; k < 4; ++k) out_dsp(o + k, acc[k]);
      }
#pragma GCC unroll 1
      for (std::size_t o = N / 4 * 4; o < N; ++o) {
        const std::int8_t* wr = w + o * M;
        std::int32_t acc = bias[o];
#pragma GCC unroll 1
        for (std::size_t i = 0; i < M / 4; ++i) {
          std::uint32_t v;
          __builtin_memcpy(&v, wr + 4 * i, 4);
          acc = __smlad(xp[2 * i], __sxtb16(v), acc);
          acc = __smlad(xp[2 * i + 1], __sxtb16(std::rotr(v, 8)), acc);
        }
        out_dsp(o, acc);
      }
      return;
    }
  }
  for (std::size_t o = 0; o < N; ++o) {
    std::int32_t acc = bias[o];
    const std::int8_t* wr = w + o * M;
    for (std::size_t i = 0; i < M; ++i) acc += std::int32_t{wr[i]} * x[i];
    out(o, acc);
  }
}

}  // namespace staticnn::kernels
