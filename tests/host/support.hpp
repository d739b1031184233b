#pragma once
// Helpers shared by the host tests: random fills, relative errors and byte-exact network
// comparison. Nothing here computes an expected value; tests derive those themselves.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "staticnn/core/concepts.hpp"
#include "staticnn/core/sequential.hpp"
#include "staticnn/train/rng.hpp"

namespace test_support {

template <class Range>
void fill_uniform(Range& r, staticnn::train::rng& g, double lo, double hi) {
  for (auto& v : r) v = static_cast<std::remove_reference_t<decltype(v)>>(g.uniform(lo, hi));
}

// count values spaced `step` apart (no two equal, none zero), centred on 0, in random order:
// inputs for max_pool and relu whose finite differences cannot cross a tie or a kink.
inline std::vector<double> distinct_values(std::size_t count, double step, staticnn::train::rng& g) {
  std::vector<double> v(count);
  for (std::size_t i = 0; i < count; ++i)
    v[i] = (static_cast<double>(i) + 0.5 - static_cast<double>(count) / 2) * step;
  g.shuffle(v.begin(), v.end());
  return v;
}

// |a - b| relative to the larger magnitude; below `floor` the error counts as absolute, so
// gradients that are zero up to round-off do not produce huge relative errors.
inline double rel_error(double a, double b, double floor) {
  return std::abs(a - b) / std::max({std::abs(a), std::abs(b), floor});
}

// Every parameter and state value of a network, as bytes, in the network's flat order.
template <staticnn::Network Net>
std::vector<unsigned char> network_bytes(const Net& net) {
  using T = typename Net::value_type;
  std::vector<unsigned char> out((Net::param_count + Net::state_count) * sizeof(T));
  std::size_t at = 0;
  auto append = [&](const auto& span) {
    if (span.size_bytes() == 0) return;  // memcpy from an empty span's null data() is undefined
    std::memcpy(out.data() + at, span.data(), span.size_bytes());
    at += span.size_bytes();
  };
  net.for_each_layer([&](auto, const auto& layer) {
    staticnn::for_each_param_span(layer, append);
    staticnn::for_each_state_span(layer, append);
  });
  return out;
}

}  // namespace test_support
