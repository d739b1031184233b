#pragma once
// A network of its own for the CLI tests (staticnn_add_model in tests/cli/CMakeLists.txt): two
// input channels (idx4 data), three classes, every layer with an int8 form after folding.
#include <staticnn/staticnn.hpp>

namespace cli_test {

using tiny_net = staticnn::sequential<staticnn::shape<2, 12, 12>,
    staticnn::conv2d<4, 3>, staticnn::batchnorm, staticnn::relu, staticnn::max_pool<2>,
    staticnn::flatten, staticnn::dense<3>>;
static_assert(std::is_same_v<tiny_net::out_shape, staticnn::shape<3>>);

}  // namespace cli_test
