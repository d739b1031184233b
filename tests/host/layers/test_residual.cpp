// residual<...>: forward against convolutions written out here (double), the plan's workspace
// against the size derived by hand, inference inside exactly the planned workspace with the block
// as first, middle and last stage, gradient checks in double (identity and projection shortcut,
// batchnorm inside), batchnorm folding within 1e-6, SGD and checkpoints over the block's
// parameters.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <vector>

#include "../gradcheck/layer_gradcheck.hpp"
#include "../support.hpp"
#include "staticnn/fold/fold.hpp"
#include "staticnn/io/checkpoint.hpp"
#include "staticnn/io/safetensors.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/flatten.hpp"
#include "staticnn/layers/residual.hpp"
#include "staticnn/train/init.hpp"
#include "staticnn/train/rng.hpp"
#include "staticnn/train/sgd.hpp"
#include "staticnn/train/trainer.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

// Zero-padded convolution, OIHW weights then bias, in double: the reference for conv2d_layer.
std::vector<double> conv_ref(const std::vector<double>& x, const double* params, std::size_t C, std::size_t H,
                             std::size_t W, std::size_t O, std::size_t K, std::size_t S, std::size_t P) {
  const std::size_t OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1;
  std::vector<double> y(O * OH * OW);
  for (std::size_t o = 0; o < O; ++o)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        double s = params[O * C * K * K + o];
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t ky = 0; ky < K; ++ky)
            for (std::size_t kx = 0; kx < K; ++kx) {
              const long iy = static_cast<long>(oy * S + ky) - static_cast<long>(P);
              const long ix = static_cast<long>(ox * S + kx) - static_cast<long>(P);
              if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
              s += params[((o * C + c) * K + ky) * K + kx] *
                   x[(c * H + static_cast<std::size_t>(iy)) * W + static_cast<std::size_t>(ix)];
            }
        y[(o * OH + oy) * OW + ox] = s;
      }
  return y;
}

template <class Net>
void randomize(Net& net, std::uint64_t seed) {
  sn::train::rng g(seed);
  net.for_each_layer([&](auto, auto& l) {
    sn::for_each_param_span(l, [&](auto s) { test_support::fill_uniform(s, g, -1, 1); });
  });
}

// The flat parameters of a network, in its order.
template <class Net>
std::vector<double> flat_params(const Net& net) {
  std::vector<double> v;
  net.for_each_layer([&](auto, const auto& l) {
    sn::for_each_param_span(l, [&](auto s) { v.insert(v.end(), s.begin(), s.end()); });
  });
  return v;
}

}  // namespace

TEST_CASE("residual: identity shortcut, y = conv(relu(conv(x))) + x") {
  using net_t = sn::basic_sequential<double, shape<2, 5, 5>,
                                     sn::residual<sn::conv2d<3, 3, 1, 1>, sn::relu, sn::conv2d<2, 3, 1, 1>>>;
  using R = net_t::layer_type<0>;
  static_assert(R::identity && R::param_count == (3 * 2 * 9 + 3) + (2 * 3 * 9 + 2));
  static_assert(net_t::layer_macs[0] == 3 * 25 * 18 + 2 * 25 * 27);
  net_t net;
  randomize(net, 1);
  const auto x = gradcheck::random_values(50, 2);
  std::array<double, 50> y{};
  net.forward(sn::cview<double, 50>(x.data(), 50), y);

  const auto& body = net.layer<0>().body;
  auto h = conv_ref(x, body.layer<0>().params.data(), 2, 5, 5, 3, 3, 1, 1);
  for (auto& v : h) v = std::max(v, 0.0);
  const auto b = conv_ref(h, body.layer<2>().params.data(), 3, 5, 5, 2, 3, 1, 1);
  for (std::size_t i = 0; i < 50; ++i) CHECK(y[i] == doctest::Approx(b[i] + x[i]).epsilon(1e-12));
}

