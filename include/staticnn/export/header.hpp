#pragma once
// Writes a network as a self-contained C++ header for an inference-only build: the network's type
// spelled out, and one constexpr object holding every weight as an exact hex-float literal, so it
// lands in flash (.rodata) and round-trips bit for bit. Host only.
#include <cstdio>
#include <string>
#include <type_traits>

#include "../core/sequential.hpp"
#include "../fold/fold.hpp"
#include "../layers/activation.hpp"
#include "../layers/depthwise_conv2d.hpp"
#include "../layers/global_avg_pool.hpp"
#include "../layers/relu6.hpp"
#include "../layers/flatten.hpp"
#include "../layers/group_norm.hpp"
#include "../layers/instance_norm.hpp"
#include "../layers/layer_norm.hpp"
#include "../layers/pool.hpp"
#include "../layers/residual.hpp"

namespace staticnn::exporter {

template <Shape S>
std::string spell_shape() {
  if constexpr (S::rank == 3)
    return "staticnn::shape<" + std::to_string(S::channels) + ", " + std::to_string(S::height) + ", " +
           std::to_string(S::width) + ">";
  else
    return "staticnn::shape<" + std::to_string(S::size) + ">";
}

template <class Op>
std::string spell_op() {
  if constexpr (std::is_same_v<Op, sigmoid_op>) return "staticnn::sigmoid_op";
  else if constexpr (std::is_same_v<Op, relu_op>) return "staticnn::relu_op";
  else if constexpr (std::is_same_v<Op, tanh_op>) return "staticnn::tanh_op";
  else if constexpr (std::is_same_v<Op, relu6_op>) return "staticnn::relu6_op";
  else if constexpr (std::is_same_v<Op, avg_pool_op>) return "staticnn::avg_pool_op";
  else if constexpr (std::is_same_v<Op, max_pool_op>) return "staticnn::max_pool_op";
  else static_assert(sizeof(Op) == 0, "export: no spelling for this operation");
}

// The C++ spelling of a float layer type; a new layer type adds its case here.
template <class L>
struct layer_spelling {
  static_assert(sizeof(L) == 0, "export: no spelling for this layer type; add a layer_spelling case");
};
// The trailing arguments of a rectangular window (kernel width, horizontal stride, padding left,
// below, right); none for a square one, whose type is spelled as before they existed.
template <class L>
std::string spell_window_tail() {
  if constexpr (L::square) return "";
  else
    return ", " + std::to_string(L::kernel_w) + ", " + std::to_string(L::stride_w) + ", " + std::to_string(L::pad_left) +
           ", " + std::to_string(L::pad_bottom) + ", " + std::to_string(L::pad_right);
}
template <class In, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR>
struct layer_spelling<conv2d_layer<In, OutC, K, S, P, float, KW, SW, PL, PB, PR>> {
  static std::string get() {
    return "staticnn::conv2d_layer<" + spell_shape<In>() + ", " + std::to_string(OutC) + ", " + std::to_string(K) +
           ", " + std::to_string(S) + ", " + std::to_string(P) + ", float" +
           spell_window_tail<conv2d_layer<In, OutC, K, S, P, float, KW, SW, PL, PB, PR>>() + ">";
  }
};
template <class In, std::size_t N>
struct layer_spelling<dense_layer<In, N, float>> {
  static std::string get() { return "staticnn::dense_layer<" + spell_shape<In>() + ", " + std::to_string(N) + ", float>"; }
};
template <class In, class Op>
struct layer_spelling<activation_layer<In, Op, float>> {
  static std::string get() { return "staticnn::activation_layer<" + spell_shape<In>() + ", " + spell_op<Op>() + ", float>"; }
};
// A pool's trailing arguments (window width, strides, paddings); none for a square window.
template <class L>
std::string spell_pool_tail() {
  if constexpr (L::square) return "";
  else
    return ", " + std::to_string(L::kernel_w) + ", " + std::to_string(L::stride_h) + ", " +
           std::to_string(L::stride_w) + ", " + std::to_string(L::pad_top) + ", " + std::to_string(L::pad_left) + ", " +
           std::to_string(L::pad_bottom) + ", " + std::to_string(L::pad_right);
}
template <class In, std::size_t K, class Op, std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PT, std::size_t PL, std::size_t PB, std::size_t PR>
struct layer_spelling<pool_layer<In, K, Op, float, KW, SH, SW, PT, PL, PB, PR>> {
  static std::string get() {
    return "staticnn::pool_layer<" + spell_shape<In>() + ", " + std::to_string(K) + ", " + spell_op<Op>() + ", float" +
           spell_pool_tail<pool_layer<In, K, Op, float, KW, SH, SW, PT, PL, PB, PR>>() + ">";
  }
};
template <class In>
struct layer_spelling<flatten_layer<In, float>> {
  static std::string get() { return "staticnn::flatten_layer<" + spell_shape<In>() + ", float>"; }
};
template <class In>
struct layer_spelling<scale_shift_layer<In, float>> {
  static std::string get() { return "staticnn::scale_shift_layer<" + spell_shape<In>() + ", float>"; }
};
template <class In>
struct layer_spelling<batchnorm_layer<In, float>> {
  static std::string get() { return "staticnn::batchnorm_layer<" + spell_shape<In>() + ", float>"; }
};

template <class In>
struct layer_spelling<layer_norm_layer<In, float>> {
  static std::string get() { return "staticnn::layer_norm_layer<" + spell_shape<In>() + ", float>"; }
};
template <class In, std::size_t G>
struct layer_spelling<group_norm_layer<In, G, float>> {
  static std::string get() {
    return "staticnn::group_norm_layer<" + spell_shape<In>() + ", " + std::to_string(G) + ", float>";
  }
};
template <class In>
struct layer_spelling<instance_norm_layer<In, float>> {
  static std::string get() { return "staticnn::instance_norm_layer<" + spell_shape<In>() + ", float>"; }
};

// The layers of depthwise-separable networks.
template <class In, std::size_t K, std::size_t S, std::size_t P, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR>
struct layer_spelling<depthwise_conv2d_layer<In, K, S, P, float, KW, SW, PL, PB, PR>> {
  static std::string get() {
    return "staticnn::depthwise_conv2d_layer<" + spell_shape<In>() + ", " + std::to_string(K) + ", " +
           std::to_string(S) + ", " + std::to_string(P) + ", float" +
           spell_window_tail<depthwise_conv2d_layer<In, K, S, P, float, KW, SW, PL, PB, PR>>() + ">";
  }
};
template <class In>
struct layer_spelling<global_avg_pool_layer<In, float>> {
  static std::string get() { return "staticnn::global_avg_pool_layer<" + spell_shape<In>() + ", float>"; }
};

template <Network Net>
std::string spell_network();

// A residual block: its two networks spelled in full (identity_shortcut for the input itself).
template <class In, class Chain, class Skip>
struct layer_spelling<residual_layer<In, float, Chain, Skip>> {
  static std::string get() {
    std::string skip;
    if constexpr (residual_layer<In, float, Chain, Skip>::identity) skip = "staticnn::identity_shortcut";
    else skip = spell_network<Skip>();
    return "staticnn::residual_layer<" + spell_shape<In>() + ", float, " + spell_network<Chain>() + ", " + skip + ">";
  }
};

template <Network Net>
std::string spell_network() {
  std::string s = "staticnn::network<";
  std::size_t i = 0;
  Net::for_each_layer_type([&](auto t) {
    s += std::string(i++ ? ",\n    " : "\n    ") + layer_spelling<typename decltype(t)::type>::get();
  });
  return s + ">";
}

inline std::string hex_float(float v) {
  char buf[48];
  if (v == 0) return v == 0 && std::signbit(v) ? "-0.0f" : "0.0f";
  std::snprintf(buf, sizeof buf, "%af", static_cast<double>(v));
  return buf;
}

template <class Span>
std::string float_list(Span v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i % 6 == 0 ? "\n      " : " ") + hex_float(v[i]) + ",";
  return s;
}

