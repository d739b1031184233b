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

// The layers of a network: one base per layer, so stateless (empty) layers take no space even
// when the same type appears twice (a std::tuple would pad those). Aggregate: a constexpr network
// is initialised as {{{layer0}, {layer1}, ...}}.
template <std::size_t I, class L>
struct layer_slot {
  [[no_unique_address]] L layer;
};
template <class Seq, class... Ls>
struct layer_storage;
template <std::size_t... I, class... Ls>
struct layer_storage<std::index_sequence<I...>, Ls...> : layer_slot<I, Ls>... {};

// A layer whose inference output is its input's values in the same order (flatten says so).
template <class L>
inline constexpr bool identity_forward = requires { requires L::identity_forward; };

// A convolution that runs by output rows (conv2d_layer, quant::qconv2d_layer): the contract the
// conv -> activation -> pool stage and layers/conv_rows.hpp rely on.
//   padding P; channel_group G, dividing the output channels: each kernel call computes G output
//     channels (1 for the portable kernels; a kernel computing 4 channels at once says 4).
//   forward_channel_rows<Hx>(x, y, oc, oy0, rows): output channels [oc, oc + G), rows
//     [oy0, oy0 + rows) into y, laid out G x rows x OW, from x: a C x Hx x (W + 2P) window of the
//     padded input in which output row r reads window rows r*S .. r*S + K - 1. Hx defaults to the
//     whole padded height, so for P = 0 x may be the input itself. The kernel sees no padding.
//   pack_window<R>(x, window, iy0): rows [iy0, iy0 + R) of the padded input (padded coordinates),
//     every channel, into window (C x R x (W + 2P)), the padding holding the layer's zero (int8:
//     the input zero point).
//   Optional: rows_known<Self>(), for a layer that is a compile-time constant, a value that
//     forward_channel_rows (and forward_padded_rows) then take as a last argument (int8: whether
//     every channel takes the doubled rescale); the conv -> activation -> pool stage passes it.
template <class A>
concept row_streamable_conv = requires(const A& a, const typename A::value_type* x, typename A::value_type* y) {
  requires A::row_streamable;
  { A::stride } -> std::convertible_to<std::size_t>;  // the plan's input_offset reads it
  { A::padding } -> std::convertible_to<std::size_t>;
  requires A::channel_group >= 1 && A::out_shape::channels % A::channel_group == 0;
  a.forward_channel_rows(x, y, std::size_t{0}, std::size_t{0}, std::size_t{1});
  a.template forward_channel_rows<A::kernel>(x, y, std::size_t{0}, std::size_t{0}, std::size_t{1});
  a.template pack_window<A::kernel>(x, y, std::size_t{0});
};
// A padded row-streamable conv whose kernel reads the unpadded input and fills in the padding
// itself: forward_padded_rows(x, y, oc, oy0, rows) is forward_channel_rows on the padded input,
// given x, the C x H x W input itself. The conv -> activation -> pool stage then packs no window.
template <class A>
concept pads_itself = requires(const A& a, const typename A::value_type* x, typename A::value_type* y) {
  requires A::pads_itself;
  a.forward_padded_rows(x, y, std::size_t{0}, std::size_t{0}, std::size_t{1});
};

// conv2d -> elementwise activation -> pooling: inference runs the three a pooled row of
// channel_group channels at a time, so the full conv output is never stored (same arithmetic,
// same results). A padded conv first packs the padded input rows that pooled row reads into a
// C x R x (W + 2P) window (R = (pool - 1) * S + K), then runs its unpadded kernel on the window.
// The pool's window is K x K with stride K, unpadded (a layer with a rectangular, strided or padded
// window says `square = false` and runs on its own).
template <class P>
inline constexpr bool square_window = !requires { requires !P::square; };
template <class A, class B, class C>
concept conv_act_pool = requires(const A& a, const B& b, typename A::value_type* y) {
  requires row_streamable_conv<A>;
  b.apply(y, std::size_t{1});  // elementwise, in place
  { C::reduce(y, std::size_t{1}) };
  requires C::kernel >= 1 && square_window<C>;
};

// A non-decreasing activation before a max pool: f(max(a, b)) = max(f(a), f(b)), so the conv ->
// activation -> pool stage applies it to the pooled values (a quarter of them for 2x2).
template <class Act, class Pool>
concept act_after_max_pool = requires { requires Act::non_decreasing && Pool::selects_max; };

// An activation whose order is a property of its values (an int8 table): f(max(a, b)) = max(f(a),
// f(b)) where non_decreasing_table() holds, which the stage checks (at compile time for a network
// that is a compile-time constant, else once a stage), then runs as for act_after_max_pool.
template <class Act, class Pool>
concept act_after_max_pool_if_ordered = requires(const Act& a) {
  requires Pool::selects_max;
  { a.non_decreasing_table() } -> std::same_as<bool>;
};

// A conv that computes a stage's max-pooled rows itself (int8 on DSP targets: quant/conv2d.hpp's
//   forward_max_pooled_row(x, y, y_stride, oy0)), for a K x K stride-K max pool; with act_after_max_pool
// the activation is then applied to the pooled rows.
template <class Conv, class Pool>
concept conv_max_pools_itself =
    requires { requires Pool::selects_max && square_window<Pool> && Conv::template max_pools_itself<Pool::kernel>; };

