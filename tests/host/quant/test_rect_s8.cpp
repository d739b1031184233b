// int8 conv2d with rectangular windows (quant/conv2d.hpp): the layer against TFLite's CONV_2D
// arithmetic written out here (taps inside the map times (x - z_in), the raw bias, requantization
// of tests/firmware/tflite_reference.hpp, the activation clamp), the int8 type a float
// conv2d_hw quantizes to, its plan entry, and the export spellings of both types.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include <staticnn/export/header.hpp>
#include <staticnn/export/int8_header.hpp>
#include <staticnn/quant/quantize.hpp>
#include <staticnn/staticnn.hpp>
#include <staticnn/train/rng.hpp>

#include "../../firmware/tflite_reference.hpp"

namespace sn = staticnn;
namespace q = staticnn::quant;

namespace {

// Random layers of one window through the layer's forward and the reference; returns the
// number of outputs that differ.
// Depthwise (Depthwise = true): output channel o reads input channel o only.
template <class L, bool Depthwise = false>
std::size_t rect_conv_differs(std::uint64_t seed) {
  constexpr std::size_t C = Depthwise ? 1 : L::in_shape::channels, H = L::in_shape::height, W = L::in_shape::width;
  constexpr std::size_t OC = L::out_shape::channels, OH = L::out_shape::height, OW = L::out_shape::width;
  constexpr std::size_t KH = L::kernel_h, KW = L::kernel_w, F = C * KH * KW;
  sn::train::rng g(seed);
  auto pick = [&](int lo, int hi) { return static_cast<int>(std::floor(g.uniform(lo, hi + 1))); };
  std::size_t differ = 0;
  for (int trial = 0; trial < 4; ++trial) {
    auto l = std::make_unique<L>();
    std::array<std::int32_t, OC> raw_bias{};
    const std::int32_t zin = pick(-128, 127);
    l->input_zero_point = zin;
    l->zero_point = pick(-20, 20);
    l->act_min = trial == 0 ? -128 : l->zero_point;  // trial 0: no clamp, then a ReLU's
    l->act_max = 127;
    for (std::size_t o = 0; o < OC; ++o) {
      std::int64_t sum = 0;
      for (std::size_t k = 0; k < F; ++k) {
        l->weights[o * F + k] = static_cast<std::int8_t>(pick(-127, 127));
        sum += l->weights[o * F + k];
      }
      raw_bias[o] = pick(-5000, 5000);
      l->bias[o] = static_cast<std::int32_t>(raw_bias[o] - zin * sum);  // the layer's contract
      l->multiplier[o] = (1 << 30) + pick(0, (1 << 30) - 1);
      l->shift[o] = static_cast<std::int8_t>(-pick(6, 12));
    }
    std::array<std::int8_t, L::in_shape::size> x{};
    for (auto& v : x) v = static_cast<std::int8_t>(pick(-128, 127));
    std::array<std::int8_t, OC * OH * OW> y{};
    l->forward(x, y);
    for (std::size_t o = 0; o < OC; ++o)
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          std::int64_t acc = raw_bias[o];
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t ky = 0; ky < KH; ++ky)
              for (std::size_t kx = 0; kx < KW; ++kx) {
                const long iy = static_cast<long>(oy * L::stride_h + ky) - static_cast<long>(L::pad_top);
                const long ix = static_cast<long>(ox * L::stride_w + kx) - static_cast<long>(L::pad_left);
                if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
                const std::size_t ic = Depthwise ? o : c;
                acc += std::int64_t{l->weights[((o * C + c) * KH + ky) * KW + kx]} *
                       (x[(ic * H + static_cast<std::size_t>(iy)) * W + static_cast<std::size_t>(ix)] - zin);
              }
          REQUIRE(acc == static_cast<std::int32_t>(acc));
          const std::int32_t r = std::clamp<std::int32_t>(
              sn::fw_test::requant_any(static_cast<std::int32_t>(acc), l->multiplier[o], l->shift[o], l->zero_point),
              l->act_min, l->act_max);
          differ += y[(o * OH + oy) * OW + ox] != r;
        }
  }
  return differ;
}

using in_shape = sn::shape<1, 13, 6>;
using net = sn::sequential<in_shape, sn::conv2d_same<5, 10, 4, 2, 2>, sn::batchnorm, sn::relu, sn::global_avg_pool,
                           sn::dense<3>>;
