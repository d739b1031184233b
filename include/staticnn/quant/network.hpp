#pragma once
// qnetwork<Ls...>: an int8 network (the layers of quant/) with the affine parameters of its float
// input and of its int8 output. Inference is network<Ls...>'s: the same plan, fused
// conv -> lookup -> pool stages and workspace as the float network, on int8 values. The code is
// integer-only, so the host and every firmware compute bit-identical outputs.
#include <cstddef>
#include <cstdint>

#include "../core/sequential.hpp"
#include "../layers/flatten.hpp"
#include "arithmetic.hpp"
#include "conv2d.hpp"
#include "dense.hpp"
#include "depthwise_conv2d.hpp"
#include "global_avg_pool.hpp"
#include "identity.hpp"
#include "lookup.hpp"
#include "pool.hpp"
#include "residual.hpp"

namespace staticnn::quant {

template <Layer... Ls>
struct qnetwork {
  using network_type = network<Ls...>;
  using value_type = std::int8_t;
  using in_shape = typename network_type::in_shape;
  using out_shape = typename network_type::out_shape;
  static constexpr std::size_t depth = network_type::depth;
  static constexpr std::size_t workspace_size = network_type::workspace_size;  // bytes, as values are int8
  static constexpr std::size_t input_offset = network_type::input_offset;
  static constexpr std::size_t workspace_with_input_size = network_type::workspace_with_input_size;
  static_assert(std::is_same_v<typename network_type::value_type, std::int8_t>, "qnetwork: layers must be int8");

  tensor_params input, output;  // real = scale * (q - zero_point) for the float input and the int8 output
  network_type net;

  constexpr void quantize_input(cview<float, in_shape::size> x, view<std::int8_t, in_shape::size> q) const {
    for (std::size_t i = 0; i < in_shape::size; ++i) q[i] = input.quantize(x[i]);
  }
  constexpr void forward(cview<std::int8_t, in_shape::size> x, view<std::int8_t, out_shape::size> y,
                         view<std::int8_t, workspace_size> ws) const {
    net.forward(x, y, ws);
  }
  constexpr void forward(cview<std::int8_t, in_shape::size> x, view<std::int8_t, out_shape::size> y) const {
    net.forward(x, y);
  }
  constexpr void forward_in_workspace(view<std::int8_t, workspace_with_input_size> ws,
                                      view<std::int8_t, out_shape::size> y) const {
    net.forward_in_workspace(ws, y);
  }
  // The same for a qnetwork that is a compile-time constant (network::forward_constant): each
  // int8 layer leaves out the rescale forms its constants never take.
  template <const qnetwork& Q, class Observer = no_stage_observer>
  static void forward_constant(view<std::int8_t, workspace_with_input_size> ws, view<std::int8_t, out_shape::size> y,
                               Observer&& observer = {}) {
    network_type::template forward_constant<Q.net>(ws, y, observer);
  }
  // This network with each layer that has a faster weight layout on the target compiled for in
  // that layout (qdense_layer::pack_for_target): the same outputs. For a constant network (an
  // exported header's), so that its constant object holds one copy of the weights.
  constexpr qnetwork packed_for_target() const {
    qnetwork p = *this;
    p.net.for_each_layer([](auto, auto& layer) {
      if constexpr (requires { layer.pack_for_target(); }) layer.pack_for_target();
    });
    return p;
  }
};

}  // namespace staticnn::quant