// A conv that computes a stage's average-pooled rows itself (int8 on DSP targets: quant/conv2d.hpp's
//   forward_avg_pooled_row(x, y, y_stride, oy0)), for a K x K stride-K pool that does not select
// the maximum (an average), after an activation that does nothing (a ReLU fused into the conv's
// clamp: identity_forward).
template <class Conv, class Act, class Pool>
concept conv_avg_pools_itself = requires {
  requires identity_forward<Act> && !Pool::selects_max && square_window<Pool> &&
               Conv::template avg_pools_itself<Pool::kernel>;
};

// A pooling layer with a kernel for one pooled row that applies the activation before it too:
//   reduce_row_then(rows, y, act): reduce_row(rows, y), then act.apply(y, OW).
template <class P, class Act>
concept pool_row_then = requires(const typename P::value_type* rows, typename P::value_type* y, const Act& act) {
  requires P::template fuses_row_then<Act>;
  P::reduce_row_then(rows, y, act);
};

// conv2d -> elementwise activation with no pooling after it: one stage, the activation applied in
// place to the conv's output once the conv has written it (an int8 ReLU folded into the conv's
// clamp is an activation whose apply does nothing).
template <class A, class B>
concept conv_act = requires(const A& a, const B& b, typename A::value_type* y) {
  requires row_streamable_conv<A>;
  requires std::is_same_v<typename A::out_shape, typename B::in_shape>;
  b.apply(y, std::size_t{1});  // elementwise, in place
};

// A pooling layer with a kernel for one whole pooled row of one channel, which the conv ->
// activation -> pool stage runs instead of its window-by-window loop:
//   reduce_row(rows, y): y[px] = reduce(rows + px * K, W) for px < OW, rows: K rows W apart.
template <class P>
concept pool_row_kernel = requires(const typename P::value_type* rows, typename P::value_type* y) {
  requires P::has_row_kernel;
  P::reduce_row(rows, y);
};

// The scratch a layer's forward can take instead of its stack (`static constexpr std::size_t
// scratch_bytes`, and a trailing `value_type* scratch` argument to its forward functions, null or
// that many bytes that may overlap the output but not the input); 0 for a layer without.
template <class L>
constexpr std::size_t scratch_bytes_of() {
  if constexpr (requires { { L::scratch_bytes } -> std::convertible_to<std::size_t>; }) return L::scratch_bytes;
  else return 0;
}
// A layer whose scratch must not overlap its output either (`static constexpr bool
// scratch_overlaps_output = false`): the plan puts it beside both.
template <class L>
constexpr bool scratch_overlaps_output_of() {
  if constexpr (requires { { L::scratch_overlaps_output } -> std::convertible_to<bool>; })
    return L::scratch_overlaps_output;
  else
    return true;
}

// A layer made of networks (residual_layer) needs, besides its input and output, a workspace
// for its networks (`static constexpr std::size_t nested_workspace`, values) that overlaps
// neither: its input stays live while it runs (the shortcut's source), its output is written
// piecewise. Its inference is forward(x, y, ws) with ws that many values; 0 for other layers.
template <class L>
constexpr std::size_t nested_workspace_of() {
  if constexpr (requires { { L::nested_workspace } -> std::convertible_to<std::size_t>; }) return L::nested_workspace;
  else return 0;
}
// Such a layer may also write its output over its input (`static constexpr bool
// output_over_input`, true; out_shape = in_shape): each output value is written after the last
// read of the input value at the same index and no other input value is read after it. The plan
// then puts the output where the input is, when that is in the workspace.
template <class L>
constexpr bool output_over_input_of() {
  if constexpr (requires { { L::output_over_input } -> std::convertible_to<bool>; }) return L::output_over_input;
  else return false;
}

// A layer whose inference applies the next layer (elementwise) to each output as it writes it
// (int8 dense -> table lookup): the two run as one stage.
template <class A, class B>
concept absorbs_next = requires(const A& a, const B& b, cview<typename A::value_type, A::in_shape::size> x,
                                view<typename A::value_type, A::out_shape::size> y) {
  requires std::is_same_v<typename A::out_shape, typename B::in_shape>;
  a.forward_then(x, y, b);
};

template <class T, class In, class... Specs>
struct bind_chain;
template <class T, class In>
struct bind_chain<T, In> {
  template <class... Done>
  using apply = type_list<T, Done...>;
};
}  // namespace detail

