// layer_norm, group_norm<G>, instance_norm: per-sample statistics (mean, biased variance, eps
// 1e-5), affine per value (layer_norm) or per channel (group/instance), PyTorch semantics.
// Hand-derived values (worked out in the comments), central differences in double, the same
// function in training and inference, and fold_batchnorm leaving them alone.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../gradcheck/layer_gradcheck.hpp"
#include "../support.hpp"
#include "staticnn/core/concepts.hpp"
#include "staticnn/export/header.hpp"
#include "staticnn/fold/fold.hpp"
#include "staticnn/io/signature.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/flatten.hpp"
#include "staticnn/layers/group_norm.hpp"
#include "staticnn/layers/instance_norm.hpp"
#include "staticnn/layers/layer_norm.hpp"
#include "staticnn/layers/pool.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/thread_pool.hpp"
#include "staticnn/train/trainer.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

constexpr double eps = 1e-5;

template <class L, std::size_t N>
void train_forward(L& l, const std::array<double, N>& x, std::array<double, N>& y, std::size_t n) {
  typename L::cache_type cache;
  sn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, n, ex);
}

template <class L, std::size_t N>
void check_values(const std::array<double, N>& got, const std::array<double, N>& want,
                  double rel = 1e-12) {
  for (std::size_t i = 0; i < N; ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(rel));
  }
}

template <class L, std::size_t B>
void check_gradients(const L& layer, std::uint64_t seed) {
  const auto r = gradcheck::check_layer<L, B>(
      layer, gradcheck::random_values(B * L::in_shape::size, seed), seed + 1);
  CHECK(r.params == L::param_count);
  CHECK(r.inputs == B * L::in_shape::size);
  CHECK(r.param_err < gradcheck::tol);
  CHECK(r.input_err < gradcheck::tol);
}

// Random gamma in [0.5, 1.5] (both signs for some), beta in [-0.5, 0.5].
template <class L>
L random_affine(std::uint64_t seed) {
  L l;
  sn::train::rng g(seed);
  for (auto& v : l.gamma()) v = g.uniform(0.5, 1.5) * (g.below(4) == 0 ? -1 : 1);
  for (auto& v : l.beta()) v = g.uniform(-0.5, 0.5);
  return l;
}

}  // namespace

TEST_CASE("norms: layout, defaults, names and the Layer concept") {
  using LN = sn::layer_norm::bind<shape<3, 2, 2>>;
  using GN = sn::group_norm<2>::bind<shape<4, 3, 3>>;
  using IN = sn::instance_norm::bind<shape<3, 2, 2>>;
  static_assert(sn::Layer<LN> && sn::Layer<GN> && sn::Layer<IN>);
  static_assert(std::is_same_v<LN::out_shape, shape<3, 2, 2>> &&
                std::is_same_v<GN::out_shape, shape<4, 3, 3>> &&
                std::is_same_v<IN::out_shape, shape<3, 2, 2>>);
  // layer_norm: gamma and beta per value; group/instance: per channel; no state.
  static_assert(LN::param_count == 24 && GN::param_count == 8 && IN::param_count == 6);
  static_assert(LN::state_count == 0 && GN::state_count == 0 && IN::state_count == 0);
  static_assert(LN::epsilon == 1e-5 && GN::epsilon == 1e-5 && IN::epsilon == 1e-5);
  static_assert(sn::layer_norm::bind<shape<7>>::param_count == 14);
  CHECK(std::string_view(LN::name) == "layer_norm");
  CHECK(std::string_view(GN::name) == "group_norm<2>");
  CHECK(std::string_view(sn::group_norm<12>::bind<shape<24, 1, 1>>::name) == "group_norm<12>");
  CHECK(std::string_view(IN::name) == "instance_norm");
  GN gn;
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(gn.gamma()[c] == 1.0f);
    CHECK(gn.beta()[c] == 0.0f);
  }
  CHECK(gn.gamma().data() == gn.params.data());
  CHECK(gn.beta().data() == gn.params.data() + 4);
  LN ln;
  CHECK(ln.beta().data() == ln.params.data() + 12);
  for (std::size_t i = 0; i < 12; ++i) CHECK((ln.gamma()[i] == 1.0f && ln.beta()[i] == 0.0f));
  // Networks with other group counts have other signatures (checkpoints do not cross-load).
  CHECK(sn::io::signature<sn::sequential<shape<4, 2, 2>, sn::group_norm<2>>>() !=
        sn::io::signature<sn::sequential<shape<4, 2, 2>, sn::group_norm<4>>>());
}

