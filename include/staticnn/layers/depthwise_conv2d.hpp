#pragma once
// depthwise_conv2d<K, Stride, Pad>: each channel convolved with its own K x K filter (channel
// multiplier 1, PyTorch's Conv2d(C, C, K, groups=C)), zero padding:
//   y[c][oy][ox] = b[c] + sum_{ky,kx} w[c][ky][kx] * x[c][oy*S + ky - P][ox*S + kx - P].
// Input C x H x W; output C x ((H+2P-K)/S+1) x ((W+2P-K)/S+1).
// params: weights C x K x K (PyTorch's C x 1 x K x K) then bias (C); fan_in = K*K.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/dispatch.hpp"

namespace staticnn {

template <Shape In, std::size_t K, std::size_t Stride, std::size_t Pad, class T>
struct depthwise_conv2d_layer {
  static_assert(In::rank == 3, "depthwise_conv2d: input must be a C x H x W map (got a flat shape)");
  static_assert(K > 0 && Stride > 0, "depthwise_conv2d: K and Stride must be positive");
  static constexpr std::size_t C = In::channels, H = In::height, W = In::width;
  static constexpr std::size_t PH = H + 2 * Pad, PW = W + 2 * Pad;
  static_assert(K <= PH && K <= PW, "depthwise_conv2d: kernel larger than the (padded) input");

  using value_type = T;
  static constexpr const char* name = "depthwise_conv2d";
  static constexpr const char* kernel_name = "portable depthwise (per output, taps on padding skipped)";
  using in_shape = In;
  using out_shape = shape<C, (PH - K) / Stride + 1, (PW - K) / Stride + 1>;
  static constexpr std::size_t OH = out_shape::height, OW = out_shape::width;
  static constexpr std::size_t out_channels = C, kernel = K, stride = Stride, padding = Pad;
  static constexpr std::size_t fan_in = K * K;  // per output value: the MACs the plan counts
  static constexpr std::size_t weight_count = C * fan_in;
  static constexpr std::size_t param_count = weight_count + C, state_count = 0;

  std::array<T, param_count> params{};

  constexpr std::span<T, weight_count> weights() { return std::span(params).template first<weight_count>(); }
  constexpr std::span<const T, weight_count> weights() const {
    return std::span(params).template first<weight_count>();
  }
  constexpr std::span<T, C> bias() { return std::span(params).template last<C>(); }
  constexpr std::span<const T, C> bias() const { return std::span(params).template last<C>(); }

  // Inference: per output, the bias then the taps in (ky, kx) order, taps on padding skipped.
  void forward(cview<T, In::size> x, view<T, out_shape::size> y) const {
    for (std::size_t c = 0; c < C; ++c) {
      const T* xc = x.data() + c * H * W;
      const T* wc = params.data() + c * fan_in;
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          T acc = params[weight_count + c];
          for (std::size_t ky = 0; ky < K; ++ky) {
            const std::size_t iy = oy * Stride + ky;  // padded coordinates
            if (iy < Pad || iy >= H + Pad) continue;
            for (std::size_t kx = 0; kx < K; ++kx) {
              const std::size_t ix = ox * Stride + kx;
              if (ix >= Pad && ix < W + Pad) acc += wc[ky * K + kx] * xc[(iy - Pad) * W + ix - Pad];
            }
          }
          y[(c * OH + oy) * OW + ox] = acc;
        }
    }
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
            for (std::size_t kx = 0; kx < K; ++kx) {
              const std::size_t ix = ox * Stride + kx;
              if (ix < Pad || ix >= W + Pad) continue;
              const std::size_t i = (iy - Pad) * W + ix - Pad;
              dwc[ky * K + kx] += g * xc[i];
              if (dxc != nullptr) dxc[i] += g * wc[ky * K + kx];
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

}  // namespace staticnn
