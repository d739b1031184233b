// int8 residual blocks (quant/residual.hpp, quantize.hpp): the quantized type of a network with an
// identity block and a projection block, each followed by a ReLU (the add's clamp); each block's
// int8 output against TFLite's ADD written out here in double from the calibrated grids (so a
// wrong rescale or clamp fails); each block's dequantized output against the float block on the
// same (dequantized) input; the planned network (nested workspaces) against the layers run one
// by one.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <tuple>
#include <vector>

#include <staticnn/quant/quantize.hpp>
#include <staticnn/staticnn.hpp>
#include <staticnn/train/init.hpp>

namespace sn = staticnn;
namespace q = staticnn::quant;

namespace {

using in_shape = sn::shape<3, 8, 8>;
using net_t = sn::sequential<in_shape, sn::conv2d<6, 3, 1, 1>, sn::batchnorm, sn::relu,
    sn::residual<sn::conv2d<6, 3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<6, 3, 1, 1>, sn::batchnorm>, sn::relu,
    sn::residual<sn::conv2d<10, 3, 2, 1>, sn::batchnorm, sn::relu, sn::conv2d<10, 3, 1, 1>, sn::batchnorm,
                 sn::shortcut<sn::conv2d<10, 1, 2, 0>, sn::batchnorm>>,
    sn::relu, sn::global_avg_pool, sn::dense<5>>;
using folded_t = sn::folded_t<net_t>;
using qnet_t = q::quantized_t<folded_t>;
using qplan = qnet_t::network_type;
using block1 = qplan::layer_type<2>;
using block2 = qplan::layer_type<4>;

// Folded: conv, relu, block, relu, block, relu, pool, dense; the ReLUs fuse into the conv's and
// the adds' clamps.
static_assert(std::is_same_v<qplan::layer_type<1>, q::qidentity_layer<sn::shape<6, 8, 8>>>);
static_assert(block1::clamped && block1::identity && std::is_same_v<block1::out_shape, sn::shape<6, 8, 8>>);
static_assert(std::is_same_v<qplan::layer_type<3>, q::qidentity_layer<sn::shape<6, 8, 8>>>);
static_assert(block2::clamped && !block2::identity && std::is_same_v<block2::out_shape, sn::shape<10, 4, 4>>);
// Inside a block the chains are quantized as networks: conv -> relu fused, the last conv unclamped.
static_assert(std::is_same_v<block1::body_type,
                             sn::network<q::qconv2d_layer<sn::shape<6, 8, 8>, 6, 3, 1, 1, true>,
                                         q::qidentity_layer<sn::shape<6, 8, 8>>,
                                         q::qconv2d_layer<sn::shape<6, 8, 8>, 6, 3, 1, 1, false>>>);
static_assert(std::is_same_v<block2::skip_type, sn::network<q::qconv2d_layer<sn::shape<6, 8, 8>, 10, 1, 2, 0, false>>>);
// The plan keeps a block's input live; each block adds its shortcut as its last conv writes a band
// of rows (host: 1 channel x OW). Block 1 (identity, the widest stage) writes its output over its
// input: 384 (input = output) + nested 384 (conv -> relu's output, the last conv's input) +
// max(head workspace 1, band 8) = 776. Block 2: 384 (input) + 160 (output, the shortcut conv's
// first) + max(shortcut's 1, 160 + max(1, band 4)) = 708. Before: 384 + 384 + 384 = 1152.
static_assert(block1::nested_workspace == 384 + 8 && block1::output_over_input);
static_assert(block2::nested_workspace == 160 + 4 && !block2::output_over_input);
static_assert(qplan::workspace_size == 384 + 384 + 8);

struct fixture {
  std::unique_ptr<folded_t> f;
  std::unique_ptr<qnet_t> qn;
  q::calibration<folded_t> c;
  std::vector<float> images;
};

fixture make(std::size_t n) {
  fixture fx;
  auto net = std::make_unique<net_t>();
  sn::train::rng g(23);
  sn::train::init_parameters(*net, g);
  auto bn = [&](auto& l) {
    if constexpr (requires { l.running_var(); }) {
      for (auto& v : l.gamma()) v = static_cast<float>(g.uniform(0.5, 1.5));
      for (auto& v : l.beta()) v = static_cast<float>(g.uniform(-0.5, 0.5));
      for (auto& v : l.running_mean()) v = static_cast<float>(g.uniform(-0.2, 0.2));
      for (auto& v : l.running_var()) v = static_cast<float>(g.uniform(0.5, 2.0));
    }
  };
  net->for_each_layer([&](auto, auto& l) {
    if constexpr (sn::CompositeLayer<std::remove_cvref_t<decltype(l)>>)
      l.for_each_branch([&](auto& b) { b.for_each_layer([&](auto, auto& s) { bn(s); }); });
    else
      bn(l);
  });
  fx.f = std::make_unique<folded_t>(sn::fold_batchnorm(*net));
  fx.images.resize(n * in_shape::size);
  for (auto& v : fx.images) v = static_cast<float>(g.uniform(0, 1));
  fx.c = q::calibrate(*fx.f, fx.images.data(), n);
  fx.qn = std::make_unique<qnet_t>(q::quantize(*fx.f, fx.c));
  return fx;
}

template <std::size_t N>
using bytes = std::array<std::int8_t, N>;

// TFLite ADD in exact arithmetic: z_out + round((s1 (a - z1) + s2 (b - z2)) / s_out), clamped
// to [lo, hi]; unclamped into *raw.
int add_reference(int a, int b, q::tensor_params p1, q::tensor_params p2, q::tensor_params out, int lo, int hi,
                  double* raw) {
  const double real = double{p1.scale} * (a - p1.zero_point) + double{p2.scale} * (b - p2.zero_point);
  *raw = out.zero_point + real / double{out.scale};
  return std::clamp(static_cast<int>(std::lround(*raw)), lo, hi);
}
// The clamp a block must apply: a ReLU's on the output grid, [zero_point, 127], unless a test
// sets another.
struct clamp_range {
  int lo = -128, hi = 127;
};

// Checks one block against add_reference and the float block; x: its int8 input on grid `in`.
template <class QB, class FB, class Cal>
void check_block(const QB& qb, const FB& fb, const Cal& inner, q::tensor_params in, q::tensor_params out,
                 const std::int8_t* x, std::size_t& off_by_one, std::size_t& clamped, std::size_t& total,
                 double& worst_steps, clamp_range range = {}) {
  constexpr std::size_t I = QB::in_shape::size, O = QB::out_shape::size;
  bytes<O> body{}, y{};
  bytes<QB::identity ? I : O> skip{};
  qb.body.forward(sn::cview<std::int8_t, I>(x, I), body);
  if constexpr (QB::identity) std::copy_n(x, I, skip.begin());
  else qb.skip.forward(sn::cview<std::int8_t, I>(x, I), skip);
  qb.forward(sn::cview<std::int8_t, I>(x, I), y);
  // The chains' output grids, from the calibrated ranges (TFLite's choice, quantize.hpp).
  constexpr std::size_t last = QB::body_type::depth - 1;
  const q::tensor_params p1 = q::choose_params(inner.body.lo[last], inner.body.hi[last]);
  q::tensor_params p2 = in;
  if constexpr (!QB::identity) p2 = q::choose_params(inner.skip.lo[0], inner.skip.hi[0]);
  // The float block on the dequantized input; then ReLU.
  std::array<float, I> xf{};
  for (std::size_t k = 0; k < I; ++k) xf[k] = in.scale * static_cast<float>(x[k] - in.zero_point);
  std::array<float, O> yf{};
  fb.forward(xf, yf);
  for (std::size_t k = 0; k < O; ++k) {
    double raw = 0;
    const int lo = std::max(range.lo, out.zero_point);
    const int want = add_reference(body[k], skip[k], p1, p2, out, lo, range.hi, &raw);
    const int d = std::abs(y[k] - want);
    CHECK(d <= 1);
    off_by_one += d == 1;
    clamped += raw < lo - 0.5 || raw > range.hi + 0.5;
    ++total;
    const double got = double{out.scale} * (y[k] - out.zero_point);
    const double clamped_float = std::clamp(double{yf[k]}, double{out.scale} * (lo - out.zero_point),
                                            double{out.scale} * (range.hi - out.zero_point));
    worst_steps = std::max(worst_steps, std::abs(got - clamped_float) / double{out.scale});
  }
}

}  // namespace

