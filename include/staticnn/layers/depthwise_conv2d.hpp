#pragma once
// depthwise_conv2d<K, Stride, Pad>: each channel convolved with its own K x K filter (channel
// multiplier 1, PyTorch's Conv2d(C, C, K, groups=C)), zero padding:
//   y[c][oy][ox] = b[c] + sum_{ky,kx} w[c][ky][kx] * x[c][oy*S + ky - P][ox*S + kx - P].
// Input C x H x W; output C x ((H+2P-K)/S+1) x ((W+2P-K)/S+1).
// depthwise_conv2d_hw<KH, KW, SH, SW, PT, PL, PB, PR> / depthwise_conv2d_same<KH, KW, SH, SW>: a
// KH x KW window with strides and paddings per side, as conv2d_hw / conv2d_same; depthwise_conv2d
// is its square case (depthwise_conv2d_layer's trailing parameters default to the square ones).
// params: weights C x KH x KW (PyTorch's C x 1 x KH x KW) then bias (C); fan_in = KH*KW.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/depthwise_vfp.hpp"
#include "../kernels/dispatch.hpp"
#include "conv2d.hpp"

namespace staticnn {

// K, Stride, Pad: the kernel's height, vertical stride and padding above; KW, SW, PadL, PadB, PadR:
// its width, horizontal stride and padding left, below, right (as conv2d_layer).
template <Shape In, std::size_t K, std::size_t Stride, std::size_t Pad, class T, std::size_t KW = K,
          std::size_t SW = Stride, std::size_t PadL = Pad, std::size_t PadB = Pad, std::size_t PadR = PadL>
struct depthwise_conv2d_layer {
  static_assert(In::rank == 3, "depthwise_conv2d: input must be a C x H x W map (got a flat shape)");
  static_assert(K > 0 && KW > 0 && Stride > 0 && SW > 0, "depthwise_conv2d: K and Stride must be positive");
  static constexpr std::size_t C = In::channels, H = In::height, W = In::width;
  static constexpr std::size_t PH = Pad + H + PadB, PW = PadL + W + PadR;
  static_assert(K <= PH && KW <= PW, "depthwise_conv2d: kernel larger than the (padded) input");

  using value_type = T;
  static constexpr const char* name = "depthwise_conv2d";
  using in_shape = In;
  using out_shape = shape<C, (PH - K) / Stride + 1, (PW - KW) / SW + 1>;
  static constexpr std::size_t OH = out_shape::height, OW = out_shape::width;
  static constexpr std::size_t out_channels = C, kernel = K, stride = Stride, padding = Pad;
  static constexpr std::size_t kernel_h = K, kernel_w = KW, stride_h = Stride, stride_w = SW;
  static constexpr std::size_t pad_top = Pad, pad_left = PadL, pad_bottom = PadB, pad_right = PadR;
  static constexpr bool square = K == KW && Stride == SW && Pad == PadL && Pad == PadB && Pad == PadR;
  static constexpr std::size_t fan_in = K * KW;  // per output value: the MACs the plan counts
  static constexpr std::size_t weight_count = C * fan_in;
  static constexpr std::size_t param_count = weight_count + C, state_count = 0;
  // Float square windows on Cortex-M VFP targets run kernels/arm/depthwise_vfp.hpp (the shapes it takes).
  static constexpr bool runs_vfp =
      std::is_same_v<T, float> && square && kernels::arm::depthwise_f32_vfp_fits<H, W, K, Stride, Pad>;
  static constexpr const char* kernel_name = runs_vfp ? kernels::arm::depthwise_f32_vfp_name<H, W, K, Stride, Pad>
                                                      : "portable depthwise (per output, taps on padding skipped)";

  std::array<T, param_count> params{};

  constexpr std::span<T, weight_count> weights() { return std::span(params).template first<weight_count>(); }
  constexpr std::span<const T, weight_count> weights() const {
    return std::span(params).template first<weight_count>();
  }
  constexpr std::span<T, C> bias() { return std::span(params).template last<C>(); }
  constexpr std::span<const T, C> bias() const { return std::span(params).template last<C>(); }

  // Inference: per output, the bias then the taps in (ky, kx) order, taps on padding skipped (the
  // VFP kernel: the same sums in its order).
  void forward(cview<T, In::size> x, view<T, out_shape::size> y) const {
    if constexpr (runs_vfp) {
      kernels::arm::depthwise_f32_vfp<C, H, W, K, Stride, Pad>(x.data(), params.data(), params.data() + weight_count,
                                                               y.data());
      return;
    }
    for (std::size_t c = 0; c < C; ++c) {
      const T* xc = x.data() + c * H * W;
      const T* wc = params.data() + c * fan_in;
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          T acc = params[weight_count + c];
          for (std::size_t ky = 0; ky < K; ++ky) {
            const std::size_t iy = oy * Stride + ky;  // padded coordinates
            if (iy < Pad || iy >= H + Pad) continue;
            for (std::size_t kx = 0; kx < KW; ++kx) {
              const std::size_t ix = ox * SW + kx;
              if (ix >= PadL && ix < W + PadL) acc += wc[ky * KW + kx] * xc[(iy - Pad) * W + ix - PadL];
            }
          }
          y[(c * OH + oy) * OW + ox] = acc;
        }
    }
  }

