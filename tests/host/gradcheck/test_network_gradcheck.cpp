// The network-level gradients of train/trainer.hpp and train/gradient.hpp in double precision:
// input_gradient() and the per-layer views of the parameter gradient (grad.layer<I>().weights(),
// bias(), gamma(), beta()) against central differences of the trainer's mean loss, and the
// views against the slices of the flat gradient the layers' own views pick out.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "../support.hpp"
#include "layer_gradcheck.hpp"
#include "staticnn/core/parallel.hpp"
#include "staticnn/staticnn.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/rng.hpp"
#include "staticnn/train/trainer.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

// conv (padded, so its input gradient covers the border) + batchnorm + tanh + pool + flatten +
// dense + layer_norm + tanh + dense: views named weights/bias and gamma/beta, and a batch-coupled
// input gradient (batchnorm mixes the samples).
using net_t = sn::basic_sequential<double, shape<2, 6, 6>,
    sn::conv2d<3, 3, 1, 1>, sn::batchnorm, sn::tanh, sn::avg_pool<2>,
    sn::flatten, sn::dense<5>, sn::layer_norm, sn::tanh, sn::dense<3>>;
constexpr std::size_t n = 3;
using trainer_t = sn::train::trainer<net_t, n>;

struct fixture {
  std::unique_ptr<net_t> net = std::make_unique<net_t>();
  std::unique_ptr<trainer_t> tr = std::make_unique<trainer_t>();
  sn::serial_executor ex;

  fixture() {
    sn::train::rng g(41);
    sn::train::init_parameters(*net, g);
    // Gammas and betas away from 1 and 0, so their gradients are not the identity case.
    net->for_each_layer([&](auto, auto& layer) {
      if constexpr (requires { layer.gamma(); }) {
        auto gamma = layer.gamma();
        auto beta = layer.beta();
        test_support::fill_uniform(gamma, g, 0.5, 1.5);
        test_support::fill_uniform(beta, g, -0.5, 0.5);
      }
    });
    test_support::fill_uniform(tr->input, g, -1, 1);
    for (std::size_t b = 0; b < n; ++b) tr->labels[b] = static_cast<std::uint8_t>(b % 3);
  }
  double loss() {
    tr->forward(*net, n, ex);
    return tr->loss(n, ex).loss;
  }
  // Forward, loss, backward_to_input on fresh NaN gradients (a value not written shows up).
  void backward() {
    tr->grad.fill(std::numeric_limits<double>::quiet_NaN());
    loss();
    tr->backward_to_input(*net, n, ex);
  }
  // Central difference of the mean loss in the value v (restored afterwards).
  double numeric(double& v) {
    const double saved = v;
    v = saved + gradcheck::h;
    const double lp = loss();
    v = saved - gradcheck::h;
    const double lm = loss();
    v = saved;
    return (lp - lm) / (2 * gradcheck::h);
  }
};

// Largest relative error of analytic[k] against the central difference in own[k], over all k
// (own: the layer's view of its parameters, analytic: the gradient view of the same name).
template <class Own, class Analytic>
double view_error(fixture& f, Own own, Analytic analytic) {
  static_assert(Own::extent == Analytic::extent);
  double worst = 0;
  for (std::size_t k = 0; k < own.size(); ++k) {
    const double e = test_support::rel_error(analytic[k], f.numeric(own[k]), gradcheck::abs_floor);
    worst = std::isnan(e) ? 1e300 : std::max(worst, e);
  }
  return worst;
}

// The offset of a layer's named view within its params.
template <class Span, class Layer>
std::size_t offset_in(Span view, const Layer& layer) {
  return static_cast<std::size_t>(view.data() - layer.params.data());
}

}  // namespace

