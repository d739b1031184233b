#pragma once
// conv2d<OutC, K, Stride, Pad>: y[o] = b[o] + sum_{c,ky,kx} w[o][c][ky][kx] * x[c][y*S+ky-P][x*S+kx-P]
// (zero padding). Input C x H x W; output OutC x ((H+2P-K)/S+1) x ((W+2P-K)/S+1).
// conv2d_hw<OutC, KH, KW, SH, SW, PT, PL, PB, PR>: the same with a KH x KW kernel, strides SH (rows)
// and SW (columns), and PT, PL, PB, PR rows/columns of zeros above, left, below and right
// (PB = PT, PR = PL by default): output OutC x ((PT+H+PB-KH)/SH+1) x ((PL+W+PR-KW)/SW+1).
// conv2d_same<OutC, KH, KW, SH, SW>: conv2d_hw with TFLite's 'same' padding for the input it binds to.
// conv2d is conv2d_hw's square case: one layer type, conv2d_layer, whose trailing parameters
// (the width, horizontal stride and the other three paddings) default to the square ones.
// params: weights OIHW (OutC*C*KH*KW) then bias (OutC), as PyTorch's Conv2d.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "conv_rows.hpp"
#include "../kernels/conv2d.hpp"
#include "../kernels/dispatch.hpp"
#include "../kernels/arm/pad_rows_vfp.hpp"
#include "../kernels/pad_rows.hpp"
#include "../kernels/vector.hpp"

namespace staticnn {

// K, Stride, Pad: the kernel's height, the vertical stride and the padding above; KW, SW, PadL,
// PadB, PadR: the kernel's width, the horizontal stride and the padding left, below and right.
template <Shape In, std::size_t OutC, std::size_t K, std::size_t Stride, std::size_t Pad, class T, std::size_t KW = K,
          std::size_t SW = Stride, std::size_t PadL = Pad, std::size_t PadB = Pad, std::size_t PadR = PadL>
struct conv2d_layer {
  static_assert(In::rank == 3, "conv2d: input must be a C x H x W map (got a flat shape)");
  static_assert(OutC > 0 && K > 0 && KW > 0 && Stride > 0 && SW > 0, "conv2d: OutC, K and Stride must be positive");
  static constexpr std::size_t C = In::channels, PH = Pad + In::height + PadB, PW = PadL + In::width + PadR;
  static_assert(K <= PH && KW <= PW, "conv2d: kernel larger than the (padded) input");

  using value_type = T;
  static constexpr const char* name = "conv2d";
  using in_shape = In;
  using out_shape = shape<OutC, (PH - K) / Stride + 1, (PW - KW) / SW + 1>;
  static constexpr std::size_t kernel_h = K, kernel_w = KW, stride_h = Stride, stride_w = SW;
  static constexpr std::size_t pad_top = Pad, pad_left = PadL, pad_bottom = PadB, pad_right = PadR;
  // A square kernel, one stride and the same padding on every side: conv2d<OutC, K, Stride, Pad>.
  static constexpr bool square = K == KW && Stride == SW && Pad == PadL && Pad == PadB && Pad == PadR;
  static constexpr std::size_t out_channels = OutC, kernel = K, stride = Stride, padding = Pad;
  // The kernel inference runs (the plan prints it), chosen by kernels/conv2d.hpp's shape trait
  // (a rectangular kernel or stride runs the portable one, or on MVE targets the 4-channel kernel).
  static constexpr const char* kernel_name =
      kernels::conv2d_runs_mve_channels<C, PH, PW, OutC, K, Stride, T, KW, SW>()
          ? "arm_mve conv (4 channels a vector, vfma by scalar)"
      : square && kernels::conv2d_runs_mve<C, PH, PW, K, Stride, T>() ? "arm_mve conv (16 outputs in 4 vectors, vfma by scalar)"
      : kernels::conv2d_runs_pointwise_vfp_channels<C, PH, PW, OutC, K, Stride, T, KW, SW>()
          ? "arm_vfp conv pointwise (channels x pixels blocks, vfma)"
      : square && kernels::conv2d_runs_pointwise_vfp<C, K, Stride, T>() ? "arm_vfp conv pointwise (12 pixels, 4 channels a load)"
      : square && kernels::conv2d_runs_vfp<C, PH, PW, K, Stride, T>()   ? "arm_vfp conv (register-blocked rows)"
                                                                        : "portable";
  static constexpr std::size_t fan_in = C * K * KW;
  static constexpr std::size_t weight_count = OutC * fan_in;
  static constexpr std::size_t param_count = weight_count + OutC, state_count = 0;

