#pragma once
// flatten: C x H x W -> shape<C*H*W>, same values in the same (CHW) order.
#include <algorithm>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"

namespace staticnn {

template <Shape In, class T>
struct flatten_layer {
  using value_type = T;
  static constexpr const char* name = "flatten";
  using in_shape = In;
  using out_shape = shape<In::size>;
  static constexpr std::size_t param_count = 0, state_count = 0;
  // forward copies x to y unchanged: a network reads the input in place instead (core/sequential.hpp).
  static constexpr bool identity_forward = true;

  void forward(cview<T, In::size> x, view<T, In::size> y) const { std::copy(x.begin(), x.end(), y.begin()); }

  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, cache_type&, std::size_t n, E&) {
    std::copy_n(x.ptr, n * In::size, y.ptr);
  }
  template <Executor E>
  void backward(batch_view<In, const T>, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, 0>, cache_type&, std::size_t n, E&) const {
    if (dx.ptr != nullptr) std::copy_n(dy.ptr, n * In::size, dx.ptr);
  }
};

struct flatten {
  template <Shape In, class T = float>
  using bind = flatten_layer<In, T>;
};

}  // namespace staticnn