TEST_CASE("residual: projection shortcut, y = conv(relu(conv_s2(x))) + conv1x1_s2(x)") {
  using net_t = sn::basic_sequential<
      double, shape<2, 5, 5>,
      sn::residual<sn::conv2d<3, 3, 2, 1>, sn::relu, sn::conv2d<3, 3, 1, 1>, sn::shortcut<sn::conv2d<3, 1, 2, 0>>>>;
  using R = net_t::layer_type<0>;
  static_assert(!R::identity && std::is_same_v<R::out_shape, shape<3, 3, 3>>);
  static_assert(R::param_count == (3 * 2 * 9 + 3) + (3 * 3 * 9 + 3) + (3 * 2 + 3));
  net_t net;
  randomize(net, 3);
  const auto x = gradcheck::random_values(50, 4);
  std::array<double, 27> y{};
  net.forward(sn::cview<double, 50>(x.data(), 50), y);

  const auto& r = net.layer<0>();
  auto h = conv_ref(x, r.body.layer<0>().params.data(), 2, 5, 5, 3, 3, 2, 1);
  for (auto& v : h) v = std::max(v, 0.0);
  const auto b = conv_ref(h, r.body.layer<2>().params.data(), 3, 3, 3, 3, 3, 1, 1);
  const auto s = conv_ref(x, r.skip.layer<0>().params.data(), 2, 5, 5, 3, 1, 2, 0);
  for (std::size_t i = 0; i < 27; ++i) CHECK(y[i] == doctest::Approx(b[i] + s[i]).epsilon(1e-12));
  // The parameters run body's layers, then the shortcut's.
  const auto p = flat_params(net);
  CHECK(p[0] == r.body.layer<0>().params[0]);
  CHECK(p[R::body_type::param_count] == r.skip.layer<0>().params[0]);
}

namespace {
// Two blocks between a 1x1 conv and a dense layer (float). Each block's chain ends in a conv
// computing rows on their own, so the block adds its shortcut a band of rows (1 channel x OW) at
// a time as that conv writes; its chain's other layers (conv -> relu, one stage, their own plan:
// workspace 1) write the last conv's input `mid` into the nested workspace:
//   stage 0 conv 1x1        in 0 (the caller's)  out 4*4*4 = 64                     -> 64
//   stage 1 identity block  in 64, output over its input (in place, at the front);
//       nested = mid 64 + max(head 1, band 1*4) = 68                                -> 64 + 68 = 132
//   stage 2 projection      in 64, out 8*2*2 = 32 (at the back), the shortcut conv writes y;
//       nested = max(shortcut's 1, mid 32 + max(head 1, band 1*2)) = 34             -> 64 + 32 + 34 = 130
//   flatten (no stage), dense (last) in 32                                          -> 32
// (Before, without the in-place add: stage 1 needed in 64 + out 64 + chain 64 = 192.)
using plan_net = sn::sequential<shape<2, 4, 4>, sn::conv2d<4, 1>,
                                sn::residual<sn::conv2d<4, 3, 1, 1>, sn::relu, sn::conv2d<4, 3, 1, 1>>,
                                sn::residual<sn::conv2d<8, 3, 2, 1>, sn::relu, sn::conv2d<8, 3, 1, 1>,
                                             sn::shortcut<sn::conv2d<8, 1, 2, 0>>>,
                                sn::flatten, sn::dense<3>>;
static_assert(plan_net::layer_type<1>::nested_workspace == 68);
static_assert(plan_net::layer_type<2>::nested_workspace == 34);
static_assert(plan_net::layer_type<1>::output_over_input && !plan_net::layer_type<2>::output_over_input);
static_assert(plan_net::workspace_size == 132);
static_assert(plan_net::stage_count == 4);

// Runs a network's layers one by one, each with its own stack workspace: the reference for where
// the plan puts things.
template <class Net>
std::vector<float> layer_by_layer(const Net& net, const std::vector<float>& x) {
  std::vector<float> cur = x;
  net.for_each_layer([&](auto, const auto& l) {
    using L = std::remove_cvref_t<decltype(l)>;
    std::vector<float> next(L::out_shape::size);
    l.forward(sn::cview<float, L::in_shape::size>(cur.data(), L::in_shape::size),
              sn::view<float, L::out_shape::size>(next.data(), L::out_shape::size));
    cur = std::move(next);
  });
  return cur;
}

// forward and forward_in_workspace in exactly the planned sizes, the workspace NaN-filled.
template <class Net>
void check_in_planned_workspace(std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  sn::train::rng g(seed);
  sn::train::init_parameters(*net, g);
  std::vector<float> x(Net::in_shape::size);
  test_support::fill_uniform(x, g, -1, 1);
  const auto want = layer_by_layer(*net, x);

  std::vector<float> ws(Net::workspace_size, std::numeric_limits<float>::quiet_NaN());
  std::vector<float> y(Net::out_shape::size);
  net->forward(sn::cview<float, Net::in_shape::size>(x.data(), x.size()),
               sn::view<float, Net::out_shape::size>(y.data(), y.size()),
               sn::view<float, Net::workspace_size>(ws.data(), ws.size()));
  CHECK(y == want);

  std::vector<float> wsi(Net::workspace_with_input_size, std::numeric_limits<float>::quiet_NaN());
  std::copy(x.begin(), x.end(), wsi.begin() + Net::input_offset);
  std::fill(y.begin(), y.end(), 0.0f);
  net->forward_in_workspace(sn::view<float, Net::workspace_with_input_size>(wsi.data(), wsi.size()),
                            sn::view<float, Net::out_shape::size>(y.data(), y.size()));
  CHECK(y == want);
}
}  // namespace

