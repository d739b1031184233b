// depthwise_conv2d, global_avg_pool and relu6: forward against reference loops written here
// (an explicitly zero-padded copy, then a plain per-channel convolution), central-difference
// gradient checks in double precision, and a batchnorm folded into a depthwise conv.
#include "staticnn/layers/depthwise_conv2d.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "../gradcheck/layer_gradcheck.hpp"
#include "../support.hpp"
#include "staticnn/core/concepts.hpp"
#include "staticnn/core/sequential.hpp"
#include "staticnn/fold/fold.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/global_avg_pool.hpp"
#include "staticnn/layers/relu6.hpp"
#include "staticnn/train/rng.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

// The tests' layers: stride 1 unpadded on a non-square map; stride 2 with padding 1 on an odd
// map; K = 2, stride 2, padding 1, where the last padded row and column are dropped.
using dw3 = sn::depthwise_conv2d<3>::bind<shape<3, 5, 6>, double>;
using dw3s2p1 = sn::depthwise_conv2d<3, 2, 1>::bind<shape<2, 5, 5>, double>;
using dw2s2p1 = sn::depthwise_conv2d<2, 2, 1>::bind<shape<2, 4, 5>, double>;
static_assert(std::is_same_v<dw3::out_shape, shape<3, 3, 4>>);
static_assert(std::is_same_v<dw3s2p1::out_shape, shape<2, 3, 3>>);   // (5 + 2 - 3) / 2 + 1
static_assert(std::is_same_v<dw2s2p1::out_shape, shape<2, 3, 3>>);   // (4 + 2 - 2) / 2 + 1, (5 + 2 - 2) / 2 + 1
static_assert(dw3::param_count == 3 * 9 + 3 && dw3::fan_in == 9);
static_assert(sn::Layer<dw3> && sn::Layer<sn::global_avg_pool::bind<shape<2, 3, 3>>> &&
              sn::Layer<sn::relu6::bind<shape<4>>>);

// y[c][oy][ox] = b[c] + sum w[c][ky][kx] xp[c][oy S + ky][ox S + kx], xp the zero-padded input.
template <class L>
std::vector<double> reference_depthwise(const L& l, const std::vector<double>& x) {
  constexpr std::size_t C = L::in_shape::channels, H = L::in_shape::height, W = L::in_shape::width;
  constexpr std::size_t K = L::kernel, S = L::stride, P = L::padding;
  constexpr std::size_t HP = H + 2 * P, WP = W + 2 * P, OH = L::out_shape::height, OW = L::out_shape::width;
  std::vector<double> xp(C * HP * WP, 0.0), y(C * OH * OW);
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t i = 0; i < H; ++i)
      for (std::size_t j = 0; j < W; ++j) xp[(c * HP + i + P) * WP + j + P] = x[(c * H + i) * W + j];
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        double s = l.params[C * K * K + c];
        for (std::size_t ky = 0; ky < K; ++ky)
          for (std::size_t kx = 0; kx < K; ++kx)
            s += l.params[(c * K + ky) * K + kx] * xp[(c * HP + oy * S + ky) * WP + ox * S + kx];
        y[(c * OH + oy) * OW + ox] = s;
      }
  return y;
}

template <class L>
L random_layer(std::uint64_t seed) {
  L l;
  sn::train::rng g(seed);
  test_support::fill_uniform(l.params, g, -1, 1);
  return l;
}

