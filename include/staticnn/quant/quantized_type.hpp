#pragma once
// quantized_t<Net>: the int8 network type (quant::qnetwork) that quantize() makes of a folded
// float network type, layer by layer. Firmware names its expected model with it, e.g.
// quant::quantized_t<folded_t<models::bn_lenet>>.
#include <cstddef>
#include <cstdint>

#include "../core/sequential.hpp"
#include "../layers/activation.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/flatten.hpp"
#include "../layers/pool.hpp"
#include "network.hpp"

namespace staticnn::quant {

// The int8 layer type for a float layer type; a layer without one is a compile error.
template <class L>
struct quantized_layer {
  static_assert(sizeof(L) == 0, "quantize: no int8 form of this layer (conv2d, dense, "
                                "elementwise activations, pools and flatten have one)");
};
template <class In, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P, class T>
struct quantized_layer<conv2d_layer<In, OutC, K, S, P, T>> {
  using type = qconv2d_layer<In, OutC, K, S, P>;
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

template <class Net>
struct quantized;
template <class... Ls>
struct quantized<network<Ls...>> {
  using type = qnetwork<typename quantized_layer<Ls>::type...>;
};
template <class Net>
using quantized_t = typename quantized<Net>::type;

}  // namespace staticnn::quant
