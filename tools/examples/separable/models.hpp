#pragma once
// The separable example's network: MobileNet's depthwise-separable blocks on 3 x 32 x 32 colour
// images, 10 classes. Included by the host program (fold, quantize, export), its replay check and
// the firmware (STATICNN_MODEL_TYPES_HEADER), which is built for the folded and int8 types.
//   3x32x32 -conv 3x3 /2 pad 1-> 8x16x16 -dw 3x3 pad 1-> 8x16x16 -conv 1x1-> 16x16x16
//           -dw 3x3 /2 pad 1-> 16x8x8 -conv 1x1-> 32x8x8 -global average-> 32 -> 10
// each conv followed by batchnorm and ReLU6 (folded, and fused into the int8 clamp).
#include <staticnn/staticnn.hpp>

namespace separable {

namespace sn = staticnn;
using net = sn::sequential<sn::shape<3, 32, 32>,
    sn::conv2d<8, 3, 2, 1>, sn::batchnorm, sn::relu6,
    sn::depthwise_conv2d<3, 1, 1>, sn::batchnorm, sn::relu6,
    sn::conv2d<16, 1>, sn::batchnorm, sn::relu6,
    sn::depthwise_conv2d<3, 2, 1>, sn::batchnorm, sn::relu6,
    sn::conv2d<32, 1>, sn::batchnorm, sn::relu6,
    sn::global_avg_pool, sn::dense<10>>;
using folded = sn::folded_t<net>;
using int8 = sn::quant::quantized_t<folded>;

}  // namespace separable
