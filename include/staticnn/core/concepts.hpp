#pragma once
// What a layer is: shapes in and out, counts of trainable parameters and of inference state
// (e.g. BatchNorm running statistics), and an inference forward on one sample. Layers with
// parameters hold them in `std::array params` (and `state`), so generic code loops once.
#include <concepts>
#include <cstddef>
#include <span>
#include <type_traits>

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

// A layer made of networks (residual_layer): `static constexpr bool composite = true`,
// for_each_branch(f), calling f on each of its networks in its parameter order, and
// for_each_branch_type(f), calling f(std::type_identity<Network>) in the same order. Its parameters
// and state are its networks' layers' in that order, not one array: visit them with
// for_each_param_span / for_each_state_span, which work on every layer.
template <class L>
concept CompositeLayer = Layer<L> && requires {
  requires L::composite;
  L::for_each_branch_type([](auto) {});
};

// f(span) on each contiguous run of the layer's parameters (state), in the network's flat order:
// one span for a plain layer (also when empty), one per layer inside a composite layer.
template <Layer L, class F>
constexpr void for_each_param_span(L& l, F&& f) {
  if constexpr (CompositeLayer<std::remove_const_t<L>>)
    l.for_each_branch([&](auto& branch) { branch.for_each_layer([&](auto, auto& sub) { for_each_param_span(sub, f); }); });
  else
    f(param_span(l));
}
template <Layer L, class F>
constexpr void for_each_state_span(L& l, F&& f) {
  if constexpr (CompositeLayer<std::remove_const_t<L>>)
    l.for_each_branch([&](auto& branch) { branch.for_each_layer([&](auto, auto& sub) { for_each_state_span(sub, f); }); });
  else
    f(state_span(l));
}

// What a training step keeps for a layer between forward_train and backward: the layer's
// `batch_cache<B>` for minibatches of up to B samples where it has one (a composite layer keeps
// its inner activations), else its `cache_type`.
template <class L, std::size_t B>
struct layer_cache {
  using type = typename L::cache_type;
};
template <class L, std::size_t B>
  requires requires { typename L::template batch_cache<B>; }
struct layer_cache<L, B> {
  using type = typename L::template batch_cache<B>;
};
template <class L, std::size_t B>
using layer_cache_t = typename layer_cache<L, B>::type;

// Layers with running statistics a training cache covers: 1 for a cache with a
// `running_momentum` (batchnorm), a composite layer's cache's `running_statistics_layers`.
// set_running_momentum / reset_running_momentum (the layer's default) set their update weight.
template <class C>
constexpr std::size_t running_statistics_in() {
  if constexpr (requires { { C::running_statistics_layers } -> std::convertible_to<std::size_t>; })
    return C::running_statistics_layers;
  else return requires(C& c) { c.running_momentum; } ? 1 : 0;
}
template <class C>
void set_running_momentum(C& c, double m) {
  if constexpr (requires { c.set_running_momentum(m); }) c.set_running_momentum(m);
  else if constexpr (requires { c.running_momentum; }) c.running_momentum = m;
}
template <class C>
void reset_running_momentum(C& c) {
  if constexpr (requires { c.reset_running_momentum(); }) c.reset_running_momentum();
  else if constexpr (requires { c.running_momentum; }) c.running_momentum = C{}.running_momentum;
}

}  // namespace staticnn
