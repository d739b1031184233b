#pragma once
// The cifar_like example's two networks on 3 x 32 x 32 colour images, 4 classes. Included by the
// host program (train, fold, export) and by the firmware (STATICNN_MODEL_TYPES_HEADER), which is
// built for the folded types and refuses a header exported for anything else.
#include <staticnn/staticnn.hpp>

namespace cifar_like {

namespace sn = staticnn;
using image = sn::shape<3, 32, 32>;
inline constexpr std::size_t classes = 4;

// A small CNN: ReLU, max pooling, a padded stride-2 convolution, batchnorm (folded away for
// inference) and group_norm (kept: it has no running statistics).
//   3x32x32 -conv 3x3-> 8x30x30 -pool-> 8x15x15 -conv 3x3 /2 pad 1-> 16x8x8 -pool-> 16x4x4 -> 32 -> 4
using cnn = sn::sequential<image,
    sn::conv2d<8, 3>, sn::batchnorm, sn::relu, sn::max_pool<2>,
    sn::conv2d<16, 3, 2, 1>, sn::group_norm<4>, sn::relu, sn::max_pool<2>,
    sn::flatten, sn::dense<32>, sn::relu, sn::dense<classes>>;

// A small MLP on the 2x2-averaged image (3 x 16 x 16 = 768 values), with layer_norm.
using mlp = sn::sequential<image,
    sn::avg_pool<2>, sn::flatten, sn::dense<32>, sn::layer_norm, sn::relu, sn::dense<16>, sn::relu,
    sn::dense<classes>>;

using folded_cnn = sn::folded_t<cnn>;
using folded_mlp = sn::folded_t<mlp>;

static_assert(std::is_same_v<cnn::out_shape, sn::shape<classes>> && std::is_same_v<mlp::out_shape, sn::shape<classes>>);
static_assert(folded_cnn::depth == cnn::depth - 1, "the batchnorm folds into the conv before it");

}  // namespace cifar_like
