#pragma once
// residual<Specs...>: ResNet's block, y = chain(x) + shortcut(x), one layer of a network. Specs
// is the chain, bound from the block's input shape like a sequential's specs; a last spec
// shortcut<Specs...> is a second chain applied to the input (a projection), otherwise the
// shortcut is the input itself:
//   sequential<shape<16, 32, 32>, ...,
//              residual<conv2d<32, 3, 2, 1>, batchnorm, relu, conv2d<32, 3, 1, 1>, batchnorm,
//                       shortcut<conv2d<32, 1, 2, 0>, batchnorm>>,
//              relu, ...>
// The chain's output shape must equal the shortcut's (the input's): a compile error names both.
// The bound layer residual_layer holds the two networks (`body`, `skip`; identity_shortcut, an
// empty type, for the input); its parameters and state are body's layers' then skip's, in
// order (for_each_param_span), and its gradient is laid out the same way.
//
// Memory (inference). While the block runs its input stays live where the previous stage wrote
// it (the shortcut's source); its networks' workspace (`nested_workspace` values) overlaps neither
// the input nor the output. Where the chain is at least two layers and its last one is a conv
// that computes output rows on their own (detail::adds_as_it_writes, conv_forward_rows_then):
//   the shortcut chain (if any) writes its output into y, with its workspace in ws; the chain's
//   other layers write their output `mid` (the last conv's input) at ws[0, mid) with their own
//   plan's workspace (network::forward_head) after it; then the last conv computes a row of
//   channel_group channels at a time into a `band` at ws[mid, mid + band) and each value is
//   written as y = conv + shortcut at once (the shortcut value at the same index read first):
//     nested_workspace = mid + max(head workspace, band)                        (identity)
//                      = max(skip's workspace_size, mid + max(head workspace, band))  (projection)
//   With the identity, y may be x itself (output_over_input: the last conv reads only mid), so the
//   network's plan writes the block's output over its input: in + nested_workspace for the stage
//   (ResNet's identity block: the input and the first conv's output; a band of rows beside).
// Otherwise: body writes y (its workspace then free), skip writes its output at the region's start
// with its workspace after it, and y += that (y apart from x):
//   nested_workspace = body's workspace_size                              (identity shortcut)
//                    = max(body's workspace_size, out + skip's workspace_size)  (projection)
// and the network's workspace is at least in + out + nested_workspace for the block's stage.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/concepts.hpp"
#include "../core/parallel.hpp"
#include "../core/sequential.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "conv_rows.hpp"

namespace staticnn {

// The shortcut chain of a residual (its last spec); without one, the shortcut is the input.
template <class... Specs>
struct shortcut {};
// The shortcut of a residual_layer without a shortcut chain: the block's input itself.
struct identity_shortcut {};

namespace detail {
template <class S>
inline constexpr bool is_shortcut_spec = false;
template <class... S>
inline constexpr bool is_shortcut_spec<shortcut<S...>> = true;

// Instantiated for every residual; a mismatch names both shapes in the first line.
template <class Chain, class Shortcut>
struct check_residual_shapes {
  static_assert(std::is_same_v<Chain, Shortcut>,
                "residual: the chain's output shape (Chain) differs from the shortcut's (Shortcut; the "
                "block's input without a shortcut chain)");
  static constexpr bool ok = true;
};

// A network of the first N specs (the chain), and the shortcut's network or identity_shortcut.
template <class T, class In, class Specs, class Index>
struct residual_chain;
template <class T, class In, class... S, std::size_t... I>
struct residual_chain<T, In, std::tuple<S...>, std::index_sequence<I...>> {
  using type = basic_sequential<T, In, std::tuple_element_t<I, std::tuple<S...>>...>;
};
template <class T, class In, class Last>
struct residual_skip {
  using type = identity_shortcut;
};
template <class T, class In, class... S>
struct residual_skip<T, In, shortcut<S...>> {
  static_assert(sizeof...(S) > 0, "residual: an empty shortcut<> is the identity; leave it out");
  using type = basic_sequential<T, In, S...>;
};

// Training storage of one network inside a composite layer for minibatches of up to B samples:
// every layer's outputs and caches and a gradient ping-pong pair, as train::trainer keeps them.
template <class Net, std::size_t B>
struct chain_state;
template <std::size_t B, Layer... Ls>
struct chain_state<network<Ls...>, B> {
  using net_type = network<Ls...>;
  using T = typename net_type::value_type;
  static constexpr std::size_t depth = sizeof...(Ls);
  static constexpr std::size_t max_io = depth > 1 ? std::max({Ls::out_shape::size...}) : 0;
  std::tuple<std::array<T, B * Ls::out_shape::size>...> outputs;
  std::tuple<layer_cache_t<Ls, B>...> caches;
  std::array<T, B * max_io> grad_a{}, grad_b{};

