// The library's inference kernels on the target, against hand-derived values (bare harness, no
// doctest): conv2d (stride, padding), dense, pools, activations, batchnorm (eval), scale_shift,
// the fused conv -> activation -> pool path against running the layers one by one, and the
// int8 kernels against integer sums.
#include <array>
#include <cmath>
#include <cstring>

#include "harness.hpp"
#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;

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

// The int8 kernels (SMLAD on DSP targets, portable on the M3) against integer sums and TFLite's
// requantization written out here: a 5x5 conv over 2 channels with 8 outputs per row (two DSP
// blocks), and dense layers with 6 outputs over 20 inputs (one row at a time) and over 32 (a
// block of four rows and a tail of two).
STATICNN_TEST(int8_kernels_against_integer_sums) {
  std::uint32_t r = 11;
  auto next8 = [&] { return static_cast<std::int8_t>(static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 24) - 128); };
  // round(acc * M / 2^31) (ties as gemmlowp), then the rounding shift right by e.
  auto requant = [](std::int32_t acc, std::int32_t m, std::int32_t e, std::int32_t zp) {
    const std::int64_t ab = std::int64_t{acc} * m;
    const auto s = static_cast<std::int32_t>((ab + (ab >= 0 ? (1 << 30) : (1 - (1 << 30)))) / (std::int64_t{1} << 31));
    const std::int32_t mask = (1 << e) - 1, rem = s & mask, threshold = (mask >> 1) + (s < 0 ? 1 : 0);
    const std::int32_t v = zp + (s >> e) + (rem > threshold ? 1 : 0);
    return static_cast<std::int8_t>(v < -128 ? -128 : v > 127 ? 127 : v);
  };
  static quant::qconv2d_layer<shape<2, 6, 12>, 3, 5, 1> c;  // output 3 x 2 x 8
  for (auto& w : c.weights) w = next8();
  for (std::size_t o = 0; o < 3; ++o)
    c.bias[o] = 1000 * static_cast<std::int32_t>(o) - 700, c.multiplier[o] = 1518500250 + static_cast<std::int32_t>(o),
    c.shift[o] = static_cast<std::int8_t>(-9 - static_cast<std::int32_t>(o));
  c.zero_point = -5;
  static std::array<std::int8_t, 2 * 6 * 12> x{};
  for (auto& v : x) v = next8();
  static std::array<std::int8_t, 3 * 2 * 8> y{};
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
        wrong += y[(o * 2 + oy) * 8 + ox] != requant(acc, c.multiplier[o], -c.shift[o], c.zero_point);
      }
  STATICNN_CHECK(wrong == 0);

  // Dense: 20 inputs (M % 8 == 4: every row one at a time on DSP targets) and 32 (blocks of four
  // rows and a tail of two), each with the general rescale, with the one a constant model chooses
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
      const std::int8_t want = requant(acc, d.multiplier[o], -d.shift[o], d.zero_point);
      STATICNN_CHECK(yd[o] == want);
      STATICNN_CHECK(yd2[o] == want);
      STATICNN_CHECK(yd3[o] == t.table[static_cast<std::size_t>(want + 128)]);
    }
    d.shift[2] = 1;  // a left shift: not the doubled form
    STATICNN_CHECK(!d.doubled_rescale());
  };
  check_dense(std::integral_constant<std::size_t, 20>{});
  check_dense(std::integral_constant<std::size_t, 32>{});
}