TEST_CASE("layer_norm: flat features, elementwise affine") {
  // x = {1 2 3 4}: mean 2.5, biased var (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, r = 1/sqrt(1.25 +
  // eps); xhat = {-1.5 -0.5 0.5 1.5} r; gamma {1 2 -1 0.5}, beta {0 1 0 -1}.
  sn::layer_norm::bind<shape<4>, double> l;
  l.params = {1, 2, -1, 0.5, 0, 1, 0, -1};
  const std::array<double, 4> x{1, 2, 3, 4};
  std::array<double, 4> y{};
  l.forward(x, y);
  const double r = 1 / std::sqrt(1.25 + eps);
  check_values<void>(y, {-1.5 * r, -1.0 * r + 1, -0.5 * r, 0.75 * r - 1});
}

TEST_CASE("layer_norm: a C x H x W map is normalised as a whole, gamma per value") {
  // 2 x 1 x 2, x = {0 4 | 1 3}: mean 2, deviations {-2 2 -1 1}, ss 10, var 2.5; gamma 3 on the
  // last value only.
  sn::layer_norm::bind<shape<2, 1, 2>, double> l;
  l.gamma()[3] = 3;
  const std::array<double, 4> x{0, 4, 1, 3};
  std::array<double, 4> y{};
  l.forward(x, y);
  const double r = 1 / std::sqrt(2.5 + eps);
  check_values<void>(y, {-2 * r, 2 * r, -1 * r, 3 * r});
}

TEST_CASE("layer_norm: epsilon is 1e-5") {
  // {-1e-3, 1e-3}: mean 0, var 1e-6 -> y = 1e-3 / sqrt(1e-6 + 1e-5) = 1/sqrt(11).
  sn::layer_norm::bind<shape<2>, double> l;
  std::array<double, 2> y{};
  l.forward(std::array<double, 2>{-1e-3, 1e-3}, y);
  CHECK(y[0] == doctest::Approx(-1 / std::sqrt(11.0)).epsilon(1e-12));
  CHECK(y[1] == doctest::Approx(1 / std::sqrt(11.0)).epsilon(1e-12));
}

TEST_CASE("group_norm: groups of consecutive channels, gamma/beta per channel") {
  // 4 x 1 x 2 in 2 groups: {ch0 ch1} = {1 3 | 5 7}: mean 4, deviations {-3 -1 1 3}, ss 20, var 5;
  // {ch2 ch3} = {0 0 | 2 -2}: mean 0, ss 8, var 2. gamma {1 2 3 -1}, beta {0 0.5 0 1}.
  sn::group_norm<2>::bind<shape<4, 1, 2>, double> l;
  l.params = {1, 2, 3, -1, 0, 0.5, 0, 1};
  const std::array<double, 8> x{1, 3, 5, 7, 0, 0, 2, -2};
  std::array<double, 8> y{};
  l.forward(x, y);
  const double r0 = 1 / std::sqrt(5 + eps), r1 = 1 / std::sqrt(2 + eps);
  check_values<void>(y,
                     {-3 * r0, -1 * r0, 2 * r0 + 0.5, 6 * r0 + 0.5, 0, 0, -2 * r1 + 1, 2 * r1 + 1});
}

