// The library's inference kernels on the target, against hand-derived values (bare harness, no
// doctest): conv2d (stride, padding), dense, pools, activations, batchnorm (eval), scale_shift,
// the fused conv -> activation -> pool path against running the layers one by one, fast_exp
// against a table, and the int8 kernels against integer sums and TFLite's requantization
// (tflite_reference.hpp). The DSP-only int8 stage is tested in fw_kernels_dsp.cpp.
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "harness.hpp"
#include "runtime.hpp"
#include "tflite_reference.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using fw_test::requant_any;

STATICNN_TEST(conv2d_stride1_and_stride2) {
  // x = 1..9 on 3x3, kernel [[1 0] [0 -1]], bias 0.5: y = x[i][j] - x[i+1][j+1] + 0.5 = -3.5.
  conv2d_layer<shape<1, 3, 3>, 1, 2, 1, 0, float> c{{1, 0, 0, -1, 0.5f}};
  const std::array<float, 9> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::array<float, 4> y{};
  c.forward(x, y);
  for (float v : y) STATICNN_CHECK_NEAR(v, -3.5, 0);
  // Stride 2 on 1x4x4 (0..15), kernel of ones 2x2, no bias: windows at (0,0),(0,2),(2,0),(2,2).
  conv2d_layer<shape<1, 4, 4>, 1, 2, 2, 0, float> s{{1, 1, 1, 1, 0}};
  std::array<float, 16> x4{};
  for (int i = 0; i < 16; ++i) x4[static_cast<std::size_t>(i)] = static_cast<float>(i);
  std::array<float, 4> y4{};
  s.forward(x4, y4);
  STATICNN_CHECK_NEAR(y4[0], 0 + 1 + 4 + 5, 0);
  STATICNN_CHECK_NEAR(y4[1], 2 + 3 + 6 + 7, 0);
  STATICNN_CHECK_NEAR(y4[2], 8 + 9 + 12 + 13, 0);
  STATICNN_CHECK_NEAR(y4[3], 10 + 11 + 14 + 15, 0);
}

STATICNN_TEST(conv2d_padding) {
  // 1x2x2 input [[1 2] [3 4]], 3x3 kernel of ones, padding 1: every output sums the whole input.
  conv2d_layer<shape<1, 2, 2>, 1, 3, 1, 1, float> c{};
  for (std::size_t k = 0; k < 9; ++k) c.params[k] = 1;
  const std::array<float, 4> x{1, 2, 3, 4};
  std::array<float, 4> y{};
  c.forward(x, y);
  for (float v : y) STATICNN_CHECK_NEAR(v, 10, 0);
}

STATICNN_TEST(dense_forward) {
  // W = [[1 2 3] [-1 0 1]], b = [0.5 -2], x = [1 1 2]: y = [9.5, -1].
  dense_layer<shape<3>, 2, float> d{{1, 2, 3, -1, 0, 1, 0.5f, -2}};
  const std::array<float, 3> x{1, 1, 2};
  std::array<float, 2> y{};
  d.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], 9.5, 0);
  STATICNN_CHECK_NEAR(y[1], -1, 0);
}

STATICNN_TEST(pools) {
  const std::array<float, 16> x{1, 2, 5, 6, 3, 4, 7, 8, -1, -2, 0, 9, -3, -4, 1, 2};
  std::array<float, 4> y{};
  pool_layer<shape<1, 4, 4>, 2, avg_pool_op, float>{}.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], 2.5, 0);
  STATICNN_CHECK_NEAR(y[1], 6.5, 0);
  STATICNN_CHECK_NEAR(y[2], -2.5, 0);
  STATICNN_CHECK_NEAR(y[3], 3, 0);
  pool_layer<shape<1, 4, 4>, 2, max_pool_op, float>{}.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], 4, 0);
  STATICNN_CHECK_NEAR(y[1], 8, 0);
  STATICNN_CHECK_NEAR(y[2], -1, 0);
  STATICNN_CHECK_NEAR(y[3], 9, 0);
}

