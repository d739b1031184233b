// A 10x4 kernel on a 7x10 input padded by one row above and below: 10 rows > 7 + 1 + 1.
// expect: static assertion failed: conv2d: kernel larger than the \(padded\) input
// first-line: conv2d_layer<staticnn::shape<1, 7, 10>, 2, 10, 2, 1, float, 4, 2, 0, 1, 0>
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<1, 7, 10>, staticnn::conv2d_hw<2, 10, 4, 2, 2, 1, 0>>;
net n;
