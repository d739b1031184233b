#pragma once
// avg_pool<K> / max_pool<K>: K x K windows with stride K per channel, no padding; a partial
// window at the edge is dropped (output (H - K) / K + 1, as PyTorch). Max pool's backward sends
// the gradient to the first maximum of each window.
#include <algorithm>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/max_pool_vfp.hpp"
#include "../kernels/dispatch.hpp"

namespace staticnn {

struct avg_pool_op {
  static constexpr const char* name = "avg_pool";
};
struct max_pool_op {
  static constexpr const char* name = "max_pool";
};

template <Shape In, std::size_t K, class Op, class T>
struct pool_layer {
  static_assert(In::rank == 3, "pool: input must be a C x H x W map (got a flat shape)");
  static_assert(K > 0 && K <= In::height && K <= In::width, "pool: window larger than the input");
  static constexpr std::size_t C = In::channels, H = In::height, W = In::width;
  static constexpr std::size_t OH = (H - K) / K + 1, OW = (W - K) / K + 1;

  using value_type = T;
  static constexpr const char* name = Op::name;
  using in_shape = In;
  using out_shape = shape<C, OH, OW>;
  using op = Op;
  static constexpr std::size_t kernel = K, param_count = 0, state_count = 0;

  // max(f(a), f(b)) = f(max(a, b)) for a non-decreasing f: an activation before the pool may run after it.
  static constexpr bool selects_max = std::is_same_v<Op, max_pool_op>;

  // One window whose top-left value is w, rows `stride` apart.
  static T reduce(const T* w, std::size_t stride) {
    T r;
    if constexpr (std::is_same_v<Op, avg_pool_op>) {
      r = T(0);
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) r += w[i * stride + j];
      r *= T(1) / T(K * K);
    } else {
      r = w[0];
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) r = std::max(r, w[i * stride + j]);
    }
    return r;
  }

  // One pooled row of one channel: y[px] = reduce(rows + px K, W) for px < OW, rows: K rows W
  // apart (detail::pool_row_kernel). 2x2 float max pooling on VFP targets runs four outputs a
  // step (kernels/arm/max_pool_vfp.hpp); the same values.
  static constexpr bool has_row_kernel =
      kernels::target::arm_vfp && K == 2 && std::is_same_v<Op, max_pool_op> && std::is_same_v<T, float>;
  static constexpr const char* kernel_name = has_row_kernel ? "arm_vfp max 2x2 (vcmpe, 4 a step)" : "portable";
  static void reduce_row(const T* rows, T* y) {
    std::size_t px = 0;
    if constexpr (constexpr std::size_t steps = OW / kernels::arm::max_pool2_f32_step_outputs; has_row_kernel && steps > 0) {
      kernels::arm::max_pool2_row_f32<W>(rows, y, steps);
      px = steps * kernels::arm::max_pool2_f32_step_outputs;
    }
    for (; px < OW; ++px) y[px] = reduce(rows + px * K, W);
  }

  // reduce_row, then act applied to the row (detail::pool_row_then): for an activation whose apply
  // is ReLU by the sign bit (activation_layer::relu_by_sign_bit) after 2x2 max pooling on VFP
  // targets, both in one integer pass (kernels/arm/max_pool_vfp.hpp); the same values for inputs
  // without a NaN.
  template <class Act>
  static constexpr bool fuses_row_then = has_row_kernel && requires { requires Act::relu_by_sign_bit; };
  template <class Act>
  static void reduce_row_then(const T* rows, T* y, const Act& act)
    requires fuses_row_then<Act>
  {
    constexpr std::size_t steps = OW / kernels::arm::relu_max_pool2_f32_step_outputs;
    std::size_t px = 0;
    if constexpr (steps > 0) {
      kernels::arm::relu_max_pool2_row_f32<W>(rows, y, steps);
      px = steps * kernels::arm::relu_max_pool2_f32_step_outputs;
    }
    for (std::size_t i = px; i < OW; ++i) y[i] = reduce(rows + i * K, W);
    act.apply(y + px, OW - px);
  }

  void forward(cview<T, In::size> x, view<T, out_shape::size> y) const {
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t oy = 0; oy < OH; ++oy) reduce_row(x.data() + (c * H + oy * K) * W, y.data() + (c * OH + oy) * OW);
  }

  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type&, std::size_t n, E& ex) {
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) forward(x[b], y[b]);
    }));
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, 0>, cache_type&, std::size_t n, E& ex) const {
    if (dx.ptr == nullptr) return;
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) {
        T* d = dx[b].data();
        const T* g = dy[b].data();
        if constexpr (std::is_same_v<Op, avg_pool_op>) {
          // Every input inside a window gets g / K^2; rows and columns past the last window get 0.
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t iy = 0; iy < H; ++iy) {
              T* row = d + (c * H + iy) * W;
              if (iy >= OH * K) {
                std::fill_n(row, W, T(0));
                continue;
              }
              const T* gr = g + (c * OH + iy / K) * OW;
              for (std::size_t ox = 0; ox < OW; ++ox)
                for (std::size_t j = 0; j < K; ++j) row[ox * K + j] = gr[ox] * (T(1) / T(K * K));
              std::fill_n(row + OW * K, W - OW * K, T(0));
            }
        } else {
          std::fill_n(d, In::size, T(0));
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t oy = 0; oy < OH; ++oy)
              for (std::size_t ox = 0; ox < OW; ++ox) {
                const std::size_t base = (c * H + oy * K) * W + ox * K;
                std::size_t arg = base;
                for (std::size_t i = 0; i < K; ++i)
                  for (std::size_t j = 0; j < K; ++j)
                    if (x[b][base + i * W + j] > x[b][arg]) arg = base + i * W + j;
                d[arg] = g[(c * OH + oy) * OW + ox];
              }
        }
      }
    }));
  }
};

template <std::size_t K>
struct avg_pool {
  template <Shape In, class T = float>
  using bind = pool_layer<In, K, avg_pool_op, T>;
};
template <std::size_t K>
struct max_pool {
  template <Shape In, class T = float>
  using bind = pool_layer<In, K, max_pool_op, T>;
};

}  // namespace staticnn