STATICNN_TEST(activations) {
  // sigmoid(ln 3) = 3/4, tanh(ln 2) = 3/5, relu(-2) = 0.
  const std::array<float, 3> x{std::log(3.0f), 0.0f, -std::log(3.0f)};
  std::array<float, 3> y{};
  activation_layer<shape<3>, sigmoid_op, float>{}.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], 0.75, 1e-6);
  STATICNN_CHECK_NEAR(y[1], 0.5, 0);
  STATICNN_CHECK_NEAR(y[2], 0.25, 1e-6);
  const std::array<float, 3> t{std::log(2.0f), -2.0f, 3.0f};
  activation_layer<shape<3>, tanh_op, float>{}.forward(t, y);
  STATICNN_CHECK_NEAR(y[0], 0.6, 1e-6);
  activation_layer<shape<3>, relu_op, float>{}.forward(t, y);
  STATICNN_CHECK_NEAR(y[1], 0, 0);
  STATICNN_CHECK_NEAR(y[2], 3, 0);
}

STATICNN_TEST(batchnorm_eval_and_scale_shift) {
  // gamma 2, beta 1, mean 3, var 4 - 1e-5: y = 2 (x - 3) / 2 + 1 = x - 2.
  batchnorm_layer<shape<1>, float> bn{{2, 1}, {3, 4.0f - 1e-5f}};
  const std::array<float, 1> x{7};
  std::array<float, 1> y{};
  bn.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], 5, 1e-5);
  scale_shift_layer<shape<1>, float> ss{{-0.5f, 4}};
  ss.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], 0.5, 0);
}