TEST_CASE("group_norm: flat input, and a constant group gives beta (no NaN)") {
  // shape<6>, 3 groups of 2 features: {1 3}: mean 2, var 1; {-2 2}: var 4; {5 5}: var 0 -> 0 * r.
  sn::group_norm<3>::bind<shape<6>, double> l;
  l.beta()[5] = 0.25;
  const std::array<double, 6> x{1, 3, -2, 2, 5, 5};
  std::array<double, 6> y{};
  l.forward(x, y);
  const double r0 = 1 / std::sqrt(1 + eps), r1 = 1 / std::sqrt(4 + eps);
  check_values<void>(y, {-r0, r0, -2 * r1, 2 * r1, 0, 0.25});
  CHECK(y[4] == 0.0);
}

TEST_CASE("instance_norm: each channel of each sample on its own") {
  // 2 x 2 x 2: ch0 {1 2 3 4}: mean 2.5, var 1.25; ch1 {-1 -1 1 1}: mean 0, var 1.
  // gamma {2 1}, beta {0 -1}.
  sn::instance_norm::bind<shape<2, 2, 2>, double> l;
  l.params = {2, 1, 0, -1};
  const std::array<double, 8> x{1, 2, 3, 4, -1, -1, 1, 1};
  std::array<double, 8> y{};
  l.forward(x, y);
  const double r0 = 1 / std::sqrt(1.25 + eps), r1 = 1 / std::sqrt(1 + eps);
  check_values<void>(y, {-3 * r0, -1 * r0, 1 * r0, 3 * r0, -r1 - 1, -r1 - 1, r1 - 1, r1 - 1});
}

TEST_CASE("norms: training mode computes exactly what inference computes, sample by sample") {
  // Unlike batchnorm, nothing is shared across the batch: sample 1 of a batch of 3 gives the
  // same bits as sample 1 alone through forward, and samples past n are never read.
  using L = sn::group_norm<2>::bind<shape<4, 3, 2>, float>;
  L l;
  sn::train::rng g(3);
  for (auto& v : l.params) v = static_cast<float>(g.uniform(-1, 1));
  std::array<float, 4 * 24> x{}, y{};
  test_support::fill_uniform(x, g, -3, 3);
  for (std::size_t i = 3 * 24; i < 4 * 24; ++i) x[i] = std::numeric_limits<float>::quiet_NaN();
  L::cache_type cache;
  sn::serial_executor ex;
  l.forward_train({x.data()}, {y.data()}, cache, 3, ex);
  for (std::size_t b = 0; b < 3; ++b) {
    std::array<float, 24> one{};
    l.forward(std::span<const float, 24>(x.data() + b * 24, 24), one);
    CHECK(std::memcmp(one.data(), y.data() + b * 24, sizeof one) == 0);
  }
  for (std::size_t i = 0; i < 3 * 24; ++i) CHECK(std::isfinite(y[i]));
}

