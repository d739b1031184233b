#pragma once
// Post-training int8 quantization (host side) of a folded float network, TFLite int8 scheme:
//   calibrate(net, images, n): the range of every layer's output over n float images;
//   quantize(net, calibration) -> quantized_t<Net>: weights symmetric per output channel
//   (s_w = max|w| / 127, zero point 0), activations per tensor from the calibrated range
//   (scale (max - min) / 255, zero point -128 - min / scale, the range widened to hold 0),
//   int32 bias at s_in * s_w, fixed-point output multipliers, elementwise activations as
//   256-entry tables (sigmoid output scale 1/256, zero point -128, as TFLite), except a ReLU or
//   ReLU6 right after conv2d, depthwise_conv2d or dense: that layer's output takes the
//   activation's calibrated range and clamps to [zero_point, 127] (ReLU6: the upper end at 6 if
//   below 127; quantized_type.hpp); pooling, global average pooling, flatten and the fused
//   activation keep their input's parameters; a residual block's chains are quantized as
//   networks from the block's input grid and its add (TFLite ADD, quant/add.hpp) rescales both
//   chains' outputs to the sum's calibrated grid, or, with a ReLU after the block, to the ReLU's
//   and clamps at its zero point. Computed in double; uses the heap (host only).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../core/sequential.hpp"
#include "../layers/activation.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/flatten.hpp"
#include "../layers/pool.hpp"
#include "../layers/relu6.hpp"
#include "../layers/residual.hpp"
#include "add.hpp"
#include "network.hpp"
#include "quantized_type.hpp"

