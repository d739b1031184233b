// flatten: C x H x W -> C*H*W in CHW order; backward is the identity.
#include "staticnn/layers/flatten.hpp"

#include <doctest/doctest.h>

#include "staticnn/core/concepts.hpp"

#include <array>
#include <cstddef>
#include <type_traits>

using staticnn::shape;
using L = staticnn::flatten::bind<shape<2, 2, 3>, double>;

TEST_CASE("flatten: shape and order") {
  static_assert(std::is_same_v<L::out_shape, shape<12>>);
  static_assert(L::param_count == 0 && L::state_count == 0 && staticnn::Layer<L>);
  // x[c][h][w] = 100c + 10h + w stored CHW; the flat output keeps that exact order.
  std::array<double, 12> x{}, y{};
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t h = 0; h < 2; ++h)
      for (std::size_t w = 0; w < 3; ++w) x[(c * 2 + h) * 3 + w] = static_cast<double>(100 * c + 10 * h + w);
  L l;
  l.forward(x, y);
  CHECK(y == std::array<double, 12>{0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112});
}

TEST_CASE("flatten: training copies exactly n samples and backward is the identity") {
  L l;
  L::cache_type cache;
  std::array<double, 36> x{}, y{}, dx{};
  for (std::size_t i = 0; i < 36; ++i) x[i] = static_cast<double>(i) + 0.5;
  y.fill(-1);
  dx.fill(-1);
  staticnn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, 2, ex);
  for (std::size_t i = 0; i < 36; ++i) CHECK(y[i] == (i < 24 ? x[i] : -1.0));
  l.backward({x.data()}, {y.data()}, {x.data()}, {dx.data()}, std::span<double, 0>(), cache, 2, ex);
  for (std::size_t i = 0; i < 36; ++i) CHECK(dx[i] == (i < 24 ? x[i] : -1.0));
}
