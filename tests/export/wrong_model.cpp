// Asking an exported header for a model type it was not exported for.
// expect: exported: this header was exported for a different model type than Expected
// first-line: In instantiation of .*exported::get\(\) \[with Expected = staticnn::network<staticnn::conv2d_layer<staticnn::shape<1, 28, 28>, 6, 5, 1, 0, float, 5, 1, 0, 0, 0>
#include "exported_model.hpp"

constexpr const auto& net = exported::get<staticnn::folded_t<staticnn::models::bn_lenet>>();
