#pragma once
// dense<N>: y = W x + b for a flat input of M features. params: W (N x M, row o holds output
// o's weights, as PyTorch's Linear) then b (N).
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/vector.hpp"

namespace staticnn {

namespace detail {
// Names the layer, the flat shape it could take and the shape it got, in the message's first line.
template <class Layer, class Expected, class Got>
struct dense_input_check {
  static_assert(std::is_same_v<Expected, Got>, "dense: input must be flat (Expected); put flatten before dense");
  static constexpr bool ok = true;
};
}  // namespace detail

template <Shape In, std::size_t N, class T>
struct dense_layer {
  static_assert(detail::dense_input_check<dense_layer, shape<In::size>, In>::ok);
  static_assert(N > 0, "dense: needs at least one output");
  static constexpr std::size_t M = In::size;

  using value_type = T;
  static constexpr const char* name = "dense";
  using in_shape = In;
  using out_shape = shape<N>;
  static constexpr std::size_t fan_in = M, weight_count = N * M;
  static constexpr std::size_t param_count = weight_count + N, state_count = 0;

  std::array<T, param_count> params{};

  constexpr std::span<T, weight_count> weights() { return std::span(params).template first<weight_count>(); }
  constexpr std::span<const T, weight_count> weights() const { return std::span(params).template first<weight_count>(); }
  constexpr std::span<T, N> bias() { return std::span(params).template last<N>(); }
  constexpr std::span<const T, N> bias() const { return std::span(params).template last<N>(); }

  void forward(cview<T, M> x, view<T, N> y) const {
    for (std::size_t o = 0; o < N; ++o)
      y[o] = params[weight_count + o] + kernels::dot<M>(params.data() + o * M, x.data());
  }

  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type&, std::size_t n, E& ex) {
    ex.parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) forward(x[b], y[b]);
    });
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type&, std::size_t n, E& ex) const {
    ex.parallel_for(N, [&](std::size_t o0, std::size_t o1) {
      for (std::size_t o = o0; o < o1; ++o) {
        T* gw = grad.data() + o * M;
        std::fill_n(gw, M, T(0));
        T gb = 0;
        for (std::size_t b = 0; b < n; ++b) {
          const T g = dy[b][o];
          kernels::axpy<M>(g, x[b].data(), gw);
          gb += g;
        }
        grad[weight_count + o] = gb;
      }
    });
    if (dx.ptr == nullptr) return;
    ex.parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) {
        T* d = dx[b].data();
        std::fill_n(d, M, T(0));
        for (std::size_t o = 0; o < N; ++o) kernels::axpy<M>(dy[b][o], params.data() + o * M, d);
      }
    });
  }
};

template <std::size_t N>
struct dense {
  template <Shape In, class T = float>
  using bind = dense_layer<In, N, T>;
};

}  // namespace staticnn