template <class L>
void check_forward(std::uint64_t seed) {
  const L l = random_layer<L>(seed);
  const std::vector<double> x = gradcheck::random_values(L::in_shape::size, seed + 1);
  std::array<double, L::out_shape::size> y{};
  l.forward(sn::cview<double, L::in_shape::size>(x.data(), x.size()), y);
  const std::vector<double> want = reference_depthwise(l, x);
  for (std::size_t i = 0; i < y.size(); ++i) {
    CAPTURE(i);
    CHECK(y[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
}

template <class L, std::size_t B>
void check_gradients(const L& l, const std::vector<double>& x, std::uint64_t seed) {
  const gradcheck::layer_report r = gradcheck::check_layer<L, B>(l, x, seed);
  CHECK(r.params == L::param_count);
  CHECK(r.inputs == B * L::in_shape::size);
  CHECK(r.param_err < gradcheck::tol);
  CHECK(r.input_err < gradcheck::tol);
}

}  // namespace

TEST_CASE("depthwise_conv2d: forward equals a per-channel convolution of the padded input") {
  check_forward<dw3>(1);
  check_forward<dw3s2p1>(3);
  check_forward<dw2s2p1>(5);
}

TEST_CASE("depthwise_conv2d: gradcheck of weights, bias and input") {
  check_gradients<dw3, 2>(random_layer<dw3>(7), gradcheck::random_values(2 * dw3::in_shape::size, 8), 9);
  check_gradients<dw3s2p1, 3>(random_layer<dw3s2p1>(10), gradcheck::random_values(3 * 50, 11), 12);
  check_gradients<dw2s2p1, 2>(random_layer<dw2s2p1>(13), gradcheck::random_values(2 * 40, 14), 15);
}

TEST_CASE("global_avg_pool: channel means by hand, and gradcheck") {
  using L = sn::global_avg_pool::bind<shape<2, 2, 3>, double>;
  static_assert(std::is_same_v<L::out_shape, shape<2>>);
  const std::array<double, 12> x{1, 2, 3, 4, 5, 6, -1, 0, 2, 7, -3, 1};
  std::array<double, 2> y{};
  L{}.forward(x, y);
  CHECK(y[0] == doctest::Approx(21.0 / 6).epsilon(1e-15));
  CHECK(y[1] == doctest::Approx(6.0 / 6).epsilon(1e-15));
  check_gradients<L, 3>({}, gradcheck::random_values(3 * 12, 16), 17);
}

TEST_CASE("relu6: clamps to [0, 6], and gradcheck on both sides of both kinks") {
  using L = sn::relu6::bind<shape<2, 3, 4>, double>;
  const std::array<double, 24> x{-7, -0.5, 0, 0.25, 3, 5.999, 6, 6.001, 100, -1e-9, 1e-9, 2,
                                 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
  const std::array<double, 24> want{0, 0, 0, 0.25, 3, 5.999, 6, 6, 6, 0, 1e-9, 2,
                                    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
  std::array<double, 24> y{};
  L{}.forward(x, y);
  CHECK(y == want);
  // 48 values 0.3 apart from -7.05 to 7.05: every one at least 0.15 from 0 and from 6.
  sn::train::rng g(18);
  check_gradients<L, 2>({}, test_support::distinct_values(48, 0.3, g), 19);
}

TEST_CASE("fold_batchnorm: a batchnorm folds into the depthwise conv before it") {
  // Float, as the firmware runs it; two depthwise -> batchnorm pairs, one padded with stride 2.
  using net_t = sn::sequential<shape<4, 7, 7>, sn::depthwise_conv2d<3, 1, 1>, sn::batchnorm, sn::relu6,
                               sn::depthwise_conv2d<3, 2, 1>, sn::batchnorm>;
  using folded_t = sn::folded_t<net_t>;
  CHECK(folded_t::depth == 3);  // both batchnorms absorbed, no scale_shift left
  CHECK(std::is_same_v<folded_t::layer_type<0>, net_t::layer_type<0>>);
  CHECK(std::is_same_v<folded_t::layer_type<2>, net_t::layer_type<3>>);

  net_t net;
  sn::train::rng g(20);
  auto randomise_bn = [&](auto& bn) {
    for (auto& v : bn.gamma()) v = static_cast<float>(g.uniform(0.5, 2.0));
    for (auto& v : bn.beta()) v = static_cast<float>(g.uniform(-1, 1));
    for (auto& v : bn.running_mean()) v = static_cast<float>(g.uniform(-1, 1));
    for (auto& v : bn.running_var()) v = static_cast<float>(g.uniform(0.2, 3));
  };
  test_support::fill_uniform(net.layer<0>().params, g, -1, 1);
  test_support::fill_uniform(net.layer<3>().params, g, -1, 1);
  randomise_bn(net.layer<1>());
  randomise_bn(net.layer<4>());
  const folded_t f = sn::fold_batchnorm(net);

  // Over random inputs: the largest |folded - unfolded| relative to the largest |unfolded| of
  // that input (an output near zero carries the float round-off of its O(10) terms, ~3e-7
  // absolute, so elementwise relative errors there measure cancellation, not the fold).
  double worst = 0;
  for (int trial = 0; trial < 20; ++trial) {
    std::array<float, net_t::in_shape::size> x;
    test_support::fill_uniform(x, g, -3, 3);
    std::array<float, net_t::out_shape::size> a{}, b{};
    net.forward(x, a);
    f.forward(x, b);
    double diff = 0, mag = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      diff = std::max(diff, static_cast<double>(std::abs(a[i] - b[i])));
      mag = std::max(mag, static_cast<double>(std::abs(a[i])));
    }
    worst = std::max(worst, diff / mag);
  }
  CHECK(worst < 1e-6);
}