STATICNN_TEST(fused_conv_act_pool_equals_layer_by_layer) {
  using net_t = sequential<shape<2, 8, 8>, conv2d<3, 3>, sigmoid, avg_pool<2>, flatten, dense<4>>;
  static_assert(net_t::workspace_size < 2 * 3 * 6 * 6, "the fused plan never stores the conv output");
  static net_t net;
  std::uint32_t r = 1;
  auto next = [&] { return static_cast<float>((r = r * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f; };
  for (auto& p : net.layer<0>().params) p = next();
  for (auto& p : net.layer<4>().params) p = next();
  std::array<float, 128> x{};
  for (auto& v : x) v = next();
  std::array<float, 4> fused{};
  net.forward(x, fused);
  static std::array<float, 108> a{}, b{};  // conv output 3x6x6, then in place
  net.layer<0>().forward(x, a);
  net.layer<1>().forward(a, b);
  std::array<float, 27> pooled{};
  net.layer<2>().forward(b, pooled);
  std::array<float, 4> plain{};
  net.layer<4>().forward(pooled, plain);
  STATICNN_CHECK(std::memcmp(fused.data(), plain.data(), sizeof plain) == 0);
}

// The register-blocked kernels (kernels/arm/ on VFP targets, the portable ones elsewhere) against
// sums and sigmoids computed here in double: 5x5 conv with 8-wide output rows over two channels,
// dense with a tail after the blocks of 8 and an odd output, sigmoid across [-20, 20].
STATICNN_TEST(blocked_kernels_against_double) {
  std::uint32_t r = 7;
  auto next = [&] { return static_cast<float>((r = r * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f; };
  static conv2d_layer<shape<2, 12, 28>, 3, 5, 1, 0, float> c;  // output 3 x 8 x 24
  for (auto& p : c.params) p = next();
  static std::array<float, 2 * 12 * 28> x{};
  for (auto& v : x) v = next();
  static std::array<float, 3 * 8 * 24> y{};
  c.forward(x, y);
  double worst = 0;
  for (std::size_t o = 0; o < 3; ++o)
    for (std::size_t oy = 0; oy < 8; ++oy)
      for (std::size_t ox = 0; ox < 24; ++ox) {
        double want = c.params[c.weight_count + o];
        for (std::size_t ic = 0; ic < 2; ++ic)
          for (std::size_t ky = 0; ky < 5; ++ky)
            for (std::size_t kx = 0; kx < 5; ++kx)
              want += double{c.params[((o * 2 + ic) * 5 + ky) * 5 + kx]} * double{x[(ic * 12 + oy + ky) * 28 + ox + kx]};
        const double d = std::fabs(want - double{y[(o * 8 + oy) * 24 + ox]});
        worst = d > worst ? d : worst;
      }
  STATICNN_CHECK(worst < 1e-5);

  dense_layer<shape<20>, 3, float> d;
  for (auto& p : d.params) p = next();
  std::array<float, 20> xd{};
  for (auto& v : xd) v = next();
  std::array<float, 3> yd{};
  d.forward(xd, yd);
  for (std::size_t o = 0; o < 3; ++o) {
    double want = d.params[60 + o];
    for (std::size_t i = 0; i < 20; ++i) want += double{d.params[o * 20 + i]} * double{xd[i]};
    STATICNN_CHECK_NEAR(yd[o], want, 1e-5);
  }

  static std::array<float, 400> xs{}, ys{};
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = -20.0f + 0.1001f * static_cast<float>(i);  // [-20, 20]
  activation_layer<shape<400>, sigmoid_op, float>{}.forward(xs, ys);
  double sworst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double e = std::fabs(1.0 / (1.0 + std::exp(-double{xs[i]})) - double{ys[i]});
    sworst = e > sworst ? e : sworst;
  }
  STATICNN_CHECK(sworst < 2e-7);
}

namespace {
using conv_2x6x12 = quant::qconv2d_layer<shape<2, 6, 12>, 3, 5, 1>;  // output 3 x 2 x 8
// Runs c on x into y; the number of outputs that differ from the integer sum requantized by
// requant_any.
std::size_t conv_2x6x12_wrong(const conv_2x6x12& c, const std::array<std::int8_t, 2 * 6 * 12>& x,
                              std::array<std::int8_t, 3 * 2 * 8>& y) {
  c.forward(x, y);
  std::size_t wrong = 0;
  for (std::size_t o = 0; o < 3; ++o)
    for (std::size_t oy = 0; oy < 2; ++oy)
      for (std::size_t ox = 0; ox < 8; ++ox) {
        std::int32_t acc = c.bias[o];
        for (std::size_t ic = 0; ic < 2; ++ic)
          for (std::size_t ky = 0; ky < 5; ++ky)
            for (std::size_t kx = 0; kx < 5; ++kx)
              acc += c.weights[((o * 2 + ic) * 5 + ky) * 5 + kx] * x[(ic * 6 + oy + ky) * 12 + ox + kx];
        wrong += y[(o * 2 + oy) * 8 + ox] != requant_any(acc, c.multiplier[o], c.shift[o], c.zero_point);
      }
  return wrong;
}
}  // namespace

// The int8 kernels (SMLAD on DSP targets, portable on the M3) against integer sums and TFLite's
// requantization written out here: a 5x5 conv over 2 channels with 8 outputs per row (two DSP
// blocks), and dense layers with 6 outputs over 20 inputs and over 32 (on DSP targets one row at
// a time: layers this small do not take the four-row unit, which fw_kernels_dsp.cpp tests).
STATICNN_TEST(int8_kernels_against_integer_sums) {
  std::uint32_t r = 11;
  auto next8 = [&] { return static_cast<std::int8_t>(static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 24) - 128); };
  static conv_2x6x12 c;
  for (auto& w : c.weights) w = next8();
  for (std::size_t o = 0; o < 3; ++o)
    c.bias[o] = 1000 * static_cast<std::int32_t>(o) - 700, c.multiplier[o] = 1518500250 + static_cast<std::int32_t>(o),
    c.shift[o] = static_cast<std::int8_t>(-9 - static_cast<std::int32_t>(o));
  c.zero_point = -5;
  static std::array<std::int8_t, 2 * 6 * 12> x{};
  for (auto& v : x) v = next8();
  static std::array<std::int8_t, 3 * 2 * 8> y{};
  STATICNN_CHECK(conv_2x6x12_wrong(c, x, y) == 0);

  // Dense: 20 inputs (M % 8 == 4: a head word, then steps of 8) and 32 (steps of 8 only), each
  // with the general rescale, with the one a constant model chooses
  // when every output takes the doubled form (forward<true>), and with a table after it.
  auto check_dense = [&]<std::size_t M>(std::integral_constant<std::size_t, M>) {
    static quant::qdense_layer<shape<M>, 6> d;
    for (auto& w : d.weights) w = next8();
    for (std::size_t o = 0; o < 6; ++o)
      d.bias[o] = 300 - 100 * static_cast<std::int32_t>(o), d.multiplier[o] = 1200000000 + static_cast<std::int32_t>(o) * 7,
      d.shift[o] = static_cast<std::int8_t>(-9 + static_cast<std::int32_t>(o % 2));
    d.zero_point = 3;
    std::array<std::int8_t, M> xd{};
    for (auto& v : xd) v = next8();
    std::array<std::int8_t, 6> yd{}, yd2{}, yd3{};
    d.forward(xd, yd);
    STATICNN_CHECK(d.doubled_rescale());
    d.template forward<true>(xd, yd2);
    static quant::qlookup_layer<shape<6>> t;  // dense -> table as one stage (forward_then)
    for (auto& v : t.table) v = next8();
    d.template forward_then<true>(xd, yd3, t);
    for (std::size_t o = 0; o < 6; ++o) {
      std::int32_t acc = d.bias[o];
      for (std::size_t i = 0; i < M; ++i) acc += d.weights[o * M + i] * xd[i];
      const std::int8_t want = requant_any(acc, d.multiplier[o], d.shift[o], d.zero_point);
      STATICNN_CHECK(yd[o] == want);
      STATICNN_CHECK(yd2[o] == want);
      STATICNN_CHECK(yd3[o] == t.table[static_cast<std::size_t>(want + 128)]);
    }
    // Rescales outside the doubled form, run through forward and forward_then: a left shift
    // (with a multiplier small enough that outputs do not all saturate, and with INT32_MAX),
    // multipliers at and next to INT32_MIN, shift -31, and accumulators within 2^20 of +-2^31.
    d.shift[2] = 1, d.multiplier[2] = 1 << 22;
    d.shift[3] = 3, d.multiplier[3] = std::numeric_limits<std::int32_t>::max();
    d.shift[0] = -20, d.multiplier[0] = std::numeric_limits<std::int32_t>::min();
    d.shift[1] = -31, d.multiplier[1] = std::numeric_limits<std::int32_t>::min() + 1;
    d.shift[4] = -24, d.bias[4] = std::numeric_limits<std::int32_t>::max() - (1 << 20);
    d.shift[5] = 2, d.multiplier[5] = 1 << 20, d.bias[5] = std::numeric_limits<std::int32_t>::min() + (1 << 20);
    STATICNN_CHECK(!d.doubled_rescale());
    d.forward(xd, yd);
    d.forward_then(xd, yd3, t);
    for (std::size_t o = 0; o < 6; ++o) {
      std::int32_t acc = d.bias[o];
      for (std::size_t i = 0; i < M; ++i) acc += d.weights[o * M + i] * xd[i];
      const std::int8_t want = requant_any(acc, d.multiplier[o], d.shift[o], d.zero_point);
      STATICNN_CHECK(yd[o] == want);
      STATICNN_CHECK(yd3[o] == t.table[static_cast<std::size_t>(want + 128)]);
    }
  };
  check_dense(std::integral_constant<std::size_t, 20>{});
  check_dense(std::integral_constant<std::size_t, 32>{});
}

// The clamp of a fused ReLU (Clamp layers: outputs in [act_min, act_max]) on every int8 kernel
// path against integer sums, requant_any and the clamp: a 5x5 stride-1 conv with 8 outputs per
// row (the DSP kernel on DSP targets), a 3x3 stride-2 conv with 4 outputs per row (portable),
// and dense over 20 and 32 inputs (the DSP rows, then the clamp) with the general and the
// doubled rescale and with a table after it. Clamps narrower than a ReLU's, so both ends act.
STATICNN_TEST(int8_fused_relu_clamp) {
  std::uint32_t r = 29;
  auto next8 = [&] { return static_cast<std::int8_t>(static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 24) - 128); };
  std::size_t wrong = 0, low = 0, high = 0, compared = 0;
  auto expect = [&](std::int8_t got, std::int32_t acc, std::int32_t m, std::int32_t shift, std::int32_t zp,
                    std::int32_t lo, std::int32_t hi) {
    const std::int8_t v = requant_any(acc, m, shift, zp);
    low += v < lo, high += v > hi, ++compared;
    wrong += got != static_cast<std::int8_t>(v < lo ? lo : v > hi ? hi : v);
  };
  auto check_conv = [&]<class In, std::size_t OutC, std::size_t K, std::size_t S>(
                        quant::qconv2d_layer<In, OutC, K, S, 0, true>& c) {
    using L = std::remove_cvref_t<decltype(c)>;
    for (auto& w : c.weights) w = next8();
    for (std::size_t o = 0; o < OutC; ++o)
      c.bias[o] = 500 - 300 * static_cast<std::int32_t>(o), c.multiplier[o] = 1518500250 + static_cast<std::int32_t>(o),
      c.shift[o] = static_cast<std::int8_t>(-8 - static_cast<std::int32_t>(o % 3));
    c.zero_point = -20, c.act_min = -20, c.act_max = 60;
    static std::array<std::int8_t, In::size> x{};
    for (auto& v : x) v = next8();
    static std::array<std::int8_t, L::out_shape::size> y{};
    c.forward(x, y);
    constexpr std::size_t OH = L::out_shape::height, OW = L::out_shape::width;
    for (std::size_t o = 0; o < OutC; ++o)
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          std::int32_t acc = c.bias[o];
          for (std::size_t ic = 0; ic < In::channels; ++ic)
            for (std::size_t ky = 0; ky < K; ++ky)
              for (std::size_t kx = 0; kx < K; ++kx)
                acc += c.weights[((o * In::channels + ic) * K + ky) * K + kx] *
                       x[(ic * In::height + oy * S + ky) * In::width + ox * S + kx];
          expect(y[(o * OH + oy) * OW + ox], acc, c.multiplier[o], c.shift[o], c.zero_point, c.act_min, c.act_max);
        }
  };
  static quant::qconv2d_layer<shape<2, 6, 12>, 3, 5, 1, 0, true> c5;
  static quant::qconv2d_layer<shape<3, 7, 9>, 5, 3, 2, 0, true> c3;
  check_conv(c5);
  check_conv(c3);
  auto check_dense = [&]<std::size_t M>(std::integral_constant<std::size_t, M>) {
    static quant::qdense_layer<shape<M>, 6, true> d;
    for (auto& w : d.weights) w = next8();
    for (std::size_t o = 0; o < 6; ++o)
      d.bias[o] = 300 - 100 * static_cast<std::int32_t>(o), d.multiplier[o] = 1200000000 + static_cast<std::int32_t>(o) * 7,
      d.shift[o] = static_cast<std::int8_t>(-9 + static_cast<std::int32_t>(o % 2));
    d.zero_point = 3, d.act_min = -10, d.act_max = 20;
    static quant::qlookup_layer<shape<6>> t;
    for (auto& v : t.table) v = next8();
    for (int round = 0; round < 4; ++round) {
      std::array<std::int8_t, M> xd{};
      for (auto& v : xd) v = next8();
      std::array<std::int8_t, 6> yd{}, yd2{}, yd3{};
      d.forward(xd, yd);
      d.template forward<true>(xd, yd2);
      d.forward_then(xd, yd3, t);
      for (std::size_t o = 0; o < 6; ++o) {
        std::int32_t acc = d.bias[o];
        for (std::size_t i = 0; i < M; ++i) acc += d.weights[o * M + i] * xd[i];
        expect(yd[o], acc, d.multiplier[o], d.shift[o], d.zero_point, d.act_min, d.act_max);
        expect(yd2[o], acc, d.multiplier[o], d.shift[o], d.zero_point, d.act_min, d.act_max);
        const std::int8_t v = requant_any(acc, d.multiplier[o], d.shift[o], d.zero_point);
        const std::int32_t clamped = v < d.act_min ? d.act_min : v > d.act_max ? d.act_max : v;
        wrong += yd3[o] != t.table[static_cast<std::size_t>(clamped + 128)];
      }
    }
  };
  check_dense(std::integral_constant<std::size_t, 20>{});
  check_dense(std::integral_constant<std::size_t, 32>{});
  STATICNN_CHECK(compared == 3 * 2 * 8 + 5 * 3 * 4 + 2 * 4 * 6 * 2);
  STATICNN_CHECK(low > 0 && high > 0);  // both ends of the clamp acted
  STATICNN_CHECK(wrong == 0);
}

