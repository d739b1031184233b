#pragma once
// Writes an int8 network (quant::quantized_t<Net>) as a self-contained C++ header, as header.hpp
// does for float networks: the type spelled out and one constexpr object with every table,
// weight, bias and multiplier as integer literals (flash, .rodata). Host only.
#include <cstdint>
#include <string>
#include <type_traits>

#include "../quant/network.hpp"
#include "../quant/residual.hpp"
#include "header.hpp"

namespace staticnn::exporter {

template <class L>
struct int8_layer_spelling {
  static_assert(sizeof(L) == 0, "export: no spelling for this int8 layer type");
};
// A clamped layer (fused ReLU) says so as its last template argument; others leave the default.
inline std::string spell_clamp(bool clamped) { return clamped ? ", true" : ""; }
// The clamp flag and, for a rectangular window, the window's trailing arguments after it.
template <class L>
std::string spell_clamp_window() {
  if constexpr (L::square) return spell_clamp(L::clamped);
  else return (L::clamped ? ", true" : ", false") + spell_window_tail<L>();
}
template <class In, std::size_t OutC, std::size_t K, std::size_t S, std::size_t P, bool Clamp, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR>
struct int8_layer_spelling<quant::qconv2d_layer<In, OutC, K, S, P, Clamp, KW, SW, PL, PB, PR>> {
  static std::string get() {
    return "staticnn::quant::qconv2d_layer<" + spell_shape<In>() + ", " + std::to_string(OutC) + ", " +
           std::to_string(K) + ", " + std::to_string(S) + ", " + std::to_string(P) +
           spell_clamp_window<quant::qconv2d_layer<In, OutC, K, S, P, Clamp, KW, SW, PL, PB, PR>>() + ">";
  }
};
template <class In, std::size_t N, bool Clamp>
struct int8_layer_spelling<quant::qdense_layer<In, N, Clamp>> {
  static std::string get() {
    return "staticnn::quant::qdense_layer<" + spell_shape<In>() + ", " + std::to_string(N) + spell_clamp(Clamp) + ">";
  }
};
template <class In>
struct int8_layer_spelling<quant::qidentity_layer<In>> {
  static std::string get() { return "staticnn::quant::qidentity_layer<" + spell_shape<In>() + ">"; }
};
template <class In>
struct int8_layer_spelling<quant::qlookup_layer<In>> {
  static std::string get() { return "staticnn::quant::qlookup_layer<" + spell_shape<In>() + ">"; }
};
template <class In, std::size_t K, class Op, std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PT, std::size_t PL, std::size_t PB, std::size_t PR>
struct int8_layer_spelling<quant::qpool_layer<In, K, Op, KW, SH, SW, PT, PL, PB, PR>> {
  static std::string get() {
    return "staticnn::quant::qpool_layer<" + spell_shape<In>() + ", " + std::to_string(K) + ", " + spell_op<Op>() +
           spell_pool_tail<quant::qpool_layer<In, K, Op, KW, SH, SW, PT, PL, PB, PR>>() + ">";
  }
};
template <class In, std::size_t K, std::size_t S, std::size_t P, bool Clamp, std::size_t KW, std::size_t SW, std::size_t PL, std::size_t PB, std::size_t PR>
struct int8_layer_spelling<quant::qdepthwise_conv2d_layer<In, K, S, P, Clamp, KW, SW, PL, PB, PR>> {
  static std::string get() {
    return "staticnn::quant::qdepthwise_conv2d_layer<" + spell_shape<In>() + ", " + std::to_string(K) + ", " +
           std::to_string(S) + ", " + std::to_string(P) +
           spell_clamp_window<quant::qdepthwise_conv2d_layer<In, K, S, P, Clamp, KW, SW, PL, PB, PR>>() + ">";
  }
};
template <class In>
struct int8_layer_spelling<quant::qglobal_avg_pool_layer<In>> {
  static std::string get() { return "staticnn::quant::qglobal_avg_pool_layer<" + spell_shape<In>() + ">"; }
};
template <class In>
struct int8_layer_spelling<flatten_layer<In, std::int8_t>> {
  static std::string get() { return "staticnn::flatten_layer<" + spell_shape<In>() + ", std::int8_t>"; }
};

template <class... Ls>
std::string spell_int8_network(std::type_identity<network<Ls...>>) {
  std::string s = "staticnn::network<";
  std::size_t i = 0;
  ((s += std::string(i++ ? ",\n    " : "\n    ") + int8_layer_spelling<Ls>::get()), ...);
  return s + ">";
}
// A residual block: its two int8 networks spelled in full (identity_shortcut for the input itself).
template <class In, class Body, class Skip, bool Clamp>
struct int8_layer_spelling<quant::qresidual_layer<In, Body, Skip, Clamp>> {
  static std::string get() {
    std::string skip = "staticnn::identity_shortcut";
    if constexpr (!quant::qresidual_layer<In, Body, Skip, Clamp>::identity)
      skip = spell_int8_network(std::type_identity<Skip>{});
    return "staticnn::quant::qresidual_layer<" + spell_shape<In>() + ", " +
           spell_int8_network(std::type_identity<Body>{}) + ", " + skip + spell_clamp(Clamp) + ">";
  }
};

template <class Array>
std::string int_list(const Array& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i)
    s += (i % 16 == 0 ? "\n      " : " ") + std::to_string(static_cast<long long>(v[i])) + ",";
  return s;
}