  std::array<T, param_count> params{};

  constexpr std::span<T, weight_count> weights() { return std::span(params).template first<weight_count>(); }
  constexpr std::span<const T, weight_count> weights() const { return std::span(params).template first<weight_count>(); }
  constexpr std::span<T, OutC> bias() { return std::span(params).template last<OutC>(); }
  constexpr std::span<const T, OutC> bias() const { return std::span(params).template last<OutC>(); }

  // Inference. A padded convolution runs an output row at a time on a window of the padded input
  // (pack_window): the unpadded kernel on K padded rows, never a padded copy of the whole input.
  void forward(cview<T, In::size> x, view<T, out_shape::size> y) const {
    if constexpr (PH == In::height && PW == In::width) {
      kernels::conv2d_forward<C, PH, PW, OutC, K, Stride, T, KW, SW>(x.data(), params.data(),
                                                                     params.data() + weight_count, y.data());
    } else {
      conv_forward_by_rows(*this, x.data(), y.data());
    }
  }

  // Row streaming (core/sequential.hpp, detail::row_streamable_conv): output rows of channel_group
  // channels at a time from a window of the padded input; the same values forward computes. The
  // network's streamed stages take square layers; a rectangular one runs forward.
  static constexpr bool row_streamable = square;
  // 1, or on MVE targets the channels its 4-channel kernel takes at once (kernels/conv2d.hpp).
  static constexpr std::size_t channel_group = kernels::conv2d_channel_group<C, PH, PW, OutC, K, Stride, T, KW, SW>();
  // Output rows [oy0, oy0 + rows) of channels [oc, oc + channel_group) into y (channel_group x
  // rows x OW), from x: Hx rows of the padded
  // input, C x Hx x PW (output row r reads x rows r*S .. r*S + K - 1). Unpadded, x is the input
  // itself (Hx = H).
  template <std::size_t Hx = PH>
  void forward_channel_rows(const T* x, T* y, std::size_t oc, std::size_t oy0, std::size_t rows) const {
    kernels::conv2d_group_rows<C, Hx, PW, OutC, K, Stride, T, KW, SW, channel_group>(
        x, params.data(), params.data() + weight_count, y, oc, oy0, rows);
  }
  // Rows [iy0, iy0 + R) of the zero-padded input (padded coordinates), every channel, into
  // window (C x R x PW). Float on VFP targets: kernels/arm/pad_rows_vfp.hpp (rows by VLDM/VSTM).
  template <std::size_t R>
  constexpr void pack_window(const T* x, T* window, std::size_t iy0) const {
    if constexpr (std::is_same_v<T, float> && kernels::target::arm_vfp) {
      if (!std::is_constant_evaluated())
        return kernels::arm::pad_rows_f32<C, In::height, In::width, Pad, R, PadL, PadR>(x, window, iy0);
    }
    kernels::pad_rows<C, In::height, In::width, Pad, R, T, PadL, PadR>(x, window, iy0, T(0));
  }
  // Output rows [oy0, oy0 + rows) of every channel, unpadded (the same values as forward).
  void forward_rows(const T* x, T* y, std::size_t oy0, std::size_t rows) const
    requires(PH == In::height && PW == In::width)
  {
    kernels::conv2d_forward_rows<C, PH, PW, OutC, K, Stride, T, KW, SW>(x, params.data(), params.data() + weight_count,
                                                                        y, oy0, rows);
  }

