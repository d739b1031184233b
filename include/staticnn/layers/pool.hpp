#pragma once
// avg_pool<K> / max_pool<K>: K x K windows with stride K per channel, no padding; a partial
// window at the edge is dropped (output (H - K) / K + 1, as PyTorch). Max pool's backward sends
// the gradient to the first maximum of each window.
// avg_pool_hw / max_pool_hw<KH, KW, SH, SW, PT, PL, PB, PR>: KH x KW windows, strides SH, SW
// (default: the window), PT, PL, PB, PR positions of padding above, left, below, right (each less
// than the window), output ((PT+H+PB-KH)/SH+1) x ((PL+W+PR-KW)/SW+1). Padding is no value, as
// TFLite's pools: a max over the inputs inside the map, an average over their count.
// pool_layer's trailing parameters default to the square case (avg_pool<K>, max_pool<K>).
#include <algorithm>
#include <cstddef>
#include <limits>
#include <span>
#include <type_traits>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/avg_pool_vfp.hpp"
#include "../kernels/arm/max_pool_vfp.hpp"
#include "../kernels/arm/pool_mve.hpp"
#include "../kernels/dispatch.hpp"

namespace staticnn {

struct avg_pool_op {
  static constexpr const char* name = "avg_pool";
};
struct max_pool_op {
  static constexpr const char* name = "max_pool";
};

// The window of a pooling layer: kernel, strides, padding (the trailing parameters of pool_layer
// and quant::qpool_layer; square: K x K, stride K, unpadded). `visit(oy, ox, f)` calls f(i) for
// the index i (row-major in an H x W plane) of each input inside window (oy, ox), row by row.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PT,
          std::size_t PL, std::size_t PB, std::size_t PR>
struct pool_window {
  static_assert(PT < K && PB < K && PL < KW && PR < KW, "pool: padding must be smaller than the window");
  static constexpr std::size_t OH = (PT + H + PB - K) / SH + 1, OW = (PL + W + PR - KW) / SW + 1;
  static constexpr bool square = KW == K && SH == K && SW == K && PT == 0 && PL == 0 && PB == 0 && PR == 0;
  template <class F>
  static constexpr void visit(std::size_t oy, std::size_t ox, F&& f) {
    const std::size_t y0 = oy * SH, x0 = ox * SW;  // padded coordinates
    const std::size_t ylo = y0 < PT ? PT : y0, yhi = y0 + K < PT + H ? y0 + K : PT + H;
    const std::size_t xlo = x0 < PL ? PL : x0, xhi = x0 + KW < PL + W ? x0 + KW : PL + W;
    for (std::size_t iy = ylo; iy < yhi; ++iy)
      for (std::size_t ix = xlo; ix < xhi; ++ix) f((iy - PT) * W + ix - PL);
  }
};

template <Shape In, std::size_t K, class Op, class T, std::size_t KW = K, std::size_t SH = K, std::size_t SW = KW,
          std::size_t PadT = 0, std::size_t PadL = 0, std::size_t PadB = PadT, std::size_t PadR = PadL>
struct pool_layer {
  static_assert(In::rank == 3, "pool: input must be a C x H x W map (got a flat shape)");
  static_assert(K > 0 && KW > 0 && SH > 0 && SW > 0 && K <= PadT + In::height + PadB && KW <= PadL + In::width + PadR,
                "pool: window larger than the input");
  using window = pool_window<In::height, In::width, K, KW, SH, SW, PadT, PadL, PadB, PadR>;
  static constexpr bool square = window::square;
  static constexpr std::size_t kernel_h = K, kernel_w = KW, stride_h = SH, stride_w = SW;
  static constexpr std::size_t pad_top = PadT, pad_left = PadL, pad_bottom = PadB, pad_right = PadR;
  static constexpr std::size_t C = In::channels, H = In::height, W = In::width;
  static constexpr std::size_t OH = window::OH, OW = window::OW;

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
  // On MVE targets 2x2 float average pooling four outputs a step too (kernels/arm/pool_mve.hpp;
  // the same values up to a zero's sign).
  // On other VFP targets 2x2 float average pooling four outputs a step (kernels/arm/avg_pool_vfp.hpp;
  // the same values bit for bit).
  static constexpr bool avg_row_mve =
      kernels::target::arm_mve && square && K == 2 && std::is_same_v<Op, avg_pool_op> && std::is_same_v<T, float>;
  static constexpr bool avg_row_vfp = kernels::target::arm_vfp && !kernels::target::arm_mve && square && K == 2 &&
                                      std::is_same_v<Op, avg_pool_op> && std::is_same_v<T, float>;
  static constexpr bool has_row_kernel =
      (kernels::target::arm_vfp && square && K == 2 && std::is_same_v<Op, max_pool_op> && std::is_same_v<T, float>) ||
      avg_row_mve || avg_row_vfp;
  static constexpr const char* kernel_name = avg_row_mve   ? "arm_mve avg 2x2 (vld2, 4 a step)"
                                             : avg_row_vfp ? "arm_vfp avg 2x2 (vadd in order, 4 a step)"
                                             : has_row_kernel ? "arm_vfp max 2x2 (vcmpe, 4 a step)"
                                                              : "portable";
  static void reduce_row(const T* rows, T* y) {
    std::size_t px = 0;
    if constexpr (constexpr std::size_t vsteps = OW / kernels::arm::pool2_mve_step_outputs; avg_row_mve && vsteps > 0) {
      kernels::arm::avg_pool2_row_mve<W>(rows, y, vsteps);
      px = vsteps * kernels::arm::pool2_mve_step_outputs;
    } else if constexpr (constexpr std::size_t asteps = OW / kernels::arm::avg_pool2_f32_step_outputs;
                         avg_row_vfp && asteps > 0) {
      kernels::arm::avg_pool2_row_f32<W>(rows, y, asteps);
      px = asteps * kernels::arm::avg_pool2_f32_step_outputs;
    } else if constexpr (constexpr std::size_t steps = OW / kernels::arm::max_pool2_f32_step_outputs;
                         has_row_kernel && !avg_row_mve && !avg_row_vfp && steps > 0) {
      kernels::arm::max_pool2_row_f32<W>(rows, y, steps);
      px = steps * kernels::arm::max_pool2_f32_step_outputs;
    }
    for (; px < OW; ++px) y[px] = reduce(rows + px * K, W);
  }