inline std::string spell_params(quant::tensor_params p) {
  return "{" + hex_float(p.scale) + ", " + std::to_string(p.zero_point) + "}";
}

// The braced values of one int8 layer, as aggregate initialisation spells them; a residual
// block's are its two networks' (each layer named by its full type), then its add's parameters.
template <class... Ls>
std::string int8_network_value(const network<Ls...>& net);
template <class L>
std::string int8_layer_value(const L& layer) {
  std::string s;
  if constexpr (requires { layer.add; }) {
    const kernels::add_rescale& a = layer.add;
    s += int8_network_value(layer.body) + ", ";
    if constexpr (L::identity) s += "{}";
    else s += int8_network_value(layer.skip);
    const char* sep = ", {";
    for (const std::int32_t v : {a.zero_point1, a.zero_point2, a.multiplier1, a.multiplier2, a.shift1, a.shift2,
                                 a.out_multiplier, a.out_shift, a.out_zero_point, a.act_min, a.act_max})
      s += sep + std::to_string(v), sep = ", ";
    s += "}";
  } else if constexpr (requires { layer.multiplier; }) {
    s += "{" + int_list(layer.weights) + "\n    }, {" + int_list(layer.bias) + "\n    }, {" +
         int_list(layer.multiplier) + "\n    }, {" + int_list(layer.shift) + "\n    }, " +
         std::to_string(layer.zero_point) + ", " + std::to_string(layer.act_min) + ", " + std::to_string(layer.act_max);
    if constexpr (requires { layer.input_zero_point; }) s += ", " + std::to_string(layer.input_zero_point);
  } else if constexpr (requires { layer.table; }) {
    s += "{" + int_list(layer.table) + "\n    }";
  }
  return s;
}
template <class... Ls>
std::string int8_network_value(const network<Ls...>& net) {
  std::string s = "{{";
  net.for_each_layer([&](auto index, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    s += std::string(decltype(index)::value ? "," : "") + "\n   {" + int8_layer_spelling<L>::get() + "{" +
         int8_layer_value(layer) + "}}";
  });
  return s + "}}";
}

// The header text of an int8 network; `ns` and `origin` as for header().
template <class... Ls>
std::string int8_header(const quant::qnetwork<Ls...>& q, const std::string& ns, const std::string& origin) {
  using Q = quant::qnetwork<Ls...>;
  std::string type = "staticnn::quant::qnetwork<";
  std::size_t i = 0;
  ((type += std::string(i++ ? ",\n    " : "\n    ") + int8_layer_spelling<Ls>::get()), ...);
  type += ">";
  std::string s = "// Generated by `staticnn export --int8`; do not edit.\n// " + origin +
                  "\n// The int8 network type and its tables, weights and multipliers as constexpr data (flash).\n"
                  "//   constexpr const auto& net = " + ns + "::get<expected_model_type>();\n"
                  "#pragma once\n#include <cstdint>\n#include <type_traits>\n\n#include <staticnn/staticnn.hpp>\n\n"
                  "namespace " + ns + " {\n\nusing model = " + type + ";\n\n";
  // packed_for_target: each layer's weights in the layout of the kernels of the target the header
  // is compiled for (quant/network.hpp), one copy in flash.
  s += "inline constexpr model network = model{" + spell_params(q.input) + ", " + spell_params(q.output) + ", {{";
  q.net.for_each_layer([&](auto index, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    constexpr std::size_t I = decltype(index)::value;
    s += std::string(I ? "," : "") + "\n  // layer " + std::to_string(I) + ": " + L::name +
         "\n  {model::network_type::layer_type<" + std::to_string(I) + ">{" + int8_layer_value(layer) + "}}";
  });
  s += "}}}.packed_for_target();\n\n";
  s += "// The network, if Expected is the model type it was exported for; otherwise a compile error.\n"
       "template <class Expected>\nconstexpr const model& get() {\n"
       "  static_assert(std::is_same_v<Expected, model>,\n"
       "                \"" + ns + ": this header was exported for a different model type than Expected\");\n"
       "  return network;\n}\n\n}  // namespace " + ns + "\n";
  static_assert(std::is_same_v<typename Q::value_type, std::int8_t>);
  return s;
}

}  // namespace staticnn::exporter