  // Inference then an elementwise activation in place on the output (core/sequential.hpp's
  // absorbs_next: depthwise -> activation runs as one stage).
  template <class Act>
    requires std::is_same_v<typename Act::in_shape, out_shape> && requires(const Act& a, T* p) {
      typename Act::op;
      a.apply(p, std::size_t{1});
    }
  void forward_then(cview<T, In::size> x, view<T, out_shape::size> y, const Act& act) const {
    forward(x, y);
    act.apply(y.data(), out_shape::size);
  }

  // Training: forward per sample; backward sums the parameter gradient in grad_shards fixed
  // shards of samples (core/parallel.hpp), so it does not depend on the thread count, and writes
  // the input gradient (if dx.ptr) of each sample:
  //   dw[c][ky][kx] = sum dy[c][oy][ox] x[c][..],  db[c] = sum dy[c],  dx[c][..] = sum dy w.
  struct cache_type {
    std::array<T, grad_shards * param_count> partial{};  // per-shard gradient sums
  };
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type&, std::size_t n, E& ex) {
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) forward(x[b], y[b]);
    }));
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type& cache, std::size_t n, E& ex) const {
    ex.parallel_for(grad_shards, kernels::on_best_isa([&](std::size_t s0, std::size_t s1) {
      for (std::size_t s = s0; s < s1; ++s) {
        T* part = cache.partial.data() + s * param_count;
        std::fill_n(part, param_count, T(0));
        for (std::size_t b = shard_begin(s, n); b < shard_begin(s + 1, n); ++b)
          backward_sample(x[b].data(), dy[b].data(), dx.ptr == nullptr ? nullptr : dx[b].data(), part);
      }
    }));
    sum_shards(ex, cache.partial.data(), grad);
  }

 private:
  // Adds one sample's parameter gradient to part; writes its input gradient to dx unless null.
  void backward_sample(const T* x, const T* dy, T* dx, T* part) const {
    if (dx != nullptr) std::fill_n(dx, In::size, T(0));
    for (std::size_t c = 0; c < C; ++c) {
      const T* xc = x + c * H * W;
      const T* wc = params.data() + c * fan_in;
      T* dwc = part + c * fan_in;
      T* dxc = dx == nullptr ? nullptr : dx + c * H * W;
      T db = T(0);
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          const T g = dy[(c * OH + oy) * OW + ox];
          db += g;
          for (std::size_t ky = 0; ky < K; ++ky) {
            const std::size_t iy = oy * Stride + ky;
            if (iy < Pad || iy >= H + Pad) continue;
            for (std::size_t kx = 0; kx < KW; ++kx) {
              const std::size_t ix = ox * SW + kx;
              if (ix < PadL || ix >= W + PadL) continue;
              const std::size_t i = (iy - Pad) * W + ix - PadL;
              dwc[ky * KW + kx] += g * xc[i];
              if (dxc != nullptr) dxc[i] += g * wc[ky * KW + kx];
            }
          }
        }
      part[weight_count + c] += db;
    }
  }
};

template <std::size_t K, std::size_t Stride = 1, std::size_t Pad = 0>
struct depthwise_conv2d {
  template <Shape In, class T = float>
  using bind = depthwise_conv2d_layer<In, K, Stride, Pad, T>;
};

template <std::size_t KH, std::size_t KW, std::size_t SH = 1, std::size_t SW = SH, std::size_t PT = 0,
          std::size_t PL = 0, std::size_t PB = PT, std::size_t PR = PL>
struct depthwise_conv2d_hw {
  template <Shape In, class T = float>
  using bind = depthwise_conv2d_layer<In, KH, SH, PT, T, KW, SW, PL, PB, PR>;
};
template <std::size_t KH, std::size_t KW, std::size_t SH = 1, std::size_t SW = SH>
struct depthwise_conv2d_same {
  template <Shape In, class T = float>
  using bind = depthwise_conv2d_layer<In, KH, SH, same_padding_total(In::height, KH, SH) / 2, T, KW, SW,
                                      same_padding_total(In::width, KW, SW) / 2,
                                      same_padding_total(In::height, KH, SH) - same_padding_total(In::height, KH, SH) / 2,
                                      same_padding_total(In::width, KW, SW) - same_padding_total(In::width, KW, SW) / 2>;
};

}  // namespace staticnn
