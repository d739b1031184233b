// A 5x5 kernel on a 4x4 input without padding.
// expect: static assertion failed: conv2d: kernel larger than the \(padded\) input
// first-line: conv2d_layer<staticnn::shape<1, 4, 4>, 6, 5, 1, 0, float, 5, 1, 0, 0, 0>
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<1, 4, 4>, staticnn::conv2d<6, 5>>;
net n;
