// The inference plan as stages (network::stages): which layers run as one stage, how, and the
// multiply-accumulates each layer does (hand-counted below).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <string_view>

#include "staticnn/staticnn.hpp"

namespace sn = staticnn;
using sn::stage_kind;

namespace {
using folded = sn::folded_t<sn::models::bn_lenet>;
using int8 = sn::quant::quantized_t<folded>::network_type;

template <class Net>
constexpr std::size_t total_macs() {
  std::size_t n = 0;
  for (std::size_t m : Net::layer_macs) n += m;
  return n;
}
}  // namespace

// Folded BN-LeNet: conv 6x24x24 x 25 = 86,400; conv 16x8x8 x 150 = 153,600; dense 256x120 = 30,720,
// 120x84 = 10,080, 84x10 = 840.
static_assert(total_macs<folded>() == 86400 + 153600 + 30720 + 10080 + 840);
static_assert(total_macs<int8>() == total_macs<folded>());
// float: conv->sigmoid->pool twice, flatten skipped, then dense, sigmoid, dense, sigmoid, dense.
static_assert(folded::stage_count == 7);
static_assert(sn::expect_stage<folded, 0, stage_kind::conv_act_pool> && sn::expect_stage<folded, 1, stage_kind::conv_act_pool>);
static_assert(folded::stages[2].first == 7 && folded::stages[2].last == 7 && folded::stages[6].first == 11);
// int8 on the host (no DSP): the same conv stages; each hidden dense applies its table as it writes.
static_assert(int8::stage_count == 5);
static_assert(sn::expect_stage<int8, 0, stage_kind::conv_act_pool> && sn::expect_stage<int8, 2, stage_kind::layer_then_act>);
static_assert(int8::stages[2].first == 7 && int8::stages[2].last == 8 && int8::stages[3].first == 9);

// A conv and the activation after it without a pool: one conv_act stage (float: ReLU in place on the
// conv's output; int8: the ReLU folded into the conv's clamp), before a conv -> ReLU -> pool stage.
using no_pool = sn::sequential<sn::shape<1, 8, 8>, sn::conv2d<4, 3, 1, 1>, sn::relu, sn::conv2d<4, 1>, sn::relu,
                               sn::max_pool<2>, sn::flatten, sn::dense<3>>;
static_assert(no_pool::stage_count == 3 && sn::expect_stage<no_pool, 0, stage_kind::conv_act> &&
              sn::expect_stage<no_pool, 1, stage_kind::conv_act_pool>);
static_assert(no_pool::stages[0].first == 0 && no_pool::stages[0].last == 1 && no_pool::stages[1].first == 2);
using no_pool_int8 = sn::quant::quantized_t<no_pool>::network_type;
static_assert(sn::expect_stage<no_pool_int8, 0, stage_kind::conv_act> && no_pool_int8::stages[0].last == 1);

// A flatten first (of the network's input) is no stage: the first dense reads the input; the
// workspace holds no copy of it, and forward_in_workspace's input sits after the first output.
using flat_first = sn::sequential<sn::shape<1, 4, 4>, sn::flatten, sn::dense<5>, sn::relu, sn::dense<3>>;
static_assert(flat_first::stages[0].first == 1 && flat_first::stages[0].last == 1 &&
              flat_first::stages[flat_first::stage_count - 1].first == 4 - 1);
static_assert(flat_first::workspace_size < 16 && flat_first::input_offset == 5 &&
              flat_first::workspace_with_input_size == std::max<std::size_t>(flat_first::workspace_size, 5 + 16));
// Alone, or before a layer that copies too, flatten is still a stage (something writes the output).
static_assert(sn::sequential<sn::shape<1, 2, 2>, sn::flatten>::stage_count == 1);

TEST_CASE("plan: a flatten first reads the input in place, the same as the layers one by one") {
  flat_first net{};
  std::size_t i = 0;
  net.for_each_layer([&](auto, auto& l) {
    if constexpr (std::remove_cvref_t<decltype(l)>::param_count > 0)
      for (auto& p : l.params) p = static_cast<float>(i++ * 37 % 19) / 19.0f - 0.45f;
  });
  std::array<float, 16> x{}, flat{};
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = static_cast<float>(j % 7) * 0.25f - 0.7f;
  std::array<float, 5> h{}, a{};
  std::array<float, 3> want{}, got{}, got_in_ws{};
  net.layer<0>().forward(x, flat);
  net.layer<1>().forward(flat, h);
  net.layer<2>().forward(h, a);
  net.layer<3>().forward(a, want);
  net.forward(x, got);
  CHECK(got == want);
  std::array<float, flat_first::workspace_with_input_size> wsi{};
  std::copy(x.begin(), x.end(), wsi.begin() + flat_first::input_offset);
  net.forward_in_workspace(wsi, got_in_ws);
  CHECK(got_in_ws == want);
}

