// Rectangular windows (conv2d_hw, conv2d_same): kernel KH x KW, strides SH, SW, padding top, left,
// bottom, right. Forward against a reference written here on an explicitly zero-padded copy in
// double, central-difference gradients in double, batchnorm folding, the checkpoint signature and
// PyTorch tensor shapes, TFLite's 'same' padding by hand, and the square spellings unchanged.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "../gradcheck/layer_gradcheck.hpp"
#include "../support.hpp"
#include "staticnn/core/sequential.hpp"
#include "staticnn/fold/fold.hpp"
#include "staticnn/io/safetensors.hpp"
#include "staticnn/io/signature.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/flatten.hpp"
#include "staticnn/layers/pool.hpp"
#include "staticnn/train/rng.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

// 10x4 kernel, strides 2 (rows) x 1, padding 3 above, 0 left, 4 below, 2 right, on 2 x 13 x 7:
// rows (3 + 13 + 4 - 10) / 2 + 1 = 6, columns (0 + 7 + 2 - 4) / 1 + 1 = 6.
using rect = sn::conv2d_hw<3, 10, 4, 2, 1, 3, 0, 4, 2>::bind<shape<2, 13, 7>, double>;
static_assert(std::is_same_v<rect::out_shape, shape<3, 6, 6>>);
static_assert(rect::fan_in == 2 * 10 * 4 && rect::param_count == 3 * 80 + 3 && !rect::square);
// 3x5, strides 1 x 3, unpadded (the contiguous-run im2col is for stride 1 only): 3 x 6 x 2.
using rect_unpadded = sn::conv2d_hw<2, 3, 5, 1, 3>::bind<shape<3, 8, 10>, double>;
static_assert(std::is_same_v<rect_unpadded::out_shape, shape<2, 6, 2>>);
// 2x3 stride 1 unpadded (the contiguous-run path).
using rect_s1 = sn::conv2d_hw<2, 2, 3>::bind<shape<1, 4, 6>, double>;
static_assert(std::is_same_v<rect_s1::out_shape, shape<2, 3, 4>>);

// The square spellings are the same types as before the window's trailing parameters existed.
static_assert(std::is_same_v<sn::conv2d<6, 5>::bind<shape<1, 28, 28>>, sn::conv2d_layer<shape<1, 28, 28>, 6, 5, 1, 0, float>>);
static_assert(std::is_same_v<sn::conv2d_hw<4, 3, 3, 2, 2, 1, 1>::bind<shape<2, 9, 9>>,
                             sn::conv2d<4, 3, 2, 1>::bind<shape<2, 9, 9>>>);
static_assert(sn::conv2d<4, 3, 2, 1>::bind<shape<2, 9, 9>>::square && sn::conv2d<4, 3, 2, 1>::bind<shape<2, 9, 9>>::row_streamable);

// TFLite 'same' (tensorflow/lite/kernels/padding.h, by hand): DS-CNN's first conv, 49 x 10 input,
// 10 x 4 kernel, stride 2: 25 rows need (25 - 1) 2 + 10 - 49 = 9 rows of zeros, 4 above and 5
// below; 5 columns need (5 - 1) 2 + 4 - 10 = 2, 1 left and 1 right.
using dscnn_first = sn::conv2d_same<64, 10, 4, 2, 2>::bind<shape<1, 49, 10>>;
static_assert(std::is_same_v<dscnn_first::out_shape, shape<64, 25, 5>>);
static_assert(dscnn_first::pad_top == 4 && dscnn_first::pad_bottom == 5 && dscnn_first::pad_left == 1 &&
              dscnn_first::pad_right == 1);
// Stride 1, odd kernel: symmetric; even kernel: the extra zero below/right.
static_assert(sn::conv2d_same<1, 3, 4>::bind<shape<1, 5, 5>>::pad_top == 1 &&
              sn::conv2d_same<1, 3, 4>::bind<shape<1, 5, 5>>::pad_bottom == 1 &&
              sn::conv2d_same<1, 3, 4>::bind<shape<1, 5, 5>>::pad_left == 1 &&
              sn::conv2d_same<1, 3, 4>::bind<shape<1, 5, 5>>::pad_right == 2);

