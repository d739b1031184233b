#pragma once
// The resnet8 example's network: MLPerf Tiny's image-classification model (ResNet-8, CIFAR-10
// shape: 3 x 32 x 32 colour images, 10 classes). Included by the host program (train a few
// steps, fold, quantize, export), its replay check and the firmware (STATICNN_MODEL_TYPES_HEADER),
// which is built for the folded and int8 types.
//   3x32x32 -conv 3x3 pad 1-> 16x32x32
//     -[conv 3x3 -> conv 3x3, identity shortcut]-> 16x32x32
//     -[conv 3x3 /2 -> conv 3x3, shortcut conv 1x1 /2]-> 32x16x16
//     -[conv 3x3 /2 -> conv 3x3, shortcut conv 1x1 /2]-> 64x8x8 -global average-> 64 -> 10
// every conv followed by batchnorm (folded); ReLU after the stem, inside each block after its
// first conv and after each block's add (int8: the conv's or the add's clamp).
#include <staticnn/staticnn.hpp>

namespace resnet8 {

namespace sn = staticnn;
template <std::size_t C, std::size_t S>  // a block of C channels whose first conv has stride S
using projected_block = sn::residual<sn::conv2d<C, 3, S, 1>, sn::batchnorm, sn::relu, sn::conv2d<C, 3, 1, 1>,
                                     sn::batchnorm, sn::shortcut<sn::conv2d<C, 1, S, 0>, sn::batchnorm>>;
using net = sn::sequential<sn::shape<3, 32, 32>,
    sn::conv2d<16, 3, 1, 1>, sn::batchnorm, sn::relu,
    sn::residual<sn::conv2d<16, 3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<16, 3, 1, 1>, sn::batchnorm>, sn::relu,
    projected_block<32, 2>, sn::relu,
    projected_block<64, 2>, sn::relu,
    sn::global_avg_pool, sn::dense<10>>;
using folded = sn::folded_t<net>;
using int8 = sn::quant::quantized_t<folded>;

}  // namespace resnet8
