#pragma once
// int8 dense layer, TFLite int8 arithmetic: acc = bias[o] + sum_i w[o][i] * x[i] (int32; the
// input zero point folded into bias), y[o] = saturate(zero_point + acc * multiplier[o] * 2^(shift[o]-31)).
// On Armv7E-M DSP targets four rows at a time through kernels/arm/dense_s8_dsp.hpp (SMLAD);
// every path gives the same int32 sums, so the same outputs.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fixed_point.hpp"
#include "arm/dense_s8_dsp.hpp"
#include "target.hpp"

namespace staticnn::kernels {

// AllDoubled: every output's rescale is known to take the short form (doubled_rescale_applies),
// so the DSP kernel rescales inline with no general path. table: null, or the middle (entry 128)
// of a 256-entry table every output then goes through, y = table[y] (dense -> lookup as one stage).
// Clamp: each output is clamped to [act_min, act_max] (a fused ReLU, channel_rescale's clamp)
// before any table, unless that is all of int8; without it act_min/act_max are not read.
template <std::size_t M, std::size_t N, bool AllDoubled = false, bool Clamp = false>
constexpr void dense_s8(const std::int8_t* w, const std::int32_t* bias, const std::int32_t* multiplier,
                        const std::int8_t* shift, std::int32_t zero_point, const std::int8_t* x, std::int8_t* y,
                        const std::int8_t* table = nullptr, std::int32_t act_min = -128, std::int32_t act_max = 127) {
  if constexpr (Clamp)
    if (act_min <= -128 && act_max >= 127)
      return dense_s8<M, N, AllDoubled>(w, bias, multiplier, shift, zero_point, x, y, table);
  const channel_rescale rescale{bias, multiplier, shift, zero_point, act_min, act_max};
  auto out = [&](std::size_t o, std::int32_t acc) {
    std::int8_t v = requantize_out_of_line(acc, multiplier[o], shift[o], zero_point);
    if constexpr (Clamp) v = rescale.clamp(v);
    y[o] = table != nullptr ? table[v] : v;
  };
  if constexpr (target::arm_dsp && arm::dense_rows_s8_supported<M>) {  // kernels/arm/dense_s8_dsp.hpp
    // The DSP rows apply no clamp: with one, the clamp follows (clamp(saturate(v)) = clamp(v)
    // inside int8), and a table after a clamp takes the loop below.
    if (!std::is_constant_evaluated() && (!Clamp || table == nullptr)) {
      arm::dense_rows_s8<M, N, AllDoubled>({w, bias, multiplier, shift, zero_point, y, table}, x);
      if constexpr (Clamp)
        for (std::size_t o = 0; o < N; ++o) y[o] = rescale.clamp(y[o]);
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
