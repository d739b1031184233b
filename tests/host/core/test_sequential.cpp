// network / sequential: shape inference, parameter and state offsets, object size, and
// inference through the ping-pong workspace.
#include "staticnn/core/sequential.hpp"

#include <doctest/doctest.h>

#include <array>
#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "../support.hpp"
#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/flatten.hpp"
#include "staticnn/layers/pool.hpp"
#include "staticnn/models/lenet.hpp"

namespace sn = staticnn;
using sn::shape;

namespace {

using bn = sn::models::bn_lenet;
template <std::size_t I>
using out_of = typename bn::layer_type<I>::out_shape;

}  // namespace

// bn_lenet's shapes, inferred layer by layer (checked when this file compiles).
static_assert(sn::Network<bn> && bn::depth == 16);
static_assert(std::is_same_v<bn::in_shape, shape<1, 28, 28>> && std::is_same_v<bn::out_shape, shape<10>>);
static_assert(std::is_same_v<bn::value_type, float>);
static_assert(std::is_same_v<sn::models::basic_bn_lenet<double>::value_type, double>);
static_assert(std::is_same_v<out_of<0>, shape<6, 24, 24>>);   // 28 - 5 + 1
static_assert(std::is_same_v<out_of<1>, shape<6, 24, 24>>);   // batchnorm
static_assert(std::is_same_v<out_of<3>, shape<6, 12, 12>>);   // avg_pool 2
static_assert(std::is_same_v<out_of<4>, shape<16, 8, 8>>);    // 12 - 5 + 1
static_assert(std::is_same_v<out_of<7>, shape<16, 4, 4>>);
static_assert(std::is_same_v<out_of<8>, shape<256>>);         // flatten
static_assert(std::is_same_v<out_of<9>, shape<120>>);
static_assert(std::is_same_v<out_of<10>, shape<120>>);        // flat batchnorm
static_assert(std::is_same_v<out_of<12>, shape<84>>);
static_assert(std::is_same_v<out_of<15>, shape<10>>);
static_assert(std::is_same_v<bn::layer_type<10>, sn::batchnorm_layer<shape<120>, float>>);
static_assert(std::is_same_v<bn::layer_type<4>, sn::conv2d_layer<shape<6, 12, 12>, 16, 5, 1, 0, float>>);
// Largest layer input is conv1's output 6*24*24 = 3456; batchnorm reads it and writes as much
// at the other end of the workspace.
static_assert(bn::max_hidden_size == 3456 && bn::workspace_size == 6912);

// Parameter and state offsets of bn_lenet (checked when this file compiles).
// conv 6*25+6 = 156, bn 12, conv 16*150+16 = 2416, bn 32, dense 120*256+120 = 30840, bn 240,
// dense 84*120+84 = 10164, bn 168, dense 10*84+10 = 850; activations, pools, flatten: 0.
static_assert(bn::param_offset == std::array<std::size_t, 17>{0, 156, 168, 168, 168, 2584, 2616, 2616, 2616, 2616,
                                                               33456, 33696, 33696, 43860, 44028, 44028, 44878});
static_assert(bn::state_offset ==
              std::array<std::size_t, 17>{0, 0, 12, 12, 12, 12, 44, 44, 44, 44, 44, 284, 284, 284, 452, 452, 452});
static_assert(bn::param_count == 44878 && bn::state_count == 452);
static_assert(sn::models::lenet::param_count == 44426 && sn::models::lenet::state_count == 0);

TEST_CASE("sequential: the object holds exactly the parameters and the state") {
  CHECK(sizeof(bn) == (bn::param_count + bn::state_count) * sizeof(float));
  CHECK(sizeof(sn::models::lenet) == sn::models::lenet::param_count * sizeof(float));
  using bnd = sn::models::basic_bn_lenet<double>;
  CHECK(sizeof(bnd) == (bnd::param_count + bnd::state_count) * sizeof(double));
}

