// Padded (and strided, any-K) convolutions, float and int8, streamed by rows: the int8 layer
// against TFLite's arithmetic computed here on the dequantized values (padding is real 0), the
// streamed stages against the unstreamed layers, forward_in_workspace against forward, and the
// issue's padded CNN (models/cnn3x3.hpp) folded and quantized.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <staticnn/fold/fold.hpp>
#include <staticnn/models/cnn3x3.hpp>
#include <staticnn/quant/quantize.hpp>
#include <staticnn/train/rng.hpp>

#include "../../firmware/tflite_reference.hpp"

namespace sn = staticnn;
namespace q = staticnn::quant;
using sn::shape;

namespace {

std::int8_t random_s8(sn::train::rng& g, int lo = -128, int hi = 127) {
  return static_cast<std::int8_t>(std::clamp(static_cast<int>(std::floor(g.uniform(lo, hi + 1.0))), lo, hi));
}

// One int8 conv of C x H x W input with random weights, bias, input zero point and rescale, and
// (every other case) a ReLU-like clamp, against the TFLite rule applied here: the real product
// sum of the dequantized values (input x - z_in, 0 in the padding; bias at s_in * s_w) in double,
// exact for these integers, then tflite_reference's requantization and the clamp. Only the layer
// and its forward depend on the shape; the draws and the reference take it as run-time values.
struct int8_conv_case {
  std::size_t C, H, W, OutC, K, S, P;
  std::int8_t* weights;
  std::int32_t *bias, *multiplier;
  std::int8_t* shift;
  std::int32_t &zero_point, &act_min, &act_max, &input_zero_point;
};

// The layer's parameters, the input, and the bias before the zero point's fold, from `seed`.
void fill_int8_conv(const int8_conv_case& l, std::uint64_t seed, std::vector<std::int32_t>& raw_bias,
                    std::vector<std::int8_t>& x) {
  sn::train::rng g(seed);
  const std::size_t fan_in = l.C * l.K * l.K;
  const std::int32_t z_in = random_s8(g);
  raw_bias.assign(l.OutC, 0);
  for (std::size_t k = 0; k < l.OutC * fan_in; ++k) l.weights[k] = random_s8(g, -127, 127);
  const double real = 40.0 / (std::sqrt(double(fan_in)) * 127.0 * 74.0);  // outputs of a few tens
  for (std::size_t o = 0; o < l.OutC; ++o) {
    raw_bias[o] = static_cast<std::int32_t>(g.uniform(-20000, 20000));
    std::int32_t sum = 0;
    for (std::size_t k = 0; k < fan_in; ++k) sum += l.weights[o * fan_in + k];
    l.bias[o] = raw_bias[o] - z_in * sum;  // the fold quantize() writes, written here
    const q::fixed_multiplier m = q::quantize_multiplier(real * g.uniform(0.5, 2.0));
    l.multiplier[o] = m.multiplier, l.shift[o] = static_cast<std::int8_t>(m.shift);
  }
  l.zero_point = random_s8(g, -20, 20);
  l.input_zero_point = z_in;
  if (seed % 2) l.act_min = l.zero_point, l.act_max = 100;
  x.assign(l.C * l.H * l.W, 0);
  for (auto& v : x) v = random_s8(g);
}

// y (OutC x OH x OW) against the reference; every other seed, the clamp must have been exercised.
void check_int8_conv_output(const int8_conv_case& l, std::uint64_t seed, const std::vector<std::int32_t>& raw_bias,
                            const std::vector<std::int8_t>& x, const std::vector<std::int8_t>& y) {
  const std::size_t c_ = l.C, h_ = l.H, w_ = l.W, k_ = l.K, s_ = l.S, p_ = l.P;
  CAPTURE(c_);
  CAPTURE(h_);
  CAPTURE(w_);
  CAPTURE(k_);
  CAPTURE(s_);
  CAPTURE(p_);
  const std::size_t C = l.C, H = l.H, W = l.W, K = l.K, S = l.S, P = l.P;
  const std::size_t OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1;
  REQUIRE(y.size() == l.OutC * OH * OW);
  const std::int32_t z_in = l.input_zero_point;
  std::size_t wrong = 0, clamped = 0;
  for (std::size_t o = 0; o < l.OutC; ++o)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        double acc = raw_bias[o];
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t ky = 0; ky < K; ++ky)
            for (std::size_t kx = 0; kx < K; ++kx) {
              const auto iy = static_cast<long>(oy * S + ky) - static_cast<long>(P);
              const auto ix = static_cast<long>(ox * S + kx) - static_cast<long>(P);
              if (iy < 0 || ix < 0 || iy >= long(H) || ix >= long(W)) continue;  // real 0
              acc += double(l.weights[((o * C + c) * K + ky) * K + kx]) *
                     (double(x[(c * H + std::size_t(iy)) * W + std::size_t(ix)]) - z_in);
            }
        std::int32_t want = sn::fw_test::requant_any(static_cast<std::int32_t>(acc), l.multiplier[o], l.shift[o],
                                                     l.zero_point);
        if (want < l.act_min || want > l.act_max) ++clamped;
        want = std::clamp(want, l.act_min, l.act_max);
        wrong += y[(o * OH + oy) * OW + ox] != want;
      }
  CHECK(wrong == 0);
  if (seed % 2) CHECK(clamped > 0);  // the clamp was exercised
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P>
void check_int8_conv(std::uint64_t seed) {
  using L = q::qconv2d_layer<shape<C, H, W>, OutC, K, S, P>;
  using O = typename L::out_shape;
  static_assert(O::height == (H + 2 * P - K) / S + 1 && O::width == (W + 2 * P - K) / S + 1);
  auto l = std::make_unique<L>();
  const int8_conv_case c{C, H, W, OutC, K, S, P, l->weights.data(), l->bias.data(), l->multiplier.data(),
                         l->shift.data(), l->zero_point, l->act_min, l->act_max, l->input_zero_point};
  std::vector<std::int32_t> raw_bias;
  std::vector<std::int8_t> x;
  fill_int8_conv(c, seed, raw_bias, x);
  std::vector<std::int8_t> y(O::size, 0);
  l->forward(sn::cview<std::int8_t, C * H * W>(x.data(), x.size()), sn::view<std::int8_t, O::size>(y.data(), y.size()));
  check_int8_conv_output(c, seed, raw_bias, x, y);
}