// The int8 dense layer's fused activation clamp (act_min, act_max: TFLite's quantized activation
// range) on every core (the portable loop on the M3, the DSP kernel elsewhere): ReLU's [zero point,
// 127] and a narrow [-20, 40], after the doubled and the general rescale, without and with a table,
// over 7 inputs (no whole words: unaligned rows), 20 and 32, against integer sums, TFLite's
// requantization (requant_any) and the clamp written out here.
STATICNN_TEST(int8_dense_fused_clamp) {
  std::uint32_t r = 5;
  auto next8 = [&] { return static_cast<std::int8_t>(static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 24) - 128); };
  static quant::qlookup_layer<shape<6>> t;
  for (auto& v : t.table) v = next8();
  std::size_t inside = 0, below = 0, above = 0;  // outputs the clamp kept, raised, lowered
  auto check = [&]<std::size_t M>(std::integral_constant<std::size_t, M>) {
    static quant::qdense_layer<shape<M>, 6> d;
    for (auto& w : d.weights) w = next8();
    std::array<std::int8_t, M> x{};
    for (auto& v : x) v = next8();
    d.zero_point = -9;
    for (const bool general : {false, true}) {
      for (std::size_t o = 0; o < 6; ++o)
        d.bias[o] = 150 * static_cast<std::int32_t>(o) - 400, d.multiplier[o] = 1300000000 + static_cast<std::int32_t>(o),
        d.shift[o] = static_cast<std::int8_t>(M > 8 ? -8 : -5);
      if (general) d.shift[1] = 0, d.multiplier[1] = 1 << 24;  // outside the doubled form
      STATICNN_CHECK(d.doubled_rescale() == !general);
      for (const auto& [lo, hi] : std::array<std::array<std::int32_t, 2>, 2>{{{-9, 127}, {-20, 40}}}) {
        d.act_min = lo, d.act_max = hi;
        std::array<std::int8_t, 6> y{}, y_doubled{}, y_table{};
        d.forward(x, y);
        if (!general) d.template forward<true>(x, y_doubled);
        d.forward_then(x, y_table, t);
        for (std::size_t o = 0; o < 6; ++o) {
          std::int32_t acc = d.bias[o];
          for (std::size_t i = 0; i < M; ++i) acc += d.weights[o * M + i] * x[i];
          const std::int8_t q = requant_any(acc, d.multiplier[o], d.shift[o], d.zero_point);
          const std::int8_t want = q < lo ? static_cast<std::int8_t>(lo) : q > hi ? static_cast<std::int8_t>(hi) : q;
          below += q < lo, above += q > hi, inside += q > lo && q < hi;
          STATICNN_CHECK(y[o] == want);
          STATICNN_CHECK(general || y_doubled[o] == want);
          STATICNN_CHECK(y_table[o] == t.table[static_cast<std::size_t>(want + 128)]);
        }
      }
    }
  };
  check(std::integral_constant<std::size_t, 7>{});
  check(std::integral_constant<std::size_t, 20>{});
  check(std::integral_constant<std::size_t, 32>{});
  STATICNN_CHECK(inside > 0 && below > 0 && above > 0);  // the clamp acted both ways
}

