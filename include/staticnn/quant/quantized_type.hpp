#pragma once
// quantized_t<Net>: the int8 network type (quant::qnetwork) that quantize() makes of a folded
// float network type, layer by layer. Firmware names its expected model with it, e.g.
// quant::quantized_t<folded_t<models::bn_lenet>>.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/sequential.hpp"
#include "../layers/activation.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/flatten.hpp"
#include "../layers/pool.hpp"
#include "network.hpp"

namespace staticnn::quant {

// The int8 layer type for a float layer type, as `type`; none for a layer without one.
template <class L>
struct quantized_layer {};
template <class In, std::size_t OutC, std::size_t K, std::size_t S, class T>
struct quantized_layer<conv2d_layer<In, OutC, K, S, 0, T>> {  // with padding: no int8 form yet
  using type = qconv2d_layer<In, OutC, K, S>;
};
template <class In, std::size_t N, class T>
struct quantized_layer<dense_layer<In, N, T>> {
  using type = qdense_layer<In, N>;
};
template <class In, class Op, class T>
struct quantized_layer<activation_layer<In, Op, T>> {
  using type = qlookup_layer<In>;
};
template <class In, std::size_t K, class Op, class T>
struct quantized_layer<pool_layer<In, K, Op, T>> {
  using type = qpool_layer<In, K, Op>;
};
template <class In, class T>
struct quantized_layer<flatten_layer<In, T>> {
  using type = flatten_layer<In, std::int8_t>;
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
template <class L>
struct int8_form {
  static_assert(HasInt8Form<L>, "quantize: no int8 form of this layer (conv2d without padding, dense, "
                                "elementwise activations, pools and flatten have one)");
  using type = typename std::conditional_t<HasInt8Form<L>, quantized_layer<L>, std::type_identity<void>>::type;
};

template <class Net>
struct quantized;
template <class... Ls>
struct quantized<network<Ls...>> {
  using type = qnetwork<typename int8_form<Ls>::type...>;
};
template <class Net>
using quantized_t = typename quantized<Net>::type;

}  // namespace staticnn::quant