TEST_CASE("norms: backward on hand examples") {
  sn::serial_executor ex;
  // One block {-1, 1}: var 1, xhat = {-a, a}, a = 1/sqrt(1 + eps).
  const double a = 1 / std::sqrt(1 + eps);
  {
    // instance_norm, 1 x 1 x 2, gamma 2, dy = {1, 3}: dgamma = -a + 3a = 2a, dbeta = 4;
    // dxhat = {2, 6}, mean 4, mean(dxhat xhat) = 2a: dx = a ({2 6} - 4 - {-a a} 2a) = 2a {a^2 - 1,
    // 1 - a^2}.
    using L = sn::instance_norm::bind<shape<1, 1, 2>, double>;
    L l;
    l.params = {2, 0};
    std::array<double, 2> x{-1, 1}, y{}, dy{1, 3}, dx{}, grad{};
    L::cache_type cache;
    l.forward_train({x.data()}, {y.data()}, cache, 1, ex);
    l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 2>(grad), cache,
               1, ex);
    CHECK(grad[0] == doctest::Approx(2 * a).epsilon(1e-12));
    CHECK(grad[1] == 4.0);
    CHECK(dx[0] == doctest::Approx(2 * a * (a * a - 1)).epsilon(1e-9));
    CHECK(dx[1] == doctest::Approx(2 * a * (1 - a * a)).epsilon(1e-9));
  }
  {
    // layer_norm, shape<2>, gamma {2 1}: dgamma = dy xhat = {-a, 3a}, dbeta = dy = {1, 3};
    // dxhat = {2, 3}, mean 2.5, mean(dxhat xhat) = a/2: dx = a ({2 3} - 2.5 - {-a a} a/2)
    // = (a/2) {a^2 - 1, 1 - a^2}.
    using L = sn::layer_norm::bind<shape<2>, double>;
    L l;
    l.params = {2, 1, 0, 0};
    std::array<double, 2> x{-1, 1}, y{}, dy{1, 3}, dx{};
    std::array<double, 4> grad{};
    L::cache_type cache;
    l.forward_train({x.data()}, {y.data()}, cache, 1, ex);
    l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 4>(grad), cache,
               1, ex);
    CHECK(grad[0] == doctest::Approx(-a).epsilon(1e-12));
    CHECK(grad[1] == doctest::Approx(3 * a).epsilon(1e-12));
    CHECK(grad[2] == 1.0);
    CHECK(grad[3] == 3.0);
    CHECK(dx[0] == doctest::Approx(a / 2 * (a * a - 1)).epsilon(1e-9));
    CHECK(dx[1] == doctest::Approx(a / 2 * (1 - a * a)).epsilon(1e-9));
  }
  {
    // group_norm<1> on 2 x 1 x 1 over a batch of two: the parameter gradients add up over samples.
    // Sample 0 = {-1 1}, dy {1 3}; sample 1 = {5 3} (xhat {a -a}), dy {2 -1}.
    // dgamma[0] = 1(-a) + 2(a) = a, dgamma[1] = 3a + (-1)(-a) = 4a; dbeta = {3, 2}.
    using L = sn::group_norm<1>::bind<shape<2, 1, 1>, double>;
    L l;
    std::array<double, 4> x{-1, 1, 5, 3}, y{}, dy{1, 3, 2, -1}, dx{}, grad{};
    L::cache_type cache;
    l.forward_train({x.data()}, {y.data()}, cache, 2, ex);
    l.backward({x.data()}, {y.data()}, {dy.data()}, {dx.data()}, std::span<double, 4>(grad), cache,
               2, ex);
    CHECK(grad[0] == doctest::Approx(a).epsilon(1e-12));
    CHECK(grad[1] == doctest::Approx(4 * a).epsilon(1e-12));
    CHECK(grad[2] == 3.0);
    CHECK(grad[3] == 2.0);
  }
}