TEST_CASE("sequential: no padding for repeated identical stateless layers either") {
  // A plain MLP repeats the same relu type (relu on shape<4>) twice. Two subobjects of one type
  // may not share an address; a std::tuple of the layers pads this network to 244 bytes.
  using mlp = sn::sequential<shape<4>, sn::dense<4>, sn::relu, sn::dense<4>, sn::relu, sn::dense<4>>;
  static_assert(std::is_same_v<mlp::layer_type<1>, mlp::layer_type<3>>);
  CHECK(sizeof(mlp) == mlp::param_count * sizeof(float));
}

TEST_CASE("sequential: inference on a tiny network against hand values") {
  // W1 = [[1 -1] [2 1]], b1 = [0 -1]; relu; W2 = [0.5 -0.25], b2 = 1.
  // x = [3 1]: h = [2 6], y = 1 + 1 - 1.5 = 0.5.   x = [1 3]: h = [-2 4] -> [0 4], y = 1 - 1 = 0.
  using net_t = sn::basic_sequential<double, shape<2>, sn::dense<2>, sn::relu, sn::dense<1>>;
  static_assert(net_t::param_count == 9 && net_t::param_offset[2] == 6);
  net_t net;
  net.layer<0>().params = {1, -1, 2, 1, 0, -1};
  net.layer<2>().params = {0.5, -0.25, 1};
  std::array<double, 2> x{3, 1};
  std::array<double, 1> y{};
  net.forward(x, y);
  CHECK(y[0] == 0.5);
  x = {1, 3};
  net.forward(x, y);
  CHECK(y[0] == 0.0);
}

TEST_CASE("sequential: a one-layer network writes straight to the output") {
  using net_t = sn::basic_sequential<double, shape<3>, sn::dense<2>>;
  net_t net;
  net.layer<0>().params = {1, 2, 3, 4, 5, 6, 0.5, -1};
  std::array<double, 3> x{1, -1, 2};
  std::array<double, 2> y{};
  net.forward(x, y);
  CHECK(y == std::array<double, 2>{5.5, 10});
}

TEST_CASE("sequential: forward equals composing the layers' forwards by hand") {
  // Covers both inference paths: conv -> activation -> pool runs (layers 0-2 with a stride-2 conv
  // and a dropped edge, layers 7-9 with a 1x1 pool) are fused, the rest run layer by layer
  // (padded conv, batchnorm in eval mode, flat layers).
  using net_t = sn::sequential<shape<2, 11, 11>,
                               sn::conv2d<3, 3, 2>, sn::relu, sn::max_pool<2>,             // 3x5x5 -> 3x2x2
                               sn::conv2d<4, 2, 1, 1>, sn::batchnorm, sn::tanh, sn::avg_pool<2>,  // 4x3x3 -> 4x1x1
                               sn::conv2d<3, 1>, sn::sigmoid, sn::avg_pool<1>,             // 3x1x1
                               sn::flatten, sn::dense<5>, sn::batchnorm, sn::sigmoid, sn::dense<3>>;
  static_assert(std::is_same_v<net_t::layer_type<0>::out_shape, shape<3, 5, 5>>);
  static_assert(std::is_same_v<net_t::layer_type<2>::out_shape, shape<3, 2, 2>>);
  static_assert(std::is_same_v<net_t::layer_type<3>::out_shape, shape<4, 3, 3>>);
  static_assert(std::is_same_v<net_t::layer_type<6>::out_shape, shape<4, 1, 1>>);
  static_assert(std::is_same_v<net_t::layer_type<9>::out_shape, shape<3, 1, 1>>);
  net_t net;
  sn::train::rng g(7);
  net.for_each_layer([&](auto, auto& layer) {
    auto p = sn::param_span(layer);
    test_support::fill_uniform(p, g, -1, 1);
    auto s = sn::state_span(layer);
    test_support::fill_uniform(s, g, 0.5, 1.5);  // running var must stay positive
  });
  sn::tensor<shape<2, 11, 11>> x;
  test_support::fill_uniform(x.data, g, -1, 1);

  sn::tensor<shape<3, 5, 5>> a0, a1;
  sn::tensor<shape<3, 2, 2>> a2;
  sn::tensor<shape<4, 3, 3>> a3, a4, a5;
  sn::tensor<shape<4, 1, 1>> a6;
  sn::tensor<shape<3, 1, 1>> a7, a8, a9;
  sn::tensor<shape<3>> a10;
  sn::tensor<shape<5>> a11, a12, a13;
  sn::tensor<shape<3>> want, got;
  net.layer<0>().forward(x, a0);
  net.layer<1>().forward(a0, a1);
  net.layer<2>().forward(a1, a2);
  net.layer<3>().forward(a2, a3);
  net.layer<4>().forward(a3, a4);
  net.layer<5>().forward(a4, a5);
  net.layer<6>().forward(a5, a6);
  net.layer<7>().forward(a6, a7);
  net.layer<8>().forward(a7, a8);
  net.layer<9>().forward(a8, a9);
  net.layer<10>().forward(a9, a10);
  net.layer<11>().forward(a10, a11);
  net.layer<12>().forward(a11, a12);
  net.layer<13>().forward(a12, a13);
  net.layer<14>().forward(a13, want);

  net.forward(x, got);
  CHECK(got.data == want.data);
  // The explicit-workspace overload computes the same thing.
  std::array<float, net_t::workspace_size> ws{};
  sn::tensor<shape<3>> got_ws;
  net.forward(x, got_ws, ws);
  CHECK(got_ws.data == want.data);
}

