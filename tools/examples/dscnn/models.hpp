#pragma once
// The dscnn example's network: MLPerf Tiny's keyword-spotting DS-CNN (the small model) on
// 1 x 49 x 10 MFCC maps, 12 classes. Included by the host program (train, fold, quantize,
// export), its replay check and the firmware (STATICNN_MODEL_TYPES_HEADER).
//   1x49x10 -conv 10x4 /2 'same' (TFLite: 4 rows above, 5 below, 1 column each side)-> 64x25x5
//           -4 x [dw 3x3 pad 1 -> 64x25x5 -conv 1x1 -> 64x25x5]-> global average -> 64 -> 12
// each conv followed by batchnorm and ReLU (folded, and fused into the int8 clamp).
#include <staticnn/staticnn.hpp>

namespace dscnn {

namespace sn = staticnn;
using net = sn::sequential<sn::shape<1, 49, 10>,
    sn::conv2d_same<64, 10, 4, 2, 2>, sn::batchnorm, sn::relu,
    sn::depthwise_conv2d<3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<64, 1>, sn::batchnorm, sn::relu,
    sn::depthwise_conv2d<3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<64, 1>, sn::batchnorm, sn::relu,
    sn::depthwise_conv2d<3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<64, 1>, sn::batchnorm, sn::relu,
    sn::depthwise_conv2d<3, 1, 1>, sn::batchnorm, sn::relu, sn::conv2d<64, 1>, sn::batchnorm, sn::relu,
    sn::global_avg_pool, sn::dense<12>>;
using folded = sn::folded_t<net>;
using int8 = sn::quant::quantized_t<folded>;
static_assert(std::is_same_v<net::layer_type<0>::out_shape, sn::shape<64, 25, 5>>);
// The planned activations are the largest pair of live tensors, two 64 x 25 x 5 maps (a block's
// input and output), and nothing more: 16,000 bytes in int8, 64,000 in float.
static_assert(int8::network_type::workspace_with_input_size == 2 * 64 * 25 * 5);
static_assert(folded::workspace_with_input_size == 2 * 64 * 25 * 5);

}  // namespace dscnn
