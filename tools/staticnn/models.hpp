#pragma once
// The models this CLI is built for. STATICNN_CLI_MODELS_HEADER (default builtin_models.hpp)
// defines, in staticnn::cli:
//   using cli_models = model_list<M...>;       each M: `using type = <network>;` and
//                                             `static constexpr const char* name = "<name>";`
//   inline constexpr const char* program_name;  "staticnn", or "staticnn-<NAME>" for a CLI made
//                                             by staticnn_add_model (cmake/staticnn-cli.cmake)
// The first model is the default of --model. Every command's code is written once, over the
// model type; with_model picks the type for a name.
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include "cli.hpp"

namespace staticnn::cli {

template <class... M>
struct model_list {
  static_assert(sizeof...(M) > 0, "staticnn CLI: no model");
  static constexpr std::size_t size = sizeof...(M);
};

}  // namespace staticnn::cli

#ifndef STATICNN_CLI_MODELS_HEADER
#define STATICNN_CLI_MODELS_HEADER "builtin_models.hpp"
#endif
#include STATICNN_CLI_MODELS_HEADER

namespace staticnn::cli {

namespace detail {
template <std::size_t I, class M0, class... M>
struct model_at : model_at<I - 1, M...> {};
template <class M0, class... M>
struct model_at<0, M0, M...> {
  using type = M0;
};
template <class List>
struct model_names;
template <class... M>
struct model_names<model_list<M...>> {
  static std::string get() {
    std::string s;
    ((s += (s.empty() ? "" : ", ") + std::string(M::name)), ...);
    return s;
  }
};
template <class List, class F>
struct dispatch;
template <class... M, class F>
struct dispatch<model_list<M...>, F> {
  static int call(std::string_view name, F& f) {
    int status = 0;
    const bool found = ((name == M::name ? (status = f(std::type_identity<typename M::type>{}), true) : false) || ...);
    if (!found) throw usage_error("unknown model '" + std::string(name) + "' (known: " + model_names<model_list<M...>>::get() + ")");
    return status;
  }
};
template <class List>
struct first_model;
template <class M0, class... M>
struct first_model<model_list<M0, M...>> {
  using type = M0;
};
}  // namespace detail

// The I-th model entry of the list (ops_model.cpp instantiates model_ops for one of them).
template <std::size_t I, class List = cli_models>
struct model_entry;
template <std::size_t I, class... M>
struct model_entry<I, model_list<M...>> : detail::model_at<I, M...> {};

// "bn-lenet, lenet": the names of the models, for help texts and messages.
inline std::string model_names() { return detail::model_names<cli_models>::get(); }
// The default of --model: the first model's name.
inline const char* default_model() { return detail::first_model<cli_models>::type::name; }
inline bool known_model(std::string_view name) {
  bool known = false;
  [&]<class... M>(model_list<M...>*) { known = ((name == M::name) || ...); }(static_cast<cli_models*>(nullptr));
  return known;
}

// Calls f(std::type_identity<Net>{}) for the model named `name` and returns its exit status;
// usage_error for a name this CLI does not know.
template <class F>
int with_model(std::string_view name, F&& f) {
  return detail::dispatch<cli_models, F>::call(name, f);
}

// The model to load a checkpoint saved as model `name` into: that one if this CLI knows the name;
// otherwise, in a CLI of one model, that model, whose load then reports the first layer where the
// checkpoint differs (io::load_checkpoint). With several models an unknown name is a usage_error.
template <class F>
int with_checkpoint_model(std::string_view name, F&& f) {
  if (cli_models::size == 1 && !known_model(name)) return with_model(default_model(), f);
  return with_model(name, f);
}

}  // namespace staticnn::cli
