#pragma once
// network<Layers...>: bound layers run in order; each layer's input shape must equal the previous
// layer's output shape. sequential<In, Specs...> binds layer specs top-down, inferring every
// shape from In, and is a network. The object holds the layers' parameters and nothing else.
#include <algorithm>
#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "concepts.hpp"
#include "shape.hpp"
#include "tensor.hpp"

namespace staticnn {

namespace detail {
// Instantiated for every pair of neighbouring layers; a mismatch names the layer index, the
// layer and both shapes in the first line of the compiler's message.
template <std::size_t Index, class Layer, class Expected, class Got>
struct check_layer_input {
  static_assert(std::is_same_v<Expected, Got>,
                "network: layer input shape (Expected) differs from the previous layer's output (Got)");
  static constexpr bool ok = true;
};

template <class T, class... Ls>
struct type_list {};

template <class T, class In, class... Specs>
struct bind_chain;
template <class T, class In>
struct bind_chain<T, In> {
  template <class... Done>
  using apply = type_list<T, Done...>;
};
}  // namespace detail

template <Layer... Ls>
struct network;

template <class Net>
concept Network = requires {
  typename Net::in_shape;
  typename Net::out_shape;
  { Net::depth } -> std::convertible_to<std::size_t>;
};

template <Layer... Ls>
struct network {
  static_assert(sizeof...(Ls) > 0, "network: needs at least one layer");
  static constexpr std::size_t depth = sizeof...(Ls);
  template <std::size_t I>
  using layer_type = std::tuple_element_t<I, std::tuple<Ls...>>;
  using value_type = typename layer_type<0>::value_type;
  using in_shape = typename layer_type<0>::in_shape;
  using out_shape = typename layer_type<depth - 1>::out_shape;
  static_assert((std::is_same_v<typename Ls::value_type, value_type> && ...),
                "network: all layers must use one value type");

 private:
  template <std::size_t... I>
  static constexpr bool check_connections(std::index_sequence<I...>) {
    return (detail::check_layer_input<I + 1, layer_type<I + 1>, typename layer_type<I + 1>::in_shape,
                                      typename layer_type<I>::out_shape>::ok &&
            ... && true);
  }
  static_assert(check_connections(std::make_index_sequence<depth - 1>{}));

  template <class F>
  static constexpr auto offsets(F count) {
    std::array<std::size_t, depth + 1> o{};
    std::size_t i = 0;
    ((o[i + 1] = o[i] + count(std::type_identity<Ls>{}), ++i), ...);
    return o;
  }

 public:
  // Offsets of each layer's parameters (and state) in the network's flat parameter order.
  static constexpr auto param_offset = offsets([](auto t) { return decltype(t)::type::param_count; });
  static constexpr auto state_offset = offsets([](auto t) { return decltype(t)::type::state_count; });
  static constexpr std::size_t param_count = param_offset[depth];
  static constexpr std::size_t state_count = state_offset[depth];
  // Largest intermediate activation (inputs of layers 1..depth-1): inference ping-pongs two.
  static constexpr std::size_t max_hidden_size = std::max({std::size_t{1}, Ls::in_shape::size...});
  static constexpr std::size_t workspace_size = 2 * max_hidden_size;

  std::tuple<Ls...> layers;

  template <std::size_t I>
  constexpr auto& layer() { return std::get<I>(layers); }
  template <std::size_t I>
  constexpr const auto& layer() const { return std::get<I>(layers); }

  // f(std::integral_constant<size_t, I>, layer) for each layer in order.
  template <class F>
  constexpr void for_each_layer(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}, std::get<I>(layers)), ...);
    }(std::make_index_sequence<depth>{});
  }
  template <class F>
  constexpr void for_each_layer(F&& f) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}, std::get<I>(layers)), ...);
    }(std::make_index_sequence<depth>{});
  }

  // f(std::type_identity<L>) for each layer type in order (no object needed).
  template <class F>
  static constexpr void for_each_layer_type(F&& f) {
    (f(std::type_identity<Ls>{}), ...);
  }

  // Inference on one sample, using `ws` for intermediate activations.
  constexpr void forward(cview<value_type, in_shape::size> x, view<value_type, out_shape::size> y,
                         view<value_type, workspace_size> ws) const {
    const value_type* src = x.data();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((src = forward_one<I>(src, y.data(), ws.data())), ...);
    }(std::make_index_sequence<depth>{});
  }
  // Inference on one sample with the workspace on the stack (2 * max_hidden_size values).
  constexpr void forward(cview<value_type, in_shape::size> x, view<value_type, out_shape::size> y) const {
    std::array<value_type, workspace_size> ws;
    forward(x, y, ws);
  }

 private:
  template <std::size_t I>
  constexpr const value_type* forward_one(const value_type* src, value_type* out, value_type* ws) const {
    using L = layer_type<I>;
    value_type* dst = (I + 1 == depth) ? out : ws + (I % 2) * max_hidden_size;
    std::get<I>(layers).forward(cview<value_type, L::in_shape::size>(src, L::in_shape::size),
                                view<value_type, L::out_shape::size>(dst, L::out_shape::size));
    return dst;
  }
};

namespace detail {
template <class T, class In, class Spec, class... Rest>
struct bind_chain<T, In, Spec, Rest...> {
  using layer = typename Spec::template bind<In, T>;
  template <class... Done>
  using apply = typename bind_chain<T, typename layer::out_shape, Rest...>::template apply<Done..., layer>;
};
template <class List>
struct to_network;
template <class T, class... Ls>
struct to_network<type_list<T, Ls...>> {
  using type = network<Ls...>;
};
}  // namespace detail

// Binds specs in order from the input shape: basic_sequential<double, shape<1, 28, 28>, ...>.
template <class T, Shape In, class... Specs>
using basic_sequential =
    typename detail::to_network<typename detail::bind_chain<T, In, Specs...>::template apply<>>::type;

template <Shape In, class... Specs>
using sequential = basic_sequential<float, In, Specs...>;

}  // namespace staticnn