TEST_CASE("qresidual: each block is TFLite's ADD of its chains' int8 outputs, ReLU as the clamp") {
  constexpr std::size_t n = 16;
  const fixture fx = make(n);
  const auto& qn = *fx.qn;
  const auto& c = fx.c;
  const q::tensor_params grid1 = q::choose_params(c.lo[1], c.hi[1]), out1 = q::choose_params(c.lo[3], c.hi[3]);
  const q::tensor_params out2 = q::choose_params(c.lo[5], c.hi[5]);
  // The adds' clamps are the ReLUs' zero points (the ranges start at 0: -128).
  CHECK(qn.net.layer<2>().add.act_min == out1.zero_point);
  CHECK(qn.net.layer<4>().add.act_min == out2.zero_point);
  std::size_t off = 0, clamped = 0, total = 0;
  double worst1 = 0, worst2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bytes<in_shape::size> x{};
    qn.quantize_input(sn::cview<float, in_shape::size>(fx.images.data() + i * in_shape::size, in_shape::size), x);
    bytes<block1::in_shape::size> a{};
    bytes<block1::out_shape::size> b{};
    qn.net.layer<0>().forward(x, a);
    check_block(qn.net.layer<2>(), fx.f->layer<2>(), std::get<2>(c.inner), grid1, out1, a.data(), off, clamped, total,
                worst1);
    qn.net.layer<2>().forward(a, b);
    check_block(qn.net.layer<4>(), fx.f->layer<4>(), std::get<4>(c.inner), out1, out2, b.data(), off, clamped, total,
                worst2);
  }
  MESSAGE("elements ", total, ", off by one (near ties) ", off, ", below the ReLU ", clamped,
          "; worst error against the float blocks: ", worst1, " and ", worst2, " output steps");
  // TFLite's integer ADD rounds three times (each input at 2^20 headroom, then the sum): off by
  // one only near a tie of the exact sum.
  CHECK(off * 100 <= total);
  CHECK(clamped * 10 > total);  // the clamp is exercised: sums below the zero point
  // The float block on the same input: the chains' requantizations (half a step of each conv's
  // grid, carried through the second conv) and the add's own; a few output steps.
  CHECK(worst1 < 3);
  CHECK(worst2 < 3);
}

