// A projection shortcut with stride 1 where the chain has stride 2: 8x4x4 against 8x8x8.
// expect: static assertion failed: residual: the chain's output shape \(Chain\) differs from the shortcut's
// first-line: check_residual_shapes<staticnn::shape<8, 4, 4>, staticnn::shape<8, 8, 8> >
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using net = sequential<shape<4, 8, 8>, residual<conv2d<8, 3, 2, 1>, relu, conv2d<8, 3, 1, 1>,
                                                shortcut<conv2d<8, 1, 1, 0>, batchnorm>>>;
net n;
