#pragma once
// qresidual_layer<In, Body, Skip, Clamp>: the int8 form of residual_layer (layers/residual.hpp),
// y = add(body(x), skip(x)) with TFLite's int8 ADD (kernels/add_s8.hpp): each input rescaled from
// its own scale, the sum requantized to the block's output scale. Body and Skip are networks of
// int8 layers, quantized as a sequential's layers are (a ReLU after a conv folded into its clamp);
// Skip is identity_shortcut when the shortcut is the input itself (then the add's second input
// has the block input's scale and zero point). Clamp: a ReLU after the block is the add's clamp,
// [zero_point, 127] (quantize() sets act_min/act_max, as for conv2d).
// Memory: as residual_layer's (layers/residual.hpp): where the chain's last layer is a conv
// computing rows on their own, the add runs on each band of rows as that conv writes it (y may be
// x with the identity: output_over_input); otherwise body writes the block's output y, the
// shortcut chain (if any) writes its output at the start of ws with its own workspace after it,
// and the add runs in place on y. The network's plan keeps the block input live while it runs.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/sequential.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/add_s8.hpp"
#include "../layers/residual.hpp"

namespace staticnn::quant {

template <Shape In, class Body, class Skip, bool Clamp = false>
struct qresidual_layer {
  static constexpr bool identity = std::is_same_v<Skip, identity_shortcut>;
  using value_type = std::int8_t;
  using body_type = Body;
  using skip_type = Skip;
  using in_shape = In;
  using out_shape = typename Body::out_shape;
  using skip_out = typename staticnn::detail::branch_out<In, Skip>::type;
  static_assert(std::is_same_v<typename Body::in_shape, In> &&
                std::is_same_v<typename Body::value_type, std::int8_t>);
  static_assert(staticnn::detail::check_residual_shapes<out_shape, skip_out>::ok);

  static constexpr const char* name = "qresidual";
  static constexpr const char* kernel_name = staticnn::detail::adds_as_it_writes<Body>()
                                                ? "chains' planned stages, add_s8 on the last conv's rows as written"
                                                : "chains' planned stages, then add_s8 in place";
  static constexpr bool clamped = Clamp;
  static constexpr std::size_t out_size = out_shape::size, param_count = 0, state_count = 0;
  static constexpr std::size_t macs = staticnn::detail::total_macs<Body>() + [] {
    if constexpr (identity) return std::size_t{0};
    else return staticnn::detail::total_macs<Skip>();
  }();
  // Bytes besides x and y (layers/residual.hpp's header comment).
  static constexpr std::size_t nested_workspace = staticnn::detail::residual_nested_workspace<Body, Skip, out_size>();
  static constexpr bool output_over_input = identity && staticnn::detail::adds_as_it_writes<Body>();

  Body body;
  [[no_unique_address]] Skip skip;
  kernels::add_rescale add;  // input 1: body's output, input 2: the shortcut; its clamp is the fused ReLU

  // ws: nested_workspace bytes overlapping neither x nor y; y may be x where output_over_input.
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, out_size> y, std::int8_t* ws) const {
    if constexpr (staticnn::detail::adds_as_it_writes<Body>()) {
      staticnn::detail::forward_adding_rows(body, skip, x, y, ws,
                                            [this](const std::int8_t* v, const std::int8_t* s, std::int8_t* o) {
                                              kernels::add_s8<staticnn::detail::rows_layout<Body>::OW>(v, s, o, add);
                                            });
      return;
    }
    body.forward(x, y, view<std::int8_t, Body::workspace_size>(ws, Body::workspace_size));
    if constexpr (identity) {
      kernels::add_s8<out_size>(y.data(), x.data(), y.data(), add);
    } else {
      skip.forward(x, view<std::int8_t, out_size>(ws, out_size),
                   view<std::int8_t, Skip::workspace_size>(ws + out_size, Skip::workspace_size));
      kernels::add_s8<out_size>(y.data(), ws, y.data(), add);
    }
  }
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, out_size> y) const {
    std::array<std::int8_t, nested_workspace> ws;
    forward(x, y, ws.data());
  }
};

}  // namespace staticnn::quant