// kernels::requantize_s8 (the conv kernels' rescale) on both of its branches: accumulators known
// to be below 2^30 (acc_bound) and any int32 (acc_bound ~0u: the wide branch), with the edge
// accumulators and multipliers, every shift from -31 to 31, against requant_any (the exact sum
// saturated, also where TFLite's int32 sum of the zero point would overflow: requant_defined).
STATICNN_TEST(requantize_s8_against_tflite) {
  constexpr std::int32_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  static constexpr std::array<std::int32_t, 24> wide{lo, lo + 1, lo + 2, -(1 << 30) - 1, -(1 << 30), -(1 << 30) + 1,
                                                     -123456789, -65536, -257, -3, -1, 0, 1, 2, 255, 65535, 98765432,
                                                     (1 << 30) - 1, 1 << 30, (1 << 30) + 1, hi - 2, hi - 1, hi, -(1 << 29)};
  static constexpr std::array<std::int32_t, 8> multipliers{lo, lo + 1, 1, 1 << 30, (1 << 30) + 1, 1518500250, hi - 1, hi};
  std::size_t wrong = 0, compared = 0, beyond_int32 = 0;
  // Requantizes acc[0, n) with requantize_s8 and compares every result.
  auto run = [&](const std::int32_t* acc, std::size_t n, std::int32_t m, std::int32_t shift, std::int32_t zp,
                 std::uint32_t bound) {
    std::array<std::int8_t, 24> y{};
    kernels::requantize_s8(acc, y.data(), n, m, shift, zp, bound);
    for (std::size_t i = 0; i < n; ++i) {
      ++compared, wrong += y[i] != requant_any(acc[i], m, shift, zp);
      beyond_int32 += !fw_test::requant_defined(acc[i], m, shift, zp);
    }
  };
  // The accumulators below 2^30 in magnitude: indices 5 to 16 and 23.
  std::array<std::int32_t, 13> narrow{};
  for (std::size_t i = 0; i < 12; ++i) narrow[i] = wide[5 + i];
  narrow[12] = wide[23];
  for (const std::int32_t m : multipliers)
    for (std::int32_t shift = -31; shift <= 31; ++shift)
      for (const std::int32_t zp : {-128, -5, 0, 127}) {
        run(wide.data(), wide.size(), m, shift, zp, ~0u);
        run(narrow.data(), narrow.size(), m, shift, zp, (1u << 30) - 1);
      }
  STATICNN_CHECK(compared == 8 * 63 * 4 * (24 + 13));
  STATICNN_CHECK(beyond_int32 > 0);  // the zero point's overflow was exercised
  STATICNN_CHECK(wrong == 0);
}

