#pragma once
// Requantization of a row of int32 accumulators sharing one output channel's rescale:
//   y[i] = saturate(zero_point + multiply_by_quantized_multiplier(acc[i], multiplier, shift)).
// The usual case (a right shift, multiplier != INT32_MIN: the high multiply cannot saturate) runs
// as a straight loop with the per-channel decisions hoisted: SMULL-add-shift, round, shift, add,
// SSAT. Every other case takes fixed_point.hpp's functions; the results are the same.
#include <cstddef>
#include <cstdint>
#include <limits>

#include "fixed_point.hpp"

namespace staticnn::kernels {

// acc_bound: a bound on |acc[i]| the caller knows (|bias| + the largest possible sum), or ~0u.
constexpr void requantize_s8(const std::int32_t* acc, std::int8_t* y, std::size_t n, std::int32_t multiplier,
                             std::int32_t shift, std::int32_t zero_point, std::uint32_t acc_bound = ~0u) {
  if (shift < 0 && multiplier != std::numeric_limits<std::int32_t>::min()) {
    const int e = -shift;
    const std::uint32_t round = std::uint32_t{1} << (e - 1);
    // |s| <= |acc| < 2^30 when acc_bound says so: then s + round - [s < 0] fits an int32 and one
    // arithmetic shift rounds it (the general form shifts a non-negative sum logically).
    if (acc_bound < (std::uint32_t{1} << 30)) {
      for (std::size_t i = 0; i < n; ++i) {
        const auto s = static_cast<std::int32_t>((std::int64_t{acc[i]} * multiplier + (std::int64_t{1} << 30)) >> 31);
        y[i] = saturate_int8(zero_point + ((s + static_cast<std::int32_t>(round) + (s >> 31)) >> e));
      }
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const auto s = static_cast<std::int32_t>((std::int64_t{acc[i]} * multiplier + (std::int64_t{1} << 30)) >> 31);
      const std::uint32_t u = static_cast<std::uint32_t>(s) + round - (static_cast<std::uint32_t>(s) >> 31);
      const std::int32_t r = s >= 0 ? static_cast<std::int32_t>(u >> e) : (static_cast<std::int32_t>(u) >> e);
      y[i] = saturate_int8(zero_point + r);
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i)
    y[i] = requantize(acc[i], multiplier, shift, zero_point);
}

}  // namespace staticnn::kernels