// Depthwise: output channel o reads input channel o only, with its own KH x KW weights.
template <class L, bool Depthwise = false>
std::vector<double> reference_conv(const L& l, const std::vector<double>& x) {
  constexpr std::size_t C = L::in_shape::channels, H = L::in_shape::height, W = L::in_shape::width;
  constexpr std::size_t KH = L::kernel_h, KW = L::kernel_w, SH = L::stride_h, SW = L::stride_w;
  constexpr std::size_t PT = L::pad_top, PL = L::pad_left, HP = PT + H + L::pad_bottom, WP = PL + W + L::pad_right;
  constexpr std::size_t OC = L::out_shape::channels, OH = L::out_shape::height, OW = L::out_shape::width;
  constexpr std::size_t CW = Depthwise ? 1 : C;  // input channels per output channel
  std::vector<double> xp(C * HP * WP, 0.0), y(OC * OH * OW);
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t i = 0; i < H; ++i)
      for (std::size_t j = 0; j < W; ++j) xp[(c * HP + i + PT) * WP + j + PL] = x[(c * H + i) * W + j];
  for (std::size_t o = 0; o < OC; ++o)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        double s = l.params[OC * CW * KH * KW + o];
        for (std::size_t c = 0; c < CW; ++c)
          for (std::size_t ky = 0; ky < KH; ++ky)
            for (std::size_t kx = 0; kx < KW; ++kx)
              s += l.params[((o * CW + c) * KH + ky) * KW + kx] *
                   xp[((Depthwise ? o : c) * HP + oy * SH + ky) * WP + ox * SW + kx];
        y[(o * OH + oy) * OW + ox] = s;
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

// forward (the row-window path when padded) and batched forward (im2col + GEMM) against the reference.
template <class L>
void check_forward(std::uint64_t seed) {
  const L l = random_layer<L>(seed);
  const std::vector<double> x = gradcheck::random_values(2 * L::in_shape::size, seed + 1);
  std::array<double, L::out_shape::size> y{};
  std::vector<double> yb(2 * L::out_shape::size);
  l.forward(sn::cview<double, L::in_shape::size>(x.data(), L::in_shape::size), y);
  l.forward(sn::batch_view<typename L::in_shape, const double>{x.data()},
            sn::batch_view<typename L::out_shape, double>{yb.data()}, 2);
  const std::vector<double> want = reference_conv(l, std::vector<double>(x.begin(), x.begin() + L::in_shape::size));
  const std::vector<double> want1 = reference_conv(l, std::vector<double>(x.begin() + L::in_shape::size, x.end()));
  for (std::size_t i = 0; i < y.size(); ++i) {
    CAPTURE(i);
    CHECK(y[i] == doctest::Approx(want[i]).epsilon(1e-12));
    CHECK(yb[i] == doctest::Approx(want[i]).epsilon(1e-12));
    CHECK(yb[L::out_shape::size + i] == doctest::Approx(want1[i]).epsilon(1e-12));
  }
}

template <class BN>
void randomise_batchnorm(BN& bn, sn::train::rng& g) {
  for (auto& v : bn.gamma()) v = static_cast<float>(g.uniform(0.5, 2.0));
  for (auto& v : bn.beta()) v = static_cast<float>(g.uniform(-1, 1));
  for (auto& v : bn.running_mean()) v = static_cast<float>(g.uniform(-1, 1));
  for (auto& v : bn.running_var()) v = static_cast<float>(g.uniform(0.2, 3));
}

