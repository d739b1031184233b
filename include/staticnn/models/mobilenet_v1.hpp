#pragma once
// MobileNetV1 with width multiplier 0.25 on 3 x 96 x 96 images, 2 classes: the visual wake words
// model of the MLPerf Tiny benchmark. A 3x3 stride-2 convolution, then 13 depthwise-separable
// blocks (depthwise 3x3, pointwise 1x1), each convolution followed by BatchNorm and ReLU6, global
// average pooling and the classifier. Stride-2 convolutions pad 1 on every side (TFLite's 'same'
// pads only the bottom and right of an even input; the output sizes are the same).
//   3x96x96 -> 8x48x48 -> 16x48x48 -> 32x24x24 -> 32x24x24 -> 64x12x12 -> 64x12x12 -> 128x6x6
//   (x6) -> 256x3x3 (x2) -> 256 -> 2;   7,489,664 multiply-accumulates per image.
#include "../core/sequential.hpp"
#include "../layers/batchnorm.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/depthwise_conv2d.hpp"
#include "../layers/global_avg_pool.hpp"
#include "../layers/relu6.hpp"

namespace staticnn::models {

template <class T = float>
using basic_mobilenet_v1_025 = basic_sequential<T, shape<3, 96, 96>,
    conv2d<8, 3, 2, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<16, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 2, 1>, batchnorm, relu6, conv2d<32, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<32, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 2, 1>, batchnorm, relu6, conv2d<64, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<64, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 2, 1>, batchnorm, relu6, conv2d<128, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<128, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<128, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<128, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<128, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<128, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 2, 1>, batchnorm, relu6, conv2d<256, 1>, batchnorm, relu6,
    depthwise_conv2d<3, 1, 1>, batchnorm, relu6, conv2d<256, 1>, batchnorm, relu6,
    global_avg_pool, dense<2>>;

using mobilenet_v1_025 = basic_mobilenet_v1_025<float>;

static_assert(std::is_same_v<mobilenet_v1_025::out_shape, shape<2>>);
// Weights and biases: the stem, 13 depthwise (9 weights + 1 bias a channel) and pointwise
// convolutions, the classifier; 2 x 27 BatchNorm channel vectors.
static_assert(mobilenet_v1_025::param_count ==
              (8 * 27 + 8) +
                  (8 * 10 + 16 * 8 + 16) + (16 * 10 + 32 * 16 + 32) + (32 * 10 + 32 * 32 + 32) +
                  (32 * 10 + 64 * 32 + 64) + (64 * 10 + 64 * 64 + 64) + (64 * 10 + 128 * 64 + 128) +
                  5 * (128 * 10 + 128 * 128 + 128) + (128 * 10 + 256 * 128 + 256) + (256 * 10 + 256 * 256 + 256) +
                  (256 * 2 + 2) +
                  2 * (8 + (8 + 16) + (16 + 32) + (32 + 32) + (32 + 64) + (64 + 64) + (64 + 128) + 5 * (128 + 128) +
                       (128 + 256) + (256 + 256)));

}  // namespace staticnn::models
