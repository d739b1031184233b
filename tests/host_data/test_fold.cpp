// Folding on real Fashion-MNIST test images: the folded network (no batchnorm) must give the
// unfolded network's eval-mode logits, including for gamma = 0, running_var = 0 and negative gamma.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include <staticnn/fold/fold.hpp>
#include <staticnn/io/idx.hpp>
#include <staticnn/models/lenet.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/init.hpp>

#include "trained.hpp"

using namespace staticnn;
using net_t = models::bn_lenet;
using test_support::test_set;
using test_support::trained_net;

namespace {

// Largest logit difference over the first 1,000 test images relative to the logit scale, and
// whether every argmax agrees.
template <class A, class B>
std::pair<double, bool> compare(const A& a, const B& b) {
  const io::dataset& d = test_set();
  double worst = 0;
  bool same_argmax = true;
  for (std::size_t i = 0; i < 1000; ++i) {
    std::array<float, 10> za, zb;
    const cview<float, 784> x(d.images.pixels.data() + i * 784, 784);
    a.forward(x, za);
    b.forward(x, zb);
    double scale = 1;
    for (std::size_t k = 0; k < 10; ++k) scale = std::max(scale, std::abs(static_cast<double>(za[k])));
    for (std::size_t k = 0; k < 10; ++k)
      worst = std::max(worst, std::abs(static_cast<double>(za[k]) - static_cast<double>(zb[k])) / scale);
    same_argmax = same_argmax && train::argmax<float, 10>(za) == train::argmax<float, 10>(zb);
  }
  return {worst, same_argmax};
}

}  // namespace

TEST_CASE("fold_batchnorm: the folded LeNet equals the unfolded one on 1,000 real test images") {
  auto net = trained_net();
  // Training moved the statistics away from their initial values (else this test proves little).
  CHECK(net->layer<1>().running_var()[0] != doctest::Approx(1.0f));
  using folded = folded_t<net_t>;
  static_assert(folded::depth == net_t::depth - 4, "all four batchnorm layers fold away");
  static_assert(std::is_same_v<folded::layer_type<0>, net_t::layer_type<0>>);
  auto f = std::make_unique<folded>(fold_batchnorm(*net));
  const auto [worst, same] = compare(*net, *f);
  MESSAGE("largest logit difference relative to the logit scale: " << worst);
  CHECK(worst <= 1e-5);
  CHECK(same);
}

TEST_CASE("fold_batchnorm: gamma = 0, running_var = 0 and negative gamma") {
  auto net = trained_net();
  auto& bn1 = net->layer<1>();    // after conv1
  auto& bn2 = net->layer<5>();    // after conv2
  auto& bn3 = net->layer<10>();   // after dense120
  bn1.gamma()[0] = 0;             // channel 0 becomes the constant beta
  bn1.gamma()[1] = -bn1.gamma()[1];
  bn2.running_var()[3] = 0;       // s = gamma / sqrt(eps)
  bn2.running_mean()[3] = 0.5f;
  for (std::size_t c = 0; c < 120; c += 3) bn3.gamma()[c] = -bn3.gamma()[c];
  auto f = std::make_unique<folded_t<net_t>>(fold_batchnorm(*net));
  // Hand-derived: conv1's channel 0 is all zero weights and bias beta.
  for (std::size_t k = 0; k < 25; ++k) CHECK(f->layer<0>().weights()[k] == 0.0f);
  CHECK(f->layer<0>().bias()[0] == bn1.beta()[0]);
  // Channel 3 of conv2: weights scaled by gamma / sqrt(1e-5).
  const double s = static_cast<double>(bn2.gamma()[3]) / std::sqrt(1e-5);
  CHECK(f->layer<3>().weights()[3 * 150 + 7] ==
        doctest::Approx(s * static_cast<double>(net->layer<4>().weights()[3 * 150 + 7])).epsilon(1e-6));
  const auto [worst, same] = compare(*net, *f);
  MESSAGE("largest logit difference relative to the logit scale: " << worst);
  CHECK(worst <= 1e-5);
  CHECK(same);
}

TEST_CASE("fold_batchnorm: a batchnorm with nothing to fold into becomes scale_shift") {
  using n = sequential<shape<1, 28, 28>, batchnorm, flatten, dense<10>, batchnorm>;
  using f_t = folded_t<n>;
  static_assert(std::is_same_v<f_t::layer_type<0>, scale_shift_layer<shape<1, 28, 28>, float>>);
  static_assert(f_t::depth == 3);
  n net;
  train::rng g(2);
  train::init_parameters(net, g);
  net.layer<0>().gamma()[0] = 1.7f, net.layer<0>().beta()[0] = -0.2f;
  net.layer<0>().running_mean()[0] = 0.3f, net.layer<0>().running_var()[0] = 0.04f;
  net.layer<3>().running_mean()[4] = 2.0f, net.layer<3>().running_var()[4] = 9.0f;
  const f_t folded = fold_batchnorm(net);
  // scale = 1.7 / sqrt(0.04 + 1e-5), shift = -0.2 - scale * 0.3 (hand-derived)
  const double scale = 1.7 / std::sqrt(0.04 + 1e-5);
  CHECK(folded.layer<0>().params[0] == doctest::Approx(scale).epsilon(1e-6));
  CHECK(folded.layer<0>().params[1] == doctest::Approx(-0.2 - scale * 0.3).epsilon(1e-6));
  const auto [worst, same] = compare(net, folded);
  CHECK(worst <= 1e-5);
  CHECK(same);
}
