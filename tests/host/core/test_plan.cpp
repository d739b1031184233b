// The inference plan as stages (network::stages): which layers run as one stage, how, and the
// multiply-accumulates each layer does (hand-counted below).
#include <doctest/doctest.h>

#include <cstddef>
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

TEST_CASE("plan: kinds and kernels print with their names") {
  CHECK(std::string_view(sn::stage_kind_name(folded::stages[0].kind)) == "conv_act_pool");
  CHECK(std::string_view(sn::stage_kind_name(int8::stages[3].kind)) == "layer_then_act");
  CHECK(std::string_view(int8::layer_names[7]) == "qdense");
  // The host build has no Cortex-M kernels: every stage says it runs the portable one.
  for (const auto& st : folded::stages) CHECK(std::string_view(st.kernel) == "portable");
  for (const auto& st : int8::stages) CHECK(std::string_view(st.kernel) == "portable");
}
