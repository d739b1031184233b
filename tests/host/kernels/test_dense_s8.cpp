// kernels::dense_s8 (the portable loop on the host) against hand-derived outputs: a rescale of
// exactly 1 (multiplier 2^30, shift 1), so y = clamp(saturate(zero_point + acc), act_min, act_max)
// with acc = bias + w . x summed by hand; TFLite's fused activation clamp at its defaults, ReLU's
// [zero_point, 127] and a narrow range, then through a table; at run time and in constant evaluation.
#include "staticnn/kernels/dense_s8.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>

namespace sk = staticnn::kernels;

namespace {

constexpr std::size_t M = 3, N = 5;
alignas(4) constexpr std::array<std::int8_t, M * N> w{1, 2, 3, -1, 0, 2, 4, -3, 1, 100, -100, 0, -100, 100, 0};
constexpr std::array<std::int8_t, M> x{10, -20, 5};
// acc = bias + w . x: -15, 7, 5, 3000, -3000.
constexpr std::array<std::int32_t, N> bias{0, 7, -100, 0, 0};
constexpr std::array<std::int32_t, N> multiplier{1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30};
constexpr std::array<std::int8_t, N> shift{1, 1, 1, 1, 1};
constexpr std::int32_t zero_point = 3;

constexpr std::array<std::int8_t, N> run(std::int32_t act_min, std::int32_t act_max, const std::int8_t* table = nullptr) {
  const sk::channel_rescale r{bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
  std::array<std::int8_t, N> y{};
  sk::dense_s8<M, N>(w.data(), r, x.data(), y.data(), table);
  return y;
}

}  // namespace

TEST_CASE("dense_s8: the fused activation clamp against hand values") {
  using y_t = std::array<std::int8_t, N>;
  // zero_point + acc: -12, 10, 8, 3003 -> 127, -2997 -> -128.
  CHECK(run(-128, 127) == y_t{-12, 10, 8, 127, -128});
  CHECK(run(zero_point, 127) == y_t{3, 10, 8, 127, 3});  // ReLU
  CHECK(run(-5, 9) == y_t{-5, 9, 8, 9, -5});
  CHECK(run(8, 8) == y_t{8, 8, 8, 8, 8});
  // The table after the clamp: table[v] = -v at the middle entry v.
  std::array<std::int8_t, 256> table{};
  for (int v = -128; v < 128; ++v) table[static_cast<std::size_t>(v + 128)] = static_cast<std::int8_t>(v == -128 ? 127 : -v);
  CHECK(run(-5, 9, table.data() + 128) == y_t{5, -9, -8, -9, 5});
  CHECK(run(-128, 127, table.data() + 128) == y_t{12, -10, -8, -127, 127});
  // The same in constant evaluation.
  static_assert(run(zero_point, 127) == y_t{3, 10, 8, 127, 3});
  static_assert(run(-5, 9) == y_t{-5, 9, 8, 9, -5});
}
