// int8 depthwise convolution, global average pooling and the fused ReLU6 (quant/depthwise_conv2d.hpp,
// quant/global_avg_pool.hpp, quantize.hpp): the kernels against TFLite's arithmetic written out
// here (DEPTHWISE_CONV_2D: taps inside the map times (x - z_in), the raw bias, requantization of
// tests/firmware/tflite_reference.hpp, the activation clamp), global average pooling against the
// mean in double precision rounded half away from zero, and a quantized depthwise-separable net
// against its float network.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <staticnn/quant/quantize.hpp>
#include <staticnn/staticnn.hpp>
#include <staticnn/train/init.hpp>

#include "../../firmware/tflite_reference.hpp"

namespace sn = staticnn;
namespace q = staticnn::quant;

namespace {

// One shape (C x H x W, K, S, P) of random layers through the layer's forward and through the
// reference; returns the number of outputs that differ.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
std::size_t depthwise_differs(std::uint64_t seed) {
  using L = q::qdepthwise_conv2d_layer<sn::shape<C, H, W>, K, S, P, true>;
  constexpr std::size_t OH = L::out_shape::height, OW = L::out_shape::width;
  sn::train::rng g(seed);
  auto pick = [&](int lo, int hi) { return static_cast<int>(std::floor(g.uniform(lo, hi + 1))); };
  std::size_t differ = 0;
  for (int trial = 0; trial < 6; ++trial) {
    auto l = std::make_unique<L>();
    std::array<std::int32_t, C> raw_bias{};
    const std::int32_t zin = pick(-128, 127);
    l->input_zero_point = zin;
    l->zero_point = pick(-20, 20);
    // Trial 0: no clamp; then a ReLU6-like range and a narrow one.
    l->act_min = trial == 0 ? -128 : l->zero_point;
    l->act_max = trial == 0 ? 127 : trial % 2 ? 127 : l->zero_point + pick(1, 60);
    for (std::size_t c = 0; c < C; ++c) {
      std::int64_t sum = 0;
      for (std::size_t k = 0; k < K * K; ++k) {
        l->weights[c * K * K + k] = static_cast<std::int8_t>(pick(-127, 127));
        sum += l->weights[c * K * K + k];
      }
      raw_bias[c] = pick(-5000, 5000);
      l->bias[c] = static_cast<std::int32_t>(raw_bias[c] - zin * sum);  // the layer's contract
      l->multiplier[c] = (1 << 30) + pick(0, (1 << 30) - 1);
      l->shift[c] = static_cast<std::int8_t>(trial == 5 && c == 0 ? 1 : -pick(4, 12));  // one left shift
    }
    std::array<std::int8_t, C * H * W> x{};
    for (auto& v : x) v = static_cast<std::int8_t>(pick(-128, 127));
    std::array<std::int8_t, C * OH * OW> y{};
    l->forward(x, y);
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          std::int64_t acc = raw_bias[c];
          for (std::size_t ky = 0; ky < K; ++ky)
            for (std::size_t kx = 0; kx < K; ++kx) {
              const auto iy = static_cast<long>(oy * S + ky) - static_cast<long>(P);
              const auto ix = static_cast<long>(ox * S + kx) - static_cast<long>(P);
              if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
              acc += std::int64_t{l->weights[(c * K + ky) * K + kx]} *
                     (x[(c * H + static_cast<std::size_t>(iy)) * W + static_cast<std::size_t>(ix)] - zin);
            }
          REQUIRE(acc == static_cast<std::int32_t>(acc));
          const std::int32_t r = std::clamp<std::int32_t>(
              sn::fw_test::requant_any(static_cast<std::int32_t>(acc), l->multiplier[c], l->shift[c], l->zero_point),
              l->act_min, l->act_max);
          differ += y[(c * OH + oy) * OW + ox] != r;
        }
  }
  return differ;
}

