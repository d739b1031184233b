// Gradient checks in double precision: every layer's backward (parameters and input) against
// central finite differences of L = sum(w * y) with a fixed random w, and the whole BN-LeNet's
// parameter gradient under the trainer's loss (mean softmax cross-entropy).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <span>
#include <type_traits>
#include <vector>

#include "../support.hpp"
#include "staticnn/core/parallel.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/flatten.hpp"
#include "staticnn/layers/pool.hpp"
#include "staticnn/models/lenet.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/rng.hpp"
#include "staticnn/train/trainer.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

// Step and tolerance. Central differences have truncation error h^2 f'''/6 ~ 1e-11 and
// round-off ~ 1e-16 |L| / h ~ 1e-10 for these sizes; gradients below `abs_floor` are compared
// absolutely (|a - n| < tol * abs_floor = 1e-9), well above that round-off.
constexpr double h = 1e-5, tol = 1e-6, abs_floor = 1e-3;

struct layer_report {
  double param_err = 0, input_err = 0;
  std::size_t params = 0, inputs = 0;
};

// L = sum_i w_i y_i over a batch of B samples, through forward_train (so batchnorm sees the
// batch). The layer is passed by value: each evaluation runs on a fresh copy, so the running
// statistics that forward_train updates never leak from one evaluation into the next.
template <class L, std::size_t B>
double weighted_output(L layer, const std::vector<double>& x, const std::vector<double>& w) {
  using In = typename L::in_shape;
  using Out = typename L::out_shape;
  std::vector<double> y(B * Out::size);
  typename L::cache_type cache{};
  sn::serial_executor ex;
  layer.forward_train(sn::batch_view<In, const double>{x.data()}, sn::batch_view<Out, double>{y.data()}, cache, B,
                      ex);
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += w[i] * y[i];
  return s;
}

template <class L, std::size_t B>
layer_report check_layer(const L& layer, const std::vector<double>& x, std::uint64_t seed) {
  static_assert(std::is_same_v<typename L::value_type, double>);
  using In = typename L::in_shape;
  using Out = typename L::out_shape;
  REQUIRE(x.size() == B * In::size);
  sn::train::rng g(seed);
  std::vector<double> w(B * Out::size);
  test_support::fill_uniform(w, g, -1, 1);

  // Analytic: dL/dy = w. Buffers start as NaN so a backward that reads them instead of
  // overwriting shows up as a NaN gradient.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  L l = layer;
  std::vector<double> y(B * Out::size), dx(B * In::size, nan);
  std::array<double, L::param_count> grad;
  grad.fill(nan);
  typename L::cache_type cache{};
  sn::serial_executor ex;
  l.forward_train(sn::batch_view<In, const double>{x.data()}, sn::batch_view<Out, double>{y.data()}, cache, B, ex);
  l.backward(sn::batch_view<In, const double>{x.data()}, sn::batch_view<Out, const double>{y.data()},
             sn::batch_view<Out, const double>{w.data()}, sn::batch_view<In, double>{dx.data()},
             std::span<double, L::param_count>(grad), cache, B, ex);

  layer_report r;
  if constexpr (L::param_count > 0) {
    for (std::size_t k = 0; k < L::param_count; ++k) {
      L lp = layer, lm = layer;
      lp.params[k] += h;
      lm.params[k] -= h;
      const double num = (weighted_output<L, B>(lp, x, w) - weighted_output<L, B>(lm, x, w)) / (2 * h);
      const double e = test_support::rel_error(grad[k], num, abs_floor);
      r.param_err = std::isnan(e) ? 1e300 : std::max(r.param_err, e);
      ++r.params;
    }
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    const double num = (weighted_output<L, B>(layer, xp, w) - weighted_output<L, B>(layer, xm, w)) / (2 * h);
    const double e = test_support::rel_error(dx[i], num, abs_floor);
    r.input_err = std::isnan(e) ? 1e300 : std::max(r.input_err, e);
    ++r.inputs;
  }
  return r;
}

template <class L>
L random_layer(std::uint64_t seed) {
  L l;
  sn::train::rng g(seed);
  if constexpr (L::param_count > 0) test_support::fill_uniform(l.params, g, -1, 1);
  return l;
}

std::vector<double> random_input(std::size_t n, std::uint64_t seed) {
  std::vector<double> x(n);
  sn::train::rng g(seed);
  test_support::fill_uniform(x, g, -1, 1);
  return x;
}

template <class L, std::size_t B>
void check_all(const L& layer, const std::vector<double>& x, std::uint64_t seed) {
  const layer_report r = check_layer<L, B>(layer, x, seed);
  CHECK(r.params == L::param_count);
  CHECK(r.inputs == B * L::in_shape::size);
  CHECK(r.param_err < tol);
  CHECK(r.input_err < tol);
}

}  // namespace

TEST_CASE("gradcheck: conv2d, stride 1") {
  using L = sn::conv2d<3, 3>::bind<shape<2, 5, 5>, double>;
  check_all<L, 2>(random_layer<L>(1), random_input(2 * 50, 2), 3);
}

TEST_CASE("gradcheck: conv2d, stride 2 with a dropped edge") {
  using L = sn::conv2d<2, 2, 2>::bind<shape<2, 5, 5>, double>;  // (5 - 2) / 2 + 1 = 2: last row/col unused
  check_all<L, 2>(random_layer<L>(4), random_input(2 * 50, 5), 6);
}

TEST_CASE("gradcheck: conv2d, padding 1") {
  using L = sn::conv2d<2, 3, 1, 1>::bind<shape<2, 4, 4>, double>;
  check_all<L, 2>(random_layer<L>(7), random_input(2 * 32, 8), 9);
}