// The int8 conv with biases above 2^30, so its accumulator bound reaches 2^30 and the rescale
// takes requantize_s8's wide branch: rescale 0.75 * 2^-23, the middle channel's bias exactly at
// the tie 96.5 and the others 20,000 to either side, so outputs round both ways.
STATICNN_TEST(int8_conv_wide_accumulator_bound) {
  std::uint32_t r = 23;
  auto next8 = [&] { return static_cast<std::int8_t>(static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 24) - 128); };
  static conv_2x6x12 c;
  for (auto& w : c.weights) w = next8();
  for (std::size_t o = 0; o < 3; ++o)
    c.bias[o] = 1079334229 + 20000 - 20000 * static_cast<std::int32_t>(o), c.multiplier[o] = 1610612736, c.shift[o] = -23;
  c.zero_point = 0;
  static std::array<std::int8_t, 2 * 6 * 12> x{};
  for (auto& v : x) v = next8();
  static std::array<std::int8_t, 3 * 2 * 8> y{};
  STATICNN_CHECK(conv_2x6x12_wrong(c, x, y) == 0);
  std::size_t at_96 = 0;
  for (const std::int8_t v : y) at_96 += v == 96;
  STATICNN_CHECK(at_96 > 0 && at_96 < 48);  // both roundings occur
}