  // reduce_row, then act applied to the row (detail::pool_row_then): for an activation whose apply
  // is ReLU by the sign bit (activation_layer::relu_by_sign_bit) after 2x2 max pooling on VFP
  // targets, both in one integer pass (kernels/arm/max_pool_vfp.hpp); the same values for inputs
  // without a NaN.
  // (on MVE targets four outputs a step, kernels/arm/pool_mve.hpp, the same values).
  template <class Act>
  static constexpr bool fuses_row_then =
      has_row_kernel && !avg_row_mve && !avg_row_vfp && requires { requires Act::relu_by_sign_bit; };
  template <class Act>
  static void reduce_row_then(const T* rows, T* y, const Act& act)
    requires fuses_row_then<Act>
  {
    constexpr std::size_t steps = OW / kernels::arm::relu_max_pool2_f32_step_outputs;
    std::size_t px = 0;
    if constexpr (constexpr std::size_t vsteps = OW / kernels::arm::pool2_mve_step_outputs;
                  kernels::target::arm_mve && vsteps > 0) {
      kernels::arm::relu_max_pool2_row_mve<W>(rows, y, vsteps);
      px = vsteps * kernels::arm::pool2_mve_step_outputs;
    } else if constexpr (steps > 0) {
      kernels::arm::relu_max_pool2_row_f32<W>(rows, y, steps);
      px = steps * kernels::arm::relu_max_pool2_f32_step_outputs;
    }
    for (std::size_t i = px; i < OW; ++i) y[i] = reduce(rows + i * K, W);
    act.apply(y + px, OW - px);
  }

  void forward(cview<T, In::size> x, view<T, out_shape::size> y) const {
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t oy = 0; oy < OH; ++oy) {
        if constexpr (square) {
          reduce_row(x.data() + (c * H + oy * K) * W, y.data() + (c * OH + oy) * OW);
          continue;
        }
        for (std::size_t ox = 0; ox < OW; ++ox) y[(c * OH + oy) * OW + ox] = reduce_window(x.data() + c * H * W, oy, ox);
      }
  }
  // A window of a rectangular, strided or padded pool over the inputs inside the map (xc: one plane).
  static T reduce_window(const T* xc, std::size_t oy, std::size_t ox) {
    T r = std::is_same_v<Op, avg_pool_op> ? T(0) : -std::numeric_limits<T>::infinity();
    std::size_t n = 0;
    window::visit(oy, ox, [&](std::size_t i) {
      if constexpr (std::is_same_v<Op, avg_pool_op>) r += xc[i];
      else r = std::max(r, xc[i]);
      ++n;
    });
    if constexpr (std::is_same_v<Op, avg_pool_op>) r *= T(1) / T(n);
    return r;
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
        if constexpr (!square) {  // windows may overlap: accumulate
          std::fill_n(d, In::size, T(0));
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t oy = 0; oy < OH; ++oy)
              for (std::size_t ox = 0; ox < OW; ++ox) {
                const T gv = g[(c * OH + oy) * OW + ox];
                const T* xc = x[b].data() + c * H * W;
                T* dc = d + c * H * W;
                if constexpr (std::is_same_v<Op, avg_pool_op>) {
                  std::size_t count = 0;
                  window::visit(oy, ox, [&](std::size_t) { ++count; });
                  window::visit(oy, ox, [&](std::size_t i) { dc[i] += gv * (T(1) / T(count)); });
                } else {
                  std::size_t arg = H * W;  // the first maximum
                  window::visit(oy, ox, [&](std::size_t i) {
                    if (arg == H * W || xc[i] > xc[arg]) arg = i;
                  });
                  dc[arg] += gv;
                }
              }
        } else if constexpr (std::is_same_v<Op, avg_pool_op>) {
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
template <std::size_t KH, std::size_t KW, std::size_t SH = KH, std::size_t SW = KW, std::size_t PT = 0,
          std::size_t PL = 0, std::size_t PB = PT, std::size_t PR = PL>
struct avg_pool_hw {
  template <Shape In, class T = float>
  using bind = pool_layer<In, KH, avg_pool_op, T, KW, SH, SW, PT, PL, PB, PR>;
};
template <std::size_t KH, std::size_t KW, std::size_t SH = KH, std::size_t SW = KW, std::size_t PT = 0,
          std::size_t PL = 0, std::size_t PB = PT, std::size_t PR = PL>
struct max_pool_hw {
  template <Shape In, class T = float>
  using bind = pool_layer<In, KH, max_pool_op, T, KW, SH, SW, PT, PL, PB, PR>;
};

}  // namespace staticnn
