#pragma once
// quantized_t<Net>: the int8 network type (quant::qnetwork) that quantize() makes of a folded
// float network type, layer by layer, except that a ReLU or ReLU6 right after a conv2d,
// depthwise_conv2d or dense is fused into it: that layer clamps its outputs (Clamp = true) and the
// activation becomes a qidentity_layer (TFLite's converter does the same); elsewhere it stays a
// 256-entry table. A residual block becomes a qresidual_layer of its quantized chains, and a ReLU
// after it becomes the clamp of its add. Firmware names its expected model with it, e.g.
// quant::quantized_t<folded_t<models::bn_lenet>>.
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/sequential.hpp"
#include "../fold/fold.hpp"
#include "../layers/activation.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/depthwise_conv2d.hpp"
#include "../layers/flatten.hpp"
#include "../layers/global_avg_pool.hpp"
#include "../layers/pool.hpp"
#include "../layers/relu6.hpp"
#include "../layers/residual.hpp"
#include "network.hpp"
#include "residual.hpp"

namespace staticnn::quant {

// The int8 layer type for a float layer type, as `type`; none for a layer without one. Clamp: the
// layer's outputs go through a fused ReLU's or ReLU6's clamp (conv2d, depthwise_conv2d, dense).
template <class L, bool Clamp = false>
struct quantized_layer {};
template <class In, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P, class T, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR,
          bool Clamp>
struct quantized_layer<conv2d_layer<In, OutC, K, S, P, T, KW, SW, PL, PB, PR>, Clamp> {
  using type = qconv2d_layer<In, OutC, K, S, P, Clamp, KW, SW, PL, PB, PR>;
};
template <class In, std::size_t N, class T, bool Clamp>
struct quantized_layer<dense_layer<In, N, T>, Clamp> {
  using type = qdense_layer<In, N, Clamp>;
};
template <class In, std::size_t K, std::size_t S, std::size_t P, class T, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR, bool Clamp>
struct quantized_layer<depthwise_conv2d_layer<In, K, S, P, T, KW, SW, PL, PB, PR>, Clamp> {
  using type = qdepthwise_conv2d_layer<In, K, S, P, Clamp, KW, SW, PL, PB, PR>;
};
template <class In, class T>
struct quantized_layer<global_avg_pool_layer<In, T>> {
  using type = qglobal_avg_pool_layer<In>;
};
template <class In, class Op, class T>
struct quantized_layer<activation_layer<In, Op, T>> {
  using type = qlookup_layer<In>;
};
template <class In, std::size_t K, class Op, class T, std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PT,
          std::size_t PL, std::size_t PB, std::size_t PR>
struct quantized_layer<pool_layer<In, K, Op, T, KW, SH, SW, PT, PL, PB, PR>> {
  using type = qpool_layer<In, K, Op, KW, SH, SW, PT, PL, PB, PR>;
};
template <class In, class T>
struct quantized_layer<flatten_layer<In, T>> {
  using type = flatten_layer<In, std::int8_t>;
};

// A residual block: both chains quantized as networks (the shortcut's identity stays the identity).
template <class N>
struct quantized_chain;
template <>
struct quantized_chain<identity_shortcut> {
  using type = identity_shortcut;
};
template <class In, class Chain, class Skip, bool Clamp>
struct quantized_layer<residual_layer<In, float, Chain, Skip>, Clamp> {
  using type = qresidual_layer<In, typename quantized_chain<Chain>::type, typename quantized_chain<Skip>::type, Clamp>;
};

// A layer type that has an int8 form; a network type all of whose layers have one.
template <class L>
concept HasInt8Form = requires { typename quantized_layer<L>::type; };
template <class Net>
struct all_layers_int8 : std::false_type {};
template <class... Ls>
struct all_layers_int8<network<Ls...>> : std::bool_constant<(HasInt8Form<Ls> && ...)> {};
template <class Net>
concept Quantizable = all_layers_int8<Net>::value;

// quantized_layer<L>::type, or a compile error naming L for a layer without an int8 form.
template <class L, bool Clamp = false>
struct int8_form {
  static_assert(HasInt8Form<L>, "quantize: no int8 form of this layer (conv2d, dense, "
                                "depthwise_conv2d, elementwise activations, pools, global_avg_pool, "
                                "flatten and residual blocks of these have one)");
  using type = typename std::conditional_t<HasInt8Form<L>, quantized_layer<L, Clamp>, std::type_identity<void>>::type;
};

namespace detail {
template <class L>
inline constexpr bool is_relu = false;
template <class In, class T>
inline constexpr bool is_relu<activation_layer<In, relu_op, T>> = true;
// ReLU6 fuses as ReLU does, its clamp [zero_point, min(127, zero_point + round(6 / scale))].
template <class In, class T>
inline constexpr bool is_relu<activation_layer<In, relu6_op, T>> = true;
// conv2d, depthwise_conv2d and dense (the per-output-channel affine layers, which also absorb a
// batchnorm) take a following ReLU or ReLU6 into their requantization (TFLite's fused activation).
// A residual block takes it into its add's clamp.
template <class L>
inline constexpr bool takes_relu = absorbs_batchnorm<L>;
template <class In, class Chain, class Skip>
inline constexpr bool takes_relu<residual_layer<In, float, Chain, Skip>> = true;

// Layer I of Ls in its context: conv2d or dense followed by ReLU becomes the clamped int8 layer,
// and that ReLU a qidentity_layer (no stage); every other layer maps on its own.
template <std::size_t I, class... Ls>
struct quantized_at {
  using list = std::tuple<void, Ls..., void>;  // the neighbours of the first and last layers are void
  using prev = std::tuple_element_t<I, list>;
  using self = std::tuple_element_t<I + 1, list>;
  using next = std::tuple_element_t<I + 2, list>;
  using type = typename std::conditional_t<is_relu<self> && takes_relu<prev>,
                                           std::type_identity<qidentity_layer<typename self::in_shape>>,
                                           int8_form<self, takes_relu<self> && is_relu<next>>>::type;
};

template <class Seq, class... Ls>
struct quantized_network;
template <std::size_t... I, class... Ls>
struct quantized_network<std::index_sequence<I...>, Ls...> {
  using type = qnetwork<typename quantized_at<I, Ls...>::type...>;
};
}  // namespace detail

template <class Net>
struct quantized;
template <class... Ls>
struct quantized<network<Ls...>> {
  using type = typename detail::quantized_network<std::index_sequence_for<Ls...>, Ls...>::type;
};
template <class Net>
using quantized_t = typename quantized<Net>::type;

// A network inside a residual block: its layers, without the qnetwork's input and output parameters.
template <class... Ls>
struct quantized_chain<network<Ls...>> {
  using type = typename quantized_t<network<Ls...>>::network_type;
};

}  // namespace staticnn::quant
