#pragma once
// What a layer is: shapes in and out, counts of trainable parameters and of inference state
// (e.g. BatchNorm running statistics), and an inference forward on one sample. Layers with
// parameters hold them in `std::array params` (and `state`), so generic code loops once.
#include <concepts>
#include <cstddef>
#include <span>

#include "shape.hpp"
#include "tensor.hpp"

namespace staticnn {

template <class L>
concept Layer = Shape<typename L::in_shape> && Shape<typename L::out_shape> && requires {
  typename L::value_type;
  { L::name } -> std::convertible_to<const char*>;
  { L::param_count } -> std::convertible_to<std::size_t>;
  { L::state_count } -> std::convertible_to<std::size_t>;
} && requires(const L& l, cview<typename L::value_type, L::in_shape::size> x,
              view<typename L::value_type, L::out_shape::size> y) { l.forward(x, y); };

// A layer spec (conv2d<6, 5>) becomes a layer once it knows its input shape and value type.
template <class Spec, class In, class T>
concept LayerSpec = Shape<In> && Layer<typename Spec::template bind<In, T>>;

// Views of a layer's parameters and state; empty for layers that have none.
template <Layer L>
constexpr auto param_span(L& l) {
  if constexpr (L::param_count > 0) return std::span<typename L::value_type, L::param_count>(l.params);
  else return std::span<typename L::value_type, 0>();
}
template <Layer L>
constexpr auto param_span(const L& l) {
  if constexpr (L::param_count > 0) return std::span<const typename L::value_type, L::param_count>(l.params);
  else return std::span<const typename L::value_type, 0>();
}
template <Layer L>
constexpr auto state_span(L& l) {
  if constexpr (L::state_count > 0) return std::span<typename L::value_type, L::state_count>(l.state);
  else return std::span<typename L::value_type, 0>();
}
template <Layer L>
constexpr auto state_span(const L& l) {
  if constexpr (L::state_count > 0) return std::span<const typename L::value_type, L::state_count>(l.state);
  else return std::span<const typename L::value_type, 0>();
}

}  // namespace staticnn
