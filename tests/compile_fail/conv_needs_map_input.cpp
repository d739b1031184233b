// A conv after flatten: the input is a flat vector.
// expect: static assertion failed: conv2d: input must be a C x H x W map
// first-line: conv2d_layer<staticnn::shape<784>, 6, 5, 1, 0, float, 5, 1, 0, 0, 0>
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<1, 28, 28>, staticnn::flatten, staticnn::conv2d<6, 5>>;
net n;
