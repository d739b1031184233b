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
//   activation keep their input's parameters. Computed in double; uses the heap (host only).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../core/sequential.hpp"
#include "../layers/activation.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/flatten.hpp"
#include "../layers/pool.hpp"
#include "../layers/relu6.hpp"
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

// The output range of every layer (and of the input) over calibration images.
template <Network Net>
struct calibration {
  double in_lo = 0, in_hi = 0;
  std::array<double, Net::depth> lo{}, hi{};
  std::size_t images = 0;
};

template <Network Net>
calibration<Net> calibrate(const Net& net, const float* images, std::size_t n) {
  calibration<Net> c;
  std::size_t largest = Net::in_shape::size;
  Net::for_each_layer_type([&](auto t) { largest = std::max(largest, decltype(t)::type::out_shape::size); });
  std::vector<float> a(largest), b(largest);
  c.in_lo = c.in_hi = images[0];
  for (std::size_t i = 0; i < n; ++i) {
    const float* x = images + i * Net::in_shape::size;
    std::copy_n(x, Net::in_shape::size, a.begin());
    for (std::size_t k = 0; k < Net::in_shape::size; ++k)
      c.in_lo = std::min(c.in_lo, double{x[k]}), c.in_hi = std::max(c.in_hi, double{x[k]});
    net.for_each_layer([&](auto index, const auto& layer) {
      using L = std::remove_cvref_t<decltype(layer)>;
      constexpr std::size_t I = decltype(index)::value, S = L::out_shape::size;
      layer.forward(cview<float, L::in_shape::size>(a.data(), L::in_shape::size), view<float, S>(b.data(), S));
      const auto [mn, mx] = std::minmax_element(b.begin(), b.begin() + S);
      if (i == 0) c.lo[I] = *mn, c.hi[I] = *mx;
      c.lo[I] = std::min(c.lo[I], double{*mn}), c.hi[I] = std::max(c.hi[I], double{*mx});
      std::swap(a, b);
    });
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

template <Network Net>
quantized_t<Net> quantize(const Net& net, const calibration<Net>& c) {
  quantized_t<Net> q{};
  tensor_params p = choose_params(c.in_lo, c.in_hi);
  q.input = p;
  net.for_each_layer([&](auto index, const auto& f) {
    using L = std::remove_cvref_t<decltype(f)>;
    constexpr std::size_t I = decltype(index)::value;
    auto& ql = q.net.template layer<I>();
    using Q = std::remove_cvref_t<decltype(ql)>;
    if constexpr (requires { Q::fan_in; }) {  // conv2d, depthwise_conv2d, dense
      // With a fused ReLU (layer I + 1) the output grid spans the ReLU's range [0, max], all 256
      // steps on values the ReLU keeps, and the requantization clamps at the zero point
      // (TFLite's max(zero_point, -128)). That range starts at 0, so the zero point is -128 and
      // the int8 saturation itself is the ReLU: the kernels then skip the clamp.
      constexpr std::size_t R = Q::clamped ? I + 1 : I;
      const tensor_params out = choose_params(c.lo[R], c.hi[R]);
      detail::quantize_affine(f, ql, p, out);
      if constexpr (Q::clamped) {
        ql.act_min = std::max(out.zero_point, std::int32_t{-128}), ql.act_max = 127;
        // ReLU6: TFLite's CalculateActivationRangeQuantized, min(127, zero_point + round(6 / scale)).
        if constexpr (std::is_same_v<typename Net::template layer_type<R>::op, relu6_op>)
          ql.act_max = static_cast<std::int32_t>(
              std::min(127.0, static_cast<double>(out.zero_point) + std::round(6.0 / double{out.scale})));
      }
      p = out;
    } else if constexpr (requires { ql.table; }) {  // elementwise activation
      const tensor_params out = detail::lookup_output<typename L::op>(p);
      for (int v = -128; v < 128; ++v) {
        const double x = double{p.scale} * (v - p.zero_point);
        const double y = std::round(L::op::f(x) / double{out.scale}) + out.zero_point;
        ql.table[static_cast<std::size_t>(v + 128)] = static_cast<std::int8_t>(std::clamp(y, -128.0, 127.0));
      }
      p = out;
    }
  });
  q.output = p;
  return q;
}

}  // namespace staticnn::quant
