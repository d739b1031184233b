// ReLU fused into the int8 requantization (quant/quantized_type.hpp, quantize.hpp): the quantized
// type of conv -> relu -> max_pool and dense -> relu, its int8 outputs against TFLite's arithmetic
// written out here (tests/firmware/tflite_reference.hpp's requantization, the clamp, the sums and
// the pool), and its quantization error against the same network with the ReLU kept as a table.
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
// The same ReLU as a 256-entry table: not relu_op, so quantized_t leaves it unfused.
struct table_relu_op : sn::relu_op {};
using table_relu = sn::activation<table_relu_op>;

using in_shape = sn::shape<2, 10, 10>;
using net_t = sn::sequential<in_shape, sn::conv2d<4, 3>, sn::relu, sn::max_pool<2>, sn::flatten,
                             sn::dense<8>, sn::relu, sn::dense<3>>;
using unfused_t = sn::sequential<in_shape, sn::conv2d<4, 3>, table_relu, sn::max_pool<2>,
                                 sn::flatten, sn::dense<8>, table_relu, sn::dense<3>>;
using qnet_t = q::quantized_t<net_t>;

static_assert(
    std::is_same_v<qnet_t,
                   q::qnetwork<q::qconv2d_layer<in_shape, 4, 3, 1, 0, true>,
                               q::qidentity_layer<sn::shape<4, 8, 8>>,
                               q::qpool_layer<sn::shape<4, 8, 8>, 2, sn::max_pool_op>,
                               sn::flatten_layer<sn::shape<4, 4, 4>, std::int8_t>,
                               q::qdense_layer<sn::shape<64>, 8, true>,
                               q::qidentity_layer<sn::shape<8>>, q::qdense_layer<sn::shape<8>, 3>>>,
    "quantized_t: conv -> relu and dense -> relu fuse the ReLU into the clamp");
// conv -> (fused relu) -> pool still streams: no stage stores the 4 x 8 x 8 conv output.
static_assert(qnet_t::network_type::max_hidden_size == 64);
static_assert(std::is_same_v<q::quantized_t<unfused_t>::network_type::layer_type<1>,
                             q::qlookup_layer<sn::shape<4, 8, 8>>>);
// A ReLU not right after conv2d or dense keeps its table: first, after a pool, after another ReLU.
using elsewhere_t = sn::sequential<sn::shape<1, 6, 6>, sn::relu, sn::conv2d<2, 3>, sn::max_pool<2>,
                                   sn::relu, sn::flatten, sn::dense<4>, sn::relu, sn::relu>;
using qelsewhere_t = q::quantized_t<elsewhere_t>::network_type;
static_assert(std::is_same_v<qelsewhere_t::layer_type<0>, q::qlookup_layer<sn::shape<1, 6, 6>>>);
static_assert(std::is_same_v<qelsewhere_t::layer_type<1>,
                             q::qconv2d_layer<sn::shape<1, 6, 6>, 2, 3, 1, false>>);
static_assert(std::is_same_v<qelsewhere_t::layer_type<3>, q::qlookup_layer<sn::shape<2, 2, 2>>>);
static_assert(std::is_same_v<qelsewhere_t::layer_type<5>, q::qdense_layer<sn::shape<8>, 4, true>>);
static_assert(std::is_same_v<qelsewhere_t::layer_type<6>, q::qidentity_layer<sn::shape<4>>>);
static_assert(std::is_same_v<qelsewhere_t::layer_type<7>, q::qlookup_layer<sn::shape<4>>>);

std::vector<float> random_images(std::size_t n, std::uint64_t seed) {
  sn::train::rng g(seed);
  std::vector<float> x(n * in_shape::size);
  for (auto& v : x) v = static_cast<float>(g.uniform(-1, 1));
  return x;
}