// Over 20 random inputs: the largest |folded - unfolded| relative to the largest |unfolded| of
// that input (as the depthwise fold test: elementwise relative errors near zero measure
// cancellation, not the fold).
template <class Net, class Folded>
double worst_fold_error(const Net& net, const Folded& f, sn::train::rng& g) {
  double worst = 0;
  for (int trial = 0; trial < 20; ++trial) {
    std::array<float, Net::in_shape::size> x;
    test_support::fill_uniform(x, g, -3, 3);
    std::array<float, Net::out_shape::size> a{}, b{};
    net.forward(x, a);
    f.forward(x, b);
    double diff = 0, mag = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      diff = std::max(diff, static_cast<double>(std::abs(a[i] - b[i])));
      mag = std::max(mag, static_cast<double>(std::abs(a[i])));
    }
    worst = std::max(worst, diff / mag);
  }
  return worst;
}

template <class L, std::size_t B>
void check_gradients(std::uint64_t seed) {
  const gradcheck::layer_report r =
      gradcheck::check_layer<L, B>(random_layer<L>(seed), gradcheck::random_values(B * L::in_shape::size, seed + 1), seed + 2);
  CHECK(r.params == L::param_count);
  CHECK(r.inputs == B * L::in_shape::size);
  CHECK(r.param_err < gradcheck::tol);
  CHECK(r.input_err < gradcheck::tol);
}

}  // namespace

TEST_CASE("conv2d_hw: forward equals a convolution of the explicitly padded input") {
  check_forward<rect>(1);
  check_forward<rect_unpadded>(3);
  check_forward<rect_s1>(5);
  check_forward<sn::conv2d_same<2, 10, 4, 2, 2>::bind<shape<1, 15, 9>, double>>(7);
}

TEST_CASE("conv2d_hw: gradcheck of weights, bias and input") {
  check_gradients<rect, 2>(10);
  check_gradients<rect_unpadded, 2>(20);
  check_gradients<rect_s1, 3>(30);
}

TEST_CASE("fold_batchnorm: a batchnorm folds into a rectangular conv") {
  using net_t = sn::sequential<shape<1, 17, 8>, sn::conv2d_same<6, 10, 4, 2, 2>, sn::batchnorm, sn::relu,
                               sn::conv2d_hw<4, 3, 1, 1, 1, 1, 0>, sn::batchnorm>;
  using folded_t = sn::folded_t<net_t>;
  static_assert(folded_t::depth == 3);  // both batchnorms absorbed
  static_assert(std::is_same_v<folded_t::layer_type<0>, net_t::layer_type<0>>);
  net_t net;
  sn::train::rng g(40);
  test_support::fill_uniform(net.layer<0>().params, g, -1, 1);
  test_support::fill_uniform(net.layer<3>().params, g, -1, 1);
  randomise_batchnorm(net.layer<1>(), g);
  randomise_batchnorm(net.layer<4>(), g);
  const double worst = worst_fold_error(net, sn::fold_batchnorm(net), g);
  MESSAGE("rectangular conv: folded vs unfolded, worst relative " << worst);
  CHECK(worst < 1e-6);
}

TEST_CASE("conv2d_hw: signature names the window, PyTorch tensors are OIHW with KH x KW") {
  // 2x3 and 3x2 kernels, 'same' padding: the same shapes and parameter counts.
  using a = sn::sequential<shape<1, 4, 4>, sn::conv2d_same<2, 2, 3>>;
  using b = sn::sequential<shape<1, 4, 4>, sn::conv2d_same<2, 3, 2>>;
  static_assert(std::is_same_v<a::out_shape, b::out_shape> && a::layer_type<0>::param_count == b::layer_type<0>::param_count);
  const std::string sa = sn::io::signature<a>(), sb = sn::io::signature<b>();
  CHECK(sa != sb);
  CHECK(sa == "conv2d 1x4x4 -> 2x4x4 14 0 window 2x3 stride 1x1 pad 0,1,1,1\n");
  // A square conv's line is as before.
  CHECK(sn::io::signature<sn::sequential<shape<1, 6, 6>, sn::conv2d<2, 3, 1, 1>>>() == "conv2d 1x6x6 -> 2x6x6 20 0\n");
  sn::sequential<shape<1, 49, 10>, sn::conv2d_same<64, 10, 4, 2, 2>> net;
  const auto t = sn::io::pytorch_tensors(net);
  REQUIRE(t.tensors.size() == 2);
  CHECK(t.tensors[0].tensor.shape == std::vector<std::uint64_t>{64, 1, 10, 4});
  CHECK(t.tensors[1].tensor.shape == std::vector<std::uint64_t>{64});
}

