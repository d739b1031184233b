// Global average pooling of a flat vector.
// expect: static assertion failed: global_avg_pool: input must be a C x H x W map
// first-line: global_avg_pool_layer<staticnn::shape<12>, float>
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<3, 2, 2>, staticnn::flatten, staticnn::global_avg_pool>;
net n;