  // n samples (host batched inference, and each thread's share of forward_train): per sample
  // im2col and a GEMM; forward's values up to float rounding (another summation order). Runs in
  // the caller's thread.
  void forward(batch_view<In, const T> x, batch_view<out_shape, T> y, std::size_t n) const {
    std::array<T, CKK * P> col;
    for (std::size_t b = 0; b < n; ++b) {
      im2col(x[b].data(), col.data());
      T* yb = y[b].data();
      for (std::size_t o = 0; o < OutC; ++o) std::fill_n(yb + o * P, P, params[weight_count + o]);
      kernels::gemm<P, CKK, P, P, true>(OutC, CKK, params.data(), col.data(), yb);
    }
  }

  // Training: forward over n samples; backward sets grad and, if dx.ptr, the input gradient.
  // Both run as matrix products over im2col views of each sample (kernels/gemm.hpp):
  //   y = W col + b,   dW = sum_b dy_b col_b^T,   dcol = W^T dy_b -> dx by col2im.
  static constexpr std::size_t P = out_shape::height * out_shape::width, CKK = fan_in;
  struct cache_type {
    std::array<T, grad_shards * param_count> partial{};  // per-shard gradient sums
    std::array<T, weight_count> wt{};                    // W transposed, CKK x OutC
  };
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type&, std::size_t n,
                     E& ex) {
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      forward(batch_view<In, const T>{x[b0].data()}, batch_view<out_shape, T>{y[b0].data()}, b1 - b0);
    }));
  }
  template <Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, cache_type& cache, std::size_t n, E& ex) const {
    if (dx.ptr != nullptr)
      for (std::size_t o = 0; o < OutC; ++o)
        for (std::size_t k = 0; k < CKK; ++k) cache.wt[k * OutC + o] = params[o * CKK + k];
    // One pass over the samples, shard by shard: the weight gradient, then (reusing col) dx.
    ex.parallel_for(grad_shards, kernels::on_best_isa([&](std::size_t s0, std::size_t s1) {
      std::array<T, CKK * P> col;
      for (std::size_t s = s0; s < s1; ++s) {
        T* part = cache.partial.data() + s * param_count;
        std::fill_n(part, param_count, T(0));
        for (std::size_t b = shard_begin(s, n); b < shard_begin(s + 1, n); ++b) {
          im2col(x[b].data(), col.data());
          kernels::gemm_nt<CKK, P, P, P, CKK, true>(OutC, dy[b].data(), col.data(), part);
          for (std::size_t o = 0; o < OutC; ++o) part[weight_count + o] += kernels::sum<P>(dy[b].data() + o * P);
          if (dx.ptr == nullptr) continue;
          kernels::gemm<P, OutC, P, P, false>(CKK, OutC, cache.wt.data(), dy[b].data(), col.data());
          col2im(col.data(), dx[b].data());
        }
      }
    }));
    sum_shards(ex, cache.partial.data(), grad);
  }

 private:
  // col[k][p] = x[c][oy*S + ky - Pad][ox*SW + kx - PadL] with k = (c*K + ky)*KW + kx and
  // p = oy*OW + ox; zero where the window hangs over the padding.
  static void im2col(const T* x, T* col) {
    constexpr std::size_t OH = out_shape::height, OW = out_shape::width, H = In::height, W = In::width;
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ky = 0; ky < K; ++ky)
        for (std::size_t kx = 0; kx < KW; ++kx) {
          T* row = col + ((c * K + ky) * KW + kx) * P;
          for (std::size_t oy = 0; oy < OH; ++oy) {
            const std::size_t iy = oy * Stride + ky;  // in padded coordinates
            if constexpr (unpadded_stride1) {  // the common case: a contiguous run
              std::copy_n(x + (c * H + iy) * W + kx, OW, row + oy * OW);
              continue;
            }
            for (std::size_t ox = 0; ox < OW; ++ox) {
              const std::size_t ix = ox * SW + kx;
              const bool inside = iy >= Pad && iy < H + Pad && ix >= PadL && ix < W + PadL;
              row[oy * OW + ox] = inside ? x[(c * H + iy - Pad) * W + ix - PadL] : T(0);
            }
          }
        }
  }
  // dx = the sum of dcol's entries over every (k, p) that im2col read each input from.
  static void col2im(const T* dcol, T* dx) {
    constexpr std::size_t OH = out_shape::height, OW = out_shape::width, H = In::height, W = In::width;
    std::fill_n(dx, In::size, T(0));
    if constexpr (unpadded_stride1) {
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t ky = 0; ky < K; ++ky)
          for (std::size_t kx = 0; kx < KW; ++kx)
            for (std::size_t oy = 0; oy < OH; ++oy) {
              const T* d = dcol + ((c * K + ky) * KW + kx) * P + oy * OW;
              T* row = dx + (c * H + oy + ky) * W + kx;
              for (std::size_t ox = 0; ox < OW; ++ox) row[ox] += d[ox];
            }
      return;
    }
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ky = 0; ky < K; ++ky)
        for (std::size_t kx = 0; kx < KW; ++kx) {
          const T* d = dcol + ((c * K + ky) * KW + kx) * P;
          for (std::size_t oy = 0; oy < OH; ++oy) {
            const std::size_t iy = oy * Stride + ky;
            if (iy < Pad || iy >= H + Pad) continue;
            T* row = dx + (c * H + iy - Pad) * W;
            for (std::size_t ox = 0; ox < OW; ++ox) {
              const std::size_t ix = ox * SW + kx;
              if (ix >= PadL && ix < W + PadL) row[ix - PadL] += d[oy * OW + ox];
            }
          }
        }
  }
  static constexpr bool unpadded_stride1 = Pad == 0 && PadL == 0 && PadB == 0 && PadR == 0 && Stride == 1 && SW == 1;
};