// How the inference plan runs a stage (network::stages): the named concepts above choose it.
enum class stage_kind : unsigned char {
  layer,           // one layer's own forward
  conv_act_pool,   // conv -> elementwise -> pool a pooled row at a time (detail::conv_act_pool)
  conv_act,        // conv -> elementwise, no pool: the activation in place on the conv's output (detail::conv_act)
  fused_kernel,    // the same three layers through the conv layer's own kernel (has_fused_stage)
  layer_then_act,  // a layer applying the next (elementwise) layer as it writes (detail::absorbs_next)
};
constexpr const char* stage_kind_name(stage_kind k) {
  switch (k) {
    case stage_kind::conv_act_pool: return "conv_act_pool";
    case stage_kind::conv_act: return "conv_act";
    case stage_kind::fused_kernel: return "fused_kernel";
    case stage_kind::layer_then_act: return "layer_then_act";
    default: return "layer";
  }
}
// One stage of the plan: layers [first, last] of the network run as one, through `kernel`.
struct stage_info {
  std::size_t first, last;
  stage_kind kind;
  const char* kernel;
};
// The kernel a layer's inference runs, as the layer names it (`static constexpr const char*
// kernel_name`, derived from the same shape traits that select the kernel); "portable" for a
// layer that has one implementation.
template <class L>
constexpr const char* kernel_name_of() {
  if constexpr (requires { { L::kernel_name } -> std::convertible_to<const char*>; }) return L::kernel_name;
  else return "portable";
}
// A forward pass's observer: after(s) is called once stage s has written its output. The
// default does nothing (and compiles to nothing).
struct no_stage_observer {
  constexpr void after(std::size_t) const {}
};

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
  // Inference plan: each layer is a stage of its own, except conv -> activation -> pool runs of
  // three (see detail::conv_act_pool), which are one stage, a conv and the activation after it
  // without a pool (detail::conv_act), one stage, a layer and the elementwise layer it
  // applies as it writes (detail::absorbs_next), one stage, and layers whose output is their
  // input's values in the same order (flatten, an int8 ReLU fused into the layer before), which
  // are no stage at all (the next stage reads their input), unless the only layer, or first and
  // followed by a fused conv -> activation -> pool stage.
 private:
  template <std::size_t I>
  static constexpr bool fusable_at() {
    if constexpr (I + 2 < depth)
      return detail::conv_act_pool<layer_type<I>, layer_type<I + 1>, layer_type<I + 2>>;
    else
      return false;
  }
  template <std::size_t I>
  static constexpr bool conv_act_at() {
    if constexpr (I + 1 < depth)
      return detail::conv_act<layer_type<I>, layer_type<I + 1>>;
    else
      return false;
  }
  template <std::size_t I>
  static constexpr bool absorbs_at() {
    if constexpr (I + 1 < depth)
      return detail::absorbs_next<layer_type<I>, layer_type<I + 1>>;
    else
      return false;
  }
  // A stage's output goes to the front or the back of the workspace, the other end from its
  // input, so the workspace needs the largest (input + output) of one stage, not twice the largest
  // activation.
  struct plan_t {
    std::array<bool, depth> fused{}, conv_act{}, absorbs{}, skipped{}, at_back{}, scratch{}, in_place{};
    std::array<std::size_t, depth> out_size{}, in_size{};  // of the stage starting at a layer
    std::array<std::size_t, depth> nested_at{};  // where a nested workspace starts (0: none)
    std::array<std::size_t, depth> scratch_at{};  // where a stage's scratch starts (scratch[i])
    std::size_t last_stage = 0, max_hidden = 1, workspace = 1;
    std::size_t input_offset = 0, workspace_with_input = 1;  // see forward_in_workspace
  };
  // The plan of layers [0, n) as a network of their own (n = depth: the whole network's; the
  // stage ending at layer n - 1 writes the output).
  static constexpr plan_t make_plan(std::size_t n = depth) {
    plan_t p;
    constexpr std::array<bool, depth> can = []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<bool, depth>{fusable_at<I>()...};
    }(std::make_index_sequence<depth>{});
    constexpr std::array<bool, depth> absorb = []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<bool, depth>{absorbs_at<I>()...};
    }(std::make_index_sequence<depth>{});
    constexpr std::array<bool, depth> act = []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<bool, depth>{conv_act_at<I>()...};
    }(std::make_index_sequence<depth>{});
    constexpr std::array<std::size_t, depth> size{Ls::out_shape::size...};
    constexpr std::array<bool, depth> same{detail::identity_forward<Ls>...};
    constexpr std::array<std::size_t, depth> scratch{detail::scratch_bytes_of<Ls>()...};
    constexpr std::array<bool, depth> scratch_over_out{detail::scratch_overlaps_output_of<Ls>()...};
    constexpr std::array<std::size_t, depth> nested{detail::nested_workspace_of<Ls>()...};
    constexpr std::array<bool, depth> over{detail::output_over_input_of<Ls>()...};
    // A first layer that copies its input (a flatten of the network's input) is no stage either
    // when a stage follows that is not a fused one (whose first-stage placement is its own): that
    // stage reads the network's input. `first` is the first stage.
    const std::size_t first = n > 1 && same[0] && !same[1] && !can[1] ? 1 : 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (p.skipped[i]) continue;
      if (same[i] && (i > 0 || first > 0)) {  // flatten after a stage or first: read the input where it is
        p.skipped[i] = true;
        continue;
      }
      p.fused[i] = can[i] && i + 2 < n;
      p.conv_act[i] = !p.fused[i] && act[i] && i + 1 < n;
      p.absorbs[i] = !p.fused[i] && !p.conv_act[i] && absorb[i] && i + 1 < n;
      if (p.fused[i]) p.skipped[i + 1] = p.skipped[i + 2] = true;
      if (p.absorbs[i] || p.conv_act[i]) p.skipped[i + 1] = true;
      p.out_size[i] = size[p.fused[i] ? i + 2 : p.absorbs[i] || p.conv_act[i] ? i + 1 : i];
      p.last_stage = i;
    }
    std::size_t in = 0;  // the previous stage's output size (0: the input, held by the caller)
    bool back = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (p.skipped[i]) continue;
      const std::size_t out = i == p.last_stage ? 0 : p.out_size[i];
      // A layer writing its output over its input (output_over_input_of) whose input is a stage's
      // output in the workspace (at the end opposite `back`) and whose output is not the network's:
      // its output stays at that end and its nested workspace takes the other, in + nested.
      if (nested[i] > 0 && over[i] && in > 0 && out == in) {
        p.in_place[i] = true;
        p.at_back[i] = !back;
        p.nested_at[i] = back ? in : 0;
        p.workspace = std::max(p.workspace, in + nested[i]);
        p.max_hidden = std::max(p.max_hidden, out);
        p.in_size[i] = in;
        continue;  // the next stage writes at `back` again, the other end
      }
      p.max_hidden = std::max(p.max_hidden, out);
      p.workspace = std::max(p.workspace, in + out);
      // A layer stage after the first that takes scratch gets it in the workspace beside its
      // input (overlapping its output where it may): its stack frame would hold it otherwise.
      p.scratch[i] = in > 0 && !p.fused[i] && scratch[i] > 0;
      if (p.scratch[i]) {
        p.scratch_at[i] = back ? in : scratch_over_out[i] ? 0 : out;
        p.workspace = std::max(p.workspace, (scratch_over_out[i] ? in : in + out) + scratch[i]);
      }
      // A nested workspace goes between the stage's input and its output (the output at one
      // end, the input at the other), so the block keeps its input live: in + out + nested. For
      // the first stage it goes after out + the input's size, where forward_in_workspace's input
      // ends (input_offset = the first output's size: the first stage cannot be fused here).
      if (nested[i] > 0) {
        p.nested_at[i] = i == first ? out + in_shape::size : back ? in : out;
        p.workspace = std::max(p.workspace, (i == first ? in_shape::size : in) + out + nested[i]);
      }
      p.in_size[i] = in;
      p.at_back[i] = back;
      back = !back, in = out;
    }
    // The first stage's scratch, where the rest of the plan leaves room for it: after its output
    // and the input's size (where forward_in_workspace's input ends: input_offset <= the first
    // output's size), overlapping neither. Its stack frame holds it otherwise.
    if (const std::size_t at = (p.last_stage == first ? 0 : p.out_size[first]) + in_shape::size;
        !p.fused[first] && nested[first] == 0 && scratch[first] > 0 && at + scratch[first] <= p.workspace) {
      p.scratch[first] = true;
      p.scratch_at[first] = at;
    }
    // The input inside the workspace, after the first stage's output. A fused first stage reads
    // its input front to back, a pooled row at a time, and writes that row of every channel: it
    // may overwrite input rows it has finished with, so the input can start before the output's
    // end, at the lowest offset X where every write lands below the input still to be read.
    const std::size_t first_out = p.last_stage == first ? 0 : p.out_size[first];
    p.input_offset = first_out;
    if constexpr (fusable_at<0>()) {
      using Conv = layer_type<0>;
      using Pool = layer_type<2>;
      constexpr std::size_t C = Pool::out_shape::channels, PH = Pool::out_shape::height, PW = Pool::out_shape::width;
      constexpr std::size_t W = Conv::in_shape::width, step = Pool::kernel * Conv::stride;  // input rows per pooled row
      constexpr std::size_t P = Conv::padding;
      std::size_t x = 0;
      for (std::size_t py = 0; py < PH; ++py) {  // writes up to (C-1)*PH*PW + (py+1)*PW
        const std::size_t end = (C - 1) * PH * PW + (py + 1) * PW;
        // Live input, from X + live*W: unpadded, the stage reads the input between its writes, from
        // row py*step on; padded, it has packed pooled row py's rows before it writes, and the next
        // pooled row reads from padded row (py+1)*step on (none after the last); padding itself
        // (detail::pads_itself), it reads from padded row py*step on, as an unpadded one.
        std::size_t live = py * step;
        if constexpr (P > 0 && detail::pads_itself<Conv>) {
          live = live > P ? live - P : 0;
        } else if constexpr (P > 0) {
          if (py + 1 == PH) continue;
          live = (py + 1) * step > P ? (py + 1) * step - P : 0;
        }
        x = std::max(x, end > live * W ? end - live * W : 0);
      }
      p.input_offset = std::min(x, first_out);
    }
    p.workspace_with_input = std::max(p.workspace, p.input_offset + in_shape::size);
    return p;
  }
  static constexpr plan_t plan = make_plan();
  static constexpr plan_t head_plan = make_plan(depth > 1 ? depth - 1 : depth);
  // A conv layer may run its conv -> activation -> pool stage its own way (run_own_stage).
  template <std::size_t I>
  static constexpr bool has_own_stage =
      requires { requires layer_type<I>::template has_fused_stage<layer_type<I + 1>, layer_type<I + 2>>; };

 public:
  // Largest activation between two stages, and the workspace inference needs.
  static constexpr std::size_t max_hidden_size = plan.max_hidden;
  static constexpr std::size_t workspace_size = plan.workspace;
  // forward_in_workspace: the input sits at ws[input_offset ..) of a workspace_with_input_size
  // workspace (LeNet: 1,516 values instead of 1,120 + the 784 of a separate input).
  static constexpr std::size_t input_offset = plan.input_offset;
  static constexpr std::size_t workspace_with_input_size = plan.workspace_with_input;
  // The workspace forward_head needs: the plan of layers [0, depth - 1) as a network of their own.
  static constexpr std::size_t head_workspace_size = head_plan.workspace;

  // The plan as stages in order (layers a stage skips, flatten between stages, belong to none).
  static constexpr std::size_t stage_count = [] {
    std::size_t n = 0;
    for (std::size_t i = 0; i < depth; ++i) n += !plan.skipped[i];
    return n;
  }();
 private:
  template <std::size_t I>
  static constexpr const char* stage_kernel_at() {
    if constexpr (kind_at<I>() == stage_kind::fused_kernel) return layer_type<I>::fused_stage_kernel_name;
    else if constexpr (kind_at<I>() == stage_kind::conv_act_pool) {
      if constexpr ((detail::act_after_max_pool<layer_type<I + 1>, layer_type<I + 2>> ||
                     detail::act_after_max_pool_if_ordered<layer_type<I + 1>, layer_type<I + 2>>) &&
                    detail::conv_max_pools_itself<layer_type<I>, layer_type<I + 2>> && layer_type<I + 2>::kernel != 2)
        return layer_type<I>::template max_pool_kernel_name_k<layer_type<I + 2>::kernel>;
      else if constexpr (detail::act_after_max_pool<layer_type<I + 1>, layer_type<I + 2>> &&
                         detail::conv_max_pools_itself<layer_type<I>, layer_type<I + 2>>)
        return layer_type<I>::max_pool_kernel_name;
      else if constexpr (detail::conv_avg_pools_itself<layer_type<I>, layer_type<I + 1>, layer_type<I + 2>>)
        return layer_type<I>::avg_pool_kernel_name;
      else if constexpr (detail::act_after_max_pool_if_ordered<layer_type<I + 1>, layer_type<I + 2>> &&
                         detail::conv_max_pools_itself<layer_type<I>, layer_type<I + 2>>)
        return layer_type<I>::max_pool_kernel_name_if_ordered;
      else return kernel_name_of<layer_type<I>>();
    } else return kernel_name_of<layer_type<I>>();
  }
  // stages_constant's kernel of a stage starting at layer I, or null: stage_kernel_at<I>'s.
  template <std::size_t I, const network* Net>
  static constexpr const char* stage_kernel_constant_at() {
    if constexpr ((kind_at<I>() == stage_kind::layer || kind_at<I>() == stage_kind::conv_act) &&
                  requires { layer_type<I>::template kernel_name_constant<Net->template layer<I>()>(); })
      return layer_type<I>::template kernel_name_constant<Net->template layer<I>()>();
    else
      return nullptr;
  }
  template <std::size_t I>
  static constexpr stage_kind kind_at() {
    if constexpr (!plan.fused[I])
      return plan.absorbs[I] ? stage_kind::layer_then_act : plan.conv_act[I] ? stage_kind::conv_act : stage_kind::layer;
    else if constexpr (has_own_stage<I>) return stage_kind::fused_kernel;
    else return stage_kind::conv_act_pool;
  }
 public:
  static constexpr std::array<stage_info, stage_count> stages = [] {
    constexpr std::array<stage_kind, depth> kinds = []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<stage_kind, depth>{kind_at<I>()...};
    }(std::make_index_sequence<depth>{});
    constexpr std::array<const char*, depth> kernels = []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<const char*, depth>{stage_kernel_at<I>()...};
    }(std::make_index_sequence<depth>{});
    std::array<stage_info, stage_count> st{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < depth; ++i) {
      if (plan.skipped[i]) continue;
      const std::size_t last =
          kinds[i] == stage_kind::layer_then_act || kinds[i] == stage_kind::conv_act ? i + 1 : plan.fused[i] ? i + 2 : i;
      st[n++] = {i, last, kinds[i], kernels[i]};
    }
    return st;
  }();
  // The stages as a network that is a compile-time constant runs them (forward_constant): where a
  // stage is one layer with kernel_name_constant<Self>(), the kernel its constants choose.
  template <const network* Net>
  static constexpr std::array<stage_info, stage_count> stages_constant = [] {
    constexpr std::array<const char*, depth> kernels = []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<const char*, depth>{stage_kernel_constant_at<I, Net>()...};
    }(std::make_index_sequence<depth>{});
    std::array<stage_info, stage_count> st = stages;
    for (auto& s : st)
      if (kernels[s.first] != nullptr) s.kernel = kernels[s.first];
    return st;
  }();
  // Each layer's name and kernel (kernel_name_of), and its multiply-accumulates per inference
  // (out_shape size x fan_in for conv and dense, a composite layer's `macs`, 0 for the rest).
  static constexpr std::array<const char*, depth> layer_names{Ls::name...};
  static constexpr std::array<const char*, depth> kernel_names{kernel_name_of<Ls>()...};
  static constexpr std::array<std::size_t, depth> layer_macs{[] {
    if constexpr (requires { Ls::macs; }) return std::size_t{Ls::macs};  // a layer of layers: theirs
    else if constexpr (requires { Ls::fan_in; }) return Ls::out_shape::size * Ls::fan_in;
    else return std::size_t{0};
  }()...};

  detail::layer_storage<std::index_sequence_for<Ls...>, Ls...> layers;

  template <std::size_t I>
  constexpr auto& layer() { return static_cast<detail::layer_slot<I, layer_type<I>>&>(layers).layer; }
  template <std::size_t I>
  constexpr const auto& layer() const {
    return static_cast<const detail::layer_slot<I, layer_type<I>>&>(layers).layer;
  }

  // f(std::integral_constant<size_t, I>, layer) for each layer in order.
  template <class F>
  constexpr void for_each_layer(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}, layer<I>()), ...);
    }(std::make_index_sequence<depth>{});
  }
  template <class F>
  constexpr void for_each_layer(F&& f) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}, layer<I>()), ...);
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
      ((src = run_stage<I, workspace_size>(src, y.data(), ws.data())), ...);
    }(std::make_index_sequence<depth>{});
  }
  // The same with the input already in the workspace, at ws[input_offset, input_offset + in size):
  // the same results, less memory (the input is overwritten).
  constexpr void forward_in_workspace(view<value_type, workspace_with_input_size> ws,
                                      view<value_type, out_shape::size> y) const {
    const value_type* src = ws.data() + input_offset;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((src = run_stage<I, workspace_with_input_size>(src, y.data(), ws.data())), ...);
    }(std::make_index_sequence<depth>{});
  }
  // forward_in_workspace on a network object that is a compile-time constant (an exported
  // header's constexpr model). A layer with a static forward_constant<Self> (forward_fused_stage_
  // constant<Self> for a fused stage, forward_then_constant<Self> for a layer that absorbs the
  // next) is given its own object as a constant, so it can choose its
  // kernels by its parameters when it is compiled (int8: leave out a rescale form no channel
  // takes); other layers run as in forward_in_workspace. The same results.
  // observer.after(s) runs after each stage s (network::stages[s]), e.g. to time stages.
  template <const network& Net, class Observer = no_stage_observer>
  static void forward_constant(view<value_type, workspace_with_input_size> ws, view<value_type, out_shape::size> y,
                               Observer&& observer = {}) {
    const value_type* src = ws.data() + input_offset;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((src = Net.template run_stage<I, workspace_with_input_size, &Net>(src, y.data(), ws.data()),
        notify<I>(observer)),
       ...);
    }(std::make_index_sequence<depth>{});
  }
  // Inference of every layer but the last (a composite layer runs its chain's last layer its own
  // way): layer depth - 2's output into y, in their own plan (head_plan) with ws.
  constexpr void forward_head(cview<value_type, in_shape::size> x,
                              view<value_type, layer_type<depth - 1>::in_shape::size> y,
                              view<value_type, head_workspace_size> ws) const
    requires(depth > 1)
  {
    const value_type* src = x.data();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((src = run_stage<I, head_workspace_size, nullptr, &head_plan>(src, y.data(), ws.data())), ...);
    }(std::make_index_sequence<depth - 1>{});
  }
  // Inference on one sample with the workspace on the stack (workspace_size values).
  constexpr void forward(cview<value_type, in_shape::size> x, view<value_type, out_shape::size> y) const {
    std::array<value_type, workspace_size> ws;
    forward(x, y, ws);
  }

 private:
  // observer.after(s) once layer I's stage s has run (nothing for a layer no stage starts at).
  template <std::size_t I, class Observer>
  static constexpr void notify(Observer& observer) {
    if constexpr (!plan.skipped[I]) {
      constexpr std::size_t s = [] {
        std::size_t n = 0;
        for (std::size_t i = 0; i < I; ++i) n += !plan.skipped[i];
        return n;
      }();
      observer.after(s);
    }
  }
  // Net: this network as a compile-time constant (forward_constant), or null.
  // P: the plan it runs (head_plan for forward_head).
  template <std::size_t I, std::size_t WS, const network* Net = nullptr, const plan_t* P = &plan>
  constexpr const value_type* run_stage(const value_type* src, value_type* out, value_type* ws) const {
    if constexpr (P->skipped[I]) {
      return src;
    } else {
      value_type* dst = I == P->last_stage ? out : P->at_back[I] ? ws + WS - P->out_size[I] : ws;
      if constexpr (P->fused[I]) {
        if constexpr (has_own_stage<I>) run_own_stage<I, WS, Net, P>(src, dst, ws);
        else run_conv_act_pool<I, Net>(src, dst);
      } else {
        using L = layer_type<I>;
        const cview<value_type, L::in_shape::size> x(src, L::in_shape::size);
        const view<value_type, L::out_shape::size> y(dst, L::out_shape::size);
        auto run = [&](auto... scratch) {  // none, or the layer's scratch in the workspace
          if constexpr (P->absorbs[I]) {
            if constexpr (Net != nullptr && requires {
                            L::template forward_then_constant<Net->template layer<I>()>(x, y, layer<I + 1>());
                          })
              L::template forward_then_constant<Net->template layer<I>()>(x, y, layer<I + 1>(), scratch...);
            else
              layer<I>().forward_then(x, y, layer<I + 1>(), scratch...);
          } else if constexpr (Net != nullptr &&
                               requires { L::template forward_constant<Net->template layer<I>()>(x, y); }) {
            L::template forward_constant<Net->template layer<I>()>(x, y, scratch...);
          } else {
            layer<I>().forward(x, y, scratch...);
          }
        };
        // The input is at the other end from the output: the scratch is the rest.
        if constexpr (detail::nested_workspace_of<L>() > 0) layer<I>().forward(x, y, ws + P->nested_at[I]);
        else if constexpr (P->scratch[I]) run(ws + P->scratch_at[I]);
        else run();
        if constexpr (P->conv_act[I]) layer<I + 1>().apply(dst, L::out_shape::size);
      }
      return dst;
    }
  }

  // Out of line, so its loops compile the same whatever the caller: their register allocation
  // does not depend on the forward pass they are called from. Net: as run_stage's; a conv that
  // is a compile-time constant and has rows_known<Self>() is given that as its rows' last argument.
  // Whether a table activation before a max pool the conv computes itself
  // (act_after_max_pool_if_ordered) is non-decreasing: at compile time for a constant network,
  // else checked once a call; false_type for any other stage.
  template <std::size_t I, const network* Net>
  constexpr auto table_ordered() const {
    if constexpr (!(detail::act_after_max_pool_if_ordered<layer_type<I + 1>, layer_type<I + 2>> &&
                    detail::conv_max_pools_itself<layer_type<I>, layer_type<I + 2>>))
      return std::false_type{};
    else if constexpr (Net != nullptr)
      return std::bool_constant<Net->template layer<I + 1>().non_decreasing_table()>{};
    else
      return layer<I + 1>().non_decreasing_table();
  }
  template <std::size_t I, const network* Net = nullptr>
  [[gnu::noinline]] constexpr void run_conv_act_pool(const value_type* x, value_type* y) const {
    if constexpr (Net != nullptr && requires { layer_type<I>::template rows_known<Net->template layer<I>()>(); })
      conv_act_pool<I>(x, y, table_ordered<I, Net>(),
                       layer_type<I>::template rows_known<Net->template layer<I>()>());
    else
      conv_act_pool<I>(x, y, table_ordered<I, Net>());
  }
  // ordered: whether a table activation (act_after_max_pool_if_ordered) is non-decreasing.
  template <std::size_t I, class Ordered, class... Known>
  [[gnu::always_inline]] constexpr void conv_act_pool(const value_type* x, value_type* y,
                                                      [[maybe_unused]] Ordered ordered, Known... known) const {
    using Conv = layer_type<I>;
    using Pool = layer_type<I + 2>;
    constexpr std::size_t C = Conv::out_shape::channels, W = Conv::out_shape::width, K = Pool::kernel;
    constexpr std::size_t PH = Pool::out_shape::height, PW = Pool::out_shape::width, G = Conv::channel_group;
    std::array<value_type, G * K * W> rows;  // K conv rows of G channels
    constexpr std::size_t S = Conv::stride, R = (K - 1) * S + Conv::kernel;  // padded input rows per pooled row
    constexpr bool packs = Conv::padding != 0 && !detail::pads_itself<Conv>;  // a padded window of R rows
    constexpr std::size_t window_size = Conv::in_shape::channels * R * (Conv::in_shape::width + 2 * Conv::padding);
    std::array<value_type, packs ? window_size : 0> window;  // else the kernel reads x
    // Pooled row py of every channel from a conv kernel that pools itself (no conv rows stored):
    // on a window of R padded rows where the layer does not pad itself, else on x. The layer is a
    // parameter so that the kernel calls depend on the lambda's own template arguments (the branch
    // of the other pooling is then never instantiated, for layers without it).
    auto pooled_row = [&]<bool Avg>(const auto& conv, std::size_t py) {
      value_type* yrow = y + py * PW;
      if constexpr (packs) {
        conv.template pack_window<R>(x, window.data(), py * K * S);
        if constexpr (Avg) conv.template forward_avg_pooled_row<R>(window.data(), yrow, PH * PW, 0, known...);
        else conv.template forward_max_pooled_row<R>(window.data(), yrow, PH * PW, 0, known...);
      } else if constexpr (Avg) {
        conv.forward_avg_pooled_row(x, yrow, PH * PW, py * K * S, known...);
      } else {
        conv.forward_max_pooled_row(x, yrow, PH * PW, py * K * S, known...);
      }
      return yrow;
    };
    if constexpr (detail::conv_avg_pools_itself<Conv, layer_type<I + 1>, Pool>) {
      if constexpr (requires { requires Conv::avg_pools_rows; }) {  // every pooled row in one call (pads itself)
        layer<I>().forward_avg_pooled_rows(x, y, PH * PW, PH, known...);
        return;
      }
      for (std::size_t py = 0; py < PH; ++py) pooled_row.template operator()<true>(layer<I>(), py);
      return;
    }
    if constexpr ((detail::act_after_max_pool<layer_type<I + 1>, Pool> ||
                   detail::act_after_max_pool_if_ordered<layer_type<I + 1>, Pool>) &&
                  detail::conv_max_pools_itself<Conv, Pool>) {
      if (detail::act_after_max_pool<layer_type<I + 1>, Pool> || static_cast<bool>(ordered)) {
        if constexpr (K != 2 || ((!packs || requires { requires Conv::max_pools_rows_pads_itself; }) &&
                                 requires { requires Conv::max_pools_rows; })) {  // every pooled row in one call
          layer<I>().template forward_max_pooled_rows<K>(x, y, PH * PW, PH, known...);  // K != 2: pads itself
          for (std::size_t c = 0; c < C; ++c) layer<I + 1>().apply(y + c * PH * PW, PH * PW);
          return;
        } else {
          for (std::size_t py = 0; py < PH; ++py) {
            value_type* yrow = pooled_row.template operator()<false>(layer<I>(), py);
            for (std::size_t c = 0; c < C; ++c) layer<I + 1>().apply(yrow + c * PH * PW, PW);
          }
          return;
        }
      }
    }
    for (std::size_t py = 0; py < PH; ++py) {
      if constexpr (packs) layer<I>().template pack_window<R>(x, window.data(), py * K * S);
      for (std::size_t c = 0; c < C; c += G) {
        if constexpr (Conv::padding == 0)
          layer<I>().forward_channel_rows(x, rows.data(), c, py * K, K, known...);
        else if constexpr (detail::pads_itself<Conv>)
          layer<I>().forward_padded_rows(x, rows.data(), c, py * K, K, known...);
        else
          layer<I>().template forward_channel_rows<R>(window.data(), rows.data(), c, 0, K, known...);
        constexpr bool act_after = detail::act_after_max_pool<layer_type<I + 1>, Pool>;
        if constexpr (!act_after) layer<I + 1>().apply(rows.data(), rows.size());
        if constexpr (act_after && detail::pool_row_then<Pool, layer_type<I + 1>>)
          for (std::size_t g = 0; g < G; ++g)
            Pool::reduce_row_then(rows.data() + g * K * W, y + ((c + g) * PH + py) * PW, layer<I + 1>());
        else if constexpr (detail::pool_row_kernel<Pool>)
          for (std::size_t g = 0; g < G; ++g) Pool::reduce_row(rows.data() + g * K * W, y + ((c + g) * PH + py) * PW);
        else
          for (std::size_t g = 0; g < G; ++g)
            for (std::size_t px = 0; px < PW; ++px)
              y[((c + g) * PH + py) * PW + px] = Pool::reduce(rows.data() + g * K * W + px * K, W);
        if constexpr (act_after && !detail::pool_row_then<Pool, layer_type<I + 1>>)
          for (std::size_t g = 0; g < G; ++g) layer<I + 1>().apply(y + ((c + g) * PH + py) * PW, PW);
      }
    }
  }

  // A conv layer may run its conv -> activation -> pool stage its own way (int8 on DSP targets:
  // quant/conv2d.hpp), given the workspace besides y as scratch (free once it has read x).
  template <std::size_t I, std::size_t WS, const network* Net, const plan_t* P>
  void run_own_stage(const value_type* x, value_type* y, value_type* ws) const {
    constexpr std::size_t need = layer_type<I>::fused_stage_scratch;
    constexpr bool last = I == P->last_stage;
    constexpr std::size_t have = last ? WS : WS - P->out_size[I];
    auto run = [&](value_type* scratch) {
      using L = layer_type<I>;
      if constexpr (Net != nullptr && requires {
                      L::template forward_fused_stage_constant<Net->template layer<I>()>(x, y, layer<I + 1>(),
                                                                                         layer<I + 2>(), scratch);
                    })
        L::template forward_fused_stage_constant<Net->template layer<I>()>(x, y, layer<I + 1>(), layer<I + 2>(), scratch);
      else
        layer<I>().forward_fused_stage(x, y, layer<I + 1>(), layer<I + 2>(), scratch);
    };
    if constexpr (have >= need) {
      run(last || P->at_back[I] ? ws : ws + P->out_size[I]);
    } else {
      std::array<value_type, need> scratch;
      run(scratch.data());
    }
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

namespace detail {
template <std::size_t S, stage_kind Expected, stage_kind Actual>
struct check_stage {
  static_assert(Expected == Actual, "plan: stage S runs as Actual, not as the Expected kind");
  static constexpr bool ok = true;
};
}  // namespace detail
// A plan check for users and tests: fails to compile, naming the stage index and both kinds,
// unless stage S of Net runs as Kind (e.g. a conv -> relu -> pool that must stream:
// static_assert(expect_stage<net, 0, stage_kind::conv_act_pool>)).
template <class Net, std::size_t S, stage_kind Kind>
inline constexpr bool expect_stage = detail::check_stage<S, Kind, Net::stages[S].kind>::ok;

namespace detail {
template <class Net>
struct planned_network {
  using type = Net;
};
template <class Net>
  requires requires { typename Net::network_type; }
struct planned_network<Net> {
  using type = typename Net::network_type;
};
}  // namespace detail
// The network whose plan (stages, layer_names, layer_macs) a model runs: a network itself, or the
// layers of a model that wraps one (quant::qnetwork's network_type).
template <class Net>
using planned_network_t = typename detail::planned_network<Net>::type;

// Binds specs in order from the input shape: basic_sequential<double, shape<1, 28, 28>, ...>.
template <class T, Shape In, class... Specs>
using basic_sequential =
    typename detail::to_network<typename detail::bind_chain<T, In, Specs...>::template apply<>>::type;

template <Shape In, class... Specs>
using sequential = basic_sequential<float, In, Specs...>;

}  // namespace staticnn
