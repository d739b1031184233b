// A residual whose chain halves the map and doubles the channels (4x8x8 -> 8x4x4) with no
// shortcut chain: the identity shortcut is the 4x8x8 input, which cannot be added.
// expect: static assertion failed: residual: the chain's output shape \(Chain\) differs from the shortcut's
// first-line: check_residual_shapes<staticnn::shape<8, 4, 4>, staticnn::shape<4, 8, 8> >
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using net = sequential<shape<4, 8, 8>, residual<conv2d<8, 3, 2, 1>, batchnorm, relu, conv2d<8, 3, 1, 1>>>;
net n;
