// eval_logits / predict (batched eval-mode inference on the training GEMMs): the logits of
// BN-LeNet, unfolded and folded, against a double-precision network with the same parameters run
// one sample at a time through the portable kernels, for image counts that leave remainders in
// the chunks and in the threads' shares.
//
// Tolerance: each float logit differs from the double one by the rounding of float sums of at
// most 256 products per layer, of the fast exp (a few ulp) and of the summation order. Inputs
// of every matrix product after the first are sigmoids in (0, 1) and the weights are
// PyTorch-initialised (|w| <= 1/sqrt(fan_in)), so a dot product's sum of |w x| is at most
// sqrt(256) = 16, and its worst-case rounding 256 * 2^-24 * 16 = 2.4e-4; rounding errors of
// random sign grow like sqrt(n) instead: the largest error measured here is 2e-7. The check uses
// 1e-5 relative to max(1, |logit|): 50 times the measured error, far below what a real mistake
// (a wrong weight, channel or sample) does to a logit.
#include "staticnn/train/eval.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "../support.hpp"
#include "staticnn/fold/fold.hpp"
#include "staticnn/models/lenet.hpp"
#include "staticnn/train/fit.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/thread_pool.hpp"

namespace sn = staticnn;

namespace {

using net_f = sn::models::basic_bn_lenet<float>;
using net_d = sn::models::basic_bn_lenet<double>;
constexpr std::size_t D = 784, K = 10;
constexpr double tolerance = 1e-5;

// Random weights (PyTorch's initialisation) and non-trivial batchnorm parameters and running
// statistics, so that eval mode differs from the identity.
std::unique_ptr<net_f> make_net() {
  auto net = std::make_unique<net_f>();
  sn::train::rng g(11);
  sn::train::init_parameters(*net, g);
  net->for_each_layer([&](auto, auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    if constexpr (L::state_count > 0) {
      for (auto& v : layer.gamma()) v = static_cast<float>(g.uniform(0.5, 2.0));
      for (auto& v : layer.beta()) v = static_cast<float>(g.uniform(-0.5, 0.5));
      for (auto& v : layer.running_mean()) v = static_cast<float>(g.uniform(-0.3, 0.3));
      for (auto& v : layer.running_var()) v = static_cast<float>(g.uniform(0.05, 0.5));
    }
  });
  return net;
}

// The same parameters and state in double.
std::unique_ptr<net_d> to_double(const net_f& f) {
  auto d = std::make_unique<net_d>();
  d->for_each_layer([&](auto i, auto& layer) {
    const auto& src = f.template layer<decltype(i)::value>();
    const auto ps = sn::param_span(src);
    const auto ss = sn::state_span(src);
    std::copy(ps.begin(), ps.end(), sn::param_span(layer).begin());
    std::copy(ss.begin(), ss.end(), sn::state_span(layer).begin());
  });
  return d;
}

std::vector<float> make_images(std::size_t count) {
  std::vector<float> images(count * D);
  sn::train::rng g(12);
  test_support::fill_uniform(images, g, 0, 1);
  return images;
}

std::vector<double> reference_logits(const net_d& net, const std::vector<float>& images, std::size_t count) {
  std::vector<double> z(count * K);
  std::vector<double> x(D);
  for (std::size_t b = 0; b < count; ++b) {
    std::copy_n(images.begin() + static_cast<std::ptrdiff_t>(b * D), D, x.begin());
    net.forward(std::span<const double, D>(x.data(), D), std::span<double, K>(z.data() + b * K, K));
  }
  return z;
}

double max_error(const std::vector<float>& got, const std::vector<double>& want) {
  double worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(got[i]) - want[i]) / std::max(1.0, std::abs(want[i])));
  return worst;
}

}  // namespace

TEST_CASE("eval_logits: BN-LeNet, unfolded and folded, matches a double-precision reference") {
  const auto net = make_net();
  const auto ref_net = to_double(*net);
  const auto folded = std::make_unique<sn::folded_t<net_f>>(sn::fold_batchnorm(*net));
  const std::vector<float> images = make_images(130);
  const std::vector<double> want = reference_logits(*ref_net, images, 130);
  double spread = 0;  // the logits must vary, or the comparison proves little
  for (double v : want) spread = std::max(spread, std::abs(v - want[0]));
  REQUIRE(spread > 0.5);

  sn::serial_executor serial;
  sn::train::thread_pool two(2), three(3);
  for (std::size_t count : {std::size_t{1}, std::size_t{5}, std::size_t{128}, std::size_t{130}}) {
    CAPTURE(count);
    const std::vector<double> w(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(count * K));
    std::vector<float> got(count * K, std::nanf(""));
    sn::train::eval_logits(*net, images.data(), count, got.data(), serial);
    CHECK(max_error(got, w) < tolerance);
    std::vector<float> got2(count * K, std::nanf(""));
    sn::train::eval_logits(*net, images.data(), count, got2.data(), two);
    CHECK(got2 == got);  // each image is computed by one thread in a fixed order
    std::fill(got2.begin(), got2.end(), std::nanf(""));
    sn::train::eval_logits(*folded, images.data(), count, got2.data(), three);
    CHECK(max_error(got2, w) < tolerance);
  }
}