TEST_CASE("qdepthwise_conv2d: TFLite DEPTHWISE_CONV_2D arithmetic on shapes with padding, strides and tails") {
  CHECK(depthwise_differs<3, 8, 8, 3, 1, 1>(1) == 0);
  CHECK(depthwise_differs<5, 7, 9, 3, 2, 1>(2) == 0);
  CHECK(depthwise_differs<4, 11, 6, 5, 2, 2>(3) == 0);
  CHECK(depthwise_differs<2, 5, 5, 5, 1, 2>(4) == 0);  // every output touches padding
  CHECK(depthwise_differs<7, 6, 6, 1, 1, 0>(5) == 0);
  CHECK(depthwise_differs<3, 9, 7, 3, 1, 0>(6) == 0);
  CHECK(depthwise_differs<1, 8, 10, 2, 2, 0>(7) == 0);
  CHECK(depthwise_differs<2, 6, 7, 3, 3, 2>(8) == 0);  // stride larger than the padding reach
  CHECK(depthwise_differs<3, 4, 4, 7, 1, 3>(9) == 0);  // kernel larger than the map
}

TEST_CASE("qglobal_avg_pool: the mean in double precision rounded half away from zero, clamped") {
  sn::train::rng g(21);
  auto run = [&]<std::size_t C, std::size_t H, std::size_t W>(sn::shape<C, H, W>) {
    std::array<std::int8_t, C * H * W> x{};
    std::array<std::int8_t, C> y{};
    for (int trial = 0; trial < 50; ++trial) {
      for (auto& v : x) v = static_cast<std::int8_t>(std::floor(g.uniform(-128, 128)));
      if (trial == 1) std::fill(x.begin(), x.end(), std::int8_t{-128});
      if (trial == 2) std::fill(x.begin(), x.end(), std::int8_t{127});
      q::qglobal_avg_pool_layer<sn::shape<C, H, W>>{}.forward(x, y);
      for (std::size_t c = 0; c < C; ++c) {
        double sum = 0;
        for (std::size_t i = 0; i < H * W; ++i) sum += x[c * H * W + i];
        CHECK(y[c] == static_cast<std::int8_t>(std::round(sum / static_cast<double>(H * W))));
      }
    }
  };
  run(sn::shape<5, 3, 3>{});  // n = 9: no ties
  run(sn::shape<3, 2, 2>{});  // n = 4: ties at .5 and -.5 arise
  run(sn::shape<4, 7, 5>{});
  // Ties by hand: 2 and 3 -> 2.5 -> 3; -2 and -3 -> -2.5 -> -3; -1 and 0 -> -0.5 -> -1.
  std::array<std::int8_t, 6> x{2, 3, -2, -3, -1, 0};
  std::array<std::int8_t, 3> y{};
  q::qglobal_avg_pool_layer<sn::shape<3, 1, 2>>{}.forward(x, y);
  CHECK(y == std::array<std::int8_t, 3>{3, -3, -1});
  std::array<std::int8_t, 3> yc{};
  sn::kernels::global_avg_pool_s8<3, 2>(x.data(), yc.data(), -2, 2);
  CHECK(yc == std::array<std::int8_t, 3>{2, -2, -1});
}

// The depthwise-separable block of MobileNet: conv -> BN -> relu6 -> depthwise -> BN -> relu6 ->
// 1x1 conv -> BN -> relu6 -> depthwise stride 2 -> BN -> relu6 -> global average pool -> dense.
using in_shape = sn::shape<3, 12, 12>;
using separable = sn::sequential<in_shape, sn::conv2d<8, 3, 2, 1>, sn::batchnorm, sn::relu6,
                                 sn::depthwise_conv2d<3, 1, 1>, sn::batchnorm, sn::relu6, sn::conv2d<16, 1>,
                                 sn::batchnorm, sn::relu6, sn::depthwise_conv2d<3, 2, 1>, sn::batchnorm, sn::relu6,
                                 sn::global_avg_pool, sn::dense<5>>;
