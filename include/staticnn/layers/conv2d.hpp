#pragma once
// conv2d<OutC, K, Stride, Pad>: y[o] = b[o] + sum_{c,ky,kx} w[o][c][ky][kx] * x[c][y*S+ky-P][x*S+kx-P]
// (zero padding). Input C x H x W; output OutC x ((H+2P-K)/S+1) x ((W+2P-K)/S+1).
// params: weights OIHW (OutC*C*K*K) then bias (OutC), as PyTorch's Conv2d.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/conv2d.hpp"

namespace staticnn {

template <Shape In, std::size_t OutC, std::size_t K, std::size_t Stride, std::size_t Pad, class T>
struct conv2d_layer {
  static_assert(In::rank == 3, "conv2d: input must be a C x H x W map (got a flat shape)");
  static_assert(OutC > 0 && K > 0 && Stride > 0, "conv2d: OutC, K and Stride must be positive");
  static constexpr std::size_t C = In::channels, PH = In::height + 2 * Pad, PW = In::width + 2 * Pad;
  static_assert(K <= PH && K <= PW, "conv2d: kernel larger than the (padded) input");

  using value_type = T;
  static constexpr const char* name = "conv2d";
  using in_shape = In;
  using out_shape = shape<OutC, (PH - K) / Stride + 1, (PW - K) / Stride + 1>;
  static constexpr std::size_t out_channels = OutC, kernel = K, stride = Stride, padding = Pad;
  static constexpr std::size_t fan_in = C * K * K;
  static constexpr std::size_t weight_count = OutC * fan_in;
  static constexpr std::size_t param_count = weight_count + OutC, state_count = 0;

  std::array<T, param_count> params{};

  constexpr std::span<T, weight_count> weights() { return std::span(params).template first<weight_count>(); }
  constexpr std::span<const T, weight_count> weights() const { return std::span(params).template first<weight_count>(); }
  constexpr std::span<T, OutC> bias() { return std::span(params).template last<OutC>(); }
  constexpr std::span<const T, OutC> bias() const { return std::span(params).template last<OutC>(); }

  void forward(cview<T, In::size> x, view<T, out_shape::size> y) const {
    if constexpr (Pad == 0) {
      kernels::conv2d_forward<C, PH, PW, OutC, K, Stride>(x.data(), params.data(),
                                                          params.data() + weight_count, y.data());
    } else {
      std::array<T, C * PH * PW> xp;
      pad(x.data(), xp.data());
      kernels::conv2d_forward<C, PH, PW, OutC, K, Stride>(xp.data(), params.data(),
                                                          params.data() + weight_count, y.data());
    }
  }

  // Output rows [oy0, oy0 + rows) of every channel into y (OutC x rows x OW), the same values
  // forward computes: lets a network run conv -> activation -> pool a few rows at a time.
  static constexpr bool row_streamable = Pad == 0;
  void forward_rows(const T* x, T* y, std::size_t oy0, std::size_t rows) const
    requires(Pad == 0)
  {
    kernels::conv2d_forward_rows<C, PH, PW, OutC, K, Stride>(x, params.data(), params.data() + weight_count, y, oy0,
                                                             rows);
  }

  // Training: forward over n <= B samples; backward sets grad and, if dx.ptr, the input gradient.
  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type&, std::size_t n,
                     E& ex) {
    ex.parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) forward(x[b], y[b]);
    });
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type&, std::size_t n, E& ex) const {
    ex.parallel_for(OutC, [&](std::size_t o0, std::size_t o1) {
      std::fill(grad.begin() + static_cast<std::ptrdiff_t>(o0 * fan_in),
                grad.begin() + static_cast<std::ptrdiff_t>(o1 * fan_in), T(0));
      for (std::size_t o = o0; o < o1; ++o) grad[weight_count + o] = T(0);
      std::array<T, Pad == 0 ? 1 : C * PH * PW> xp;
      for (std::size_t b = 0; b < n; ++b) {
        const T* xb = x[b].data();
        if constexpr (Pad > 0) {
          pad(xb, xp.data());
          xb = xp.data();
        }
        kernels::conv2d_backward_weights<C, PH, PW, OutC, K, Stride>(
            xb, dy[b].data(), grad.data(), grad.data() + weight_count, o0, o1);
      }
    });
    if (dx.ptr == nullptr) return;
    ex.parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      std::array<T, Pad == 0 ? 1 : C * PH * PW> dxp;
      for (std::size_t b = b0; b < b1; ++b) {
        if constexpr (Pad == 0) {
          kernels::conv2d_backward_input<C, PH, PW, OutC, K, Stride>(dy[b].data(), params.data(), dx[b].data());
        } else {
          kernels::conv2d_backward_input<C, PH, PW, OutC, K, Stride>(dy[b].data(), params.data(), dxp.data());
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t i = 0; i < In::height; ++i)
              std::copy_n(dxp.data() + (c * PH + i + Pad) * PW + Pad, In::width,
                          dx[b].data() + (c * In::height + i) * In::width);
        }
      }
    });
  }

 private:
  static void pad(const T* x, T* xp) {
    std::fill_n(xp, C * PH * PW, T(0));
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t i = 0; i < In::height; ++i)
        std::copy_n(x + (c * In::height + i) * In::width, In::width, xp + (c * PH + i + Pad) * PW + Pad);
  }
};

template <std::size_t OutC, std::size_t K, std::size_t Stride = 1, std::size_t Pad = 0>
struct conv2d {
  template <Shape In, class T = float>
  using bind = conv2d_layer<In, OutC, K, Stride, Pad, T>;
};

}  // namespace staticnn
