#pragma once
// Batched eval-mode inference on the host: eval_logits(net, images, count, logits, ex) runs
// `count` images (In::size values each, back to back) through the network, batchnorm with its
// running statistics. The images run in chunks of up to eval_chunk<Net> images, which the
// executor's threads take one after another, layer by layer: layers with a batched forward
// (forward(batch_view x, batch_view y, n) const: conv2d and dense as matrix products, batchnorm,
// activations) take the chunk at once, the others (pooling, flatten, ...) one sample at a time.
// The chunk's activations live in two fixed-size ping-pong arrays on the thread's stack; the loop
// body runs as the copy compiled for this CPU's best instruction set (kernels::on_best_isa).
// The logits equal the one-sample forward's up to float rounding (other summation orders).
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <utility>

#include "../core/parallel.hpp"
#include "../core/sequential.hpp"
#include "../core/tensor.hpp"
#include "../kernels/dispatch.hpp"

namespace staticnn::train {

template <class L>
concept batch_forward = requires(const L& l, batch_view<typename L::in_shape, const typename L::value_type> x,
                                 batch_view<typename L::out_shape, typename L::value_type> y) {
  l.forward(x, y, std::size_t{1});
};

namespace detail {
template <class Net>
constexpr std::size_t max_layer_output() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return std::max({Net::template layer_type<I>::out_shape::size...});
  }(std::make_index_sequence<Net::depth>{});
}
}  // namespace detail

// Images per chunk: up to 16, as many as keep one activation array of the chunk within 64 KiB
// (BN-LeNet: 4), so that a chunk's activations stay in the core's L2 cache, the dense layers'
// matrix products still read each weight row once for several images, and a batch of 128 splits
// into enough chunks (32) to keep two or more threads evenly busy.
template <Network Net>
inline constexpr std::size_t eval_chunk = std::clamp<std::size_t>(
    (64 * 1024) / (detail::max_layer_output<Net>() * sizeof(typename Net::value_type)), 1, 16);

namespace detail {
// Layer I on m samples from src into dst.
template <std::size_t I, class Net, class T>
[[gnu::always_inline]] inline void eval_layer(const Net& net, const T* src, T* dst, std::size_t m) {
  using L = typename Net::template layer_type<I>;
  const L& l = net.template layer<I>();
  if constexpr (batch_forward<L>) {
    l.forward(batch_view<typename L::in_shape, const T>{src}, batch_view<typename L::out_shape, T>{dst}, m);
  } else {
    constexpr std::size_t D = L::in_shape::size, O = L::out_shape::size;
    for (std::size_t b = 0; b < m; ++b) l.forward(cview<T, D>(src + b * D, D), view<T, O>(dst + b * O, O));
  }
}

// Images [first, first + m) through every layer, the last one writing into logits.
template <class Net, class T, std::size_t... I>
[[gnu::always_inline]] inline void eval_chunk_layers(const Net& net, const T* src, T* ping, T* pong, T* logits,
                                                     std::size_t m, std::index_sequence<I...>) {
  T* dst;
  ((dst = I + 1 == sizeof...(I) ? logits : I % 2 == 0 ? ping : pong, eval_layer<I>(net, src, dst, m), src = dst), ...);
}

template <Network Net>
struct eval_buffers {
  using T = typename Net::value_type;
  std::array<T, eval_chunk<Net> * max_layer_output<Net>()> ping, pong;
  std::array<T, eval_chunk<Net> * Net::out_shape::size> logits;
};

// sink(first, m, logits of images [first, first + m)) for every chunk of [0, count). Chunk k
// holds images [k * eval_chunk, (k + 1) * eval_chunk); threads take the next chunk as they
// finish one, so a thread that the OS holds back does not hold the others back, and an image's
// logits never depend on the thread count or on which thread computed them.
template <Network Net, Executor E, class Sink>
void eval_chunks(const Net& net, const typename Net::value_type* images, std::size_t count, E& ex, Sink&& sink) {
  constexpr std::size_t chunk = eval_chunk<Net>;
  const std::size_t chunks = (count + chunk - 1) / chunk;
  std::atomic<std::size_t> next{0};
  ex.parallel_for(chunks, kernels::on_best_isa([&](std::size_t, std::size_t) {
    eval_buffers<Net> buf;
    for (std::size_t k = next.fetch_add(1, std::memory_order_relaxed); k < chunks;
         k = next.fetch_add(1, std::memory_order_relaxed)) {
      const std::size_t first = k * chunk, m = std::min(chunk, count - first);
      eval_chunk_layers(net, images + first * Net::in_shape::size, buf.ping.data(), buf.pong.data(),
                        buf.logits.data(), m, std::make_index_sequence<Net::depth>{});
      sink(first, m, static_cast<const typename Net::value_type*>(buf.logits.data()));
    }
  }));
}
}  // namespace detail

// Eval-mode logits of `count` images into `logits` (count x Out::size values).
template <Network Net, Executor E>
void eval_logits(const Net& net, const typename Net::value_type* images, std::size_t count,
                 typename Net::value_type* logits, E& ex) {
  constexpr std::size_t K = Net::out_shape::size;
  detail::eval_chunks(net, images, count, ex, [&](std::size_t first, std::size_t m, const auto* z) {
    std::copy_n(z, m * K, logits + first * K);
  });
}

}  // namespace staticnn::train