struct nets {
  std::unique_ptr<net_t> f = std::make_unique<net_t>();
  std::unique_ptr<unfused_t> u = std::make_unique<unfused_t>();
  std::unique_ptr<qnet_t> q;
  std::unique_ptr<q::quantized_t<unfused_t>> qu;
  q::calibration<net_t> cf;
  q::calibration<unfused_t> cu;
};
nets make_nets() {
  nets n;
  sn::train::rng g(11);
  sn::train::init_parameters(*n.f, g);
  n.f->for_each_layer([&](auto index, const auto& layer) {
    constexpr std::size_t I = decltype(index)::value;
    if constexpr (std::remove_cvref_t<decltype(layer)>::param_count > 0)
      std::copy(layer.params.begin(), layer.params.end(), n.u->template layer<I>().params.begin());
  });
  const std::vector<float> cal = random_images(64, 5);
  n.cf = q::calibrate(*n.f, cal.data(), 64);
  n.cu = q::calibrate(*n.u, cal.data(), 64);
  n.q = std::make_unique<qnet_t>(q::quantize(*n.f, n.cf));
  n.qu = std::make_unique<q::quantized_t<unfused_t>>(q::quantize(*n.u, n.cu));
  return n;
}

std::int8_t clamp_to(std::int8_t v, std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int8_t>(std::clamp<std::int32_t>(v, lo, hi));
}

// The int8 network written out: sums in int64 from the layers' integers, TFLite's requantization,
// the layer's clamp, 2x2 max pooling.
std::array<std::int8_t, 3> reference(const qnet_t& qn,
                                     const std::array<std::int8_t, in_shape::size>& x,
                                     std::size_t& clamped) {
  const auto& conv = qn.net.layer<0>();
  std::array<std::int8_t, 4 * 8 * 8> c{};
  for (std::size_t o = 0; o < 4; ++o)
    for (std::size_t oy = 0; oy < 8; ++oy)
      for (std::size_t ox = 0; ox < 8; ++ox) {
        std::int64_t acc = conv.bias[o];
        for (std::size_t ic = 0; ic < 2; ++ic)
          for (std::size_t ky = 0; ky < 3; ++ky)
            for (std::size_t kx = 0; kx < 3; ++kx)
              acc += std::int64_t{conv.weights[((o * 2 + ic) * 3 + ky) * 3 + kx]} *
                     x[(ic * 10 + oy + ky) * 10 + ox + kx];
        const std::int8_t r = sn::fw_test::requant_any(
            static_cast<std::int32_t>(acc), conv.multiplier[o], conv.shift[o], conv.zero_point);
        c[(o * 8 + oy) * 8 + ox] = clamp_to(r, conv.act_min, conv.act_max);
        clamped += r < conv.act_min || r > conv.act_max;
      }
  std::array<std::int8_t, 64> p{};
  for (std::size_t o = 0; o < 4; ++o)
    for (std::size_t py = 0; py < 4; ++py)
      for (std::size_t px = 0; px < 4; ++px) {
        const std::int8_t* w = c.data() + (o * 8 + 2 * py) * 8 + 2 * px;
        p[(o * 4 + py) * 4 + px] = std::max({w[0], w[1], w[8], w[9]});
      }
  auto dense = [&](const auto& d, const auto& in, auto& out) {
    for (std::size_t o = 0; o < out.size(); ++o) {
      std::int64_t acc = d.bias[o];
      for (std::size_t i = 0; i < in.size(); ++i)
        acc += std::int64_t{d.weights[o * in.size() + i]} * in[i];
      const std::int8_t r = sn::fw_test::requant_any(static_cast<std::int32_t>(acc),
                                                     d.multiplier[o], d.shift[o], d.zero_point);
      out[o] = clamp_to(r, d.act_min, d.act_max);
      clamped += r < d.act_min || r > d.act_max;
    }
  };
  std::array<std::int8_t, 8> h{};
  std::array<std::int8_t, 3> y{};
  dense(qn.net.layer<4>(), p, h);
  dense(qn.net.layer<6>(), h, y);
  return y;
}

std::size_t compare_with_reference(const qnet_t& qn, std::size_t images, std::size_t& clamped) {
  const std::vector<float> xs = random_images(images, 17);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < images; ++i) {
    std::array<std::int8_t, in_shape::size> x{};
    qn.quantize_input(
        sn::cview<float, in_shape::size>(xs.data() + i * in_shape::size, in_shape::size), x);
    std::array<std::int8_t, 3> y{};
    qn.forward(x, y);
    differ += y != reference(qn, x, clamped);
  }
  return differ;
}
}  // namespace

