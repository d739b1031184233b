#pragma once
// trainer<Net, B>: everything a training step needs besides the network itself, for minibatches
// of up to B samples: the input batch, every layer's outputs, gradient ping-pong buffers, layer
// caches (batch statistics) and the parameter gradient (train/gradient.hpp), all fixed-size. It
// is large (B times the activations), so a program makes one, e.g. with std::make_unique, and
// reuses it every step.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>

#include "../core/assert.hpp"
#include "../core/parallel.hpp"
#include "../core/sequential.hpp"
#include "../kernels/dispatch.hpp"
#include "gradient.hpp"
#include "loss.hpp"
#include "sgd.hpp"

namespace staticnn::train {

// What loss() (and step()) measured on the n samples of a minibatch. `loss` is the mean softmax
// cross-entropy (reconstruction_loss: the mean squared error), the L whose gradient backward()
// computes (PyTorch's reduction='mean');
// `loss_sum` is the per-sample losses summed, for totals over many steps without rounding means.
struct step_stats {
  double loss = 0;          // loss_sum / n
  double loss_sum = 0;      // summed over the samples of the step
  std::size_t correct = 0;  // samples whose argmax equals the label
};

template <class Net, std::size_t B>
struct trainer;

template <class Cache>
inline constexpr bool has_running_momentum = requires(Cache& c) { c.running_momentum; };

template <std::size_t B, Layer... Ls>
struct trainer<network<Ls...>, B> {
  static_assert(B >= 2, "trainer: batchnorm needs minibatches of at least 2 samples");
  using net_type = network<Ls...>;
  using T = typename net_type::value_type;
  using in_shape = typename net_type::in_shape;
  using out_shape = typename net_type::out_shape;
  static constexpr std::size_t depth = net_type::depth, batch_size = B;
  static constexpr std::size_t max_io = std::max({Ls::in_shape::size..., Ls::out_shape::size...});

  std::array<T, B * in_shape::size> input{};
  std::array<std::uint8_t, B> labels{};
  std::tuple<std::array<T, B * Ls::out_shape::size>...> outputs;
  std::tuple<layer_cache_t<Ls, B>...> caches;
  std::array<T, B * max_io> grad_a{}, grad_b{};
  param_gradient<net_type> grad{};
  std::array<double, B> sample_loss{};
  std::array<std::uint8_t, B> sample_correct{};

  // Layers that keep running statistics (batchnorm): their caches carry the update weight.
  static constexpr std::size_t running_statistics_layers =
      (std::size_t{0} + ... + running_statistics_in<layer_cache_t<Ls, B>>());
  // Sets the weight of the next training-mode forwards' running-statistics update in every such
  // layer; reset_running_momentum restores each layer's default (batchnorm: 0.1, as PyTorch).
  void set_running_momentum(double m) {
    std::apply([&](auto&... c) { (staticnn::set_running_momentum(c, m), ...); }, caches);
  }
  void reset_running_momentum() {
    std::apply([&](auto&... c) { (staticnn::reset_running_momentum(c), ...); }, caches);
  }

  batch_view<in_shape, T> inputs() { return {input.data()}; }
  batch_view<out_shape, const T> logits() const { return {std::get<depth - 1>(outputs).data()}; }

  // Training-mode forward over the first n samples of `input` (batchnorm uses batch statistics
  // and updates its running statistics).
  template <Executor E>
  void forward(net_type& net, std::size_t n, E& ex) {
    STATICNN_ASSERT(n >= 2 && n <= B, "trainer: sample count must be in [2, B]");
    [&]<std::size_t... I>(std::index_sequence<I...>) { (forward_layer<I>(net, n, ex), ...); }(
        std::make_index_sequence<depth>{});
  }

  // Softmax cross-entropy of n samples against `labels`: returns the mean L (and the sum) and
  // writes dL/dlogits of the mean into grad_a.
  template <Executor E>
  step_stats loss(std::size_t n, E& ex) {
    constexpr std::size_t K = out_shape::size;
    return batch_loss(n, ex, [&](std::size_t b, auto z, auto dz) {
      STATICNN_ASSERT(labels[b] < K, "trainer: label out of range");
      sample_loss[b] = softmax_cross_entropy<T, K>(z, labels[b], dz, 1.0 / static_cast<double>(n));
      sample_correct[b] = argmax<T, K>(z) == labels[b];
    });
  }

  // The reconstruction loss of an autoencoder (the output's target is the input, as in MLPerf
  // Tiny's anomaly detection): loss() with mean_squared_error (loss.hpp) against the first n
  // samples of `input` instead of softmax cross-entropy against `labels`; `correct` stays 0.
  template <Executor E>
    requires(out_shape::size == in_shape::size)
  step_stats reconstruction_loss(std::size_t n, E& ex) {
    constexpr std::size_t K = out_shape::size;
    return batch_loss(n, ex, [&](std::size_t b, auto z, auto dz) {
      sample_loss[b] = mean_squared_error<T, K>(z, std::span<const T, K>(input.data() + b * K, K), dz,
                                                1.0 / static_cast<double>(n));
      sample_correct[b] = 0;
    });
  }

