// A 3x2 max pool padded by 2 columns on the left: a window could hold padding only.
// expect: static assertion failed: pool: padding must be smaller than the window
// first-line: pool_window<5, 5, 3, 2, 3, 2, 0, 2, 0, 2>
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<1, 5, 5>, staticnn::max_pool_hw<3, 2, 3, 2, 0, 2>>;
net n;
