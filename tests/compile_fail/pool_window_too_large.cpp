// A 4x4 pooling window on a 3x3 map.
// expect: static assertion failed: pool: window larger than the input
// first-line: pool_layer<staticnn::shape<2, 3, 3>, 4, staticnn::avg_pool_op, float, 4, 4, 4, 0, 0, 0, 0>
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<2, 3, 3>, staticnn::avg_pool<4>>;
net n;
