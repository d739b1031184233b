// dense: y = W x + b with W row-major (N x M); forward and backward against hand values.
#include "staticnn/layers/dense.hpp"

#include <doctest/doctest.h>

#include "staticnn/core/concepts.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <type_traits>

using staticnn::shape;

TEST_CASE("dense: shapes and parameter layout") {
  using L = staticnn::dense<2>::bind<shape<3>, float>;
  static_assert(std::is_same_v<L::out_shape, shape<2>>);
  static_assert(L::fan_in == 3 && L::weight_count == 6 && L::param_count == 8 && L::state_count == 0);
  static_assert(staticnn::Layer<L>);
  L l;
  CHECK(l.weights().data() == l.params.data());
  CHECK(l.bias().data() == l.params.data() + 6);
}

TEST_CASE("dense: forward 3 -> 2") {
  // W = [[1 2 3] [4 5 6]], b = [0.5 -1], x = [1 -1 2]
  // y0 = 1 - 2 + 6 + 0.5 = 5.5, y1 = 4 - 5 + 12 - 1 = 10
  staticnn::dense<2>::bind<shape<3>, double> l;
  l.params = {1, 2, 3, 4, 5, 6, 0.5, -1};
  std::array<double, 3> x{1, -1, 2};
  std::array<double, 2> y{};
  l.forward(x, y);
  CHECK(y[0] == 5.5);
  CHECK(y[1] == 10);
}

TEST_CASE("dense: forward with more inputs than vector lanes (11 -> 2), float") {
  // Row 0 = 1..11, row 1 = -1 everywhere, x_i = i + 1, b = [2, 3]:
  // y0 = sum i^2 (i = 1..11) + 2 = 506 + 2, y1 = -66 + 3.
  staticnn::dense<2>::bind<shape<11>, float> l;
  std::array<float, 11> x{};
  for (std::size_t i = 0; i < 11; ++i) {
    l.params[i] = static_cast<float>(i + 1);
    l.params[11 + i] = -1;
    x[i] = static_cast<float>(i + 1);
  }
  l.params[22] = 2;
  l.params[23] = 3;
  std::array<float, 2> y{};
  l.forward(x, y);
  CHECK(y[0] == 508.0f);
  CHECK(y[1] == -63.0f);
}

TEST_CASE("dense: backward on a batch of two") {
  // W = [[1 2 3] [4 5 6]]; x0 = [1 -1 2], x1 = [0 1 1]; dy0 = [1 0], dy1 = [2 -1].
  // gW row 0 = 1*x0 + 2*x1 = [1 1 4]; row 1 = 0*x0 - 1*x1 = [0 -1 -1]; gb = [3 -1].
  // dx0 = W^T dy0 = [1 2 3]; dx1 = 2*[1 2 3] - [4 5 6] = [-2 -1 0].
  using L = staticnn::dense<2>::bind<shape<3>, double>;
  L l;
  l.params = {1, 2, 3, 4, 5, 6, 0.5, -1};
  std::array<double, 6> x{1, -1, 2, 0, 1, 1}, dx{};
  std::array<double, 4> y{}, dy{1, 0, 2, -1};
  std::array<double, 8> grad{};
  dx.fill(std::numeric_limits<double>::quiet_NaN());  // must be overwritten, not accumulated
  grad.fill(std::numeric_limits<double>::quiet_NaN());
  staticnn::serial_executor ex;
  L::cache_type cache;
  l.forward_train({x.data()}, {y.data()}, cache, 2, ex);
  CHECK(y[0] == 5.5);
  CHECK(y[1] == 10);
  CHECK(y[2] == 2 + 3 + 0.5);  // [0 1 1] . [1 2 3] + 0.5
  CHECK(y[3] == 5 + 6 - 1);
  l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 8>(grad), cache, 2, ex);
  const std::array<double, 8> grad_want{1, 1, 4, 0, -1, -1, 3, -1};
  const std::array<double, 6> dx_want{1, 2, 3, -2, -1, 0};
  for (std::size_t i = 0; i < 8; ++i) CHECK(grad[i] == grad_want[i]);
  for (std::size_t i = 0; i < 6; ++i) CHECK(dx[i] == dx_want[i]);
}
