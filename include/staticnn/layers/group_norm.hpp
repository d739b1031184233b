#pragma once
// group_norm<G>: the C channels of each sample form G groups of C / G consecutive channels; each
// group is normalised over its (C / G) x H x W values with their mean and biased variance,
// eps 1e-5, then a per-channel affine:
//   y[c][p] = gamma[c] * (x[c][p] - mean[g(c)]) / sqrt(var[g(c)] + eps) + beta[c].
// PyTorch's GroupNorm(G, C, affine=True). G = 1 is layer_norm with per-channel gamma/beta; G = C
// is instance_norm. Flat inputs are N channels of 1 x 1. No running statistics.
// params: gamma (C) then beta (C); shape in = shape out.
#include <array>
#include <cstddef>
#include <span>

#include "../core/parallel.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "normalize.hpp"

namespace staticnn {

namespace detail {
// "group_norm<G>": the name carries G, so checkpoints of a network with other groups do not load.
template <std::size_t G>
struct group_norm_name {
  static constexpr auto text = [] {
    std::array<char, 40> s{};
    constexpr char prefix[] = "group_norm<";
    std::size_t n = 0;
    for (char c : prefix)
      if (c != '\0') s[n++] = c;
    char digits[20];
    std::size_t d = 0;
    for (std::size_t v = G; v > 0 || d == 0; v /= 10) digits[d++] = static_cast<char>('0' + v % 10);
    while (d > 0) s[n++] = digits[--d];
    s[n] = '>';
    return s;
  }();
};
}  // namespace detail

// Blocks of C / G channels; a bad G is reported by the static_assert below, not by the base.
template <Shape In, std::size_t G, class T>
struct group_norm_layer
    : detail::affine_norm_layer<In, T, (G > 0 && In::channels % G == 0 ? In::channels / G : 1) * In::spatial,
                                In::spatial> {
  static_assert(G > 0 && In::channels % G == 0,
                "group_norm: the channel count must be a multiple of G");
  static constexpr std::size_t groups = G;
  static constexpr const char* name = detail::group_norm_name<G>::text.data();
};

template <std::size_t G>
struct group_norm {
  template <Shape In, class T = float>
  using bind = group_norm_layer<In, G, T>;
};

}  // namespace staticnn