TEST_CASE("residual: inference in the planned workspace (block first, middle at either end, last)") {
  check_in_planned_workspace<plan_net>(5);  // blocks at stages 1 (output over the input, front) and 2 (back)
  // First and last stage at once; first then a layer; a layer then two blocks, the last one last.
  using only = sn::sequential<shape<3, 4, 4>, sn::residual<sn::conv2d<3, 3, 1, 1>, sn::relu, sn::conv2d<3, 3, 1, 1>>>;
  // The input (the caller's, so the output is not over it) + the chain's mid 48 + band 1*4; y is the caller's.
  static_assert(only::workspace_size == 48 + 48 + 4);
  check_in_planned_workspace<only>(6);
  check_in_planned_workspace<
      sn::sequential<shape<3, 4, 4>, sn::residual<sn::conv2d<2, 3, 2, 1>, sn::shortcut<sn::conv2d<2, 1, 2, 0>>>,
                     sn::flatten, sn::dense<2>>>(7);
  check_in_planned_workspace<sn::sequential<
      shape<2, 4, 4>, sn::conv2d<3, 1>, sn::residual<sn::conv2d<3, 3, 1, 1>>,
      sn::residual<sn::conv2d<3, 3, 1, 1>, sn::relu, sn::conv2d<3, 3, 1, 1>, sn::shortcut<sn::conv2d<3, 1>>>>>(8);
}

TEST_CASE("residual: gradient check in double, identity and projection shortcut with batchnorm") {
  constexpr std::size_t B = 3;
  SUBCASE("identity") {
    using L = sn::residual<sn::conv2d<2, 3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<2, 3, 1, 1>,
                           sn::batchnorm>::bind<shape<2, 4, 4>, double>;
    L l;
    sn::train::rng g(11);
    l.for_each_branch([&](auto& n) { sn::train::init_parameters(n, g); });
    sn::for_each_param_span(l, [&](auto s) { test_support::fill_uniform(s, g, -1, 1); });
    const auto x = gradcheck::random_values(B * 32, 12);
    const auto r = gradcheck::check_layer<L, B>(l, x, 13);
    CHECK(r.params == L::param_count);
    CHECK(r.inputs == B * 32);
    CHECK(r.param_err < gradcheck::tol);
    CHECK(r.input_err < gradcheck::tol);
  }
  SUBCASE("projection") {
    using L = sn::residual<sn::conv2d<3, 3, 2, 1>, sn::batchnorm, sn::relu, sn::conv2d<3, 3, 1, 1>, sn::batchnorm,
                           sn::shortcut<sn::conv2d<3, 1, 2, 0>, sn::batchnorm>>::bind<shape<2, 5, 5>, double>;
    L l;
    sn::train::rng g(21);
    sn::for_each_param_span(l, [&](auto s) { test_support::fill_uniform(s, g, -1, 1); });
    const auto x = gradcheck::random_values(B * 50, 22);
    const auto r = gradcheck::check_layer<L, B>(l, x, 23);
    CHECK(r.params == L::param_count);
    CHECK(r.param_err < gradcheck::tol);
    CHECK(r.input_err < gradcheck::tol);
  }
}

namespace {
using bn_net = sn::sequential<shape<2, 6, 6>, sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu,
                              sn::residual<sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<4, 3, 1, 1>,
                                           sn::batchnorm>,
                              sn::relu,
                              sn::residual<sn::conv2d<6, 3, 2, 1>, sn::batchnorm, sn::relu, sn::conv2d<6, 3, 1, 1>,
                                           sn::batchnorm, sn::shortcut<sn::conv2d<6, 1, 2, 0>, sn::batchnorm>>,
                              sn::relu, sn::flatten, sn::dense<3>>;
}  // namespace

