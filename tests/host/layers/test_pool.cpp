// avg_pool / max_pool: K x K windows, stride K, edge remainder dropped; hand-computed values.
#include "staticnn/layers/pool.hpp"

#include <doctest/doctest.h>

#include "staticnn/core/concepts.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <type_traits>

using staticnn::shape;

namespace {

// 0, 1, 2, ... in CHW order, plus `offset`.
template <std::size_t N>
std::array<double, N> iota(double offset, double sign = 1) {
  std::array<double, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = sign * (static_cast<double>(i) + offset);
  return a;
}

template <class L>
std::array<double, L::out_shape::size> forward(const std::array<double, L::in_shape::size>& x) {
  L l;
  std::array<double, L::out_shape::size> y{};
  l.forward(x, y);
  return y;
}

template <class L>
std::array<double, L::in_shape::size> input_grad(const std::array<double, L::in_shape::size>& x,
                                                 const std::array<double, L::out_shape::size>& dy) {
  L l;
  std::array<double, L::out_shape::size> y{};
  std::array<double, L::in_shape::size> dx{};
  dx.fill(std::numeric_limits<double>::quiet_NaN());
  typename L::cache_type cache;
  staticnn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, 1, ex);
  l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 0>(), cache, 1, ex);
  return dx;
}

using avg4 = staticnn::avg_pool<2>::bind<shape<1, 4, 4>, double>;
using max4 = staticnn::max_pool<2>::bind<shape<1, 4, 4>, double>;
using avg5 = staticnn::avg_pool<2>::bind<shape<1, 5, 5>, double>;
using max5 = staticnn::max_pool<2>::bind<shape<1, 5, 5>, double>;

}  // namespace

// Pool output shapes (checked when this file compiles).
static_assert(std::is_same_v<avg4::out_shape, shape<1, 2, 2>>);
static_assert(std::is_same_v<max5::out_shape, shape<1, 2, 2>>);  // (5 - 2) / 2 + 1 = 2
static_assert(std::is_same_v<staticnn::avg_pool<3>::bind<shape<3, 7, 9>>::out_shape, shape<3, 2, 3>>);
static_assert(avg4::param_count == 0 && avg4::state_count == 0);
static_assert(staticnn::Layer<max4>);

TEST_CASE("avg_pool: forward on 1..16 in a 4x4 map") {
  // Windows {1 2 5 6}, {3 4 7 8}, {9 10 13 14}, {11 12 15 16}: means 3.5, 5.5, 11.5, 13.5.
  CHECK(forward<avg4>(iota<16>(1)) == std::array<double, 4>{3.5, 5.5, 11.5, 13.5});
}

TEST_CASE("max_pool: forward on 1..16 and on -1..-16") {
  CHECK(forward<max4>(iota<16>(1)) == std::array<double, 4>{6, 8, 14, 16});
  // All negative: the max is the largest (least negative) value, not 0.
  CHECK(forward<max4>(iota<16>(1, -1)) == std::array<double, 4>{-1, -3, -9, -11});
}

TEST_CASE("pool: the last row and column of a 5x5 map are dropped") {
  // x = 0..24 row-major; windows {0 1 5 6}, {2 3 7 8}, {10 11 15 16}, {12 13 17 18}.
  CHECK(forward<avg5>(iota<25>(0)) == std::array<double, 4>{3, 5, 13, 15});
  CHECK(forward<max5>(iota<25>(0)) == std::array<double, 4>{6, 8, 16, 18});
}

TEST_CASE("pool: channels are pooled separately") {
  // Channel 1 of 0..31 as 2x4x4 is 16..31: max = {21 23 29 31}, avg = {18.5 20.5 26.5 28.5}.
  using m = staticnn::max_pool<2>::bind<shape<2, 4, 4>, double>;
  using a = staticnn::avg_pool<2>::bind<shape<2, 4, 4>, double>;
  CHECK(forward<m>(iota<32>(0)) == std::array<double, 8>{5, 7, 13, 15, 21, 23, 29, 31});
  CHECK(forward<a>(iota<32>(0)) == std::array<double, 8>{2.5, 4.5, 10.5, 12.5, 18.5, 20.5, 26.5, 28.5});
}

TEST_CASE("avg_pool: backward spreads dy / K^2 over each window") {
  const auto dx = input_grad<avg4>(iota<16>(1), {1, 2, 3, 4});
  CHECK(dx == std::array<double, 16>{.25, .25, .5, .5, .25, .25, .5, .5, .75, .75, 1, 1, .75, .75, 1, 1});
}

TEST_CASE("max_pool: backward routes dy to the maximum of each window") {
  // On 1..16 the maxima are the bottom-right entries: indices 5, 7, 13, 15.
  const auto dx = input_grad<max4>(iota<16>(1), {1, 2, 3, 4});
  CHECK(dx == std::array<double, 16>{0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4});
  // Ties go to the first maximum in row-major order (documented behaviour).
  std::array<double, 16> ties{};
  ties.fill(1);
  const auto dt = input_grad<max4>(ties, {1, 2, 3, 4});
  CHECK(dt == std::array<double, 16>{1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0});
}

TEST_CASE("pool: the dropped edge gets zero gradient") {
  const auto da = input_grad<avg5>(iota<25>(0), {4, 4, 4, 4});
  const auto dm = input_grad<max5>(iota<25>(0), {4, 4, 4, 4});
  for (std::size_t i = 0; i < 25; ++i) {
    CAPTURE(i);
    const bool edge = i % 5 == 4 || i / 5 == 4;
    CHECK(da[i] == (edge ? 0.0 : 1.0));
    // maxima of 0..24 windows: 6, 8, 16, 18
    CHECK(dm[i] == ((i == 6 || i == 8 || i == 16 || i == 18) ? 4.0 : 0.0));
  }
}