template <std::size_t OutC, std::size_t K, std::size_t Stride = 1, std::size_t Pad = 0>
struct conv2d {
  template <Shape In, class T = float>
  using bind = conv2d_layer<In, OutC, K, Stride, Pad, T>;
};

template <std::size_t OutC, std::size_t KH, std::size_t KW, std::size_t SH = 1, std::size_t SW = SH, std::size_t PT = 0,
          std::size_t PL = 0, std::size_t PB = PT, std::size_t PR = PL>
struct conv2d_hw {
  template <Shape In, class T = float>
  using bind = conv2d_layer<In, OutC, KH, SH, PT, T, KW, SW, PL, PB, PR>;
};

// TFLite's 'same' padding of one dimension (tensorflow/lite/kernels/padding.h): out = ceil(n / s)
// values, total = max((out - 1) s + k - n, 0) zeros, the smaller half before, the rest after.
constexpr std::size_t same_padding_total(std::size_t n, std::size_t k, std::size_t s) {
  const std::size_t out = (n + s - 1) / s, need = (out - 1) * s + k;
  return need > n ? need - n : 0;
}
template <std::size_t OutC, std::size_t KH, std::size_t KW, std::size_t SH = 1, std::size_t SW = SH>
struct conv2d_same {
  template <Shape In, class T = float>
  using bind = conv2d_layer<In, OutC, KH, SH, same_padding_total(In::height, KH, SH) / 2, T, KW, SW,
                            same_padding_total(In::width, KW, SW) / 2,
                            same_padding_total(In::height, KH, SH) - same_padding_total(In::height, KH, SH) / 2,
                            same_padding_total(In::width, KW, SW) - same_padding_total(In::width, KW, SW) / 2>;
};

}  // namespace staticnn
