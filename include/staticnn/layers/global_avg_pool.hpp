#pragma once
// global_avg_pool: the mean of each channel over the whole map, y[c] = sum_{i,j} x[c][i][j] / (H W).
// Input C x H x W; output the flat shape C (a dense layer can follow without flatten).
#include <algorithm>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/sum_vfp.hpp"
#include "../kernels/dispatch.hpp"
#include "../kernels/target.hpp"

namespace staticnn {

template <Shape In, class T>
struct global_avg_pool_layer {
  static_assert(In::rank == 3, "global_avg_pool: input must be a C x H x W map (got a flat shape)");
  static constexpr std::size_t C = In::channels, HW = In::height * In::width;

  using value_type = T;
  static constexpr const char* name = "global_avg_pool";
  // Float on VFP targets, maps of at least one VLDM's 16 values: the sums by kernels/arm/sum_vfp.hpp
  // (the same sums, in the same order; smaller maps are cheaper inline).
  static constexpr bool runs_vfp = std::is_same_v<T, float> && kernels::target::arm_vfp && HW >= 16;
  static constexpr const char* kernel_name = runs_vfp ? "arm_vfp mean (vldm, in-order sum)" : "portable mean";
  using in_shape = In;
  using out_shape = shape<C>;
  static constexpr std::size_t param_count = 0, state_count = 0;

  // Per channel: the values summed in order, then scaled by 1 / (H W).
  void forward(cview<T, In::size> x, view<T, C> y) const {
    for (std::size_t c = 0; c < C; ++c) {
      T s = T(0);
      if constexpr (runs_vfp) s = kernels::arm::sum_f32_vfp(x.data() + c * HW, HW);
      else
        for (std::size_t i = 0; i < HW; ++i) s += x[c * HW + i];
      y[c] = s * (T(1) / T(HW));
    }
  }

  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type&, std::size_t n, E& ex) {
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) forward(x[b], y[b]);
    }));
  }
  // dx[c][i][j] = dy[c] / (H W).
  template <Executor E>
  void backward(batch_view<In, const T>, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, 0>, cache_type&, std::size_t n, E& ex) const {
    if (dx.ptr == nullptr) return;
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b)
        for (std::size_t c = 0; c < C; ++c) std::fill_n(dx[b].data() + c * HW, HW, dy[b][c] * (T(1) / T(HW)));
    }));
  }
};

struct global_avg_pool {
  template <Shape In, class T = float>
  using bind = global_avg_pool_layer<In, T>;
};

}  // namespace staticnn