TEST_CASE("sequential: LeNet inference equals its layers composed by hand") {
  // Plain LeNet fuses conv -> sigmoid -> avg_pool twice; the result must not change.
  using net_t = sn::models::lenet;
  static_assert(net_t::max_hidden_size == 6 * 12 * 12);  // the 6x24x24 conv output is never stored
  // The largest stage is the second fused one: 6x12x12 in at one end, 16x4x4 out at the other.
  static_assert(net_t::workspace_size == 6 * 12 * 12 + 16 * 4 * 4);
  auto net = std::make_unique<net_t>();
  sn::train::rng g(8);
  net->for_each_layer([&](auto, auto& layer) {
    auto p = sn::param_span(layer);
    test_support::fill_uniform(p, g, -0.3, 0.3);
  });
  auto x = std::make_unique<sn::tensor<shape<1, 28, 28>>>();
  test_support::fill_uniform(x->data, g, 0, 1);
  // Ping-pong by hand through vectors sized for each layer.
  std::vector<float> cur(x->data.begin(), x->data.end()), next;
  net->for_each_layer([&](auto, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    next.assign(L::out_shape::size, 0.0f);
    layer.forward(std::span<const float, L::in_shape::size>(cur.data(), L::in_shape::size),
                  std::span<float, L::out_shape::size>(next.data(), L::out_shape::size));
    cur.swap(next);
  });
  std::array<float, 10> y{};
  net->forward(x->data, y);
  CHECK(std::equal(y.begin(), y.end(), cur.begin(), cur.end()));
  // With the input in the workspace: the first fused stage writes pooled row py of channel c at
  // c*144 + 12*py and reads input rows from 2*py*28 on, so the input can start at 5*144 + 12
  // (hand-derived: the last channel's first row is the tightest), 1,516 values in all.
  static_assert(net_t::input_offset == 5 * 144 + 12 && net_t::workspace_with_input_size == 5 * 144 + 12 + 784);
  std::vector<float> ws(net_t::workspace_with_input_size, -7.0f);
  std::copy(x->data.begin(), x->data.end(), ws.begin() + net_t::input_offset);
  std::array<float, 10> y_in_place{};
  net->forward_in_workspace(std::span<float, net_t::workspace_with_input_size>(ws.data(), ws.size()), y_in_place);
  CHECK(y_in_place == y);
}

TEST_CASE("sequential: for_each_layer visits every layer once, in order") {
  using net_t = sn::sequential<shape<3>, sn::dense<2>, sn::sigmoid, sn::batchnorm, sn::dense<1>>;
  net_t net;
  std::array<std::size_t, 4> seen{};
  std::size_t calls = 0;
  net.for_each_layer([&](auto index, auto& layer) {
    seen[calls++] = decltype(index)::value;
    CHECK(static_cast<const void*>(&layer) == static_cast<const void*>(&net.template layer<decltype(index)::value>()));
  });
  CHECK(calls == 4);
  CHECK(seen == std::array<std::size_t, 4>{0, 1, 2, 3});
}
