// trainer: loss and gradient of a tiny network against hand computation, n < B handling,
// zero heap allocations per step, bit-identical results across seeds and executors, and a
// BN-LeNet that learns a separable toy problem.
//
// This file replaces the global operator new/delete (for the whole test executable) with a
// counting version; the counter only counts while armed.
#include "staticnn/train/trainer.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "../support.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/flatten.hpp"
#include "staticnn/layers/residual.hpp"
#include "staticnn/models/lenet.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/sgd.hpp"
#include "staticnn/train/thread_pool.hpp"

// ---- counting allocator -------------------------------------------------------------------
namespace {
std::atomic<bool> alloc_armed{false};
std::atomic<std::size_t> alloc_count{0};

void* counted_alloc(std::size_t size) {
  if (alloc_armed.load(std::memory_order_relaxed)) alloc_count.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* counted_alloc(std::size_t size, std::align_val_t al) {
  if (alloc_armed.load(std::memory_order_relaxed)) alloc_count.fetch_add(1, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(al);
  const std::size_t rounded = (size + a - 1) / a * a;  // aligned_alloc needs a multiple of the alignment
  return std::aligned_alloc(a, rounded == 0 ? a : rounded);
}
void* throwing(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// Counts allocations made (on any thread) between construction and stop().
struct alloc_probe {
  alloc_probe() {
    alloc_count.store(0);
    alloc_armed.store(true);
  }
  std::size_t stop() {
    alloc_armed.store(false);
    return alloc_count.load();
  }
  ~alloc_probe() { alloc_armed.store(false); }
};
}  // namespace

void* operator new(std::size_t n) { return throwing(counted_alloc(n)); }
void* operator new[](std::size_t n) { return throwing(counted_alloc(n)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) { return throwing(counted_alloc(n, a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return throwing(counted_alloc(n, a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_alloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted_alloc(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
// ---------------------------------------------------------------------------------------------

namespace sn = staticnn;
using sn::shape;

namespace {

using lenet_t = sn::models::bn_lenet;

// Synthetic images: class 1 is brighter on average than class 0 (0.65 vs 0.35 plus U(-0.3, 0.3)
// pixel noise), with the class of sample b fixed as b % 2.
template <std::size_t B>
void fill_brightness_batch(sn::train::trainer<lenet_t, B>& tr, sn::train::rng& g) {
  constexpr std::size_t P = lenet_t::in_shape::size;
  for (std::size_t b = 0; b < B; ++b) {
    const auto label = static_cast<std::uint8_t>(b % 2);
    tr.labels[b] = label;
    const double base = label == 1 ? 0.65 : 0.35;
    for (std::size_t p = 0; p < P; ++p) tr.input[b * P + p] = static_cast<float>(base + g.uniform(-0.3, 0.3));
  }
}

// Initialises a BN-LeNet from `seed` and runs `steps` SGD steps on batches drawn from the same
// seed; returns the bytes of every parameter and running statistic afterwards.
template <class E>
std::vector<unsigned char> train_run(std::uint64_t seed, std::size_t steps, E& ex) {
  constexpr std::size_t B = 6;
  auto net = std::make_unique<lenet_t>();
  auto tr = std::make_unique<sn::train::trainer<lenet_t, B>>();
  auto opt = std::make_unique<sn::train::sgd<lenet_t>>();
  opt->lr = 0.05;
  opt->momentum = 0.9;
  opt->weight_decay = 1e-4;
  sn::train::rng g(seed);
  sn::train::init_parameters(*net, g);
  for (std::size_t s = 0; s < steps; ++s) {
    fill_brightness_batch(*tr, g);
    tr->step(*net, *opt, s % 2 == 0 ? B : B - 1, ex);  // also a partial batch
  }
  return test_support::network_bytes(*net);
}

}  // namespace

TEST_CASE("trainer: loss, accuracy and gradient of a dense 3 -> 2 network by hand") {
  // W = [[0.1 0.2 0.3] [-0.1 0 0.1]], b = [0 0.5].
  // Sample 0: x = [1 0 -1], label 0: z = [0.1 - 0.3, -0.1 - 0.1 + 0.5] = [-0.2, 0.3] (wrong).
  // Sample 1: x = [2 1 0], label 0: z = [0.2 + 0.2, -0.2 + 0.5] = [0.4, 0.3] (right).
  // Two-class cross-entropy: loss = log(1 + e^(z_other - z_label)) = softplus(0.5), softplus(-0.1).
  // dz = (softmax - onehot) / 2: sample 0 [-(1 - s(-0.5)), s(0.5)] / 2 with s the logistic function,
  // i.e. [-s(0.5), s(0.5)] / 2; sample 1 [-s(-0.1), s(-0.1)] / 2.
  using net_t = sn::basic_sequential<double, shape<3>, sn::dense<2>>;
  net_t net;
  net.layer<0>().params = {0.1, 0.2, 0.3, -0.1, 0, 0.1, 0, 0.5};
  auto tr = std::make_unique<sn::train::trainer<net_t, 2>>();
  tr->input = {1, 0, -1, 2, 1, 0};
  tr->labels = {0, 0};
  sn::serial_executor ex;
  tr->forward(net, 2, ex);
  const auto z = tr->logits();
  CHECK(z[0][0] == doctest::Approx(-0.2).epsilon(1e-15));
  CHECK(z[0][1] == doctest::Approx(0.3).epsilon(1e-15));
  CHECK(z[1][0] == doctest::Approx(0.4).epsilon(1e-15));
  CHECK(z[1][1] == doctest::Approx(0.3).epsilon(1e-15));
  const auto stats = tr->loss(2, ex);
  const auto softplus = [](double v) { return std::log1p(std::exp(v)); };
  const auto logistic = [](double v) { return 1 / (1 + std::exp(-v)); };
  CHECK(stats.loss_sum == doctest::Approx(softplus(0.5) + softplus(-0.1)).epsilon(1e-14));
  CHECK(stats.loss_sum == doctest::Approx(0.9740769841801067 + 0.6443966600735709).epsilon(1e-12));
  // loss is the mean, the loss whose gradient backward() writes (dz below carries the 1/2).
  CHECK(stats.loss == doctest::Approx((softplus(0.5) + softplus(-0.1)) / 2).epsilon(1e-14));
  CHECK(stats.correct == 1);
  tr->backward(net, 2, ex);
  const std::array<double, 2> dz0{-logistic(0.5) / 2, logistic(0.5) / 2};
  const std::array<double, 2> dz1{-logistic(-0.1) / 2, logistic(-0.1) / 2};
  const std::array<double, 3> x0{1, 0, -1}, x1{2, 1, 0};
  for (std::size_t o = 0; o < 2; ++o) {
    for (std::size_t i = 0; i < 3; ++i)
      CHECK(tr->grad[o * 3 + i] == doctest::Approx(dz0[o] * x0[i] + dz1[o] * x1[i]).epsilon(1e-14));
    CHECK(tr->grad[6 + o] == doctest::Approx(dz0[o] + dz1[o]).epsilon(1e-14));
  }

  // step() = forward + loss + backward + sgd: with lr 0.5 every parameter moves by -0.5 * grad.
  const auto before = net.layer<0>().params;
  const auto grad = tr->grad;
  sn::train::sgd<net_t> opt{0.5, 0, 0};
  const auto s2 = tr->step(net, opt, 2, ex);
  CHECK(s2.loss_sum == doctest::Approx(stats.loss_sum).epsilon(1e-15));
  for (std::size_t k = 0; k < 8; ++k) CHECK(net.layer<0>().params[k] == doctest::Approx(before[k] - 0.5 * grad[k]).epsilon(1e-15));
}

TEST_CASE("trainer: reconstruction loss and gradient of a dense 2 -> 2 autoencoder by hand") {
  // W = [[1 0.5] [0 -1]], b = [0.1 0]. Sample 0: x = [1 2], z = [2.1, -2], z - x = [1.1, -4].
  // Sample 1: x = [0 1], z = [0.6, -1], z - x = [0.6, -2]. Per sample loss = mean (z - x)^2:
  // (1.21 + 16) / 2 = 8.605 and (0.36 + 4) / 2 = 2.18; dz = 2 (z - x) / 2 / 2 = (z - x) / 2.
  using net_t = sn::basic_sequential<double, shape<2>, sn::dense<2>>;
  net_t net;
  net.layer<0>().params = {1, 0.5, 0, -1, 0.1, 0};
  auto tr = std::make_unique<sn::train::trainer<net_t, 2>>();
  tr->input = {1, 2, 0, 1};
  sn::serial_executor ex;
  tr->forward(net, 2, ex);
  const auto stats = tr->reconstruction_loss(2, ex);
  CHECK(stats.loss_sum == doctest::Approx(8.605 + 2.18).epsilon(1e-14));
  CHECK(stats.loss == doctest::Approx((8.605 + 2.18) / 2).epsilon(1e-14));
  CHECK(stats.correct == 0);
  tr->backward(net, 2, ex);
  const std::array<std::array<double, 2>, 2> dz{{{0.55, -2}, {0.3, -1}}}, x{{{1, 2}, {0, 1}}};
  for (std::size_t o = 0; o < 2; ++o) {
    for (std::size_t i = 0; i < 2; ++i)
      CHECK(tr->grad[o * 2 + i] == doctest::Approx(dz[0][o] * x[0][i] + dz[1][o] * x[1][i]).epsilon(1e-14));
    CHECK(tr->grad[4 + o] == doctest::Approx(dz[0][o] + dz[1][o]).epsilon(1e-14));
  }
}

TEST_CASE("trainer: reconstruction gradient of dense -> batchnorm -> relu -> dense equals finite differences") {
  using net_t = sn::basic_sequential<double, shape<4>, sn::dense<3>, sn::batchnorm, sn::relu, sn::dense<4>>;
  constexpr std::size_t B = 3;
  auto net = std::make_unique<net_t>();
  sn::train::rng g(7);
  sn::train::init_parameters(*net, g);
  auto tr = std::make_unique<sn::train::trainer<net_t, B>>();
  for (auto& v : tr->input) v = g.uniform(-1, 1);
  sn::serial_executor ex;
  const auto loss_at = [&] {  // training-mode forward: batch statistics, as in the step
    tr->forward(*net, B, ex);
    return tr->reconstruction_loss(B, ex).loss;
  };
  loss_at();
  tr->backward(*net, B, ex);
  const auto grad = tr->grad;
  std::size_t k = 0, checked = 0;
  net->for_each_layer([&](auto, auto& l) {
    if constexpr (std::remove_cvref_t<decltype(l)>::param_count > 0)
      for (auto& p : l.params) {
        const double p0 = p, h = 1e-6;
        p = p0 + h;
        const double up = loss_at();
        p = p0 - h;
        const double down = loss_at();
        p = p0;
        CHECK(grad[k] == doctest::Approx((up - down) / (2 * h)).epsilon(1e-6).scale(1e-6));
        ++k, ++checked;
      }
  });
  CHECK(checked == net_t::param_count);
}

TEST_CASE("trainer: training forward uses batch statistics") {
  // dense (identity weights) then batchnorm: the batchnorm outputs of a batch have mean 0 and
  // biased variance var / (var + eps) per feature, whatever the running statistics say.
  using net_t = sn::basic_sequential<double, shape<2>, sn::dense<2>, sn::batchnorm, sn::dense<2>>;
  net_t net;
  net.layer<0>().params = {1, 0, 0, 1, 0, 0};
  net.layer<1>().state = {100, -100, 0.01, 50};  // running statistics far from the batch's
  net.layer<2>().params = {1, 0, 0, 1, 0, 0};
  auto tr = std::make_unique<sn::train::trainer<net_t, 4>>();
  tr->input = {1, 10, 2, 20, 3, 30, 6, 40};
  sn::serial_executor ex;
  tr->forward(net, 4, ex);
  const auto& bn_out = std::get<1>(tr->outputs);
  for (std::size_t f = 0; f < 2; ++f) {
    double mean = 0, var = 0;
    for (std::size_t b = 0; b < 4; ++b) mean += bn_out[b * 2 + f] / 4;
    for (std::size_t b = 0; b < 4; ++b) var += (bn_out[b * 2 + f] - mean) * (bn_out[b * 2 + f] - mean) / 4;
    CHECK(std::abs(mean) < 1e-14);
    // f0 = {1 2 3 6}: var 3.5; f1 = {10 20 30 40}: var 125.
    const double v = f == 0 ? 3.5 : 125.0;
    CHECK(var == doctest::Approx(v / (v + 1e-5)).epsilon(1e-12));
  }
}

TEST_CASE("trainer: a step over n < B samples ignores the rest of the buffers") {
  // B = 4 storage, n = 2 used; samples 2 and 3 are NaN. The gradient must equal that of a
  // trainer with B = 2 on the same two samples, bit for bit.
  using net_t = sn::basic_sequential<double, shape<3>, sn::dense<4>, sn::batchnorm, sn::tanh, sn::dense<3>>;
  net_t net;
  sn::train::rng g(1);
  sn::train::init_parameters(net, g);
  auto big = std::make_unique<sn::train::trainer<net_t, 4>>();
  auto small = std::make_unique<sn::train::trainer<net_t, 2>>();
  big->input.fill(std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < 6; ++i) big->input[i] = small->input[i] = g.uniform(-1, 1);
  big->labels = {2, 0, 1, 1};
  small->labels = {2, 0};
  sn::serial_executor ex;
  net_t net2 = net;
  big->forward(net, 2, ex);
  small->forward(net2, 2, ex);
  const double lb = big->loss(2, ex).loss_sum, ls = small->loss(2, ex).loss_sum;
  CHECK(std::isfinite(lb));
  CHECK(lb == ls);
  big->backward(net, 2, ex);
  small->backward(net2, 2, ex);
  CHECK(std::equal(big->grad.begin(), big->grad.end(), small->grad.begin()));
  CHECK(test_support::network_bytes(net) == test_support::network_bytes(net2));  // same running stats
}

TEST_CASE("trainer: a training step allocates nothing") {
  constexpr std::size_t B = 8;
  auto net = std::make_unique<lenet_t>();
  auto tr = std::make_unique<sn::train::trainer<lenet_t, B>>();
  auto opt = std::make_unique<sn::train::sgd<lenet_t>>();
  opt->momentum = 0.9;
  sn::train::rng g(3);
  sn::train::init_parameters(*net, g);
  fill_brightness_batch(*tr, g);

  SUBCASE("thread_pool(2)") {
    sn::train::thread_pool pool(2);
    tr->step(*net, *opt, B, pool);  // warm-up
    alloc_probe probe;
    tr->step(*net, *opt, B, pool);
    tr->step(*net, *opt, B - 3, pool);
    CHECK(probe.stop() == 0);
  }
  SUBCASE("serial executor") {
    sn::serial_executor ex;
    tr->step(*net, *opt, B, ex);
    alloc_probe probe;
    tr->step(*net, *opt, B, ex);
    CHECK(probe.stop() == 0);
  }
  SUBCASE("the probe does count") {
    alloc_probe probe;
    auto p = std::make_unique<int>(1);
    CHECK(probe.stop() == 1);
  }
}

TEST_CASE("trainer: a training step of a network with residual blocks allocates nothing") {
  // Identity and projection shortcut: the blocks' inner activations and caches live in the
  // trainer (layer_cache_t), not on the heap.
  using net_t = sn::sequential<
      shape<2, 6, 6>, sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu,
      sn::residual<sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<4, 3, 1, 1>, sn::batchnorm>, sn::relu,
      sn::residual<sn::conv2d<6, 3, 2, 1>, sn::batchnorm, sn::shortcut<sn::conv2d<6, 1, 2, 0>, sn::batchnorm>>,
      sn::relu, sn::flatten, sn::dense<2>>;
  constexpr std::size_t B = 4;
  auto net = std::make_unique<net_t>();
  auto tr = std::make_unique<sn::train::trainer<net_t, B>>();
  auto opt = std::make_unique<sn::train::sgd<net_t>>();
  opt->momentum = 0.9;
  sn::train::rng g(3);
  sn::train::init_parameters(*net, g);
  for (auto& v : tr->input) v = static_cast<float>(g.uniform(-1, 1));
  for (std::size_t b = 0; b < B; ++b) tr->labels[b] = static_cast<std::uint8_t>(b % 2);
  sn::train::thread_pool pool(2);
  tr->step(*net, *opt, B, pool);  // warm-up
  alloc_probe probe;
  tr->step(*net, *opt, B, pool);
  tr->step(*net, *opt, B - 1, pool);
  sn::serial_executor ex;
  tr->step(*net, *opt, B, ex);
  CHECK(probe.stop() == 0);
}

TEST_CASE("trainer: same seed, same weights, bit for bit") {
  sn::serial_executor ex;
  const auto a = train_run(11, 3, ex);
  const auto b = train_run(11, 3, ex);
  const auto c = train_run(12, 3, ex);
  CHECK(a.size() == (lenet_t::param_count + lenet_t::state_count) * sizeof(float));
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("trainer: serial, 2 and 3 threads give bit-identical weights") {
  sn::serial_executor ex;
  sn::train::thread_pool pool2(2), pool3(3);
  const auto s = train_run(21, 4, ex);
  const auto p2 = train_run(21, 4, pool2);
  const auto p3 = train_run(21, 4, pool3);
  CHECK(s == p2);
  CHECK(s == p3);
}

TEST_CASE("trainer: BN-LeNet learns a separable toy problem") {
  // 16 fixed images, two brightness classes. The training loss must fall and the network,
  // evaluated in inference mode (running statistics), must classify all 16 correctly.
  constexpr std::size_t B = 16, max_steps = 60;
  auto net = std::make_unique<lenet_t>();
  auto tr = std::make_unique<sn::train::trainer<lenet_t, B>>();
  auto opt = std::make_unique<sn::train::sgd<lenet_t>>();
  opt->lr = 0.1;
  opt->momentum = 0.9;
  sn::train::rng g(5);
  sn::train::init_parameters(*net, g);
  fill_brightness_batch(*tr, g);
  sn::train::thread_pool pool(2);

  auto eval_correct = [&] {
    std::size_t correct = 0;
    for (std::size_t b = 0; b < B; ++b) {
      sn::tensor<shape<10>> z;
      net->forward(std::span<const float, 784>(tr->input.data() + b * 784, 784), z);
      correct += sn::train::argmax<float, 10>(z.span()) == tr->labels[b];
    }
    return correct;
  };

  const double first_loss = tr->step(*net, *opt, B, pool).loss;
  double last_loss = first_loss;
  std::size_t steps = 1, train_correct = 0, eval = 0;
  for (; steps < max_steps; ++steps) {
    const auto s = tr->step(*net, *opt, B, pool);
    last_loss = s.loss;
    train_correct = s.correct;
    // Check inference only once the running statistics have had ~20 updates to settle.
    if (steps >= 20 && train_correct == B && (eval = eval_correct()) == B) break;
  }
  CAPTURE(steps);
  CAPTURE(first_loss);
  CAPTURE(last_loss);
  CHECK(train_correct == B);
  CHECK(eval == B);
  CHECK(last_loss < 0.5 * first_loss);
}
