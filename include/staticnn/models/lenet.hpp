#pragma once
// LeNet-5 for 1 x 28 x 28 inputs (no padding), with sigmoid activations and average pooling,
// and its BatchNorm variant (Ioffe & Szegedy, 2015): BN after every conv and hidden dense layer.
#include "../core/sequential.hpp"
#include "../layers/activation.hpp"
#include "../layers/batchnorm.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/flatten.hpp"
#include "../layers/pool.hpp"

namespace staticnn::models {

template <class T = float>
using basic_lenet = basic_sequential<T, shape<1, 28, 28>,
    conv2d<6, 5>, sigmoid, avg_pool<2>,
    conv2d<16, 5>, sigmoid, avg_pool<2>,
    flatten, dense<120>, sigmoid, dense<84>, sigmoid, dense<10>>;

template <class T = float>
using basic_bn_lenet = basic_sequential<T, shape<1, 28, 28>,
    conv2d<6, 5>, batchnorm, sigmoid, avg_pool<2>,
    conv2d<16, 5>, batchnorm, sigmoid, avg_pool<2>,
    flatten, dense<120>, batchnorm, sigmoid, dense<84>, batchnorm, sigmoid, dense<10>>;

using lenet = basic_lenet<float>;
using bn_lenet = basic_bn_lenet<float>;

static_assert(std::is_same_v<bn_lenet::out_shape, shape<10>>);
static_assert(lenet::param_count == 44426);  // 177.7 KB of float weights
static_assert(bn_lenet::param_count == 44426 + 2 * (6 + 16 + 120 + 84));

}  // namespace staticnn::models
