#pragma once
// The fully connected autoencoder of the MLPerf Tiny benchmark (anomaly detection on 5 frames of
// 128 log-mel bands = 640 inputs): 640 -> 128 x4 -> 8 -> 128 x4 -> 640, each hidden dense layer
// followed by BatchNorm and ReLU; its output is the reconstruction of its input (the anomaly
// score is the reconstruction error).   264,192 multiply-accumulates per input.
#include "../core/sequential.hpp"
#include "../layers/activation.hpp"
#include "../layers/batchnorm.hpp"
#include "../layers/dense.hpp"

namespace staticnn::models {

template <class T = float>
using basic_autoencoder = basic_sequential<T, shape<640>,
    dense<128>, batchnorm, relu, dense<128>, batchnorm, relu, dense<128>, batchnorm, relu, dense<128>, batchnorm, relu,
    dense<8>, batchnorm, relu,
    dense<128>, batchnorm, relu, dense<128>, batchnorm, relu, dense<128>, batchnorm, relu, dense<128>, batchnorm, relu,
    dense<640>>;

using autoencoder = basic_autoencoder<float>;

static_assert(std::is_same_v<autoencoder::out_shape, shape<640>>);
static_assert(autoencoder::param_count == (640 * 128 + 128) + 3 * (128 * 128 + 128) + (128 * 8 + 8) + (8 * 128 + 128) +
                                              3 * (128 * 128 + 128) + (128 * 640 + 640) + 2 * (8 * 128 + 8));

}  // namespace staticnn::models