  const T* output() const { return std::get<depth - 1>(outputs).data(); }

  template <class E>
  void forward(net_type& net, const T* x, std::size_t n, E& ex) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (net.template layer<I>().forward_train(
           batch_view<typename Ls::in_shape, const T>{I == 0 ? x : input_of<I>()},
           batch_view<typename Ls::out_shape, T>{std::get<I>(outputs).data()}, std::get<I>(caches), n, ex),
       ...);
    }(std::index_sequence_for<Ls...>{});
  }
  // dy: dL/d output; dx: dL/d input written unless null; grad: the network's flat gradient.
  template <class E>
  void backward(const net_type& net, const T* x, const T* dy, T* dx, T* grad, std::size_t n, E& ex) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (backward_layer<depth - 1 - I>(net, x, dy, dx, grad, n, ex), ...);
    }(std::index_sequence_for<Ls...>{});
  }
  static constexpr std::size_t running_statistics_layers =
      (std::size_t{0} + ... + running_statistics_in<layer_cache_t<Ls, B>>());
  void set_running_momentum(double m) {
    std::apply([&](auto&... c) { (staticnn::set_running_momentum(c, m), ...); }, caches);
  }
  void reset_running_momentum() {
    std::apply([&](auto&... c) { (staticnn::reset_running_momentum(c), ...); }, caches);
  }

 private:
  template <std::size_t I>
  const T* input_of() const {
    if constexpr (I == 0) return nullptr;
    else return std::get<I - 1>(outputs).data();
  }
  // Layer I reads dL/dy from one buffer (the block's dy for the last) and writes dL/dx into the
  // other (dx for the first).
  template <std::size_t I, class E>
  void backward_layer(const net_type& net, const T* x, const T* dy, T* dx, T* grad, std::size_t n, E& ex) {
    using L = typename net_type::template layer_type<I>;
    const T* dyi = I == depth - 1 ? dy : (depth - 2 - I) % 2 == 0 ? grad_a.data() : grad_b.data();
    T* dxi = I == 0 ? dx : (depth - 1 - I) % 2 == 0 ? grad_a.data() : grad_b.data();
    net.template layer<I>().backward(
        batch_view<typename L::in_shape, const T>{I == 0 ? x : input_of<I>()},
        batch_view<typename L::out_shape, const T>{std::get<I>(outputs).data()},
        batch_view<typename L::out_shape, const T>{dyi}, batch_view<typename L::in_shape, T>{dxi},
        std::span<T, L::param_count>(grad + net_type::param_offset[I], L::param_count), std::get<I>(caches), n, ex);
  }
};
template <std::size_t B>
struct chain_state<identity_shortcut, B> {
  static constexpr std::size_t running_statistics_layers = 0;
  void set_running_momentum(double) {}
  void reset_running_momentum() {}
};

// The shortcut's output shape: the input's for the identity.
template <class In, class Skip>
struct branch_out {
  using type = typename Skip::out_shape;
};
template <class In>
struct branch_out<In, identity_shortcut> {
  using type = In;
};

