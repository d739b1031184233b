#pragma once
// The most common kind of small image CNN (issue 14's network): two padded 3x3 conv blocks with
// BatchNorm, ReLU and max pooling, then a BatchNorm dense layer and the classifier.
//   1x28x28 -conv 3x3 pad 1-> 16x28x28 -pool-> 16x14x14 -conv 3x3 pad 1-> 32x14x14 -pool->
//   32x7x7 -> 64 -> 10;   1,117,056 multiply-accumulates per image.
#include "../core/sequential.hpp"
#include "../layers/activation.hpp"
#include "../layers/batchnorm.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/flatten.hpp"
#include "../layers/pool.hpp"

namespace staticnn::models {

template <class T = float>
using basic_cnn3x3 = basic_sequential<T, shape<1, 28, 28>,
    conv2d<16, 3, 1, 1>, batchnorm, relu, max_pool<2>,
    conv2d<32, 3, 1, 1>, batchnorm, relu, max_pool<2>,
    flatten, dense<64>, batchnorm, relu, dense<10>>;

using cnn3x3 = basic_cnn3x3<float>;

static_assert(std::is_same_v<cnn3x3::out_shape, shape<10>>);
static_assert(cnn3x3::param_count == (16 * 9 + 16) + (32 * 16 * 9 + 32) + (1568 * 64 + 64) + (64 * 10 + 10) +
                                         2 * (16 + 32 + 64));

}  // namespace staticnn::models