// With the ReLU's calibrated range the output grid starts at 0, its zero point is -128 and the
// ReLU's clamp coincides with the int8 saturation (as in TFLite); so a block with a clamp set by
// hand inside the range checks that the block applies its add's clamp at both ends.
TEST_CASE("qresidual: a block applies its add's clamp") {
  constexpr std::size_t n = 8;
  fixture fx = make(n);
  const auto& c = fx.c;
  const q::tensor_params out1 = q::choose_params(c.lo[3], c.hi[3]), out2 = q::choose_params(c.lo[5], c.hi[5]);
  CHECK(out1.zero_point == -128);
  const clamp_range range{out2.zero_point + 30, 40};
  auto& block = fx.qn->net.layer<4>();
  block.add.act_min = range.lo, block.add.act_max = range.hi;
  std::size_t off = 0, clamped = 0, total = 0;
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bytes<in_shape::size> x{};
    fx.qn->quantize_input(sn::cview<float, in_shape::size>(fx.images.data() + i * in_shape::size, in_shape::size), x);
    bytes<block1::in_shape::size> a{};
    bytes<block1::out_shape::size> b{};
    fx.qn->net.layer<0>().forward(x, a);
    fx.qn->net.layer<2>().forward(a, b);
    check_block(block, fx.f->layer<4>(), std::get<4>(c.inner), out1, out2, b.data(), off, clamped, total, worst, range);
  }
  MESSAGE("elements ", total, " of which clamped ", clamped, ", worst ", worst, " steps");
  CHECK(clamped * 4 > total);
  CHECK(worst < 3);
}

TEST_CASE("qresidual: the planned network (nested workspaces) equals the layers run one by one") {
  constexpr std::size_t n = 8;
  const fixture fx = make(n);
  const auto& qn = *fx.qn;
  std::size_t differ = 0, distinct = 0;
  bytes<qnet_t::out_shape::size> previous{};
  for (std::size_t i = 0; i < n; ++i) {
    bytes<in_shape::size> x{};
    qn.quantize_input(sn::cview<float, in_shape::size>(fx.images.data() + i * in_shape::size, in_shape::size), x);
    std::vector<std::int8_t> a(x.begin(), x.end()), b;
    qn.net.for_each_layer([&](auto, const auto& l) {
      using L = std::remove_cvref_t<decltype(l)>;
      b.assign(L::out_shape::size, 0);
      l.forward(sn::cview<std::int8_t, L::in_shape::size>(a.data(), L::in_shape::size),
                sn::view<std::int8_t, L::out_shape::size>(b.data(), L::out_shape::size));
      std::swap(a, b);
    });
    bytes<qnet_t::out_shape::size> y{};
    std::array<std::int8_t, qnet_t::workspace_size> ws;
    ws.fill(0x55);
    qn.forward(x, y, ws);
    differ += !std::equal(y.begin(), y.end(), a.begin());
    // forward_in_workspace: the input inside the workspace.
    std::array<std::int8_t, qnet_t::workspace_with_input_size> wsi;
    wsi.fill(-0x33);
    std::copy(x.begin(), x.end(), wsi.begin() + qnet_t::input_offset);
    bytes<qnet_t::out_shape::size> z{};
    qn.forward_in_workspace(wsi, z);
    differ += y != z;
    distinct += y != previous;
    previous = y;
  }
  CHECK(differ == 0);
  CHECK(distinct == n);
}
