#pragma once
// relu6: min(max(x, 0), 6) elementwise (MobileNet's activation), an activation_layer like relu.
// The derivative, from the output y, is 1 for 0 < y < 6 and 0 elsewhere (at the kinks too).
#include "activation.hpp"

namespace staticnn {

struct relu6_op {
  static constexpr const char* name = "relu6";
  static constexpr bool non_decreasing = true;  // a <= b implies f(a) <= f(b)
  template <class T>
  static T f(T x) { return x > T(0) ? (x < T(6) ? x : T(6)) : T(0); }
  template <class T>
  static T df(T y) { return y > T(0) && y < T(6) ? T(1) : T(0); }
};
using relu6 = activation<relu6_op>;

}  // namespace staticnn