// fast_exp<float> and <double> against e^x to 17 digits, computed independently (decimal
// arithmetic, correctly rounded): within 2.5e-7 (float: 2 to 4 ulp) and 1e-15 (double: 4.5 to 9
// ulp) relative; the clamps hold beyond [-87, 88] and [-708, 709].
STATICNN_TEST(fast_exp_against_table) {
  struct point {
    double x, e;
  };
  static constexpr point table[] = {
      {-87, 1.64581143108227365e-38}, {-20, 2.06115362243855783e-9}, {-10, 4.53999297624848515e-5},
      {-1, 3.67879441171442322e-1},   {-0.5, 6.06530659712633424e-1}, {0, 1},
      {0.5, 1.64872127070012815e+0},  {1, 2.71828182845904524e+0},  {10, 2.20264657948067165e+4},
      {20, 4.85165195409790278e+8},   {88, 1.65163625499400186e+38}};
  for (const point& p : table) {
    STATICNN_CHECK_NEAR(kernels::fast_exp(static_cast<float>(p.x)) / p.e, 1, 2.5e-7);
    STATICNN_CHECK_NEAR(kernels::fast_exp(p.x) / p.e, 1, 1e-15);
  }
  STATICNN_CHECK_NEAR(kernels::fast_exp(-700.0) / 9.85967654375977086e-305, 1, 1e-15);
  STATICNN_CHECK_NEAR(kernels::fast_exp(700.0) / 1.01423205473500451e+304, 1, 1e-15);
  STATICNN_CHECK(kernels::fast_exp(-100.0f) == kernels::fast_exp(-87.0f));
  STATICNN_CHECK(kernels::fast_exp(1e30f) == kernels::fast_exp(88.0f));
  STATICNN_CHECK(kernels::fast_exp(-1e300) == kernels::fast_exp(-708.0));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  STATICNN_CHECK(kernels::fast_exp(nan) != kernels::fast_exp(nan));
}

int main() { return staticnn::fw_test::run_all("kernels"); }

