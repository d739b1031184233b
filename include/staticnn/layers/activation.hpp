#pragma once
// Elementwise activations: sigmoid 1/(1+e^-x) (exp from kernels/exp.hpp, so loops vectorise),
// relu max(0, x), tanh. Shape in = shape out; the
// derivative is computed from the output y, so training keeps nothing extra.
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/dispatch.hpp"
#include "../kernels/exp.hpp"
#include "../kernels/arm/relu_vfp.hpp"
#include "../kernels/sigmoid.hpp"
#include "../kernels/sigmoid_simd.hpp"

namespace staticnn {

struct sigmoid_op {
  static constexpr const char* name = "sigmoid";
  static constexpr bool non_decreasing = true;  // a <= b implies f(a) <= f(b)
  template <class T>
  static T f(T x) { return kernels::sigmoid(x); }
  template <class T>
  static T df(T y) { return y * (T(1) - y); }
};
struct relu_op {
  static constexpr const char* name = "relu";
  static constexpr bool non_decreasing = true;  // a <= b implies f(a) <= f(b)
  template <class T>
  static T f(T x) { return x > T(0) ? x : T(0); }
  template <class T>
  static T df(T y) { return y > T(0) ? T(1) : T(0); }
};
struct tanh_op {
  static constexpr const char* name = "tanh";
  static constexpr bool non_decreasing = true;  // a <= b implies f(a) <= f(b)
  template <class T>
  static T f(T x) { return std::tanh(x); }
  template <class T>
  static T df(T y) { return T(1) - y * y; }
};

struct relu6_op;  // layers/relu6.hpp

template <Shape In, class Op, class T>
struct activation_layer {
  using value_type = T;
  // Non-decreasing: before a max pool it may run after it on the pooled values (core/sequential.hpp).
  static constexpr bool non_decreasing = requires { requires Op::non_decreasing; };
  // Whether ReLU runs kernels/arm/relu_vfp.hpp (float on Cortex-M VFP targets).
  static constexpr bool relu_runs_vfp = std::is_same_v<Op, relu_op> && kernels::target::arm_vfp && std::is_same_v<T, float>;
  // Whether ReLU6 runs kernels/arm/relu_vfp.hpp's relu6_f32 (float on VFP targets with DSP).
  static constexpr bool relu6_runs_vfp = std::is_same_v<Op, relu6_op> && kernels::target::arm_vfp &&
                                         kernels::target::arm_dsp && std::is_same_v<T, float>;
  // apply(p, n) is p's bits with a set sign bit's word cleared (relu_runs_vfp).
  static constexpr bool relu_by_sign_bit = relu_runs_vfp;
  // Whether tanh runs the VFP sigmoid kernel's tanh form (kernels/arm/sigmoid_vfp.hpp).
  static constexpr bool tanh_runs_vfp = std::is_same_v<Op, tanh_op> && kernels::sigmoid_runs_vfp<T>;
  static constexpr const char* name = Op::name;
  static constexpr const char* kernel_name =
      std::is_same_v<Op, sigmoid_op> && kernels::sigmoid_runs_mve<T>  ? "arm_mve sigmoid (4 lanes)"
      : std::is_same_v<Op, sigmoid_op> && kernels::sigmoid_runs_vfp<T> ? "arm_vfp sigmoid"
      : tanh_runs_vfp && kernels::sigmoid_runs_mve<T>                 ? "arm_mve tanh (sigmoid form, 4 lanes)"
      : tanh_runs_vfp                                                 ? "arm_vfp tanh (sigmoid form)"
      : relu_runs_vfp ? "arm_vfp relu (sign bits)"
      : relu6_runs_vfp ? "arm_vfp relu6 (bits: qadd, usat)"
                      : "portable";
  using in_shape = In;
  using out_shape = In;
  using op = Op;
  static constexpr std::size_t param_count = 0, state_count = 0;

  void forward(cview<T, In::size> x, view<T, In::size> y) const { run(x.data(), y.data(), In::size); }
  // n samples (host batched inference); sigmoid through the vectorised host kernel.
  void forward(batch_view<In, const T> x, batch_view<In, T> y, std::size_t n) const {
    if constexpr (std::is_same_v<Op, sigmoid_op>) kernels::sigmoid_simd(x.ptr, y.ptr, n * In::size);
    else run(x.ptr, y.ptr, n * In::size);
  }
  void apply(T* p, std::size_t n) const { run(p, p, n); }  // in place, as fused conv -> act -> pool runs it

  static void run(const T* x, T* y, std::size_t n) {
    if constexpr (std::is_same_v<Op, sigmoid_op>) kernels::sigmoid(x, y, n);  // the target's kernel
    else if constexpr (relu_runs_vfp) kernels::arm::relu_f32(x, y, n);
    else if constexpr (relu6_runs_vfp) kernels::arm::relu6_f32(x, y, n);
    else if constexpr (tanh_runs_vfp && kernels::sigmoid_runs_mve<T>) kernels::arm::tanh_mve(x, y, n);
    else if constexpr (tanh_runs_vfp) kernels::arm::tanh(x, y, n);
    else for (std::size_t i = 0; i < n; ++i) y[i] = Op::f(x[i]);
  }

  struct cache_type {};
  template <Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<In, T> y, cache_type&, std::size_t n, E& ex) {
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) forward(x[b], y[b]);
    }));
  }
  template <Executor E>
  void backward(batch_view<In, const T>, batch_view<In, const T> y, batch_view<In, const T> dy,
                batch_view<In, T> dx, std::span<T, 0>, cache_type&, std::size_t n, E& ex) const {
    if (dx.ptr == nullptr) return;
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b)
        for (std::size_t i = 0; i < In::size; ++i) dx[b][i] = dy[b][i] * Op::df(y[b][i]);
    }));
  }
};

template <class Op>
struct activation {
  template <Shape In, class T = float>
  using bind = activation_layer<In, Op, T>;
};
using sigmoid = activation<sigmoid_op>;
using relu = activation<relu_op>;
// The tanh spec is htan (dlib's name): under `using namespace staticnn;` an unqualified `tanh`
// is ambiguous with ::tanh from <math.h>, whatever kind of entity staticnn::tanh is.
// staticnn::tanh names the same spec for qualified use (sn::tanh).
using htan = activation<tanh_op>;
using tanh = htan;

}  // namespace staticnn
