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

template <Network Net>
std::string signature(const std::string& indent = "") {
  std::string s;
  Net::for_each_layer_type([&](auto t) {
    using L = typename decltype(t)::type;
    s += indent + std::string(L::name) + " " + shape_string<typename L::in_shape>() + " -> " +
         shape_string<typename L::out_shape>() + " " + std::to_string(L::param_count) + " " +
         std::to_string(L::state_count) + "\n";
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
