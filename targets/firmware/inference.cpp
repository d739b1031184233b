// fw_infer's counted forward pass, in its own translation unit so that it keeps the release
// flags while the rest of the image is built for size. Listed first among the image's sources,
// so that the linker keeps this file's copies of the network's inline functions.
#include "inference.hpp"

#include "instruction_counter.hpp"

#include <string_view>

namespace {

// BN-LeNet's fast paths on this target, checked on its plan (network::stages) in every image:
// conv -> activation -> pool runs as one stage (layers 0-2 and 3-5), on DSP cores through the
// int8 conv layer's own fused kernel; each int8 hidden dense layer applies its table as it writes.
// A misspelt member would otherwise compile into a slower plan; targets/budgets.txt catches the
// rest (the kernels chosen by the constants) at test time.
using staticnn::expect_stage, staticnn::stage_kind;
using bn_lenet = staticnn::folded_t<staticnn::models::bn_lenet>;
using bn_lenet_int8 = staticnn::quant::quantized_t<bn_lenet>::network_type;
constexpr stage_kind int8_conv_stage =
    staticnn::kernels::target::arm_dsp && !staticnn::kernels::target::arm_mve ? stage_kind::fused_kernel
                                                                               : stage_kind::conv_act_pool;
static_assert(expect_stage<bn_lenet, 0, stage_kind::conv_act_pool> && expect_stage<bn_lenet, 1, stage_kind::conv_act_pool>);
static_assert(expect_stage<bn_lenet_int8, 0, int8_conv_stage> && expect_stage<bn_lenet_int8, 1, int8_conv_stage> &&
              expect_stage<bn_lenet_int8, 2, stage_kind::layer_then_act> &&
              expect_stage<bn_lenet_int8, 3, stage_kind::layer_then_act>);
// On DSP cores the int8 hidden dense layers run the four-row SMLAD kernel, on MVE cores VMLADAVA's.
static_assert(!staticnn::kernels::target::arm_mve ||
              (std::string_view(bn_lenet_int8::stages[2].kernel) == staticnn::kernels::dense_s8_kernel_name<256, 120>() &&
               std::string_view(bn_lenet_int8::stages[2].kernel).starts_with("arm_mve")));
// On other DSP cores the four-row SMLAD kernel, on the row-pair layout when the network is packed
// (the exported header's packed_for_target).
static_assert(!staticnn::kernels::target::arm_dsp || staticnn::kernels::target::arm_mve ||
              (std::string_view(bn_lenet_int8::stages[2].kernel) == staticnn::kernels::dense_s8_kernel_name<256, 120>() &&
               std::string_view(bn_lenet_int8::stages[3].kernel) == staticnn::kernels::dense_s8_kernel_name<120, 84>() &&
               std::string_view(bn_lenet_int8::stages[2].kernel).starts_with("arm_dsp dense 4 rows (smlad")));

}  // namespace

namespace fw_infer {

std::array<value, model::workspace_with_input_size> workspace;
std::array<value, K> logits;
std::array<std::uint64_t, plan::stage_count> stage_end;

namespace {
struct stage_timer {
  void after(std::size_t s) const { stage_end[s] = staticnn::fw::instruction_counter::elapsed_ticks(); }
};
}  // namespace

std::uint64_t counted_inference() {
  staticnn::fw::instruction_counter::start();
  model::forward_constant<net>(workspace, logits, stage_timer{});  // net is constexpr: its constants choose kernels
  return staticnn::fw::instruction_counter::stop();
}

}  // namespace fw_infer