TEST_CASE("residual: batchnorm folds into both chains; folded equals unfolded within 1e-6") {
  using folded = sn::folded_t<bn_net>;
  using R1 = folded::layer_type<2>;
  using R2 = folded::layer_type<4>;
  static_assert(folded::depth == 8 && R1::body_type::depth == 3 && R2::skip_type::depth == 1);
  auto net = std::make_unique<bn_net>();
  sn::train::rng g(31);
  sn::train::init_parameters(*net, g);
  // Batchnorm with statistics and affine terms far from the identity, in every chain.
  auto perturb = [&](auto& l) {
    using L = std::remove_cvref_t<decltype(l)>;
    if constexpr (sn::is_batchnorm<L>) {
      constexpr std::size_t C = L::in_shape::channels;
      for (std::size_t c = 0; c < C; ++c) {
        l.params[c] = static_cast<float>(g.uniform(0.5, 1.5)), l.params[C + c] = static_cast<float>(g.uniform(-0.5, 0.5));
        l.state[c] = static_cast<float>(g.uniform(-0.3, 0.3)), l.state[C + c] = static_cast<float>(g.uniform(0.5, 2.0));
      }
    }
  };
  net->for_each_layer([&](auto, auto& l) {
    perturb(l);
    if constexpr (sn::CompositeLayer<std::remove_cvref_t<decltype(l)>>)
      l.for_each_branch([&](auto& n) { n.for_each_layer([&](auto, auto& s) { perturb(s); }); });
  });
  const folded f = sn::fold_batchnorm(*net);
  double worst = 0;
  for (int t = 0; t < 20; ++t) {
    std::array<float, 72> x;
    test_support::fill_uniform(x, g, -2, 2);
    std::array<float, 3> a, b;
    net->forward(x, a);
    f.forward(x, b);
    for (std::size_t i = 0; i < 3; ++i)
      worst = std::max(worst, std::abs(double{a[i]} - double{b[i]}) / std::max(1.0, std::abs(double{a[i]})));
  }
  MESSAGE("worst relative difference: ", worst);
  CHECK(worst < 1e-6);
}

TEST_CASE("residual: SGD updates the block's parameters; checkpoints and safetensors round-trip them") {
  constexpr std::size_t B = 4;
  auto net = std::make_unique<bn_net>();
  auto tr = std::make_unique<sn::train::trainer<bn_net, B>>();
  sn::train::sgd<bn_net> opt;
  opt.lr = 0.05;
  sn::train::rng g(41);
  sn::train::init_parameters(*net, g);
  test_support::fill_uniform(tr->input, g, -1, 1);
  for (std::size_t b = 0; b < B; ++b) tr->labels[b] = static_cast<std::uint8_t>(b % 3);
  sn::serial_executor ex;
  const auto before = flat_params(*net);
  tr->step(*net, opt, B, ex);
  const auto after = flat_params(*net);
  REQUIRE(before.size() == bn_net::param_count);
  std::size_t changed = 0;
  for (std::size_t k = 0; k < before.size(); ++k) {
    // p -= lr * g, in float as sgd computes it.
    const float want = static_cast<float>(before[k]) - static_cast<float>(opt.lr) * tr->grad[k];
    CHECK(static_cast<float>(after[k]) == want);
    changed += after[k] != before[k];
  }
  // The blocks' parameters move (all but the conv biases before a batchnorm, whose gradient
  // is zero up to rounding: 26 of 1,048).
  constexpr std::size_t first = bn_net::param_offset[3], last = bn_net::param_offset[6];
  std::size_t block_changed = 0;
  for (std::size_t k = first; k < last; ++k) block_changed += after[k] != before[k];
  CHECK(block_changed * 10 > (last - first) * 9);
  CHECK(changed > 0);

  // The checkpoint's signature lists the blocks' layers, so another block of the same size
  // does not load.
  const std::string sig = sn::io::signature<bn_net>();
  CHECK(sig.find("residual 4x6x6 -> 6x3x3 ") != std::string::npos);
  CHECK(sig.find("\n  shortcut conv2d 4x6x6 -> 6x3x3 30 0\n") != std::string::npos);
  CHECK(sig.find("\n  batchnorm 4x6x6 -> 4x6x6 8 8\n") != std::string::npos);
  const std::string bytes = sn::io::checkpoint_bytes(*net, {}, opt.velocity);
  auto loaded = std::make_unique<bn_net>();
  std::array<float, bn_net::param_count> velocity{};
  sn::io::load_checkpoint(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), "mem", *loaded,
                          std::span<float>(velocity));
  CHECK(test_support::network_bytes(*loaded) == test_support::network_bytes(*net));
  CHECK(test_support::network_bytes(*loaded).size() == (bn_net::param_count + bn_net::state_count) * sizeof(float));

  // safetensors: the block's layers as "<layer>.<j>." and "<layer>.shortcut.<j>.".
  const std::string st = sn::io::safetensors_bytes(*net);
  CHECK(st.find("\"3.3.weight\"") != std::string::npos);            // identity block, second conv
  CHECK(st.find("\"5.shortcut.1.running_var\"") != std::string::npos);  // projection's batchnorm
  auto from_st = std::make_unique<bn_net>();
  sn::io::load_safetensors(std::span(reinterpret_cast<const std::uint8_t*>(st.data()), st.size()), "mem", *from_st);
  CHECK(test_support::network_bytes(*from_st) == test_support::network_bytes(*net));
}
