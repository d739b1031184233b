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
#include "../kernels/dense.hpp"
#include "../kernels/dispatch.hpp"
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
  static constexpr const char* kernel_name = kernels::dense_kernel_name<In::size, T>;  // of forward (one sample)
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
    kernels::dense_forward<M, N>(params.data(), params.data() + weight_count, x.data(), y.data());
  }

  // Inference on n samples (host): Y = X W^T + b as one matrix product (kernels::gemm_nt, each
  // weight row read once per two samples); forward's values up to float rounding.
  void forward(batch_view<In, const T> x, batch_view<out_shape, T> y, std::size_t n) const {
    for (std::size_t b = 0; b < n; ++b) std::copy_n(params.data() + weight_count, N, y[b].data());
    kernels::gemm_nt<N, M, M, M, N, true>(n, x.ptr, params.data(), y.ptr);
  }

  // Training as matrix products over the batch (kernels/gemm.hpp): Y = X W^T + b,
  // dW = dY^T X (summed per shard, then the shards in order), dX = dY W (in the same pass).
  struct cache_type {
    std::array<T, grad_shards * param_count> partial{};  // per-shard gradient sums
    std::array<T, weight_count> wt{};                    // W transposed, M x N
  };
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type& cache, std::size_t n,
                     E& ex) {
    for (std::size_t o = 0; o < N; ++o)
      for (std::size_t i = 0; i < M; ++i) cache.wt[i * N + o] = params[o * M + i];
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) std::copy_n(params.data() + weight_count, N, y[b].data());
      kernels::gemm<N, M, N, N, true>(b1 - b0, M, x[b0].data(), cache.wt.data(), y[b0].data());
    }));
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type& cache, std::size_t n, E& ex) const {
    ex.parallel_for(grad_shards, kernels::on_best_isa([&](std::size_t s0, std::size_t s1) {
      constexpr std::size_t chunk = 16;
      std::array<T, N * chunk> dyt;  // dY^T of up to 16 samples
      for (std::size_t s = s0; s < s1; ++s) {
        T* part = cache.partial.data() + s * param_count;
        std::fill_n(part + weight_count, N, T(0));
        const std::size_t begin = shard_begin(s, n), end = shard_begin(s + 1, n);
        if (begin == end) std::fill_n(part, weight_count, T(0));
        for (std::size_t b0 = begin; b0 < end; b0 += chunk) {
          const std::size_t m = std::min(chunk, end - b0);
          for (std::size_t b = 0; b < m; ++b)
            for (std::size_t o = 0; o < N; ++o) {
              dyt[o * chunk + b] = dy[b0 + b][o];
              part[weight_count + o] += dy[b0 + b][o];
            }
          if (b0 == begin)  // the first chunk sets the shard's weight gradient, the others add to it
            kernels::gemm<M, chunk, M, M, false>(N, m, dyt.data(), x[b0].data(), part);
          else
            kernels::gemm<M, chunk, M, M, true>(N, m, dyt.data(), x[b0].data(), part);
          if (dx.ptr != nullptr) kernels::gemm<M, N, M, M, false>(m, N, dy[b0].data(), params.data(), dx[b0].data());
        }
      }
    }));
    sum_shards(ex, cache.partial.data(), grad);
  }
};

template <std::size_t N>
struct dense {
  template <Shape In, class T = float>
  using bind = dense_layer<In, N, T>;
};

}  // namespace staticnn
