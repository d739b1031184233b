// model_ops for BN-LeNet, compiled once for every command (see ops.hpp).
#include "ops_impl.hpp"

template struct staticnn::cli::model_ops<staticnn::models::bn_lenet>;