// One of three input shapes (1, 3 or 16 channels; odd widths; a height that leaves the last rows
// unread at stride 2 for some K): taken in turn over the (K, S, P) grid, so that every shape meets
// every K and both strides, and each grid point is compiled once.
template <std::size_t K, std::size_t S, std::size_t P, std::size_t Shape>
void check_int8_conv_channels(std::uint64_t seed) {
  if constexpr (Shape == 0)
    check_int8_conv<1, 9, 11, 3, K, S, P>(seed);
  else if constexpr (Shape == 1)
    check_int8_conv<3, 8, 13, 2, K, S, P>(seed);
  else
    check_int8_conv<16, 7, 9, 2, K, S, P>(seed);
}

}  // namespace

TEST_CASE("quant: padded int8 conv against TFLite's arithmetic on dequantized values (K 1-7, stride 1-2, pad 0-3)") {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    // I = (K index) * 8 + (S - 1) * 4 + P
    constexpr std::size_t ks[] = {1, 3, 5, 7};
    (check_int8_conv_channels<ks[I / 8], (I / 4) % 2 + 1, I % 4, I % 3>(100 + 3 * I + I % 3), ...);
  }(std::make_index_sequence<32>{});
}

TEST_CASE("quant: the int8 header spells the padding and quantize() sets the padding's zero point") {
  using net_t = sn::sequential<shape<1, 6, 6>, sn::conv2d<2, 3, 1, 2>, sn::flatten, sn::dense<2>>;
  static_assert(std::is_same_v<q::quantized_t<net_t>::network_type::layer_type<0>,
                               q::qconv2d_layer<shape<1, 6, 6>, 2, 3, 1, 2>>);
  auto net = std::make_unique<net_t>();
  sn::train::rng g(3);
  for (auto& p : net->layer<0>().params) p = static_cast<float>(g.uniform(-1, 1));
  for (auto& p : net->layer<2>().params) p = static_cast<float>(g.uniform(-1, 1));
  std::vector<float> images(4 * 36);
  for (auto& v : images) v = static_cast<float>(g.uniform(0.5, 1.0));  // [0.5, 1]: z_in = -128
  const auto qn = q::quantize(*net, q::calibrate(*net, images.data(), 4));
  CHECK(qn.input.zero_point == -128);
  CHECK(qn.net.layer<0>().input_zero_point == -128);
}