// The braced values of one layer (its parameters, then its state), as aggregate initialisation
// spells them; a residual block's are its two networks', each layer named by its full type.
template <Network Net>
std::string network_value(const Net& net);
template <class L>
std::string layer_value(const L& layer) {
  std::string s;
  if constexpr (CompositeLayer<L>) {
    s += network_value(layer.body) + ",";
    if constexpr (L::identity) s += " {}";
    else s += network_value(layer.skip);
  } else {
    // Appended piece by piece: GCC 12's -Wrestrict misreads `literal + std::string` here (PR 105329).
    if constexpr (L::param_count > 0) s.append("{").append(float_list(param_span(layer))).append("\n    }");
    if constexpr (L::state_count > 0) s.append(", {").append(float_list(state_span(layer))).append("\n    }");
  }
  return s;
}
template <Network Net>
std::string network_value(const Net& net) {
  std::string s = "{{";
  net.for_each_layer([&](auto index, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    s += std::string(decltype(index)::value ? "," : "") + "\n   {" + layer_spelling<L>::get() + "{" + layer_value(layer) + "}}";
  });
  return s + "}}";
}

// The header text. `ns` is the namespace the model goes in; `origin` a line on where it came from.
template <Network Net>
std::string header(const Net& net, const std::string& ns, const std::string& origin) {
  static_assert(std::is_same_v<typename Net::value_type, float>, "export: only float networks can be exported");
  std::string s = "// Generated by `staticnn export`; do not edit.\n// " + origin +
                  "\n// The network type and its weights as constexpr data (flash, .rodata). Use:\n"
                  "//   constexpr const auto& net = " + ns + "::get<expected_model_type>();\n"
                  "// which fails to compile if this header was exported for another model type.\n"
                  "#pragma once\n#include <type_traits>\n\n#include <staticnn/staticnn.hpp>\n\nnamespace " + ns +
                  " {\n\nusing model = " + spell_network<Net>() + ";\n\n";
  s += "inline constexpr std::size_t param_count = " + std::to_string(Net::param_count) + ";\n\n";
  s += "inline constexpr model network{{";
  net.for_each_layer([&](auto index, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    s += std::string(decltype(index)::value ? "," : "") + "\n  // layer " + std::to_string(decltype(index)::value) +
         ": " + L::name + "\n  {model::layer_type<" + std::to_string(decltype(index)::value) + ">{";
    s += layer_value(layer) + "}}";
  });
  s += "}};\n\n";
  s += "// The network, if Expected is the model type it was exported for; otherwise a compile error.\n"
       "template <class Expected>\nconstexpr const model& get() {\n"
       "  static_assert(std::is_same_v<Expected, model>,\n"
       "                \"" + ns + ": this header was exported for a different model type than Expected\");\n"
       "  return network;\n}\n\n}  // namespace " + ns + "\n";
  return s;
}

}  // namespace staticnn::exporter
