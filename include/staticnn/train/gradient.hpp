#pragma once
// param_gradient<Net>: dL/dparams of a network, one flat array in the network's parameter order
// (layer I at Net::param_offset[I]), which is what sgd and the trainer loop over. grad.layer<I>()
// views layer I's slice under the names the layer gives its own parameters:
// grad.layer<I>().weights()[k] is dL/d net.layer<I>().weights()[k], and so are bias(), gamma()
// and beta() where the layer has them; grad.layer<I>().params[k] is dL/d net.layer<I>().params[k].
#include <array>
#include <cstddef>
#include <span>
#include <utility>

#include "../core/concepts.hpp"
#include "../core/sequential.hpp"

namespace staticnn::train {

namespace detail {
// Where the span that View (const L& -> a span into l.params) returns starts within params,
// read from the layer's own accessor on a compile-time object, so the two views cannot disagree.
template <class L, class View>
constexpr std::size_t view_offset() {
  const L probe{};
  return static_cast<std::size_t>(View{}(probe).data() - probe.params.data());
}
}  // namespace detail

// The gradient of one layer L's parameters (V: T, or const T for a read-only view).
template <Layer L, class V>
struct layer_gradient {
  std::span<V, L::param_count> params;

  constexpr auto weights() const
    requires requires(const L& l) { l.weights(); }
  {
    return slice([](const L& l) { return l.weights(); });
  }
  constexpr auto bias() const
    requires requires(const L& l) { l.bias(); }
  {
    return slice([](const L& l) { return l.bias(); });
  }
  constexpr auto gamma() const
    requires requires(const L& l) { l.gamma(); }
  {
    return slice([](const L& l) { return l.gamma(); });
  }
  constexpr auto beta() const
    requires requires(const L& l) { l.beta(); }
  {
    return slice([](const L& l) { return l.beta(); });
  }

 private:
  template <class View>
  constexpr auto slice(View) const {
    constexpr std::size_t extent = decltype(View{}(std::declval<const L&>()))::extent;
    return params.template subspan<detail::view_offset<L, View>(), extent>();
  }
};

template <Network Net>
struct param_gradient : std::array<typename Net::value_type, Net::param_count> {
  using T = typename Net::value_type;

  template <std::size_t I>
  constexpr layer_gradient<typename Net::template layer_type<I>, T> layer() {
    return {slice_of<I, T>(this->data())};
  }
  template <std::size_t I>
  constexpr layer_gradient<typename Net::template layer_type<I>, const T> layer() const {
    return {slice_of<I, const T>(this->data())};
  }

 private:
  template <std::size_t I, class V>
  static constexpr auto slice_of(V* flat) {
    constexpr std::size_t count = Net::template layer_type<I>::param_count;
    return std::span<V, count>(flat + Net::param_offset[I], count);
  }
};

}  // namespace staticnn::train