namespace {

template <class T>
void fill(T& r, sn::train::rng& g, double lo, double hi) {
  for (auto& v : r) v = static_cast<std::remove_reference_t<decltype(v)>>(g.uniform(lo, hi));
}

// The stage's output y against the layer-by-layer want, and the padded layer's own output a2
// against the unpadded layer's a (outside the template: one copy of the checks for every shape).
void check_float_stage_output(std::size_t c_, std::size_t k_, std::size_t s_, std::size_t p_, const std::vector<float>& y,
                              const std::vector<float>& want, const std::vector<float>& a2, const std::vector<float>& a) {
  CAPTURE(c_);
  CAPTURE(k_);
  CAPTURE(s_);
  CAPTURE(p_);
  CHECK(y == want);
  CHECK(a2 == a);
}

// A padded conv -> relu -> max pool network runs as one streamed stage; its output equals, bit for
// bit, the unpadded conv (same weights, same kernel) on a padded copy of the input, then relu and
// pool, layer by layer.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P>
void check_float_stage(std::uint64_t seed) {
  using net_t = sn::sequential<shape<C, H, W>, sn::conv2d<OutC, K, S, P>, sn::relu, sn::max_pool<2>>;
  using L0 = typename net_t::template layer_type<0>;
  using O0 = typename L0::out_shape;
  static_assert(sn::detail::conv_act_pool<L0, typename net_t::template layer_type<1>, typename net_t::template layer_type<2>>);
  using plain_t = sn::sequential<shape<C, H + 2 * P, W + 2 * P>, sn::conv2d<OutC, K, S>, sn::relu, sn::max_pool<2>>;
  static_assert(std::is_same_v<typename plain_t::out_shape, typename net_t::out_shape>);
  sn::train::rng g(seed);
  auto net = std::make_unique<net_t>();
  auto plain = std::make_unique<plain_t>();
  fill(net->template layer<0>().params, g, -1, 1);
  plain->template layer<0>().params = net->template layer<0>().params;
  std::vector<float> x(C * H * W), xp((C * (H + 2 * P)) * (W + 2 * P), 0.0f);
  fill(x, g, -1, 1);
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t i = 0; i < H; ++i)
      std::copy_n(x.begin() + (c * H + i) * W, W, xp.begin() + (c * (H + 2 * P) + i + P) * (W + 2 * P) + P);
  constexpr std::size_t N = net_t::out_shape::size;  // NOLINT
  std::vector<float> y(N), want(N), a(O0::size), b(O0::size);
  net->forward(sn::cview<float, C * H * W>(x.data(), x.size()), sn::view<float, N>(y.data(), N));
  // Unstreamed: the unpadded layer's whole-map forward, relu, pool.
  const auto& pl = *plain;
  pl.template layer<0>().forward(sn::cview<float, plain_t::in_shape::size>(xp.data(), xp.size()),
                                 sn::view<float, O0::size>(a.data(), a.size()));
  pl.template layer<1>().forward(sn::cview<float, O0::size>(a.data(), a.size()),
                                 sn::view<float, O0::size>(b.data(), b.size()));
  pl.template layer<2>().forward(sn::cview<float, O0::size>(b.data(), b.size()), sn::view<float, N>(want.data(), N));
  // The padded layer's own (by rows) forward equals the unpadded one on the padded copy.
  std::vector<float> a2(a.size());
  net->template layer<0>().forward(sn::cview<float, C * H * W>(x.data(), x.size()),
                                   sn::view<float, O0::size>(a2.data(), a2.size()));
  check_float_stage_output(C, K, S, P, y, want, a2, a);
}

}  // namespace

TEST_CASE("sequential: a padded conv -> relu -> pool stage equals the unpadded layers on a padded copy, bit for bit") {
  check_float_stage<1, 28, 28, 4, 3, 1, 1>(1);
  check_float_stage<3, 11, 13, 5, 3, 2, 1>(2);
  check_float_stage<2, 13, 9, 3, 5, 1, 2>(3);
  check_float_stage<3, 12, 15, 2, 5, 2, 2>(4);
  check_float_stage<2, 9, 9, 3, 7, 1, 3>(5);
  check_float_stage<4, 10, 11, 3, 1, 2, 1>(6);
}