// A chain of at least two layers whose last one is a conv computing output rows on their own:
// its block adds the shortcut as that conv writes (the header comment's first layout).
template <class Chain>
constexpr bool adds_as_it_writes() {
  if constexpr (Chain::depth > 1) return row_streamable_conv<typename Chain::template layer_type<Chain::depth - 1>>;
  else return false;
}
// The sizes of that layout: the last conv's input, its band of output rows, and the chain's
// workspace (mid + max(head workspace, band)).
template <class Chain>
struct rows_layout {
  using last = typename Chain::template layer_type<Chain::depth - 1>;
  static constexpr std::size_t mid = last::in_shape::size;
  static constexpr std::size_t OH = last::out_shape::height, OW = last::out_shape::width, G = last::channel_group;
  static constexpr std::size_t band = G * OW;
  static constexpr std::size_t chain = mid + std::max(Chain::head_workspace_size, band);
};
// nested_workspace of a block (the header comment) with Out output values.
template <class Chain, class Skip, std::size_t Out>
constexpr std::size_t residual_nested_workspace() {
  constexpr bool identity = std::is_same_v<Skip, identity_shortcut>;
  if constexpr (adds_as_it_writes<Chain>()) {
    if constexpr (identity) return rows_layout<Chain>::chain;
    else return std::max(Skip::workspace_size, rows_layout<Chain>::chain);
  } else {
    if constexpr (identity) return Chain::workspace_size;
    else return std::max(Chain::workspace_size, Out + Skip::workspace_size);
  }
}
// The first layout's inference: y = add(chain(x), shortcut(x)) with add(v, s) the value written
// for the chain's value v and the shortcut's s; y may be x with the identity.
template <class Chain, class Skip, class T, std::size_t In, std::size_t Out, class AddRow>
constexpr void forward_adding_rows(const Chain& body, const Skip& skip, cview<T, In> x, view<T, Out> y, T* ws,
                                   AddRow&& add_row) {
  using R = rows_layout<Chain>;
  const T* s = x.data();
  if constexpr (!std::is_same_v<Skip, identity_shortcut>) {
    skip.forward(x, y, view<T, Skip::workspace_size>(ws, Skip::workspace_size));
    s = y.data();
  }
  body.forward_head(x, view<T, R::mid>(ws, R::mid),
                    view<T, Chain::head_workspace_size>(ws + R::mid, Chain::head_workspace_size));
  T* band = ws + R::mid;
  T* out = y.data();
  conv_forward_rows_then(body.template layer<Chain::depth - 1>(), static_cast<const T*>(ws), band,
                         [&](std::size_t oc, std::size_t oy) {
                           for (std::size_t g = 0; g < R::G; ++g) {
                             const std::size_t o = ((oc + g) * R::OH + oy) * R::OW;
                             add_row(band + g * R::OW, s + o, out + o);
                           }
                         });
}

template <class Net>
constexpr std::size_t total_macs() {
  std::size_t s = 0;
  for (std::size_t m : Net::layer_macs) s += m;
  return s;
}
}  // namespace detail

template <Shape In, class T, class Chain, class Skip>
struct residual_layer;

// A residual's training cache for minibatches of up to B samples: both networks' activations
// and caches, and the shortcut chain's input gradient.
template <class R, std::size_t B>
struct residual_cache {
  detail::chain_state<typename R::body_type, B> body;
  detail::chain_state<typename R::skip_type, B> skip;
  std::array<typename R::value_type, R::identity ? 0 : B * R::in_shape::size> skip_dx{};
  static constexpr std::size_t running_statistics_layers =
      decltype(body)::running_statistics_layers + decltype(skip)::running_statistics_layers;
  void set_running_momentum(double m) { body.set_running_momentum(m), skip.set_running_momentum(m); }
  void reset_running_momentum() { body.reset_running_momentum(), skip.reset_running_momentum(); }
};

template <Shape In, class T, class Chain, class Skip>
struct residual_layer {
  static constexpr bool identity = std::is_same_v<Skip, identity_shortcut>;
  using body_type = Chain;
  using skip_type = Skip;
  using value_type = T;
  using in_shape = In;
  using out_shape = typename Chain::out_shape;
  using skip_out = typename detail::branch_out<In, Skip>::type;
  static_assert(std::is_same_v<typename Chain::in_shape, In> && std::is_same_v<typename Chain::value_type, T>);
  static_assert(detail::check_residual_shapes<out_shape, skip_out>::ok);

  static constexpr const char* name = "residual";
  static constexpr const char* kernel_name = "residual";
  static constexpr bool composite = true;
  static constexpr std::size_t out_size = out_shape::size;
  static constexpr std::size_t param_count = Chain::param_count + [] {
    if constexpr (identity) return std::size_t{0};
    else return Skip::param_count;
  }();
  static constexpr std::size_t state_count = Chain::state_count + [] {
    if constexpr (identity) return std::size_t{0};
    else return Skip::state_count;
  }();
  static constexpr std::size_t macs = detail::total_macs<Chain>() + [] {
    if constexpr (identity) return std::size_t{0};
    else return detail::total_macs<Skip>();
  }();
  // See the header comment.
  static constexpr std::size_t nested_workspace = detail::residual_nested_workspace<Chain, Skip, out_size>();
  static constexpr bool output_over_input = identity && detail::adds_as_it_writes<Chain>();

  Chain body;
  [[no_unique_address]] Skip skip;

  template <class F>
  constexpr void for_each_branch(F&& f) {
    f(body);
    if constexpr (!identity) f(skip);
  }
  template <class F>
  constexpr void for_each_branch(F&& f) const {
    f(body);
    if constexpr (!identity) f(skip);
  }

