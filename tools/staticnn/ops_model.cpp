// model_ops for model number STATICNN_CLI_OPS_INDEX (default 0) of the CLI's list (models.hpp),
// compiled once for every command (see ops.hpp); a CLI of n models compiles this file n times.
#include "models.hpp"
#include "ops_impl.hpp"

#ifndef STATICNN_CLI_OPS_INDEX
#define STATICNN_CLI_OPS_INDEX 0
#endif

template struct staticnn::cli::model_ops<staticnn::cli::model_entry<STATICNN_CLI_OPS_INDEX>::type::type>;
