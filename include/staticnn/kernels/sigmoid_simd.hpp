#pragma once
// Host sigmoid over an array with explicit vectors: y = 1 / (1 + exp(-x)), exp as kernels/exp.hpp
// computes it (its constants, reduction and polynomial, the same clamps and NaN rule), lane by
// lane in VB-byte vectors.
// The scalar loop of kernels/sigmoid.hpp does not vectorise: its clamps are nested conditionals,
// which GCC will not turn into selects while FP comparisons may trap. Written with vector selects,
// a float array runs 8 (AVX2) or 16 (AVX-512) values at a time; the results equal the scalar
// kernel's up to the rounding of fused multiply-adds. Every float value, the tail's too, runs
// through the same vector code, so y[i] depends on x[i] and the instruction set only, never on
// n or i (batched inference relies on it: an image's logits do not depend on its place in the
// batch). Other types run the scalar code.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dispatch.hpp"
#include "exp.hpp"
#include "gemm.hpp"
#include "sigmoid.hpp"

namespace staticnn::kernels {

struct sigmoid_simd_kernel {
  // One vector of W values from x to y (they may alias), exactly as every lane of every vector
  // is computed.
  template <std::size_t VB>
  [[gnu::always_inline]] static void vector(const float* x, float* y) {
    using S = simd<float, VB>;
    using V = typename S::type;
    using C = exp_constants<float>;
    typedef std::int32_t I __attribute__((vector_size(VB)));
    const V lo = V{} + C::lo, hi = V{} + C::hi, zero = V{}, one = V{} + 1.0f;
    V v;
    S::load(v, x);
    const V t = -v;
    const V tc = t < lo ? lo : (t > hi ? hi : (t == t ? t : zero));  // fast_exp's clamp, as selects
    V k, r, p;
    exp_reduce<float>(tc, k, r);
    exp_poly_float(r, p);
    const V scale = (V)((__builtin_convertvector(k, I) + 127) << 23);
    const V e = t == t ? p * scale : t;
    S::store(y, one / (one + e));
  }

  template <std::size_t VB, class T>
  [[gnu::always_inline]] static void run(const T* x, T* y, std::size_t n) {
    if constexpr (std::is_same_v<T, float> && sizeof(float) == sizeof(std::int32_t)) {
      constexpr std::size_t W = simd<float, VB>::width;
      std::size_t i = 0;
      for (; i + W <= n; i += W) vector<VB>(x + i, y + i);
      if (i < n) {  // the tail through the same vector code, padded with zeros
        float buf[W] = {};
        for (std::size_t j = i; j < n; ++j) buf[j - i] = x[j];
        vector<VB>(buf, buf);
        for (std::size_t j = i; j < n; ++j) y[j] = buf[j - i];
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) y[i] = sigmoid(x[i]);
    }
  }
};

// y = sigmoid(x) for n values (x == y allowed), on the best instruction set of this CPU.
template <class T>
inline void sigmoid_simd(const T* x, T* y, std::size_t n) {
  run_best<sigmoid_simd_kernel>(x, y, n);
}

}  // namespace staticnn::kernels