  // f(std::type_identity<N>) for each network type, as for_each_branch visits them.
  template <class F>
  static constexpr void for_each_branch_type(F&& f) {
    f(std::type_identity<Chain>{});
    if constexpr (!identity) f(std::type_identity<Skip>{});
  }

  // Inference with ws: nested_workspace values overlapping neither x nor y; y may be x where
  // output_over_input.
  constexpr void forward(cview<T, In::size> x, view<T, out_size> y, T* ws) const {
    if constexpr (detail::adds_as_it_writes<Chain>()) {
      detail::forward_adding_rows(body, skip, x, y, ws, [](const T* v, const T* s, T* o) {
        for (std::size_t i = 0; i < detail::rows_layout<Chain>::OW; ++i) o[i] = v[i] + s[i];
      });
      return;
    }
    body.forward(x, y, view<T, Chain::workspace_size>(ws, Chain::workspace_size));
    if constexpr (identity) {
      for (std::size_t i = 0; i < out_size; ++i) y[i] += x[i];
    } else {
      skip.forward(x, view<T, out_size>(ws, out_size), view<T, Skip::workspace_size>(ws + out_size, Skip::workspace_size));
      for (std::size_t i = 0; i < out_size; ++i) y[i] += ws[i];
    }
  }
  // Inference with the networks' workspace on the stack.
  constexpr void forward(cview<T, In::size> x, view<T, out_size> y) const {
    std::array<T, nested_workspace> ws;
    forward(x, y, ws.data());
  }

  // Training: each network's layers in turn, as the trainer runs a network; the sums are
  // elementwise, so results do not depend on the thread count when the inner layers' do not.
  template <std::size_t B>
  using batch_cache = residual_cache<residual_layer, B>;

  template <std::size_t B, Executor E>
  void forward_train(batch_view<In, const T> x, batch_view<out_shape, T> y, residual_cache<residual_layer, B>& cache,
                     std::size_t n, E& ex) {
    cache.body.forward(body, x.ptr, n, ex);
    const T* b = cache.body.output();
    const T* s = x.ptr;
    if constexpr (!identity) {
      cache.skip.forward(skip, x.ptr, n, ex);
      s = cache.skip.output();
    }
    for (std::size_t i = 0; i < n * out_size; ++i) y.ptr[i] = b[i] + s[i];
  }
  // dL/dx = body's dL/dx + (dy, or the shortcut chain's dL/dx); the gradient is body's then skip's.
  template <std::size_t B, Executor E>
  void backward(batch_view<In, const T> x, batch_view<out_shape, const T>, batch_view<out_shape, const T> dy,
                batch_view<In, T> dx, std::span<T, param_count> grad, residual_cache<residual_layer, B>& cache,
                std::size_t n, E& ex) const {
    cache.body.backward(body, x.ptr, dy.ptr, dx.ptr, grad.data(), n, ex);
    const T* add = dy.ptr;
    if constexpr (!identity) {
      T* sdx = dx.ptr == nullptr ? nullptr : cache.skip_dx.data();
      cache.skip.backward(skip, x.ptr, dy.ptr, sdx, grad.data() + Chain::param_count, n, ex);
      add = sdx;
    }
    if (dx.ptr != nullptr)
      for (std::size_t i = 0; i < n * In::size; ++i) dx.ptr[i] += add[i];
  }
};

namespace detail {
// Binds residual<Specs...> from In: the chain is Specs without a trailing shortcut<...>.
template <class T, class In, class... Specs>
struct bind_residual {
  static_assert(sizeof...(Specs) > 0, "residual: needs at least one layer in its chain");
  using last = std::tuple_element_t<sizeof...(Specs) - 1, std::tuple<Specs...>>;
  static constexpr std::size_t chain_length = sizeof...(Specs) - (is_shortcut_spec<last> ? 1 : 0);
  static_assert(chain_length > 0, "residual: needs at least one layer in its chain");
  static_assert((std::size_t{is_shortcut_spec<Specs>} + ... + 0) <= (is_shortcut_spec<last> ? 1 : 0),
                "residual: shortcut<...> must be the last spec, at most once");
  using chain = typename residual_chain<T, In, std::tuple<Specs...>, std::make_index_sequence<chain_length>>::type;
  using skip = typename residual_skip<T, In, last>::type;
  using type = residual_layer<In, T, chain, skip>;
};
}  // namespace detail

template <class... Specs>
struct residual {
  template <Shape In, class T = float>
  using bind = typename detail::bind_residual<T, In, Specs...>::type;
};

}  // namespace staticnn