using folded = sn::folded_t<separable>;
using qnet = q::quantized_t<folded>;
using qlayers = qnet::network_type;
static_assert(std::is_same_v<qlayers::layer_type<0>, q::qconv2d_layer<in_shape, 8, 3, 2, 1, true>>);
static_assert(std::is_same_v<qlayers::layer_type<1>, q::qidentity_layer<sn::shape<8, 6, 6>>>);
static_assert(std::is_same_v<qlayers::layer_type<2>, q::qdepthwise_conv2d_layer<sn::shape<8, 6, 6>, 3, 1, 1, true>>);
static_assert(std::is_same_v<qlayers::layer_type<6>, q::qdepthwise_conv2d_layer<sn::shape<16, 6, 6>, 3, 2, 1, true>>);
static_assert(std::is_same_v<qlayers::layer_type<8>, q::qglobal_avg_pool_layer<sn::shape<16, 3, 3>>>);
static_assert(std::is_same_v<qlayers::layer_type<9>, q::qdense_layer<sn::shape<16>, 5>>);
// A ReLU6 after a pool is not fused: it stays a table.
static_assert(std::is_same_v<q::quantized_t<sn::sequential<sn::shape<1, 4, 4>, sn::max_pool<2>, sn::relu6>>::network_type::layer_type<1>,
                             q::qlookup_layer<sn::shape<1, 2, 2>>>);
// The plan names a kernel for every new layer and counts the depthwise MACs (C OH OW K K).
static_assert(qlayers::layer_macs[2] == 8 * 6 * 6 * 9 && qlayers::layer_macs[8] == 0);
static_assert(std::string_view(qlayers::kernel_names[2]).starts_with("portable depthwise"));
static_assert(std::string_view(folded::kernel_names[2]).starts_with("portable depthwise"));

TEST_CASE("quantize: a depthwise-separable net with ReLU6 fused, against its float network") {
  auto net = std::make_unique<separable>();
  sn::train::rng g(5);
  sn::train::init_parameters(*net, g);
  net->for_each_layer([&](auto, auto& l) {  // BN statistics that are not the identity
    if constexpr (requires { l.running_var(); }) {
      for (auto& v : l.running_mean()) v = static_cast<float>(g.uniform(-0.2, 0.2));
      for (auto& v : l.running_var()) v = static_cast<float>(g.uniform(0.5, 1.5));
      for (auto& v : l.gamma()) v = static_cast<float>(g.uniform(0.8, 1.6));
      for (auto& v : l.beta()) v = static_cast<float>(g.uniform(0.0, 0.6));
    }
  });
  const auto f = std::make_unique<folded>(sn::fold_batchnorm(*net));
  constexpr std::size_t n = 64, D = in_shape::size;
  std::vector<float> x(n * D);
  for (auto& v : x) v = static_cast<float>(g.uniform(0, 1));
  const auto cal = q::calibrate(*f, x.data(), n);
  const auto qn = std::make_unique<qnet>(q::quantize(*f, cal));
  // Every fused ReLU6 clamps at its zero point; calibrated on [0, <= 6], its upper end is 127.
  CHECK(qn->net.layer<2>().act_min == qn->net.layer<2>().zero_point);
  CHECK(qn->net.layer<2>().act_max == 127);
  double worst = 0, range = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::array<float, 5> yf{};
    f->forward(sn::cview<float, D>(x.data() + i * D, D), yf);
    std::array<std::int8_t, D> xq{};
    std::array<std::int8_t, 5> yq{};
    qn->quantize_input(sn::cview<float, D>(x.data() + i * D, D), xq);
    qn->forward(xq, yq);
    for (std::size_t k = 0; k < 5; ++k) {
      worst = std::max(worst, std::fabs(double{qn->output.dequantize(yq[k])} - yf[k]));
      range = std::max(range, std::fabs(double{yf[k]}));
    }
  }
  MESSAGE("separable int8 vs float: worst |logit difference| " << worst << " of logits up to " << range
                                                                 << ", output step " << qn->output.scale);
  CHECK(range > 0.1);
  CHECK(worst < 6.0 * qn->output.scale);

  // A ReLU6 whose calibrated range reaches past 6 (here [0, 10]): the clamp's upper end is the
  // int8 value of 6, -128 + round(6 / (10 / 255)) = 25 (TFLite's CalculateActivationRangeQuantized).
  auto wide = cal;
  wide.lo[1] = 0, wide.hi[1] = 10;  // the ReLU6 after the first conv
  const auto qw = std::make_unique<qnet>(q::quantize(*f, wide));
  CHECK(qw->net.layer<0>().zero_point == -128);
  CHECK(qw->net.layer<0>().act_min == -128);
  CHECK(qw->net.layer<0>().act_max == 25);
}

}  // namespace
