// Layers bound by hand whose shapes do not chain: dense 256->120 followed by a layer taking 100.
// expect: static assertion failed: network: layer input shape \(Expected\) differs from the previous layer's output \(Got\)
// first-line: check_layer_input<1, staticnn::dense_layer<staticnn::shape<100>, 10, float>, staticnn::shape<100>, staticnn::shape<120> >
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using net = network<dense_layer<shape<256>, 120, float>, dense_layer<shape<100>, 10, float>>;
net n;