namespace staticnn::quant {

// TFLite's choice for a calibrated range: [lo, hi] widened to hold 0, 256 steps.
inline tensor_params choose_params(double lo, double hi) {
  lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
  const double scale = hi > lo ? (hi - lo) / 255.0 : 1.0;
  const double zp = std::round(-128.0 - lo / static_cast<double>(static_cast<float>(scale)));
  return {static_cast<float>(scale), static_cast<std::int32_t>(std::clamp(zp, -128.0, 127.0))};
}

// The output range of every layer (and of the input) over calibration images; for a residual
// block (at its index in `inner`) also the ranges of its chains' layers: the main chain's output,
// the shortcut chain's output; the block's own range (lo, hi) is the sum's.
template <Network Net>
struct calibration;

namespace detail {
template <class Chain>
struct chain_calibration {
  using type = calibration<Chain>;
};
template <>
struct chain_calibration<identity_shortcut> {
  struct type {};
};
template <class L>
struct inner_calibration {};
template <class In, class Chain, class Skip>
struct inner_calibration<residual_layer<In, float, Chain, Skip>> {
  calibration<Chain> body;
  typename chain_calibration<Skip>::type skip;
};
template <class Net>
struct inner_calibrations;
template <class... Ls>
struct inner_calibrations<network<Ls...>> {
  using type = std::tuple<inner_calibration<Ls>...>;
};
}  // namespace detail

template <Network Net>
struct calibration {
  double in_lo = 0, in_hi = 0;
  std::array<double, Net::depth> lo{}, hi{};
  typename detail::inner_calibrations<Net>::type inner{};
  std::size_t images = 0;
};

namespace detail {
inline void widen(double& lo, double& hi, const float* v, std::size_t n, bool first) {
  const auto [mn, mx] = std::minmax_element(v, v + n);
  if (first) lo = *mn, hi = *mx;
  lo = std::min(lo, double{*mn}), hi = std::max(hi, double{*mx});
}

// Runs net on one input x, writing its output to y and widening c's ranges by every layer's
// outputs (a residual block's chains layer by layer, then their sum, as residual_layer adds).
template <Network Net>
void observe(const Net& net, const float* x, float* y, calibration<Net>& c, bool first) {
  std::size_t largest = Net::in_shape::size;
  Net::for_each_layer_type([&](auto t) { largest = std::max(largest, decltype(t)::type::out_shape::size); });
  std::vector<float> a(largest), b(largest);
  std::copy_n(x, Net::in_shape::size, a.begin());
  net.for_each_layer([&](auto index, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    constexpr std::size_t I = decltype(index)::value, S = L::out_shape::size;
    if constexpr (CompositeLayer<L>) {
      auto& inner = std::get<I>(c.inner);
      std::vector<float> skip(a.begin(), a.begin() + L::in_shape::size);
      observe(layer.body, a.data(), b.data(), inner.body, first);
      if constexpr (!L::identity) observe(layer.skip, a.data(), skip.data(), inner.skip, first);
      for (std::size_t k = 0; k < S; ++k) b[k] += skip[k];
    } else {
      layer.forward(cview<float, L::in_shape::size>(a.data(), L::in_shape::size), view<float, S>(b.data(), S));
    }
    widen(c.lo[I], c.hi[I], b.data(), S, first);
    std::swap(a, b);
  });
  std::copy_n(a.begin(), Net::out_shape::size, y);
}
}  // namespace detail

template <Network Net>
calibration<Net> calibrate(const Net& net, const float* images, std::size_t n) {
  calibration<Net> c;
  std::vector<float> y(Net::out_shape::size);
  for (std::size_t i = 0; i < n; ++i) {
    const float* x = images + i * Net::in_shape::size;
    detail::widen(c.in_lo, c.in_hi, x, Net::in_shape::size, i == 0);
    detail::observe(net, x, y.data(), c, i == 0);
  }
  c.images = n;
  return c;
}

namespace detail {
// Weights, bias and rescale of a conv2d or dense layer: rows of `per` weights per output channel.
template <class Q, class L>
void quantize_affine(const L& f, Q& q, tensor_params in, tensor_params out) {
  constexpr std::size_t N = Q::weight_count / Q::fan_in, per = Q::fan_in;
  for (std::size_t o = 0; o < N; ++o) {
    double wmax = 0;
    for (std::size_t k = 0; k < per; ++k) wmax = std::max(wmax, std::fabs(double{f.weights()[o * per + k]}));
    const double sw = wmax > 0 ? wmax / 127.0 : 1.0;
    std::int64_t sum = 0;
    for (std::size_t k = 0; k < per; ++k) {
      const double v = std::round(double{f.weights()[o * per + k]} / sw);
      q.weights[o * per + k] = static_cast<std::int8_t>(std::clamp(v, -127.0, 127.0));
      sum += q.weights[o * per + k];
    }
    const double sb = double{in.scale} * sw;
    const double b = std::clamp(std::round(double{f.bias()[o]} / sb), -1073741824.0, 1073741823.0);
    q.bias[o] = static_cast<std::int32_t>(static_cast<std::int64_t>(b) - std::int64_t{in.zero_point} * sum);
    const fixed_multiplier m = quantize_multiplier(sb / double{out.scale});
    // A shift above 31 would shift every accumulator out of 32 bits; stored in [-31, 31] as int8.
    q.multiplier[o] = m.multiplier, q.shift[o] = static_cast<std::int8_t>(std::clamp(m.shift, std::int32_t{-31}, std::int32_t{31}));
  }
  q.zero_point = out.zero_point;
  if constexpr (requires { q.input_zero_point; }) q.input_zero_point = in.zero_point;  // conv2d's padding
}

template <class Op>
tensor_params lookup_output(tensor_params in) {
  if constexpr (std::is_same_v<Op, sigmoid_op>) return {1.0f / 256.0f, -128};
  else if constexpr (std::is_same_v<Op, tanh_op>) return {1.0f / 128.0f, 0};
  else return in;  // relu: the input's grid (values below the zero point clamp to it)
}
}  // namespace detail

namespace detail {
// The clamp of a layer whose outputs go through a fused ReLU or ReLU6 (layer R of Net) on the
// output grid `out`: TFLite's CalculateActivationRangeQuantized, [max(zero_point, -128), 127],
// for ReLU6 the upper end min(127, zero_point + round(6 / scale)).
template <class Net, std::size_t R, class Q>
void set_fused_clamp(Q& ql, tensor_params out) {
  ql.act_min = std::max(out.zero_point, std::int32_t{-128}), ql.act_max = 127;
  if constexpr (std::is_same_v<typename Net::template layer_type<R>::op, relu6_op>)
    ql.act_max = static_cast<std::int32_t>(
        std::min(127.0, static_cast<double>(out.zero_point) + std::round(6.0 / double{out.scale})));
}

// Quantizes net's layers into qn (a network of their int8 forms) for an input on grid p;
// returns the output's grid.
template <Network Net, class QNet>
tensor_params quantize_chain(const Net& net, const calibration<Net>& c, tensor_params p, QNet& qn) {
  net.for_each_layer([&](auto index, const auto& f) {
    using L = std::remove_cvref_t<decltype(f)>;
    constexpr std::size_t I = decltype(index)::value;
    auto& ql = qn.template layer<I>();
    using Q = std::remove_cvref_t<decltype(ql)>;
    if constexpr (requires { Q::fan_in; }) {  // conv2d, depthwise_conv2d, dense
      // With a fused ReLU (layer I + 1) the output grid spans the ReLU's range [0, max], all 256
      // steps on values the ReLU keeps, and the requantization clamps at the zero point
      // (TFLite's max(zero_point, -128)). That range starts at 0, so the zero point is -128 and
      // the int8 saturation itself is the ReLU: the kernels then skip the clamp.
      constexpr std::size_t R = Q::clamped ? I + 1 : I;
      const tensor_params out = choose_params(c.lo[R], c.hi[R]);
      quantize_affine(f, ql, p, out);
      if constexpr (Q::clamped) set_fused_clamp<Net, R>(ql, out);
      p = out;
    } else if constexpr (requires { ql.table; }) {  // elementwise activation
      const tensor_params out = lookup_output<typename L::op>(p);
      for (int v = -128; v < 128; ++v) {
        const double x = double{p.scale} * (v - p.zero_point);
        const double y = std::round(L::op::f(x) / double{out.scale}) + out.zero_point;
        ql.table[static_cast<std::size_t>(v + 128)] = static_cast<std::int8_t>(std::clamp(y, -128.0, 127.0));
      }
      p = out;
    } else if constexpr (requires { ql.add; }) {  // residual block
      // The chains from the block's input grid; the add from their output grids (the shortcut's
      // is the input's for the identity) to the sum's, or to the ReLU's after it (its clamp).
      const auto& inner = std::get<I>(c.inner);
      const tensor_params body = quantize_chain(f.body, inner.body, p, ql.body);
      tensor_params skip = p;
      if constexpr (!Q::identity) skip = quantize_chain(f.skip, inner.skip, p, ql.skip);
      constexpr std::size_t R = Q::clamped ? I + 1 : I;
      const tensor_params out = choose_params(c.lo[R], c.hi[R]);
      if constexpr (Q::clamped) set_fused_clamp<Net, R>(ql.add, out);
      ql.add = add_rescale_for(body, skip, out, ql.add.act_min, ql.add.act_max);
      p = out;
    }
  });
  return p;
}
}  // namespace detail

template <Network Net>
quantized_t<Net> quantize(const Net& net, const calibration<Net>& c) {
  quantized_t<Net> q{};
  q.input = choose_params(c.in_lo, c.in_hi);
  q.output = detail::quantize_chain(net, c, q.input, q.net);
  return q;
}

}  // namespace staticnn::quant