using folded = sn::folded_t<net>;
using qnet = q::quantized_t<folded>;
// TFLite 'same': 13 rows, K 10, stride 2: 7 rows, 9 zeros (4 above, 5 below); 6 columns, K 4,
// stride 2: 3 columns, 2 zeros (1 left, 1 right).
static_assert(std::is_same_v<qnet::network_type::layer_type<0>,
                             q::qconv2d_layer<in_shape, 5, 10, 2, 4, true, 4, 2, 1, 5, 1>>);
static_assert(std::string_view(qnet::network_type::kernel_names[0]) == "portable");
static_assert(qnet::network_type::layer_macs[0] == 5 * 7 * 3 * 40);

}  // namespace

TEST_CASE("qconv2d rectangular: TFLite CONV_2D arithmetic on kernels, strides and paddings of two sizes") {
  CHECK(rect_conv_differs<q::qconv2d_layer<sn::shape<1, 13, 6>, 5, 10, 2, 4, true, 4, 2, 1, 5, 1>>(1) == 0);
  CHECK(rect_conv_differs<q::qconv2d_layer<sn::shape<3, 7, 9>, 4, 3, 1, 0, true, 5, 2>>(2) == 0);  // unpadded
  CHECK(rect_conv_differs<q::qconv2d_layer<sn::shape<2, 6, 5>, 3, 1, 2, 1, true, 3, 1, 2, 0, 0>>(3) == 0);
  CHECK(rect_conv_differs<q::qconv2d_layer<sn::shape<4, 5, 8>, 6, 2, 1, 0, true, 1, 3, 0, 1, 0>>(4) == 0);
}

TEST_CASE("qdepthwise_conv2d rectangular: TFLite DEPTHWISE_CONV_2D arithmetic") {
  CHECK(rect_conv_differs<q::qdepthwise_conv2d_layer<sn::shape<3, 6, 7>, 3, 1, 1, true, 2, 2, 0, 2, 1>, true>(5) == 0);
  CHECK(rect_conv_differs<q::qdepthwise_conv2d_layer<sn::shape<2, 4, 11>, 1, 1, 0, true, 5, 3, 1, 0, 2>, true>(6) == 0);
  CHECK(rect_conv_differs<q::qdepthwise_conv2d_layer<sn::shape<4, 9, 5>, 5, 2, 2, true, 3, 1>, true>(7) == 0);
  // The DSP kernel takes square windows only: a rectangular one names the portable kernel.
  CHECK(std::string_view(q::qdepthwise_conv2d_layer<sn::shape<4, 9, 5>, 5, 2, 2, true, 3, 1>::kernel_name)
            .starts_with("portable"));
  CHECK(sn::exporter::int8_layer_spelling<q::qdepthwise_conv2d_layer<sn::shape<4, 9, 5>, 5, 2, 2, true, 3, 1>>::get() ==
        "staticnn::quant::qdepthwise_conv2d_layer<staticnn::shape<4, 9, 5>, 5, 2, 2, true, 3, 1, 2, 2, 2>");
  using f = sn::depthwise_conv2d_hw<5, 3, 2, 1, 2, 2>::bind<sn::shape<4, 9, 5>>;
  static_assert(std::is_same_v<q::quantized_layer<f, true>::type, q::qdepthwise_conv2d_layer<sn::shape<4, 9, 5>, 5, 2, 2, true, 3, 1>>);
  CHECK(sn::exporter::layer_spelling<f>::get() == "staticnn::depthwise_conv2d_layer<staticnn::shape<4, 9, 5>, 5, 2, 2, float, 3, 1, 2, 2, 2>");
}