namespace {
// forward_train + backward with executor ex: outputs, input gradient and parameter gradient.
template <class L, std::size_t B, class E>
std::vector<float> train_pass(const L& layer, const std::vector<float>& x,
                              const std::vector<float>& dy, E& ex) {
  using In = typename L::in_shape;
  L l = layer;
  std::vector<float> y(B * In::size), dx(B * In::size);
  std::array<float, L::param_count> grad{};
  typename L::cache_type cache;
  l.forward_train(sn::batch_view<In, const float>{x.data()}, sn::batch_view<In, float>{y.data()},
                  cache, B, ex);
  l.backward(sn::batch_view<In, const float>{x.data()}, sn::batch_view<In, const float>{y.data()},
             sn::batch_view<In, const float>{dy.data()}, sn::batch_view<In, float>{dx.data()},
             std::span<float, L::param_count>(grad), cache, B, ex);
  y.insert(y.end(), dx.begin(), dx.end());
  y.insert(y.end(), grad.begin(), grad.end());
  return y;
}

template <class L, std::size_t B>
void check_thread_independence(std::uint64_t seed) {
  L l;
  sn::train::rng g(seed);
  test_support::fill_uniform(l.params, g, -1, 1);
  std::vector<float> x(B * L::in_shape::size), dy(x.size());
  test_support::fill_uniform(x, g, -2, 2);
  test_support::fill_uniform(dy, g, -1, 1);
  sn::serial_executor serial;
  sn::train::thread_pool pool(3);
  const auto a = train_pass<L, B>(l, x, dy, serial), b = train_pass<L, B>(l, x, dy, pool);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
}  // namespace

TEST_CASE("norms: bit-identical results on 1 and 3 threads") {
  // Parameter units (7 values, 5 channels) split unevenly across 3 threads, blocks straddled.
  check_thread_independence<sn::layer_norm::bind<shape<7>>, 5>(60);
  check_thread_independence<sn::group_norm<5>::bind<shape<5, 2, 3>>, 4>(61);
  check_thread_independence<sn::group_norm<1>::bind<shape<5, 2, 3>>, 4>(62);
  check_thread_independence<sn::instance_norm::bind<shape<5, 3, 1>>, 2>(63);
}

TEST_CASE("gradcheck: layer_norm, C x H x W and flat") {
  check_gradients<sn::layer_norm::bind<shape<2, 3, 2>, double>, 3>(
      random_affine<sn::layer_norm::bind<shape<2, 3, 2>, double>>(40), 41);
  check_gradients<sn::layer_norm::bind<shape<5>, double>, 2>(
      random_affine<sn::layer_norm::bind<shape<5>, double>>(42), 43);
}

TEST_CASE("gradcheck: group_norm, G = 1, 2 and C, maps and flat") {
  using G2 = sn::group_norm<2>::bind<shape<4, 2, 3>, double>;
  using G1 = sn::group_norm<1>::bind<shape<3, 2, 2>, double>;
  using GC = sn::group_norm<3>::bind<shape<3, 3, 1>, double>;
  using GF = sn::group_norm<2>::bind<shape<6>, double>;
  check_gradients<G2, 3>(random_affine<G2>(44), 45);
  check_gradients<G1, 2>(random_affine<G1>(46), 47);
  check_gradients<GC, 2>(random_affine<GC>(48), 49);
  check_gradients<GF, 3>(random_affine<GF>(50), 51);
}

TEST_CASE("gradcheck: instance_norm") {
  using L = sn::instance_norm::bind<shape<3, 2, 3>, double>;
  check_gradients<L, 2>(random_affine<L>(52), 53);
}

TEST_CASE("gradcheck: a network of all three under the trainer's loss") {
  // Mean softmax cross-entropy over 3 samples through trainer.forward / loss / backward, every
  // parameter against central differences of the loss.
  using net_t =
      sn::basic_sequential<double, shape<2, 6, 6>, sn::conv2d<4, 3, 1, 1>, sn::group_norm<2>,
                           sn::tanh, sn::instance_norm, sn::avg_pool<2>, sn::flatten, sn::dense<8>,
                           sn::layer_norm, sn::sigmoid, sn::dense<3>>;
  constexpr std::size_t n = 3;
  auto net = std::make_unique<net_t>();
  auto tr = std::make_unique<sn::train::trainer<net_t, n>>();
  sn::train::rng g(54);
  sn::train::init_parameters(*net, g);
  net->for_each_layer([&](auto, auto& layer) {
    if constexpr (requires { layer.gamma(); }) {
      for (auto& v : layer.gamma()) v = g.uniform(0.5, 1.5);
      for (auto& v : layer.beta()) v = g.uniform(-0.5, 0.5);
    }
  });
  test_support::fill_uniform(tr->input, g, 0, 1);
  for (auto& label : tr->labels) label = static_cast<std::uint8_t>(g.below(3));
  sn::serial_executor ex;
  auto loss = [&] {
    tr->forward(*net, n, ex);
    return tr->loss(n, ex).loss;
  };
  CHECK(std::isfinite(loss()));
  tr->backward(*net, n, ex);
  const std::vector<double> grad(tr->grad.begin(), tr->grad.end());
  double worst = 0;
  std::size_t checked = 0;
  net->for_each_layer([&](auto index, auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    if constexpr (L::param_count > 0) {
      for (std::size_t k = 0; k < L::param_count; ++k, ++checked) {
        const double saved = layer.params[k];
        layer.params[k] = saved + gradcheck::h;
        const double lp = loss();
        layer.params[k] = saved - gradcheck::h;
        const double lm = loss();
        layer.params[k] = saved;
        const double num = (lp - lm) / (2 * gradcheck::h);
        const double e = test_support::rel_error(
            grad[net_t::param_offset[decltype(index)::value] + k], num, gradcheck::abs_floor);
        worst = std::isnan(e) ? 1e300 : std::max(worst, e);
      }
    }
  });
  CHECK(checked == net_t::param_count);
  CHECK(worst < gradcheck::tol);
}

TEST_CASE("fold_batchnorm leaves layer_norm, group_norm and instance_norm alone") {
  // The batchnorm after the conv folds into it; the one after layer_norm (nothing to absorb it)
  // becomes a scale_shift; the three norms come through with the same type and the same bits.
  using net_t =
      sn::sequential<shape<2, 6, 6>, sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::group_norm<2>,
                     sn::relu, sn::instance_norm, sn::max_pool<2>, sn::flatten, sn::dense<8>,
                     sn::layer_norm, sn::batchnorm, sn::dense<3>>;
  using folded = sn::folded_t<net_t>;
  using In = shape<2, 6, 6>;
  using M = shape<4, 6, 6>;
  static_assert(std::is_same_v<
                folded,
                sn::network<
                    sn::conv2d_layer<In, 4, 3, 1, 1, float>, sn::group_norm_layer<M, 2, float>,
                    sn::activation_layer<M, sn::relu_op, float>, sn::instance_norm_layer<M, float>,
                    sn::pool_layer<M, 2, sn::max_pool_op, float>,
                    sn::flatten_layer<shape<4, 3, 3>, float>, sn::dense_layer<shape<36>, 8, float>,
                    sn::layer_norm_layer<shape<8>, float>, sn::scale_shift_layer<shape<8>, float>,
                    sn::dense_layer<shape<8>, 3, float>>>);
  net_t net;
  sn::train::rng g(55);
  sn::train::init_parameters(net, g);
  net.for_each_layer([&](auto, auto& layer) {
    if constexpr (requires { layer.gamma(); }) {
      for (auto& v : layer.gamma()) v = static_cast<float>(g.uniform(-2, 2));
      for (auto& v : layer.beta()) v = static_cast<float>(g.uniform(-1, 1));
    }
    if constexpr (requires { layer.running_var(); }) {
      for (auto& v : layer.running_mean()) v = static_cast<float>(g.uniform(-1, 1));
      for (auto& v : layer.running_var()) v = static_cast<float>(g.uniform(0.1, 3));
    }
  });
  const folded f = sn::fold_batchnorm(net);
  auto same_bits = [](const auto& a, const auto& b) {
    return a.params.size() == b.params.size() &&
           std::memcmp(a.params.data(), b.params.data(), sizeof a.params) == 0;
  };
  CHECK(same_bits(f.layer<1>(), net.layer<2>()));
  CHECK(same_bits(f.layer<3>(), net.layer<4>()));
  CHECK(same_bits(f.layer<7>(), net.layer<8>()));
  // And the folded network computes what the unfolded one does in inference mode.
  for (int trial = 0; trial < 10; ++trial) {
    sn::tensor<In> x;
    test_support::fill_uniform(x.data, g, -1, 1);
    sn::tensor<shape<3>> ya, yb;
    net.forward(x, ya);
    f.forward(x, yb);
    for (std::size_t k = 0; k < 3; ++k)
      CHECK(yb[k] == doctest::Approx(ya[k]).epsilon(1e-5).scale(1));
  }
}

TEST_CASE("export spells the norms") {
  using net_t = sn::sequential<shape<4, 2, 2>, sn::group_norm<2>, sn::instance_norm, sn::flatten,
                               sn::layer_norm>;
  const std::string s = sn::exporter::spell_network<net_t>();
  CHECK(s.find("staticnn::group_norm_layer<staticnn::shape<4, 2, 2>, 2, float>") !=
        std::string::npos);
  CHECK(s.find("staticnn::instance_norm_layer<staticnn::shape<4, 2, 2>, float>") !=
        std::string::npos);
  CHECK(s.find("staticnn::layer_norm_layer<staticnn::shape<16>, float>") != std::string::npos);
}
