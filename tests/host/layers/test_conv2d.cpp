// conv2d: shapes, OIHW layout, forward with stride and padding, and backward, all against
// values derived by hand (see the comments next to each expectation).
#include "staticnn/layers/conv2d.hpp"

#include <doctest/doctest.h>

#include "staticnn/core/concepts.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace {

using staticnn::shape;

// x = [[1 2 3] [4 5 6] [7 8 9]], kernel w = [[1 2] [3 4]], bias 1.
constexpr std::array<double, 9> x3{1, 2, 3, 4, 5, 6, 7, 8, 9};
constexpr std::array<double, 5> w2b1{1, 2, 3, 4, 1};

template <class L>
std::array<double, L::out_shape::size> run_forward(const std::array<double, 9>& x) {
  L layer;
  layer.params = w2b1;
  std::array<double, L::out_shape::size> y{};
  layer.forward(x, y);
  return y;
}

template <std::size_t N>
void check_equal(const std::array<double, N>& got, const std::array<double, N>& want) {
  for (std::size_t i = 0; i < N; ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-14));
  }
}

}  // namespace

TEST_CASE("conv2d: output shape and parameter counts come from the types") {
  using L = staticnn::conv2d<4, 3, 2, 1>::bind<shape<2, 7, 5>, float>;
  // (7 + 2*1 - 3) / 2 + 1 = 4 rows, (5 + 2 - 3) / 2 + 1 = 3 columns.
  static_assert(std::is_same_v<L::out_shape, shape<4, 4, 3>>);
  static_assert(L::fan_in == 2 * 3 * 3 && L::weight_count == 4 * 18 && L::param_count == 72 + 4);
  static_assert(L::state_count == 0);
  static_assert(std::is_same_v<staticnn::conv2d<6, 5>::bind<shape<1, 28, 28>>::out_shape, shape<6, 24, 24>>);
  static_assert(staticnn::Layer<L>);
  L l;
  CHECK(l.weights().data() == l.params.data());
  CHECK(l.bias().data() == l.params.data() + 72);
}

TEST_CASE("conv2d: forward, 1x3x3 input, 2x2 kernel, stride 1") {
  // y[i][j] = 1*x[i][j] + 2*x[i][j+1] + 3*x[i+1][j] + 4*x[i+1][j+1] + 1
  // y00 = 1+4+12+20+1 = 38, y01 = 2+6+15+24+1 = 48, y10 = 4+10+21+32+1 = 68, y11 = 5+12+24+36+1 = 78
  check_equal(run_forward<staticnn::conv2d<1, 2>::bind<shape<1, 3, 3>, double>>(x3),
              std::array<double, 4>{38, 48, 68, 78});
}

TEST_CASE("conv2d: forward with stride 2 drops the partial window") {
  // (3 - 2) / 2 + 1 = 1: only the top-left window, 38.
  using L = staticnn::conv2d<1, 2, 2>::bind<shape<1, 3, 3>, double>;
  static_assert(std::is_same_v<L::out_shape, shape<1, 1, 1>>);
  check_equal(run_forward<L>(x3), std::array<double, 1>{38});
}

TEST_CASE("conv2d: forward with padding 1") {
  // Padded input (5x5) has a ring of zeros; y[i][j] = 1*xp[i][j] + 2*xp[i][j+1] + 3*xp[i+1][j]
  // + 4*xp[i+1][j+1] + 1 over the 4x4 positions, worked out row by row:
  // row 0: 4*1+1=5, 3*1+4*2+1=12, 3*2+4*3+1=19, 3*3+1=10
  // row 1: 2*1+4*4+1=19, 38, 48, 1*3+3*6+1=22
  // row 2: 2*4+4*7+1=37, 68, 78, 6+3*9+1=34
  // row 3: 2*7+1=15, 7+2*8+1=24, 8+2*9+1=27, 9+1=10
  using L = staticnn::conv2d<1, 2, 1, 1>::bind<shape<1, 3, 3>, double>;
  static_assert(std::is_same_v<L::out_shape, shape<1, 4, 4>>);
  check_equal(run_forward<L>(x3),
              std::array<double, 16>{5, 12, 19, 10, 19, 38, 48, 22, 37, 68, 78, 34, 15, 24, 27, 10});
}

TEST_CASE("conv2d: forward with stride 2 and padding 1") {
  // Windows at padded rows/cols {0, 2}: the (0,0), (0,2), (2,0), (2,2) entries of the padded case.
  using L = staticnn::conv2d<1, 2, 2, 1>::bind<shape<1, 3, 3>, double>;
  static_assert(std::is_same_v<L::out_shape, shape<1, 2, 2>>);
  check_equal(run_forward<L>(x3), std::array<double, 4>{5, 19, 37, 78});
}

TEST_CASE("conv2d: weights are OIHW and the output is channel-major") {
  // 1x1 kernel, 2 -> 2 channels: y_o = sum_c w[o][c] x_c + b_o.
  // x ch0 = {1, 2}, ch1 = {3, 4}; w = {{1, 10}, {-1, 0.5}}; b = {0.25, -2}
  // y0 = {1 + 30 + 0.25, 2 + 40 + 0.25}, y1 = {-1 + 1.5 - 2, -2 + 2 - 2}
  staticnn::conv2d<2, 1>::bind<shape<2, 1, 2>, double> l;
  l.params = {1, 10, -1, 0.5, 0.25, -2};
  std::array<double, 4> x{1, 2, 3, 4}, y{};
  l.forward(x, y);
  check_equal(y, std::array<double, 4>{31.25, 42.25, -1.5, -2});
}

