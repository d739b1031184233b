// A dense layer straight after a conv: the input is a 6x24x24 map, not a flat vector.
// expect: static assertion failed: dense: input must be flat
// first-line: dense_input_check<staticnn::dense_layer<staticnn::shape<6, 24, 24>, 10, float>, staticnn::shape<3456>, staticnn::shape<6, 24, 24> >
#include <staticnn/staticnn.hpp>

using net = staticnn::sequential<staticnn::shape<1, 28, 28>, staticnn::conv2d<6, 5>, staticnn::dense<10>>;
net n;