namespace {

// Outside the template: one copy of the check for every shape and type.
void check_in_workspace_output(std::size_t k_, std::size_t s_, std::size_t p_, bool y_ws_equals_y) {
  CAPTURE(k_);
  CAPTURE(s_);
  CAPTURE(p_);
  CHECK(y_ws_equals_y);
}

// forward_in_workspace (the input inside the workspace, overwritten by the first stage) equals
// forward, bit for bit, for a padded first stage; the input overlaps the first stage's output.
template <class T, std::size_t C, std::size_t H, std::size_t W, std::size_t OutC, std::size_t K, std::size_t S,
          std::size_t P>
void check_in_workspace(std::uint64_t seed) {
  using fnet_t = sn::sequential<shape<C, H, W>, sn::conv2d<OutC, K, S, P>, sn::relu, sn::max_pool<2>, sn::flatten,
                                sn::dense<4>>;
  using net_t = std::conditional_t<std::is_same_v<T, float>, fnet_t, typename q::quantized_t<fnet_t>::network_type>;
  constexpr std::size_t first_out = net_t::template layer_type<2>::out_shape::size;
  static_assert(net_t::input_offset < first_out, "the input overlaps the first stage's output");
  sn::train::rng g(seed);
  auto net = std::make_unique<net_t>();
  if constexpr (std::is_same_v<T, float>) {
    fill(net->template layer<0>().params, g, -1, 1);
    fill(net->template layer<4>().params, g, -1, 1);
  } else {
    auto& c = net->template layer<0>();
    for (auto& w : c.weights) w = random_s8(g, -127, 127);
    for (std::size_t o = 0; o < OutC; ++o) c.bias[o] = int(g.uniform(-5000, 5000)), c.multiplier[o] = 1 << 30, c.shift[o] = -6;
    c.input_zero_point = 17, c.zero_point = -3;
    auto& d = net->template layer<4>();
    for (auto& w : d.weights) w = random_s8(g, -127, 127);
    for (std::size_t o = 0; o < 4; ++o) d.multiplier[o] = 1 << 30, d.shift[o] = -7;
    if constexpr (requires { net->template layer<1>().table; })  // a ReLU after a conv is fused (no table)
      for (auto& v : net->template layer<1>().table) v = random_s8(g);
  }
  std::vector<T> x(C * H * W), ws(net_t::workspace_with_input_size, T(-7));
  for (auto& v : x) v = static_cast<T>(std::is_same_v<T, float> ? g.uniform(-1, 1) : double(random_s8(g)));
  std::copy(x.begin(), x.end(), ws.begin() + net_t::input_offset);
  std::array<T, 4> y{}, y_ws{};
  net->forward(sn::cview<T, C * H * W>(x.data(), x.size()), y);
  net->forward_in_workspace(sn::view<T, net_t::workspace_with_input_size>(ws.data(), ws.size()), y_ws);
  check_in_workspace_output(K, S, P, y_ws == y);
}

}  // namespace

TEST_CASE("sequential: forward_in_workspace equals forward for padded first stages (K 3, 5; stride 1, 2)") {
  // Each type meets K 3 and 5 and both strides over the four shapes.
  check_in_workspace<float, 1, 28, 28, 6, 3, 1, 1>(1);
  check_in_workspace<float, 1, 30, 30, 4, 5, 2, 2>(4);
  check_in_workspace<std::int8_t, 1, 28, 28, 6, 5, 1, 2>(6);
  check_in_workspace<std::int8_t, 2, 29, 27, 5, 3, 2, 1>(7);
}

