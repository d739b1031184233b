// fw_infer's counted forward pass, in its own translation unit so that it keeps the release
// flags while the rest of the image is built for size. Listed first among the image's sources,
// so that the linker keeps this file's copies of the network's inline functions.
#include "inference.hpp"

#include "instruction_counter.hpp"

namespace fw_infer {

std::array<value, model::workspace_with_input_size> workspace;
std::array<value, K> logits;

std::uint64_t counted_inference() {
  staticnn::fw::instruction_counter::start();
  model::forward_constant<net>(workspace, logits);  // net is constexpr: its constants choose kernels
  return staticnn::fw::instruction_counter::stop();
}

}  // namespace fw_infer
