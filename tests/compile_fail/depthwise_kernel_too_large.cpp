// A 5x5 depthwise kernel on a 3x3 map padded by 1 (5 x 5 padded: fits), then a 7x7 on the
// 1x1 result padded by 2 (5 x 5 padded: does not).
// expect: static assertion failed: depthwise_conv2d: kernel larger than the \(padded\) input
// first-line: depthwise_conv2d_layer<staticnn::shape<2, 1, 1>, 7, 1, 2, float, 7, 1, 2, 2, 2>
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<2, 3, 3>, staticnn::depthwise_conv2d<5, 1, 1>,
                                 staticnn::depthwise_conv2d<7, 1, 2>>;
net n;