TEST_CASE("models: cnn3x3 folds, quantizes and its int8 logits follow the float ones") {
  using net_t = sn::models::cnn3x3;
  using folded = sn::folded_t<net_t>;
  using qnet = q::quantized_t<folded>;
  static_assert(folded::depth == net_t::depth - 3);
  // Both conv -> relu -> pool runs are streamed stages, float and int8.
  static_assert(sn::detail::conv_act_pool<folded::layer_type<0>, folded::layer_type<1>, folded::layer_type<2>>);
  static_assert(sn::detail::conv_act_pool<folded::layer_type<3>, folded::layer_type<4>, folded::layer_type<5>>);
  using qlayers = qnet::network_type;
  static_assert(sn::detail::conv_act_pool<qlayers::layer_type<0>, qlayers::layer_type<1>, qlayers::layer_type<2>>);
  static_assert(sn::detail::conv_act_pool<qlayers::layer_type<3>, qlayers::layer_type<4>, qlayers::layer_type<5>>);
  // The workspace holds the largest stage's input and output (16x14x14 + 32x7x7), not a 16x28x28 map.
  static_assert(folded::workspace_size == 16 * 14 * 14 + 32 * 7 * 7);
  static_assert(qnet::workspace_with_input_size == folded::workspace_with_input_size);

  sn::train::rng g(11);
  auto net = std::make_unique<net_t>();
  net->for_each_layer([&](auto, auto& l) {
    using L = std::remove_cvref_t<decltype(l)>;
    if constexpr (requires { L::fan_in; }) {
      const double a = std::sqrt(3.0 / double(L::fan_in));  // unit output variance for unit inputs
      for (auto& p : l.params) p = static_cast<float>(g.uniform(-a, a));
    } else if constexpr (L::state_count > 0) {  // batchnorm
      constexpr std::size_t C = L::param_count / 2;
      for (std::size_t c = 0; c < C; ++c) {
        l.params[c] = static_cast<float>(g.uniform(0.5, 1.5)), l.params[C + c] = static_cast<float>(g.uniform(-0.3, 0.3));
        l.state[c] = static_cast<float>(g.uniform(-0.2, 0.2)), l.state[C + c] = static_cast<float>(g.uniform(0.5, 2));
      }
    }
  });
  auto folded_net = std::make_unique<folded>(sn::fold_batchnorm(*net));
  constexpr std::size_t D = 784, n = 32;
  std::vector<float> images(n * D);
  for (auto& v : images) v = static_cast<float>(std::floor(g.uniform(0, 256)) / 255.0);
  const auto qn = std::make_unique<qnet>(q::quantize(*folded_net, q::calibrate(*folded_net, images.data(), n)));
  double worst = 0, range = 0;
  std::size_t agree = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::array<float, 10> yf{}, yb{};  // folded, unfolded
    std::array<std::int8_t, D> xq{};
    std::array<std::int8_t, 10> yq{};
    const sn::cview<float, D> x(images.data() + i * D, D);
    folded_net->forward(x, yf);
    net->forward(x, yb);
    for (std::size_t k = 0; k < 10; ++k) CHECK(std::fabs(yb[k] - yf[k]) <= 1e-4f * (1 + std::fabs(yb[k])));
    qn->quantize_input(x, xq);
    qn->forward(xq, yq);
    for (std::size_t k = 0; k < 10; ++k) {
      worst = std::max(worst, std::fabs(double(qn->output.dequantize(yq[k])) - yf[k]));
      range = std::max(range, std::fabs(double(yf[k])));
    }
    agree += std::max_element(yq.begin(), yq.end()) - yq.begin() == std::max_element(yf.begin(), yf.end()) - yf.begin();
  }
  CAPTURE(worst);
  CAPTURE(range);
  CHECK(range > 0.5);
  CHECK(worst < 0.08 * range);
  CHECK(agree >= n * 3 / 4);
}

namespace {

// A conv whose kernel computes two output channels per call (channel_group 2), as a DSP kernel
// computing several channels at once would: the contract of detail::row_streamable_conv.
template <class Base>
struct two_channel_conv : Base {
  static constexpr std::size_t channel_group = 2;
  template <std::size_t Hx = Base::PH>
  void forward_channel_rows(const float* x, float* y, std::size_t oc, std::size_t oy0, std::size_t rows) const {
    for (std::size_t g = 0; g < 2; ++g)
      Base::template forward_channel_rows<Hx>(x, y + g * rows * Base::out_shape::width, oc + g, oy0, rows);
  }
};

template <std::size_t C, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P>
void check_channel_group(std::uint64_t seed) {
  using one_t = sn::sequential<shape<C, 13, 11>, sn::conv2d<OutC, K, S, P>, sn::relu, sn::max_pool<2>>;
  using L0 = typename one_t::template layer_type<0>;
  using two_t = sn::network<two_channel_conv<L0>, typename one_t::template layer_type<1>,
                            typename one_t::template layer_type<2>>;
  static_assert(sn::detail::conv_act_pool<two_channel_conv<L0>, typename one_t::template layer_type<1>,
                                          typename one_t::template layer_type<2>>);
  sn::train::rng g(seed);
  auto one = std::make_unique<one_t>();
  auto two = std::make_unique<two_t>();
  fill(one->template layer<0>().params, g, -1, 1);
  two->template layer<0>().params = one->template layer<0>().params;
  std::vector<float> x(C * 13 * 11);
  fill(x, g, -1, 1);
  constexpr std::size_t N = one_t::out_shape::size, M = L0::out_shape::size;
  std::vector<float> y1(N), y2(N), a1(M), a2(M);
  one->forward(sn::cview<float, C * 13 * 11>(x.data(), x.size()), sn::view<float, N>(y1.data(), N));
  two->forward(sn::cview<float, C * 13 * 11>(x.data(), x.size()), sn::view<float, N>(y2.data(), N));
  CHECK(y1 == y2);
  one->template layer<0>().forward(sn::cview<float, C * 13 * 11>(x.data(), x.size()), sn::view<float, M>(a1.data(), M));
  sn::conv_forward_by_rows(two->template layer<0>(), x.data(), a2.data());
  CHECK(a1 == a2);
}

}  // namespace

TEST_CASE("sequential: a conv computing two channels per call (channel_group 2) streams to the same values") {
  check_channel_group<2, 4, 3, 1, 1>(21);
  check_channel_group<3, 6, 5, 2, 2>(22);
  check_channel_group<1, 2, 3, 1, 0>(23);
}