// The int8 conv -> 256-entry table -> 2x2 average stage that DSP targets run as one
// (quant/conv2d.hpp forward_fused_stage: 1 and 6 input channels), against integer sums, TFLite's
// requantization for any shift (left or right) written out here, the table and TFLite's
// rounded average. Some channels have a rescale outside the fast form (multiplier below 2^30,
// shift 0 or below -22) and take the general path. On other targets: nothing to run.
namespace {
[[maybe_unused]] std::int8_t requant_any(std::int32_t acc, std::int32_t m, std::int32_t shift, std::int32_t zp) {
  const std::int32_t left = shift > 0 ? shift : 0, e = shift > 0 ? 0 : -shift;
  const std::int64_t ab = std::int64_t{static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) << left)} * m;
  const auto s = static_cast<std::int32_t>((ab + (ab >= 0 ? (1 << 30) : (1 - (1 << 30)))) / (std::int64_t{1} << 31));
  const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << e) - 1), rem = s & mask,
                     threshold = (mask >> 1) + (s < 0 ? 1 : 0);
  const std::int32_t v = zp + (s >> e) + (rem > threshold ? 1 : 0);
  return static_cast<std::int8_t>(v < -128 ? -128 : v > 127 ? 127 : v);
}
// AllDoubled: every channel in the doubled form (as network::forward_constant finds for a constant
// model), the stage compiled without the check and the general path.
template <class In, std::size_t OutC, bool AllDoubled = false>
std::size_t check_fused_stage(std::uint32_t seed, std::int32_t weight_range) {
  using conv = quant::qconv2d_layer<In, OutC, 5, 1>;
  using act = quant::qlookup_layer<typename conv::out_shape>;
  using pool = quant::qpool_layer<typename conv::out_shape, 2, avg_pool_op>;
  if constexpr (!conv::template has_fused_stage<act, pool>) {
    return 0;
  } else {
    constexpr std::size_t C = In::channels, H = In::height, W = In::width, OH = H - 4, OW = W - 4;
    std::uint32_t r = seed;
    auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
    auto next8 = [&] { return static_cast<std::int8_t>((next() & 0xff) - 128); };
    static conv c;
    static act a;
    static pool p;
    for (auto& w : c.weights) w = static_cast<std::int8_t>(next() % (2 * weight_range + 1) - weight_range);
    for (std::size_t o = 0; o < OutC; ++o) {
      c.bias[o] = next() % 20001 - 10000;
      c.multiplier[o] = (1 << 30) + next() % (1 << 30);
      c.shift[o] = static_cast<std::int8_t>(-8 - static_cast<std::int32_t>(o % 3));
    }
    c.zero_point = -7;
    if (AllDoubled && !c.doubled_rescale()) return 1000;  // the random channels are all doubled
    if constexpr (!AllDoubled) {
      c.multiplier[1] = 3 << 25, c.shift[1] = 0;  // general: multiplier < 2^30
      c.shift[OutC - 1] = -23;                    // general: shift below -22
      if (c.doubled_rescale()) return 1000;
    }
    for (auto& t : a.table) t = next8();
    static std::array<std::int8_t, C * H * W> x{};
    for (auto& v : x) v = next8();
    static std::array<std::int8_t, OutC * (OH / 2) * (OW / 2)> y{};
    alignas(4) static std::array<std::int8_t, conv::fused_stage_scratch + 1> scratch{};
    c.template forward_fused_stage<AllDoubled>(x.data(), y.data(), a, p, scratch.data() + 1);  // scratch not 4-aligned
    std::size_t wrong = 0;
    for (std::size_t o = 0; o < OutC; ++o)
      for (std::size_t py = 0; py < OH / 2; ++py)
        for (std::size_t px = 0; px < OW / 2; ++px) {
          std::int32_t sum = 0;
          for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t oy = 2 * py + k / 2, ox = 2 * px + k % 2;
            std::int32_t acc = c.bias[o];
            for (std::size_t ic = 0; ic < C; ++ic)
              for (std::size_t ky = 0; ky < 5; ++ky)
                for (std::size_t kx = 0; kx < 5; ++kx)
                  acc += c.weights[((o * C + ic) * 5 + ky) * 5 + kx] * x[(ic * H + oy + ky) * W + ox + kx];
            sum += a.table[static_cast<std::size_t>(requant_any(acc, c.multiplier[o], c.shift[o], c.zero_point) + 128)];
          }
          const std::int32_t avg = sum >= 0 ? (sum + 2) / 4 : (sum - 2) / 4;
          wrong += y[(o * (OH / 2) + py) * (OW / 2) + px] != avg;
        }
    return wrong;
  }
}
}  // namespace

STATICNN_TEST(int8_fused_conv_lookup_pool_stage) {
  STATICNN_CHECK((check_fused_stage<shape<1, 12, 16>, 3>(5, 127) == 0));
  STATICNN_CHECK((check_fused_stage<shape<6, 10, 8>, 8>(9, 127) == 0));
  STATICNN_CHECK((check_fused_stage<shape<6, 8, 8>, 4>(13, 20) == 0));
  STATICNN_CHECK((check_fused_stage<shape<1, 12, 16>, 3, true>(7, 127) == 0));
  STATICNN_CHECK((check_fused_stage<shape<6, 10, 8>, 8, true>(11, 127) == 0));
}

int main() { return staticnn::fw_test::run_all("kernels"); }
