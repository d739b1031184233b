// fw_infer's counted forward pass, in its own translation unit so that it keeps the release
// flags while the rest of the image is built for size. Listed first among the image's sources,
// so that the linker keeps this file's copies of the network's inline functions.
#include "inference.hpp"

#include "instruction_counter.hpp"

namespace {

// BN-LeNet's fast paths, asked at compile time with the tests the planner (core/sequential.hpp)
// applies: conv -> activation -> pool runs as one stage (layers 0-2 and 3-5); int8: each hidden
// dense layer applies the table after it as it writes (7-8, 9-10) and, on DSP cores, each conv
// stage runs the conv layer's own fused kernel (quant/conv2d.hpp has_fused_stage). A renamed
// member would otherwise compile into a slower path; targets/budgets.txt catches the rest (the
// kernels chosen by the constants, a changed probe) at test time.
template <class Net, std::size_t I>
using layer_at = typename Net::template layer_type<I>;
template <class Net, std::size_t I>
constexpr bool fused_at =
    staticnn::detail::conv_act_pool<layer_at<Net, I>, layer_at<Net, I + 1>, layer_at<Net, I + 2>>;
template <class Net, std::size_t I>
constexpr bool own_stage_at = requires {
  requires layer_at<Net, I>::template has_fused_stage<layer_at<Net, I + 1>, layer_at<Net, I + 2>>;
};
template <class Net, std::size_t I>
constexpr bool absorbs_at = staticnn::detail::absorbs_next<layer_at<Net, I>, layer_at<Net, I + 1>>;

using bn_lenet = staticnn::folded_t<staticnn::models::bn_lenet>;
using bn_lenet_int8 = staticnn::quant::quantized_t<bn_lenet>;
using int8_layers = bn_lenet_int8::network_type;
constexpr bool float_image = std::is_same_v<fw_infer::model, bn_lenet>;
constexpr bool int8_image = std::is_same_v<fw_infer::model, bn_lenet_int8>;
static_assert(!float_image || (fused_at<bn_lenet, 0> && fused_at<bn_lenet, 3>),
              "fw_infer: BN-LeNet's conv -> sigmoid -> pool is not one stage");
static_assert(!int8_image || (fused_at<int8_layers, 0> && fused_at<int8_layers, 3>),
              "fw_infer: BN-LeNet int8's conv -> table -> pool is not one stage");
static_assert(!int8_image || (absorbs_at<int8_layers, 7> && absorbs_at<int8_layers, 9>),
              "fw_infer: a BN-LeNet int8 dense layer does not apply its table as it writes");
static_assert(
    !int8_image || !staticnn::kernels::target::arm_dsp ||
        (own_stage_at<int8_layers, 0> && own_stage_at<int8_layers, 3>),
    "fw_infer: a BN-LeNet int8 conv stage does not run its fused kernel on this DSP core");

}  // namespace

namespace fw_infer {

std::array<value, model::workspace_with_input_size> workspace;
std::array<value, K> logits;

std::uint64_t counted_inference() {
  staticnn::fw::instruction_counter::start();
  model::forward_constant<net>(workspace, logits);  // net is constexpr: its constants choose kernels
  return staticnn::fw::instruction_counter::stop();
}

}  // namespace fw_infer