TEST_CASE(
    "quant: a fused ReLU takes its range from the ReLU's calibration and clamps at the zero "
    "point") {
  const nets n = make_nets();
  const auto& conv = n.q->net.layer<0>();
  const auto& dense = n.q->net.layer<4>();
  // The ReLU's range is [0, max]: the zero point is the grid's bottom, so the clamp starts there.
  CHECK(conv.zero_point == -128);
  CHECK(conv.act_min == conv.zero_point);
  CHECK(conv.act_max == 127);
  CHECK(dense.zero_point == -128);
  CHECK(dense.act_min == dense.zero_point);
  CHECK(n.q->net.layer<6>().act_min == -128);  // the last dense has no ReLU: the full range
  // The unfused conv's grid spans the conv's own range (negative half included): a larger step.
  const auto& uconv = n.qu->net.layer<0>();
  CHECK(uconv.zero_point > -128);
  CHECK(uconv.act_min == -128);
}

TEST_CASE("quant: the int8 network with fused ReLUs equals TFLite's arithmetic with the clamp") {
  nets n = make_nets();
  std::size_t clamped = 0;
  CHECK(compare_with_reference(*n.q, 200, clamped) == 0);
  // quantize()'s clamp [-128, 127] is the whole grid (the saturation already is the ReLU); a
  // narrower one, as a grid below the ReLU's zero or a ReLU6 would set, is applied by the kernels.
  auto& conv = n.q->net.layer<0>();
  auto& dense = n.q->net.layer<4>();
  conv.act_min = conv.zero_point + 9, conv.act_max = 100;
  dense.act_min = dense.zero_point + 20, dense.act_max = 90;
  clamped = 0;
  CHECK(compare_with_reference(*n.q, 200, clamped) == 0);
  MESSAGE("outputs the narrowed clamp changed: " << clamped);
  CHECK(clamped > 1000);
}