TEST_CASE("plan: conv -> relu without a pool runs as the layers one by one") {
  no_pool net{};
  std::size_t i = 0;
  net.for_each_layer([&](auto, auto& l) {
    if constexpr (std::remove_cvref_t<decltype(l)>::param_count > 0)
      for (auto& p : l.params) p = static_cast<float>(i++ * 37 % 19) / 19.0f - 0.45f;  // both signs
  });
  std::array<float, 64> x{};
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = static_cast<float>(j % 7) * 0.25f - 0.7f;
  std::array<float, 3> y{};
  net.forward(x, y);
  // By hand: each layer's own forward in turn.
  std::array<float, 4 * 64> a{}, b{};
  net.layer<0>().forward(x, a);
  net.layer<1>().forward(a, b);
  net.layer<2>().forward(b, a);
  net.layer<3>().forward(a, b);
  std::array<float, 4 * 16> p{};
  net.layer<4>().forward(b, p);
  std::array<float, 3> want{};
  net.layer<6>().forward(p, want);
  for (std::size_t k = 0; k < 3; ++k) CHECK(y[k] == doctest::Approx(want[k]).epsilon(1e-6));
  CHECK(std::string_view(sn::stage_kind_name(no_pool::stages[0].kind)) == "conv_act");
}

// A depthwise conv and the activation after it: one layer_then_act stage (its forward, then the
// activation in place on its output); the same values as the two layers one by one.
using separable = sn::sequential<sn::shape<3, 7, 6>, sn::depthwise_conv2d<3, 2, 1>, sn::relu6, sn::conv2d<4, 1>,
                                 sn::relu, sn::depthwise_conv2d<3, 1, 1>, sn::relu, sn::flatten, sn::dense<2>>;
static_assert(separable::stage_count == 4 && sn::expect_stage<separable, 0, stage_kind::layer_then_act> &&
              sn::expect_stage<separable, 1, stage_kind::conv_act> &&
              sn::expect_stage<separable, 2, stage_kind::layer_then_act>);
static_assert(separable::stages[0].last == 1 && separable::stages[2].first == 4 && separable::stages[2].last == 5);

TEST_CASE("plan: depthwise -> relu6 and depthwise -> relu run as one stage each, values as the layers one by one") {
  separable net{};
  std::size_t i = 0;
  net.for_each_layer([&](auto, auto& l) {
    if constexpr (std::remove_cvref_t<decltype(l)>::param_count > 0)
      for (auto& p : l.params) p = static_cast<float>(i++ * 37 % 19) / 2.0f - 4.0f;  // both signs, beyond 6
  });
  std::array<float, 3 * 7 * 6> x{};
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = static_cast<float>(j % 7) * 0.5f - 1.4f;
  std::array<float, 2> y{};
  net.forward(x, y);
  // By hand: relu6 and relu written out on each layer's own forward.
  std::array<float, 3 * 4 * 3> a{};
  net.layer<0>().forward(x, a);
  std::size_t clamped6 = 0;
  for (float& v : a) clamped6 += v > 6.0f, v = v < 0.0f ? 0.0f : v > 6.0f ? 6.0f : v;
  CHECK(clamped6 > 0);  // the ReLU6's upper clamp matters here
  std::array<float, 4 * 4 * 3> b{}, c{};
  net.layer<2>().forward(a, b);
  for (float& v : b) v = v < 0.0f ? 0.0f : v;
  net.layer<4>().forward(b, c);
  for (float& v : c) v = v < 0.0f ? 0.0f : v;
  std::array<float, 2> want{};
  net.layer<7>().forward(c, want);
  for (std::size_t k = 0; k < 2; ++k) CHECK(y[k] == doctest::Approx(want[k]).epsilon(1e-6));
}

