#pragma once
// The models of the `staticnn` executable (see models.hpp): BN-LeNet (the default) and LeNet on
// 1 x 28 x 28 images.
#include <staticnn/models/lenet.hpp>

namespace staticnn::cli {

struct bn_lenet_model {
  using type = models::bn_lenet;
  static constexpr const char* name = "bn-lenet";
};
struct lenet_model {
  using type = models::lenet;
  static constexpr const char* name = "lenet";
};
using cli_models = model_list<bn_lenet_model, lenet_model>;
inline constexpr const char* program_name = "staticnn";

}  // namespace staticnn::cli