TEST_CASE("gradcheck: input_gradient() of a conv-bn-tanh-pool-dense network") {
  fixture f;
  f.backward();
  const std::vector<double> param_grad(f.tr->grad.begin(), f.tr->grad.end());
  const auto dx = f.tr->input_gradient();
  std::vector<double> analytic(n * net_t::in_shape::size);
  for (std::size_t b = 0; b < n; ++b)
    std::copy(dx[b].begin(), dx[b].end(), analytic.begin() + b * net_t::in_shape::size);

  double worst = 0;
  std::size_t worst_i = 0;
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    const double e =
        test_support::rel_error(analytic[i], f.numeric(f.tr->input[i]), gradcheck::abs_floor);
    if (!(e <= worst)) worst = e, worst_i = i;
  }
  CAPTURE(worst_i);
  CHECK(worst < gradcheck::tol);
  // Not all zero (a tiny gradient would pass the absolute floor).
  CHECK(*std::max_element(analytic.begin(), analytic.end(),
                          [](double a, double b) { return std::abs(a) < std::abs(b); }) != 0.0);

  // backward() computes the same parameter gradient, bit for bit, only without dL/dinput.
  f.loss();
  f.tr->backward(*f.net, n, f.ex);
  CHECK(std::equal(param_grad.begin(), param_grad.end(), f.tr->grad.begin()));
}

TEST_CASE("gradcheck: per-layer views of the parameter gradient") {
  fixture f;
  f.backward();
  auto& grad = f.tr->grad;
  const auto& net = *f.net;

  // Each view is the slice of the flat gradient that the layer's own view picks from its params.
  auto same_slice = [&](auto index, auto gview, auto own, const auto& layer) {
    constexpr std::size_t I = decltype(index)::value;
    static_assert(decltype(gview)::extent == decltype(own)::extent);
    CHECK(gview.data() == grad.data() + net_t::param_offset[I] + offset_in(own, layer));
  };
  net.for_each_layer([&](auto index, const auto& layer) {
    constexpr std::size_t I = decltype(index)::value;
    using L = std::remove_cvref_t<decltype(layer)>;
    const auto g = std::as_const(grad).template layer<I>();
    static_assert(std::is_same_v<decltype(g.params), std::span<const double, L::param_count>>);
    CHECK(g.params.data() == grad.data() + net_t::param_offset[I]);
    if constexpr (requires { layer.weights(); }) {
      same_slice(index, g.weights(), layer.weights(), layer);
      same_slice(index, g.bias(), layer.bias(), layer);
    }
    if constexpr (requires { layer.gamma(); }) {
      same_slice(index, g.gamma(), layer.gamma(), layer);
      same_slice(index, g.beta(), layer.beta(), layer);
    }
    // A view exists exactly when the layer has the view of the same name.
    static_assert(requires { g.weights(); } == requires { layer.weights(); });
    static_assert(requires { g.gamma(); } == requires { layer.gamma(); });
  });
  // Writable through a non-const gradient (what an optimizer of one's own would write).
  grad.layer<8>().bias()[2] = 7;
  CHECK(grad[net_t::param_offset[8] + net_t::layer_type<8>::weight_count + 2] == 7.0);
  f.backward();

  // Every element of every named view against central differences in the layer's own view.
  auto& m = *f.net;
  const auto& cg = std::as_const(grad);
  const double conv_w = view_error(f, m.layer<0>().weights(), cg.layer<0>().weights());
  const double conv_b = view_error(f, m.layer<0>().bias(), cg.layer<0>().bias());
  const double bn_g = view_error(f, m.layer<1>().gamma(), cg.layer<1>().gamma());
  const double bn_b = view_error(f, m.layer<1>().beta(), cg.layer<1>().beta());
  const double d1_w = view_error(f, m.layer<5>().weights(), cg.layer<5>().weights());
  const double d1_b = view_error(f, m.layer<5>().bias(), cg.layer<5>().bias());
  const double ln_g = view_error(f, m.layer<6>().gamma(), cg.layer<6>().gamma());
  const double ln_b = view_error(f, m.layer<6>().beta(), cg.layer<6>().beta());
  const double d2_w = view_error(f, m.layer<8>().weights(), cg.layer<8>().weights());
  const double d2_b = view_error(f, m.layer<8>().bias(), cg.layer<8>().bias());
  CHECK(conv_w < gradcheck::tol);
  CHECK(conv_b < gradcheck::tol);
  CHECK(bn_g < gradcheck::tol);
  CHECK(bn_b < gradcheck::tol);
  CHECK(d1_w < gradcheck::tol);
  CHECK(d1_b < gradcheck::tol);
  CHECK(ln_g < gradcheck::tol);
  CHECK(ln_b < gradcheck::tol);
  CHECK(d2_w < gradcheck::tol);
  CHECK(d2_b < gradcheck::tol);
}