namespace {
// A padded conv -> relu -> max pool stage (detail::conv_act_pool: the padded rows a pooled row
// reads packed into a window, the unpadded kernel run on it), with whichever row kernel this
// target picks for the shape (5x5 stride 1: VFP for float 8-wide rows, SMLAD for int8 4-wide rows),
// against the same layers unpadded on a padded copy of the input (float: bit for bit, the same
// kernel) and the int8 conv against its integer sum and TFLite's requantization (the padding is
// the input zero point). 2 x 9 x 16 input, pad 2: 16-wide output rows, an odd height.
constexpr std::size_t pc_c = 2, pc_h = 9, pc_w = 16, pc_p = 2, pc_oc = 3;
constexpr std::size_t pc_ph = pc_h + 2 * pc_p, pc_pw = pc_w + 2 * pc_p;
template <class T>
using padded_net = basic_sequential<T, shape<pc_c, pc_h, pc_w>, conv2d<pc_oc, 5, 1, pc_p>, relu, max_pool<2>>;
template <class T>
using unpadded_net = basic_sequential<T, shape<pc_c, pc_ph, pc_pw>, conv2d<pc_oc, 5, 1>, relu, max_pool<2>>;
template <class T>
void pad_copy(const T* x, T* xp, T fill) {
  for (std::size_t i = 0; i < pc_c * pc_ph * pc_pw; ++i) xp[i] = fill;
  for (std::size_t c = 0; c < pc_c; ++c)
    for (std::size_t i = 0; i < pc_h; ++i)
      for (std::size_t j = 0; j < pc_w; ++j) xp[(c * pc_ph + i + pc_p) * pc_pw + j + pc_p] = x[(c * pc_h + i) * pc_w + j];
}
padded_net<float> pc_float;
unpadded_net<float> pc_float_plain;
quant::quantized_t<padded_net<float>>::network_type pc_int8;
}  // namespace

STATICNN_TEST(padded_conv_stage_with_this_targets_kernels) {
  static_assert(detail::conv_act_pool<padded_net<float>::layer_type<0>, padded_net<float>::layer_type<1>,
                                      padded_net<float>::layer_type<2>>);
  std::uint32_t r = 5;
  auto next = [&] { return (r = r * 1664525u + 1013904223u) >> 8; };
  auto& f = pc_float.layer<0>();
  for (auto& p : f.params) p = static_cast<float>(next() % 2001) / 1000.0f - 1.0f;
  pc_float_plain.layer<0>().params = f.params;
  static std::array<float, pc_c * pc_h * pc_w> x;
  static std::array<float, pc_c * pc_ph * pc_pw> xp;
  for (auto& v : x) v = static_cast<float>(next() % 2001) / 1000.0f - 1.0f;
  pad_copy(x.data(), xp.data(), 0.0f);
  constexpr std::size_t N = padded_net<float>::out_shape::size;
  std::array<float, N> y{}, want{};
  pc_float.forward(x, y);
  pc_float_plain.forward(xp, want);
  STATICNN_CHECK(std::memcmp(y.data(), want.data(), sizeof(y)) == 0);

  auto& q = pc_int8.layer<0>();
  for (auto& w : q.weights) w = static_cast<std::int8_t>(static_cast<int>(next() % 255) - 127);
  for (std::size_t o = 0; o < pc_oc; ++o)
    q.bias[o] = static_cast<std::int32_t>(next() % 20001) - 10000, q.multiplier[o] = 1518500250, q.shift[o] = -9;
  q.zero_point = -5, q.input_zero_point = 23, q.act_min = -5;  // the ReLU fused as the clamp [zero point, 127]
  static std::array<std::int8_t, pc_c * pc_h * pc_w> xq;
  static std::array<std::int8_t, pc_c * pc_ph * pc_pw> xqp;
  for (auto& v : xq) v = static_cast<std::int8_t>(static_cast<int>(next() % 256) - 128);
  pad_copy(xq.data(), xqp.data(), static_cast<std::int8_t>(23));
  constexpr std::size_t OH = pc_h, OW = pc_w;  // 5x5, pad 2, stride 1: same size
  static std::array<std::int8_t, pc_oc * OH * OW> conv_out;
  q.forward(xq, conv_out);
  std::size_t wrong = 0;
  for (std::size_t o = 0; o < pc_oc; ++o)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        std::int32_t acc = q.bias[o];
        for (std::size_t ic = 0; ic < pc_c; ++ic)
          for (std::size_t ky = 0; ky < 5; ++ky)
            for (std::size_t kx = 0; kx < 5; ++kx)
              acc += q.weights[((o * pc_c + ic) * 5 + ky) * 5 + kx] * xqp[(ic * pc_ph + oy + ky) * pc_pw + ox + kx];
        const std::int8_t v = requant_any(acc, q.multiplier[o], q.shift[o], q.zero_point);
        wrong += conv_out[(o * OH + oy) * OW + ox] != (v < -5 ? -5 : v);
      }
  STATICNN_CHECK(wrong == 0);
  // The streamed int8 stage equals the clamped conv and the pool one by one.
  std::array<std::int8_t, N> yq{}, wantq{};
  pc_int8.forward(xq, yq);
  pc_int8.layer<2>().forward(conv_out, wantq);
  STATICNN_CHECK(yq == wantq);
}
