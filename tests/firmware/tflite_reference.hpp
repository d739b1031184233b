#pragma once
// TFLite's int8 requantization written out here, independently of quant/arithmetic.hpp, for the
// firmware tests to hold the library's kernels against: gemmlowp's SaturatingRoundingDoublingHighMul
// (the 64-bit product, nudge 2^30 or 1 - 2^30, a truncating division by 2^31, INT32_MIN * INT32_MIN
// saturated) and RoundingDivideByPOT (mask, remainder, threshold), after TFLite's left shift
// acc * 2^shift (wrapping, as TFLite computes it in 32 bits) when shift > 0.
#include <cstdint>
#include <limits>

namespace staticnn::fw_test {

// zp + the rescaled acc in 64 bits (the value TFLite computes in int32).
inline std::int64_t requant_unsaturated(std::int32_t acc, std::int32_t m, std::int32_t shift, std::int32_t zp) {
  const std::int32_t left = shift > 0 ? shift : 0, e = shift > 0 ? 0 : -shift;
  const auto a = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) << left);
  const std::int64_t ab = std::int64_t{a} * m;
  const std::int32_t s = a == m && a == std::numeric_limits<std::int32_t>::min()
                             ? std::numeric_limits<std::int32_t>::max()
                             : static_cast<std::int32_t>((ab + (ab >= 0 ? (1 << 30) : (1 - (1 << 30)))) /
                                                         (std::int64_t{1} << 31));
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << e) - 1);
  const std::int32_t rem = s & mask, threshold = (mask >> 1) + (s < 0 ? 1 : 0);
  return std::int64_t{zp} + (s >> e) + (rem > threshold ? 1 : 0);
}
inline std::int8_t requant_any(std::int32_t acc, std::int32_t m, std::int32_t shift, std::int32_t zp) {
  const std::int64_t v = requant_unsaturated(acc, m, shift, zp);
  return static_cast<std::int8_t>(v < -128 ? -128 : v > 127 ? 127 : v);
}
// TFLite adds the zero point in int32: where that sum leaves int32 (possible only without a
// right shift, for |acc * multiplier * 2^shift| within |zp| of 2^62) TFLite's result is
// undefined; quant::requantize saturates the exact sum there, as requant_any does.
inline bool requant_defined(std::int32_t acc, std::int32_t m, std::int32_t shift, std::int32_t zp) {
  const std::int64_t v = requant_unsaturated(acc, m, shift, zp);
  return v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max();
}

}  // namespace staticnn::fw_test