namespace {

// depthwise: 3x2 kernel, strides 1 x 2, padding 1 above, 0 left, 2 below, 1 right on 3 x 6 x 7:
// rows (1 + 6 + 2 - 3) + 1 = 7, columns (0 + 7 + 1 - 2) / 2 + 1 = 4.
using dw_rect = sn::depthwise_conv2d_hw<3, 2, 1, 2, 1, 0, 2, 1>::bind<shape<3, 6, 7>, double>;
static_assert(std::is_same_v<dw_rect::out_shape, shape<3, 7, 4>> && dw_rect::fan_in == 6 && !dw_rect::square);
using dw_same = sn::depthwise_conv2d_same<1, 5, 1, 3>::bind<shape<2, 4, 11>, double>;
static_assert(std::is_same_v<dw_same::out_shape, shape<2, 4, 4>> && dw_same::pad_left == 1 && dw_same::pad_right == 2);  // 3 zeros: (4 - 1) 3 + 5 - 11
static_assert(std::is_same_v<sn::depthwise_conv2d_hw<3, 3, 2, 2, 1, 1>::bind<shape<2, 9, 9>>,
                             sn::depthwise_conv2d<3, 2, 1>::bind<shape<2, 9, 9>>>);

template <class L>
void check_depthwise_forward(std::uint64_t seed) {
  const L l = random_layer<L>(seed);
  const std::vector<double> x = gradcheck::random_values(L::in_shape::size, seed + 1);
  std::array<double, L::out_shape::size> y{};
  l.forward(sn::cview<double, L::in_shape::size>(x.data(), x.size()), y);
  const std::vector<double> want = reference_conv<L, true>(l, x);
  for (std::size_t i = 0; i < y.size(); ++i) {
    CAPTURE(i);
    CHECK(y[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("depthwise_conv2d_hw: forward against the padded reference, gradcheck, fold") {
  check_depthwise_forward<dw_rect>(50);
  check_depthwise_forward<dw_same>(52);
  check_gradients<dw_rect, 2>(54);
  check_gradients<dw_same, 3>(56);

  using net_t = sn::sequential<shape<3, 9, 8>, sn::depthwise_conv2d_hw<3, 2, 1, 2, 1, 0, 2, 1>, sn::batchnorm, sn::relu>;
  using folded_t = sn::folded_t<net_t>;
  static_assert(folded_t::depth == 2);
  net_t net;
  sn::train::rng g(58);
  test_support::fill_uniform(net.layer<0>().params, g, -1, 1);
  randomise_batchnorm(net.layer<1>(), g);
  const double worst = worst_fold_error(net, sn::fold_batchnorm(net), g);
  MESSAGE("rectangular depthwise: folded vs unfolded, worst relative " << worst);
  CHECK(worst < 1e-6);
  // Signature and PyTorch's depthwise weight shape (C x 1 x KH x KW).
  CHECK(sn::io::signature<net_t>().find("depthwise_conv2d 3x9x8 -> 3x10x4 21 0 window 3x2 stride 1x2 pad 1,0,2,1\n") == 0);
  const auto t = sn::io::pytorch_tensors(net);
  CHECK(t.tensors[0].tensor.shape == std::vector<std::uint64_t>{3, 1, 3, 2});
}

namespace {

// Pools: 3x2 windows, strides 2 x 1 (overlapping rows... and columns), padding 1 above, 1 left, 0
// below, 1 right on 2 x 7 x 5: rows (1 + 7 + 0 - 3) / 2 + 1 = 3, columns (1 + 5 + 1 - 2) + 1 = 6.
using avg_rect = sn::avg_pool_hw<3, 2, 2, 1, 1, 1, 0, 1>::bind<shape<2, 7, 5>, double>;
using max_rect = sn::max_pool_hw<3, 2, 2, 1, 1, 1, 0, 1>::bind<shape<2, 7, 5>, double>;
static_assert(std::is_same_v<avg_rect::out_shape, shape<2, 3, 6>> && !avg_rect::square);
// 2x3 windows with their own stride, unpadded: the partial window at the edge is dropped.
using max_23 = sn::max_pool_hw<2, 3>::bind<shape<1, 5, 7>, double>;
static_assert(std::is_same_v<max_23::out_shape, shape<1, 2, 2>>);
static_assert(std::is_same_v<sn::max_pool_hw<2, 2>::bind<shape<1, 4, 4>>, sn::max_pool<2>::bind<shape<1, 4, 4>>>);

// TFLite's pools: over the inputs inside the map only (average: divided by their count).
template <class L, bool Max>
std::vector<double> reference_pool(const std::vector<double>& x) {
  constexpr std::size_t C = L::in_shape::channels, H = L::in_shape::height, W = L::in_shape::width;
  constexpr std::size_t OH = L::out_shape::height, OW = L::out_shape::width;
  std::vector<double> y(C * OH * OW);
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        double s = 0, m = -1e300;
        int n = 0;
        for (std::size_t ky = 0; ky < L::kernel_h; ++ky)
          for (std::size_t kx = 0; kx < L::kernel_w; ++kx) {
            const long iy = static_cast<long>(oy * L::stride_h + ky) - static_cast<long>(L::pad_top);
            const long ix = static_cast<long>(ox * L::stride_w + kx) - static_cast<long>(L::pad_left);
            if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
            const double v = x[(c * H + static_cast<std::size_t>(iy)) * W + static_cast<std::size_t>(ix)];
            s += v, m = std::max(m, v), ++n;
          }
        y[(c * OH + oy) * OW + ox] = Max ? m : s / n;
      }
  return y;
}

template <class L, bool Max>
void check_pool(std::uint64_t seed) {
  sn::train::rng g(seed);
  // Distinct values 0.3 apart: max pool's gradient has no ties for central differences to cross.
  const std::vector<double> x = test_support::distinct_values(3 * L::in_shape::size, 0.3, g);
  std::array<double, L::out_shape::size> y{};
  L{}.forward(sn::cview<double, L::in_shape::size>(x.data(), L::in_shape::size), y);
  const std::vector<double> want = reference_pool<L, Max>(std::vector<double>(x.begin(), x.begin() + L::in_shape::size));
  for (std::size_t i = 0; i < y.size(); ++i) {
    CAPTURE(i);
    CHECK(y[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
  const gradcheck::layer_report r = gradcheck::check_layer<L, 3>(L{}, x, seed + 1);
  CHECK(r.inputs == 3 * L::in_shape::size);
  CHECK(r.input_err < gradcheck::tol);
}

}  // namespace

TEST_CASE("avg_pool_hw / max_pool_hw: windows over the inputs inside the map, gradcheck, signature") {
  check_pool<avg_rect, false>(60);
  check_pool<max_rect, true>(62);
  check_pool<max_23, true>(64);
  check_pool<sn::avg_pool_hw<2, 3, 1, 2>::bind<shape<2, 4, 8>, double>, false>(66);
  CHECK(sn::io::signature<sn::sequential<shape<2, 7, 5>, sn::avg_pool_hw<3, 2, 2, 1, 1, 1, 0, 1>>>() ==
        "avg_pool 2x7x5 -> 2x3x6 0 0 window 3x2 stride 2x1 pad 1,1,0,1\n");
  // A square pool's line is as before.
  CHECK(sn::io::signature<sn::sequential<shape<2, 4, 4>, sn::max_pool<2>>>() == "max_pool 2x4x4 -> 2x2x2 0 0\n");
}