TEST_CASE("conv2d: float forward agrees with the double one on a larger map") {
  // Same layer in float and double; every tap is a small integer so both are exact.
  staticnn::conv2d<3, 3>::bind<shape<2, 6, 6>, float> lf;
  staticnn::conv2d<3, 3>::bind<shape<2, 6, 6>, double> ld;
  for (std::size_t i = 0; i < lf.param_count; ++i) {
    const int v = static_cast<int>(i % 7) - 3;
    lf.params[i] = static_cast<float>(v);
    ld.params[i] = v;
  }
  std::array<float, 72> xf{};
  std::array<double, 72> xd{};
  for (std::size_t i = 0; i < 72; ++i) {
    const int v = static_cast<int>(i % 5) - 2;
    xf[i] = static_cast<float>(v);
    xd[i] = v;
  }
  std::array<float, 48> yf{};
  std::array<double, 48> yd{};
  lf.forward(xf, yf);
  ld.forward(xd, yd);
  // Independent reference: the definition as a plain loop.
  for (std::size_t o = 0; o < 3; ++o)
    for (std::size_t r = 0; r < 4; ++r)
      for (std::size_t c = 0; c < 4; ++c) {
        double s = ld.params[54 + o];
        for (std::size_t ic = 0; ic < 2; ++ic)
          for (std::size_t ky = 0; ky < 3; ++ky)
            for (std::size_t kx = 0; kx < 3; ++kx)
              s += ld.params[((o * 2 + ic) * 3 + ky) * 3 + kx] * xd[(ic * 6 + r + ky) * 6 + c + kx];
        const std::size_t k = (o * 4 + r) * 4 + c;
        CHECK(yd[k] == s);
        CHECK(static_cast<double>(yf[k]) == s);
      }
}

TEST_CASE("conv2d: backward on a batch of two, stride 1") {
  // Both samples are x3 with dy = ones(2x2). Per sample, dW[ky][kx] = sum of the 2x2 block of x
  // starting at (ky, kx): 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28; db = 4. The batch
  // sums them: {24, 32, 48, 56, 8}. dx[i][j] = sum of the taps that touch (i, j):
  // [[1, 1+2, 2], [1+3, 1+2+3+4, 2+4], [3, 3+4, 4]].
  using L = staticnn::conv2d<1, 2>::bind<shape<1, 3, 3>, double>;
  L l;
  l.params = w2b1;
  std::array<double, 18> x{};
  for (std::size_t i = 0; i < 9; ++i) x[i] = x[9 + i] = x3[i];
  std::array<double, 8> y{}, dy{};
  dy.fill(1);
  std::array<double, 18> dx{};
  std::array<double, 5> grad{};
  dx.fill(std::numeric_limits<double>::quiet_NaN());  // backward must overwrite, not accumulate
  grad.fill(std::numeric_limits<double>::quiet_NaN());
  staticnn::serial_executor ex;
  L::cache_type cache;
  l.forward_train({x.data()}, {y.data()}, cache, 2, ex);
  l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 5>(grad), cache, 2, ex);
  check_equal(grad, std::array<double, 5>{24, 32, 48, 56, 8});
  const std::array<double, 9> dx_want{1, 3, 2, 4, 10, 6, 3, 7, 4};
  for (std::size_t i = 0; i < 9; ++i) {
    CHECK(dx[i] == dx_want[i]);
    CHECK(dx[9 + i] == dx_want[i]);
  }
}

TEST_CASE("conv2d: backward with stride 2 and padding 1") {
  // Padded 5x5 input, windows at rows/cols {0, 2}, dy = ones(2x2).
  // dW[ky][kx] = xp[ky][kx] + xp[ky][2+kx] + xp[2+ky][kx] + xp[2+ky][2+kx]:
  //   (0,0): 0+0+0+5 = 5, (0,1): 0+0+4+6 = 10, (1,0): 0+2+0+8 = 10, (1,1): 1+3+7+9 = 20; db = 4.
  // dx at interior (r, c) of the padded map = w[(r) mod 2][(c) mod 2] of the window covering it:
  //   [[w11 w10 w11] [w01 w00 w01] [w11 w10 w11]] = [[4 3 4] [2 1 2] [4 3 4]].
  using L = staticnn::conv2d<1, 2, 2, 1>::bind<shape<1, 3, 3>, double>;
  L l;
  l.params = w2b1;
  std::array<double, 4> y{}, dy{1, 1, 1, 1};
  std::array<double, 9> dx{};
  std::array<double, 5> grad{};
  dx.fill(std::numeric_limits<double>::quiet_NaN());
  grad.fill(std::numeric_limits<double>::quiet_NaN());
  staticnn::serial_executor ex;
  L::cache_type cache;
  l.forward_train({x3.data()}, {y.data()}, cache, 1, ex);
  l.backward({x3.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 5>(grad), cache, 1, ex);
  check_equal(grad, std::array<double, 5>{5, 10, 10, 20, 4});
  check_equal(dx, std::array<double, 9>{4, 3, 4, 2, 1, 2, 4, 3, 4});
}

TEST_CASE("conv2d: backward without an input gradient leaves dx alone") {
  using L = staticnn::conv2d<1, 2>::bind<shape<1, 3, 3>, double>;
  L l;
  l.params = w2b1;
  std::array<double, 4> y{}, dy{1, 1, 1, 1};
  std::array<double, 5> grad{};
  staticnn::serial_executor ex;
  L::cache_type cache;
  l.forward_train({x3.data()}, {y.data()}, cache, 1, ex);
  l.backward({x3.data()}, {y.data()}, {dy.data()}, {nullptr}, std::span<double, 5>(grad), cache, 1, ex);
  check_equal(grad, std::array<double, 5>{12, 16, 24, 28, 4});
}