TEST_CASE("qpool rectangular: TFLite MAX_POOL_2D / AVERAGE_POOL_2D over the inputs inside the map") {
  sn::train::rng g(8);
  auto run = [&]<class L, bool Max>() {
    constexpr std::size_t C = L::in_shape::channels, H = L::in_shape::height, W = L::in_shape::width;
    constexpr std::size_t OH = L::out_shape::height, OW = L::out_shape::width;
    std::size_t differ = 0;
    for (int trial = 0; trial < 20; ++trial) {
      std::array<std::int8_t, L::in_shape::size> x{};
      for (auto& v : x) v = static_cast<std::int8_t>(std::floor(g.uniform(-128, 128)));
      std::array<std::int8_t, L::out_shape::size> y{};
      L{}.forward(x, y);
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t oy = 0; oy < OH; ++oy)
          for (std::size_t ox = 0; ox < OW; ++ox) {
            double s = 0;
            int m = -128, n = 0;
            for (std::size_t ky = 0; ky < L::kernel_h; ++ky)
              for (std::size_t kx = 0; kx < L::kernel_w; ++kx) {
                const long iy = static_cast<long>(oy * L::stride_h + ky) - static_cast<long>(L::pad_top);
                const long ix = static_cast<long>(ox * L::stride_w + kx) - static_cast<long>(L::pad_left);
                if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
                const int v = x[(c * H + static_cast<std::size_t>(iy)) * W + static_cast<std::size_t>(ix)];
                s += v, m = std::max(m, v), ++n;
              }
            // the mean rounded half away from zero (std::round), as TFLite's int8 average pool
            const int want = Max ? m : static_cast<int>(std::round(s / n));
            differ += y[(c * OH + oy) * OW + ox] != want;
          }
    }
    CHECK(differ == 0);
  };
  run.template operator()<q::qpool_layer<sn::shape<2, 7, 5>, 3, sn::avg_pool_op, 2, 2, 1, 1, 1, 0, 1>, false>();
  run.template operator()<q::qpool_layer<sn::shape<2, 7, 5>, 3, sn::max_pool_op, 2, 2, 1, 1, 1, 0, 1>, true>();
  run.template operator()<q::qpool_layer<sn::shape<3, 4, 9>, 2, sn::avg_pool_op, 3>, false>();
  run.template operator()<q::qpool_layer<sn::shape<3, 4, 9>, 1, sn::max_pool_op, 4, 1, 2, 0, 1, 0, 3>, true>();
  using f = sn::avg_pool_hw<3, 2, 2, 1, 1, 1, 0, 1>::bind<sn::shape<2, 7, 5>>;
  static_assert(std::is_same_v<q::quantized_layer<f>::type,
                               q::qpool_layer<sn::shape<2, 7, 5>, 3, sn::avg_pool_op, 2, 2, 1, 1, 1, 0, 1>>);
  CHECK(sn::exporter::layer_spelling<f>::get() ==
        "staticnn::pool_layer<staticnn::shape<2, 7, 5>, 3, staticnn::avg_pool_op, float, 2, 2, 1, 1, 1, 0, 1>");
  CHECK(sn::exporter::int8_layer_spelling<q::quantized_layer<f>::type>::get() ==
        "staticnn::quant::qpool_layer<staticnn::shape<2, 7, 5>, 3, staticnn::avg_pool_op, 2, 2, 1, 1, 1, 0, 1>");
  CHECK(sn::exporter::int8_layer_spelling<q::qpool_layer<sn::shape<2, 4, 4>, 2, sn::max_pool_op>>::get() ==
        "staticnn::quant::qpool_layer<staticnn::shape<2, 4, 4>, 2, staticnn::max_pool_op>");
}

TEST_CASE("export: rectangular conv types are spelled with the window, square ones as before") {
  using fl = folded::layer_type<0>;
  CHECK(sn::exporter::layer_spelling<fl>::get() ==
        "staticnn::conv2d_layer<staticnn::shape<1, 13, 6>, 5, 10, 2, 4, float, 4, 2, 1, 5, 1>");
  CHECK(sn::exporter::int8_layer_spelling<qnet::network_type::layer_type<0>>::get() ==
        "staticnn::quant::qconv2d_layer<staticnn::shape<1, 13, 6>, 5, 10, 2, 4, true, 4, 2, 1, 5, 1>");
  CHECK(sn::exporter::layer_spelling<sn::conv2d<6, 5>::bind<sn::shape<1, 28, 28>>>::get() ==
        "staticnn::conv2d_layer<staticnn::shape<1, 28, 28>, 6, 5, 1, 0, float>");
  CHECK(sn::exporter::int8_layer_spelling<q::qconv2d_layer<sn::shape<1, 6, 6>, 2, 3, 1, 1, true>>::get() ==
        "staticnn::quant::qconv2d_layer<staticnn::shape<1, 6, 6>, 2, 3, 1, 1, true>");
}
