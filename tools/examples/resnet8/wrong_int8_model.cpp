// Asking the resnet8 example's int8 header for ResNet-8 without the ReLU after its last block: the
// same weights' shapes, but that block's add unclamped (qresidual_layer<..., false>).
// expect: resnet8_int8: this header was exported for a different model type than Expected
// first-line: In instantiation of .*resnet8_int8::get\(\) \[with Expected = staticnn::quant::qnetwork<
#include "int8.hpp"
#include "models.hpp"

namespace sn = staticnn;
using without_last_relu = sn::sequential<sn::shape<3, 32, 32>,
    sn::conv2d<16, 3, 1, 1>, sn::batchnorm, sn::relu,
    sn::residual<sn::conv2d<16, 3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<16, 3, 1, 1>, sn::batchnorm>, sn::relu,
    resnet8::projected_block<32, 2>, sn::relu,
    resnet8::projected_block<64, 2>,
    sn::global_avg_pool, sn::dense<10>>;
constexpr const auto& net = resnet8_int8::get<sn::quant::quantized_t<sn::folded_t<without_last_relu>>>();