TEST_CASE("plan: kinds and kernels print with their names") {
  CHECK(std::string_view(sn::stage_kind_name(folded::stages[0].kind)) == "conv_act_pool");
  CHECK(std::string_view(sn::stage_kind_name(int8::stages[3].kind)) == "layer_then_act");
  CHECK(std::string_view(int8::layer_names[7]) == "qdense");
  // The host build has no Cortex-M kernels: every stage says it runs the portable one.
  for (const auto& st : folded::stages) CHECK(std::string_view(st.kernel) == "portable");
  for (const auto& st : int8::stages) CHECK(std::string_view(st.kernel) == "portable");
}

// Scratch in the plan (scratch_bytes_of): a layer taking Scratch values of scratch that must not
// overlap its input, nor its output unless OverOut. It fills the scratch before it reads x and
// again after it writes y, so a scratch over x or (not OverOut) over y changes the network's output.
namespace {
template <sn::Shape In, std::size_t Out, std::size_t Scratch, bool OverOut>
struct scratch_probe_layer {
  using value_type = std::int8_t;
  static constexpr const char* name = "scratch_probe";
  using in_shape = In;
  using out_shape = sn::shape<Out>;
  static constexpr std::size_t param_count = 0, state_count = 0;
  static constexpr std::size_t scratch_bytes = Scratch;
  static constexpr bool scratch_overlaps_output = OverOut;
  inline static std::size_t given = 0;  // calls that had scratch
  void forward(sn::cview<std::int8_t, In::size> x, sn::view<std::int8_t, Out> y, std::int8_t* scratch = nullptr) const {
    if (scratch != nullptr) ++given, std::fill_n(scratch, Scratch, std::int8_t{-100});
    for (std::size_t o = 0; o < Out; ++o) {
      int s = static_cast<int>(o);
      for (std::size_t i = 0; i < In::size; ++i) s += x[i] * static_cast<int>((i + o) % 3 + 1);
      y[o] = static_cast<std::int8_t>(s % 101);
    }
    if (scratch != nullptr && !OverOut) std::fill_n(scratch, Scratch, std::int8_t{-101});
  }
};
template <std::size_t S0, std::size_t S1>
using probe_net = sn::network<scratch_probe_layer<sn::shape<8>, 16, S0, false>, scratch_probe_layer<sn::shape<16>, 4, S1, false>,
                              scratch_probe_layer<sn::shape<4>, 3, 5, false>, scratch_probe_layer<sn::shape<3>, 2, 5, true>>;
// Outputs at the front, back, front of the workspace, then y. Stage 1 needs 16 + 4 + 40 values;
// the first stage's scratch after its 16 outputs and the 8 inputs fits in that (24 + 20 <= 60),
// one of 40 would not (it keeps its stack then).
using fits = probe_net<20, 40>;
using no_room = probe_net<40, 40>;
static_assert(fits::workspace_size == 60 && fits::workspace_with_input_size == 60);
static_assert(no_room::workspace_size == 60);

template <class Net>
void check_probe_net(std::size_t first_given) {
  const auto layers = Net{};
  std::array<std::int8_t, 8> x{3, -7, 11, 0, -2, 5, 9, -13};
  std::array<std::int8_t, 16> h1{};
  std::array<std::int8_t, 4> h2{};
  std::array<std::int8_t, 3> h3{};
  std::array<std::int8_t, 2> want{}, got{}, got_in_ws{};
  layers.template layer<0>().forward(x, h1);  // each layer alone, without scratch
  layers.template layer<1>().forward(h1, h2);
  layers.template layer<2>().forward(h2, h3);
  layers.template layer<3>().forward(h3, want);
  using L0 = typename Net::template layer_type<0>;
  using L1 = typename Net::template layer_type<1>;
  using L2 = typename Net::template layer_type<2>;
  using L3 = typename Net::template layer_type<3>;
  L0::given = L1::given = L2::given = L3::given = 0;
  std::array<std::int8_t, Net::workspace_size> ws{};
  layers.forward(x, got, ws);
  CHECK(got == want);
  std::array<std::int8_t, Net::workspace_with_input_size> wsi{};
  std::copy(x.begin(), x.end(), wsi.begin() + Net::input_offset);
  layers.forward_in_workspace(wsi, got_in_ws);
  CHECK(got_in_ws == want);
  CHECK(L0::given == 2 * first_given);
  CHECK(L1::given == 2);
  CHECK(L2::given == 2);
  CHECK(L3::given == 2);
}
}  // namespace

TEST_CASE("plan: scratch in the workspace overlaps no input, nor an output that must stay apart") {
  check_probe_net<fits>(1);
  check_probe_net<no_room>(0);
}
