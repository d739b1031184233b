#pragma once
// A network's signature: one line per layer, "name in_shape -> out_shape params state", e.g.
// "conv2d 1x28x28 -> 6x24x24 156 0". Checkpoints store it, so loading into another model type
// fails with both signatures shown. A composite layer's line is followed by its networks' lines,
// indented by two spaces ("  shortcut " before the second network's).
#include <cstddef>
#include <string>

#include "../core/sequential.hpp"

namespace staticnn::io {

template <Shape S>
std::string shape_string() {
  if constexpr (S::rank == 3)
    return std::to_string(S::channels) + "x" + std::to_string(S::height) + "x" + std::to_string(S::width);
  else
    return std::to_string(S::size);
}

// A layer with a rectangular window (kernel, strides or padding differing between rows and
// columns or sides) names it, " window KHxKW stride SHxSW pad top,left,bottom,right": two such
// layers can share shapes and parameter counts. Square windows add nothing (older checkpoints load).
template <class L>
std::string window_string() {
  if constexpr (requires { requires !L::square; })
    return " window " + std::to_string(L::kernel_h) + "x" + std::to_string(L::kernel_w) + " stride " +
           std::to_string(L::stride_h) + "x" + std::to_string(L::stride_w) + " pad " + std::to_string(L::pad_top) + "," +
           std::to_string(L::pad_left) + "," + std::to_string(L::pad_bottom) + "," + std::to_string(L::pad_right);
  else
    return "";
}

template <Network Net>
std::string signature(const std::string& indent = "") {
  std::string s;
  Net::for_each_layer_type([&](auto t) {
    using L = typename decltype(t)::type;
    s += indent + std::string(L::name) + " " + shape_string<typename L::in_shape>() + " -> " +
         shape_string<typename L::out_shape>() + " " + std::to_string(L::param_count) + " " +
         std::to_string(L::state_count) + window_string<L>() + "\n";
    if constexpr (CompositeLayer<L>) {
      const char* branch = "  ";
      L::for_each_branch_type([&](auto b) {
        s += signature<typename decltype(b)::type>(indent + branch);
        branch = "  shortcut ";
      });
    }
  });
  return s;
}

}  // namespace staticnn::io