TEST_CASE("eval_logits: the one-sample forward agrees within the same tolerance") {
  // The check above would also pass if both float paths were equally wrong; the portable one-
  // sample forward is the firmware's arithmetic and must agree with the batched path too.
  const auto net = make_net();
  const std::vector<float> images = make_images(5);
  std::vector<float> got(5 * K);
  sn::serial_executor serial;
  sn::train::eval_logits(*net, images.data(), 5, got.data(), serial);
  for (std::size_t b = 0; b < 5; ++b) {
    std::array<float, K> z;
    net->forward(std::span<const float, D>(images.data() + b * D, D), z);
    for (std::size_t k = 0; k < K; ++k)
      CHECK(std::abs(got[b * K + k] - z[k]) < tolerance * std::max(1.0f, std::abs(z[k])));
  }
}

TEST_CASE("predict: the argmax of eval_logits, on every thread count") {
  const auto net = make_net();
  const std::vector<float> images = make_images(130);
  std::vector<float> z(130 * K);
  sn::serial_executor serial;
  sn::train::eval_logits(*net, images.data(), 130, z.data(), serial);
  sn::train::thread_pool two(2);
  std::vector<std::uint8_t> a(130, 255), b(130, 255);
  sn::train::predict(*net, images.data(), 130, a.data(), serial);
  sn::train::predict(*net, images.data(), 130, b.data(), two);
  CHECK(a == b);
  for (std::size_t i = 0; i < 130; ++i) {
    const auto best = static_cast<std::size_t>(std::max_element(z.begin() + static_cast<std::ptrdiff_t>(i * K),
                                                                z.begin() + static_cast<std::ptrdiff_t>((i + 1) * K)) -
                                               (z.begin() + static_cast<std::ptrdiff_t>(i * K)));
    CHECK(a[i] == best);
  }
}

namespace {
// A second network with the other batched layers: padding, ReLU, tanh, max pooling, odd sizes.
using other_net = sn::sequential<sn::shape<3, 11, 9>, sn::conv2d<5, 3, 1, 1>, sn::batchnorm, sn::relu,
                                 sn::max_pool<2>, sn::conv2d<7, 3>, sn::activation<sn::tanh_op>, sn::flatten,
                                 sn::dense<13>, sn::batchnorm, sn::sigmoid, sn::dense<3>>;

// Every image's logits from eval_logits, computed alone, then at every position of batches of
// every size up to three chunks and one, on 1, 2 and 3 threads: the same bits each time.
template <class Net>
void check_position_independent(const Net& net) {
  constexpr std::size_t In = Net::in_shape::size, Out = Net::out_shape::size;
  constexpr std::size_t chunk = sn::train::eval_chunk<Net>, most = 3 * chunk + 1;
  std::vector<float> images(most * In);
  sn::train::rng g(21);
  test_support::fill_uniform(images, g, 0, 1);
  sn::serial_executor serial;
  std::vector<float> alone(most * Out);
  for (std::size_t b = 0; b < most; ++b)
    sn::train::eval_logits(net, images.data() + b * In, 1, alone.data() + b * Out, serial);
  sn::train::thread_pool two(2), three(3);
  std::vector<float> batch(most * In), z(most * Out);
  for (std::size_t m = 1; m <= most; ++m)
    for (std::size_t shift = 0; shift < m; ++shift) {  // image b at position (b + shift) % m
      for (std::size_t b = 0; b < m; ++b)
        std::copy_n(images.begin() + static_cast<std::ptrdiff_t>(b * In), In,
                    batch.begin() + static_cast<std::ptrdiff_t>((b + shift) % m * In));
      const std::size_t threads = 1 + (m + shift) % 3;
      if (threads == 1) sn::train::eval_logits(net, batch.data(), m, z.data(), serial);
      else if (threads == 2) sn::train::eval_logits(net, batch.data(), m, z.data(), two);
      else sn::train::eval_logits(net, batch.data(), m, z.data(), three);
      for (std::size_t b = 0; b < m; ++b) {
        CAPTURE(m);
        CAPTURE(shift);
        CAPTURE(b);
        CAPTURE(threads);
        CHECK(std::memcmp(z.data() + (b + shift) % m * Out, alone.data() + b * Out, Out * sizeof(float)) == 0);
      }
    }
}
}  // namespace

TEST_CASE("eval_logits: an image's logits do not depend on its place, the batch size or the threads") {
  const auto net = make_net();
  check_position_independent(*net);
  check_position_independent(sn::fold_batchnorm(*net));
  auto other = std::make_unique<other_net>();
  sn::train::rng g(13);
  sn::train::init_parameters(*other, g);
  check_position_independent(*other);
}
