#pragma once
// The models the CLI knows, by name: with_model("bn-lenet", f) calls f(std::type_identity<Net>{}).
#include <string>
#include <string_view>
#include <type_traits>

#include <staticnn/models/lenet.hpp>

#include "cli.hpp"

namespace staticnn::cli {

inline constexpr const char* model_names = "bn-lenet, lenet";

template <class F>
decltype(auto) with_model(std::string_view name, F&& f) {
  if (name == "bn-lenet") return f(std::type_identity<models::bn_lenet>{});
  if (name == "lenet") return f(std::type_identity<models::lenet>{});
  throw usage_error("unknown model '" + std::string(name) + "' (known: " + model_names + ")");
}

}  // namespace staticnn::cli
