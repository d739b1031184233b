#pragma once
// The model fw_infer is built for, the buffers inference runs in and the counted forward pass
// (inference.cpp, built with the release flags; main.cpp and harness.cpp are built for size).
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>
#ifdef STATICNN_MODEL_TYPES_HEADER  // where STATICNN_EXPECTED_MODEL is, for a network of your own
#include STATICNN_MODEL_TYPES_HEADER
#endif
#include STATICNN_MODEL_HEADER

namespace fw_infer {

// The model this firmware is built for: STATICNN_EXPECTED_MODEL, which the exported header must
// hold exactly; without it, the type the header holds.
#ifdef STATICNN_EXPECTED_MODEL
using model = STATICNN_EXPECTED_MODEL;
#else
using model = STATICNN_MODEL_NAMESPACE::model;
#endif
inline constexpr const model& net = STATICNN_MODEL_NAMESPACE::get<model>();
using value = model::value_type;  // float, or std::int8_t for an int8 network
inline constexpr std::size_t D = model::in_shape::size, K = model::out_shape::size;

// Everything inference touches besides the stack, sized by the model type at compile time:
// one buffer that also holds the input (network::forward_in_workspace), and the logits.
extern std::array<value, model::workspace_with_input_size> workspace;
extern std::array<value, K> logits;

using plan = staticnn::planned_network_t<model>;  // its stages, names and MACs

// model::forward_constant<net>(workspace, logits) (net is constexpr: its constants choose the
// kernels); returns the instructions it took, and leaves in stage_end[s] the SysTick ticks from
// its start to the end of stage s (plan::stages).
std::uint64_t counted_inference();
extern std::array<std::uint64_t, plan::stage_count> stage_end;

}  // namespace fw_infer