TEST_CASE("quant: fused ReLU, about half the quantization error of the ReLU table on its grid") {
  const nets n = make_nets();
  const std::size_t images = 300;
  const std::vector<float> xs = random_images(images, 23);
  double err_fused = 0, err_table = 0, out_fused = 0, out_table = 0, logit_fused = 0,
         logit_table = 0;
  std::size_t count = 0, agree_fused = 0, agree_table = 0;
  for (std::size_t i = 0; i < images; ++i) {
    const sn::cview<float, in_shape::size> xf(xs.data() + i * in_shape::size, in_shape::size);
    // Float: the ReLU output after the conv, and the logits.
    std::array<float, 256> conv_f{};
    n.f->layer<0>().forward(xf, conv_f);
    for (auto& v : conv_f) v = std::max(v, 0.0f);
    std::array<float, 3> yf{};
    n.f->forward(xf, yf);
    // int8, fused: the conv's own (clamped) output; table: conv, then the ReLU table.
    std::array<std::int8_t, in_shape::size> x{};
    n.q->quantize_input(xf, x);
    // The float conv + relu of the int8 input as the int8 network sees it (no input rounding).
    std::array<float, in_shape::size> xd{};
    for (std::size_t k = 0; k < in_shape::size; ++k) xd[k] = n.q->input.dequantize(x[k]);
    std::array<float, 256> conv_d{};
    n.f->layer<0>().forward(xd, conv_d);
    for (auto& v : conv_d) v = std::max(v, 0.0f);
    std::array<std::int8_t, 256> cq{}, cu{}, cr{};
    n.q->net.layer<0>().forward(x, cq);
    n.qu->net.layer<0>().forward(x, cu);
    n.qu->net.layer<1>().forward(cu, cr);
    // The conv's output grids as quantize chose them: the ReLU's range (fused), the conv's (table).
    const q::tensor_params gf = q::choose_params(n.cf.lo[1], n.cf.hi[1]),
                           gu = q::choose_params(n.cu.lo[0], n.cu.hi[0]);
    REQUIRE(gf.zero_point == n.q->net.layer<0>().zero_point);
    REQUIRE(gu.zero_point == n.qu->net.layer<0>().zero_point);
    for (std::size_t k = 0; k < 256; ++k) {
      const double df = conv_f[k];
      err_fused += std::pow(double{gf.dequantize(cq[k])} - df, 2);
      err_table += std::pow(double{gu.dequantize(cr[k])} - df, 2);
      out_fused += std::pow(double{gf.dequantize(cq[k])} - conv_d[k], 2);
      out_table += std::pow(double{gu.dequantize(cr[k])} - conv_d[k], 2);
      ++count;
    }
    std::array<std::int8_t, 3> yq{}, yu{};
    n.q->forward(x, yq);
    n.qu->forward(x, yu);
    for (std::size_t k = 0; k < 3; ++k) {
      logit_fused += std::pow(double{n.q->output.dequantize(yq[k])} - yf[k], 2);
      logit_table += std::pow(double{n.qu->output.dequantize(yu[k])} - yf[k], 2);
    }
    const auto arg = [](const auto& v) { return std::max_element(v.begin(), v.end()) - v.begin(); };
    agree_fused += arg(yq) == arg(yf), agree_table += arg(yu) == arg(yf);
  }
  const double rms_fused = std::sqrt(err_fused / static_cast<double>(count)),
               rms_table = std::sqrt(err_table / static_cast<double>(count));
  const q::tensor_params gf = q::choose_params(n.cf.lo[1], n.cf.hi[1]),
                         gu = q::choose_params(n.cu.lo[0], n.cu.hi[0]);
  MESSAGE("conv range [" << n.cu.lo[0] << ", " << n.cu.hi[0] << "], relu range [" << n.cf.lo[1]
                         << ", " << n.cf.hi[1] << "]: steps " << gf.scale << " fused, " << gu.scale
                         << " table (ratio " << gf.scale / gu.scale << ")");
  MESSAGE("conv+relu output RMS error: fused " << rms_fused << ", table " << rms_table << " (ratio "
                                               << rms_fused / rms_table << ")");
  MESSAGE("logits RMS error: fused " << std::sqrt(logit_fused / (3 * images)) << ", table "
                                     << std::sqrt(logit_table / (3 * images))
                                     << "; argmax agreement with float: fused " << agree_fused
                                     << ", table " << agree_table << " of " << images);
  MESSAGE(
      "conv+relu output RMS error against the float conv of the int8 input (the output rounding "
      "and weight rounding only): fused "
      << std::sqrt(out_fused / static_cast<double>(count)) << ", table "
      << std::sqrt(out_table / static_cast<double>(count)) << " (ratio "
      << std::sqrt(out_fused / out_table) << ")");
  CHECK(rms_fused < 0.7 * rms_table);
  CHECK(out_fused < 0.65 * 0.65 * out_table);
  CHECK(logit_fused <= logit_table);
}

TEST_CASE("quant: a network ending in a fused ReLU writes the dense stage's output as its own") {
  // The trailing qidentity_layer runs no stage: the dense before it writes the network's output.
  using tail_t = sn::sequential<sn::shape<6>, sn::dense<5>, sn::relu, sn::dense<4>, sn::relu>;
  using qtail_t = q::quantized_t<tail_t>;
  static_assert(
      std::is_same_v<qtail_t::network_type::layer_type<3>, q::qidentity_layer<sn::shape<4>>>);
  static_assert(qtail_t::workspace_size ==
                5);  // the hidden 5 values only: no stage copies the last 4
  auto net = std::make_unique<tail_t>();
  sn::train::rng g(3);
  sn::train::init_parameters(*net, g);
  std::vector<float> images(6 * 32);
  for (auto& v : images) v = static_cast<float>(g.uniform(-1, 1));
  const auto qn = q::quantize(*net, q::calibrate(*net, images.data(), 32));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    std::array<std::int8_t, 6> x{};
    qn.quantize_input(sn::cview<float, 6>(images.data() + i * 6, 6), x);
    std::array<std::int8_t, 5> h{};
    std::array<std::int8_t, 4> want{}, got{};
    qn.net.layer<0>().forward(x, h);
    qn.net.layer<2>().forward(h, want);
    qn.forward(x, got);
    differ += got != want;
  }
  CHECK(differ == 0);
}