  // Backpropagates grad_a (dL/dlogits) to every parameter: fills `grad`. backward skips the
  // first layer's input gradient; backward_to_input computes it too, for input_gradient().
  template <Executor E>
  void backward(const net_type& net, std::size_t n, E& ex) {
    backward_layers<false>(net, n, ex);
  }
  template <Executor E>
  void backward_to_input(const net_type& net, std::size_t n, E& ex) {
    backward_layers<true>(net, n, ex);
  }

  // dL/dinput of the n samples of the last backward_to_input (sample b: input_gradient()[b]), L
  // being what grad_a held, the mean loss after loss(). It lives in a ping-pong buffer: valid
  // until the next loss() or backward.
  batch_view<in_shape, const T> input_gradient() const {
    STATICNN_ASSERT(input_gradient_valid, "trainer: input_gradient() needs backward_to_input() first");
    return {depth % 2 == 1 ? grad_b.data() : grad_a.data()};  // where layer 0 wrote its dx
  }

  // One SGD step on the first n samples of `input`/`labels`.
  template <Executor E>
  step_stats step(net_type& net, sgd<net_type>& opt, std::size_t n, E& ex) {
    forward(net, n, ex);
    const step_stats s = loss(n, ex);
    backward(net, n, ex);
    opt.step(net, grad);
    return s;
  }
  // One SGD step of an autoencoder on the first n samples of `input` (reconstruction_loss).
  template <Executor E>
    requires(out_shape::size == in_shape::size)
  step_stats reconstruction_step(net_type& net, sgd<net_type>& opt, std::size_t n, E& ex) {
    forward(net, n, ex);
    const step_stats s = reconstruction_loss(n, ex);
    backward(net, n, ex);
    opt.step(net, grad);
    return s;
  }

 private:
  bool input_gradient_valid = false;

  // A loss over the first n samples: per_sample(b, logits of b, dL/dlogits of b) sets
  // sample_loss[b] and sample_correct[b] and writes the gradient (grad_a, what backward reads).
  template <Executor E, class PerSample>
  step_stats batch_loss(std::size_t n, E& ex, PerSample&& per_sample) {
    input_gradient_valid = false;
    const auto z = logits();
    batch_view<out_shape, T> dz{grad_a.data()};
    ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) per_sample(b, z[b], dz[b]);
    }));
    step_stats s;
    for (std::size_t b = 0; b < n; ++b) s.loss_sum += sample_loss[b], s.correct += sample_correct[b];
    s.loss = s.loss_sum / static_cast<double>(n);
    return s;
  }

  template <std::size_t I>
  using layer_t = typename net_type::template layer_type<I>;

  template <std::size_t I>
  const T* layer_input() const {
    if constexpr (I == 0) return input.data();
    else return std::get<I - 1>(outputs).data();
  }

  template <std::size_t I, class E>
  void forward_layer(net_type& net, std::size_t n, E& ex) {
    using L = layer_t<I>;
    net.template layer<I>().forward_train(batch_view<typename L::in_shape, const T>{layer_input<I>()},
                                          batch_view<typename L::out_shape, T>{std::get<I>(outputs).data()},
                                          std::get<I>(caches), n, ex);
  }

  template <bool ToInput, class E>
  void backward_layers(const net_type& net, std::size_t n, E& ex) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (backward_layer<depth - 1 - I, ToInput>(net, n, ex), ...);
    }(std::make_index_sequence<depth>{});
    input_gradient_valid = ToInput;
  }

  // Layer I reads dL/dy from one ping-pong buffer and writes dL/dx into the other; the first
  // layer's input gradient is computed only when ToInput.
  template <std::size_t I, bool ToInput, class E>
  void backward_layer(const net_type& net, std::size_t n, E& ex) {
    using L = layer_t<I>;
    constexpr bool dy_in_a = (depth - 1 - I) % 2 == 0;
    T* dy = dy_in_a ? grad_a.data() : grad_b.data();
    T* dx = I == 0 && !ToInput ? nullptr : (dy_in_a ? grad_b.data() : grad_a.data());
    const auto g = grad.template layer<I>().params;
    net.template layer<I>().backward(batch_view<typename L::in_shape, const T>{layer_input<I>()},
                                     batch_view<typename L::out_shape, const T>{std::get<I>(outputs).data()},
                                     batch_view<typename L::out_shape, const T>{dy},
                                     batch_view<typename L::in_shape, T>{dx}, g, std::get<I>(caches), n, ex);
  }
};

}  // namespace staticnn::train
