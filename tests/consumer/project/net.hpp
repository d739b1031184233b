#pragma once
// The consumer's own networks: 2 x 8 x 8 inputs, 3 classes. `net` is shared by the host program
// (which trains, folds and exports it) and the firmware (which is written for its folded type).
#include <staticnn/staticnn.hpp>

namespace consumer {

namespace sn = staticnn;
using net = sn::sequential<sn::shape<2, 8, 8>,
    sn::conv2d<4, 3, 1, 1>, sn::batchnorm, sn::relu, sn::max_pool<2>,
    sn::conv2d<4, 3, 2, 1>, sn::group_norm<2>, sn::relu,
    sn::flatten, sn::dense<8>, sn::layer_norm, sn::tanh, sn::dense<3>>;
using folded = sn::folded_t<net>;

// A second network, for the CLI that staticnn_add_model builds (staticnn-small): every layer has
// an int8 form after folding, so `export --int8` works too.
using small = sn::sequential<sn::shape<2, 8, 8>,
    sn::conv2d<4, 3>, sn::batchnorm, sn::relu, sn::max_pool<2>, sn::flatten, sn::dense<3>>;

}  // namespace consumer