TEST_CASE("gradcheck: conv2d, stride 2 and padding 1") {
  using L = sn::conv2d<3, 2, 2, 1>::bind<shape<2, 5, 5>, double>;  // padded 7x7 -> 3x3
  static_assert(std::is_same_v<L::out_shape, shape<3, 3, 3>>);
  check_all<L, 2>(random_layer<L>(10), random_input(2 * 50, 11), 12);
}

TEST_CASE("gradcheck: dense") {
  using L = sn::dense<4>::bind<shape<11>, double>;
  check_all<L, 3>(random_layer<L>(13), random_input(3 * 11, 14), 15);
}

TEST_CASE("gradcheck: activations") {
  using S = shape<2, 2, 3>;
  check_all<sn::sigmoid::bind<S, double>, 2>({}, random_input(24, 16), 17);
  check_all<sn::tanh::bind<S, double>, 2>({}, random_input(24, 18), 19);
  // relu: inputs at least 0.005 away from the kink (distinct values spaced 0.01).
  sn::train::rng g(20);
  check_all<sn::relu::bind<S, double>, 2>({}, test_support::distinct_values(24, 0.01, g), 21);
}

TEST_CASE("gradcheck: pools") {
  using S = shape<2, 5, 4>;  // 5 rows: the last row is dropped
  check_all<sn::avg_pool<2>::bind<S, double>, 2>({}, random_input(80, 22), 23);
  // max_pool without ties: values 0.01 apart, so a step of 1e-5 never changes a window's argmax.
  sn::train::rng g(24);
  check_all<sn::max_pool<2>::bind<S, double>, 2>({}, test_support::distinct_values(80, 0.01, g), 25);
}

TEST_CASE("gradcheck: flatten") {
  check_all<sn::flatten::bind<shape<2, 2, 3>, double>, 2>({}, random_input(24, 26), 27);
}

TEST_CASE("gradcheck: batchnorm in training mode, C x H x W and flat") {
  // Finite differences re-run forward_train, so they see how every output depends on every
  // input through the batch mean and variance.
  using LM = sn::batchnorm::bind<shape<3, 2, 2>, double>;
  using LF = sn::batchnorm::bind<shape<5>, double>;
  LM lm;
  LF lf;
  sn::train::rng g(28);
  for (std::size_t c = 0; c < 3; ++c) lm.gamma()[c] = g.uniform(0.5, 1.5), lm.beta()[c] = g.uniform(-0.5, 0.5);
  for (std::size_t c = 0; c < 5; ++c) lf.gamma()[c] = g.uniform(0.5, 1.5), lf.beta()[c] = g.uniform(-0.5, 0.5);
  check_all<LM, 3>(lm, random_input(3 * 12, 29), 30);
  check_all<LF, 4>(lf, random_input(4 * 5, 31), 32);
}

TEST_CASE("gradcheck: whole BN-LeNet under the trainer's loss") {
  // Batch of 4 random images and labels; L = mean softmax cross-entropy (trainer.loss).
  // Up to 200 parameters of every layer (all of the smaller ones) are checked.
  using net_t = sn::models::basic_bn_lenet<double>;
  constexpr std::size_t n = 4;
  auto net = std::make_unique<net_t>();
  auto tr = std::make_unique<sn::train::trainer<net_t, n>>();
  sn::train::rng g(33);
  sn::train::init_parameters(*net, g);
  // Non-trivial batchnorm parameters, so gamma and beta gradients are not the identity case.
  net->for_each_layer([&](auto, auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    if constexpr (requires { layer.gamma(); }) {
      for (std::size_t c = 0; c < L::C; ++c) layer.gamma()[c] = g.uniform(0.5, 1.5), layer.beta()[c] = g.uniform(-0.5, 0.5);
    }
  });
  test_support::fill_uniform(tr->input, g, 0, 1);
  for (auto& label : tr->labels) label = static_cast<std::uint8_t>(g.below(10));

  sn::serial_executor ex;
  auto loss = [&] {
    tr->forward(*net, n, ex);
    return tr->loss(n, ex).loss;
  };
  const double l0 = loss();
  CHECK(std::isfinite(l0));
  tr->backward(*net, n, ex);
  const std::vector<double> grad(tr->grad.begin(), tr->grad.end());

  std::size_t layers_checked = 0;
  net->for_each_layer([&](auto index, auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    constexpr std::size_t I = decltype(index)::value;
    if constexpr (L::param_count > 0) {
      std::vector<std::size_t> pick(L::param_count);
      std::iota(pick.begin(), pick.end(), std::size_t{0});
      g.shuffle(pick.begin(), pick.end());
      pick.resize(std::min<std::size_t>(200, pick.size()));
      double worst = 0, worst_a = 0, worst_n = 0;
      std::size_t worst_k = 0;
      for (const std::size_t k : pick) {
        const double saved = layer.params[k];
        layer.params[k] = saved + h;
        const double lp = loss();
        layer.params[k] = saved - h;
        const double lm = loss();
        layer.params[k] = saved;
        const double num = (lp - lm) / (2 * h), a = grad[net_t::param_offset[I] + k];
        const double e = test_support::rel_error(a, num, abs_floor);
        if (!(e <= worst)) worst = e, worst_a = a, worst_n = num, worst_k = k;
      }
      CAPTURE(I);
      CAPTURE(worst_k);
      CAPTURE(worst_a);
      CAPTURE(worst_n);
      CHECK(worst < tol);
      ++layers_checked;
    }
  });
  CHECK(layers_checked == 9);
}
