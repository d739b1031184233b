#pragma once
// safetensors files (the format of Hugging Face's `safetensors`, what PyTorch users save with
// `safetensors.torch.save_file`): u64 little-endian header length N | N bytes of JSON |
// raw little-endian tensor data. The JSON is an object of name -> {"dtype", "shape",
// "data_offsets": [begin, end]} (offsets relative to the data) plus an optional "__metadata__"
// object of string -> string. Host only: allocates and throws io_error "<path>: <problem>".
//
// parse_safetensors checks the file alone: header length within the file, strict JSON, known
// dtypes, no duplicate names, each tensor's byte count = dtype size x shape, and the tensors'
// data tiling [0, data size) exactly (sorted by offset: no overlap, no gap, nothing after).
// load_safetensors maps the tensors onto a network by PyTorch nn.Sequential names, "<layer>."
// followed by weight/bias (conv2d OIHW, dense [out, in], norm gamma/beta) or running_mean /
// running_var (batchnorm), a residual block's layers as "<layer>.<j>." and "<layer>.shortcut.<j>.";
// "*.num_batches_tracked" is ignored. Every parameter and statistic
// must be present once, as F32 or F64 (converted to the network's value type), in its exact
// shape; anything else in the file is an error naming the tensor and the layer it should fit.
// An optional safetensors_names map renames ours to the file's ("5.weight" -> "fc.weight").
// safetensors_bytes / save_safetensors write the same names, in layer order (F32 for a float
// network, F64 for a double one). pytorch_tensors(net) is the list both sides use.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/sequential.hpp"
#include "atomic_file.hpp"
#include "checkpoint.hpp"
#include "idx.hpp"
#include "signature.hpp"

namespace staticnn::io {

// One tensor as the header describes it; its bytes are data[begin, end) of the file's data.
struct safetensors_tensor {
  std::string name, dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0, end = 0;
};

// A parsed file: tensors in header order, metadata in header order, and the data section
// (a view into the bytes that were parsed).
struct safetensors_file {
  std::vector<safetensors_tensor> tensors;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::span<const std::uint8_t> data;
};

// Bytes per element of each dtype safetensors defines; 0 for a name it does not define.
inline std::size_t safetensors_dtype_size(std::string_view dtype) {
  constexpr std::pair<std::string_view, std::size_t> sizes[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I64", 8}, {"U64", 8},
      {"I32", 4}, {"U32", 4}, {"I16", 2}, {"U16", 2},  {"I8", 1},      {"U8", 1},      {"BOOL", 1}};
  for (const auto& [name, size] : sizes)
    if (name == dtype) return size;
  return 0;
}

// "[6, 1, 5, 5]" (messages); with separator "," the JSON array the writer puts in the header.
inline std::string shape_list(const std::vector<std::uint64_t>& shape, const char* separator = ", ") {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += separator;
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

namespace detail {

// A JSON string literal of s (quotes, backslashes and control characters escaped).
inline std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\', out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += "\\u00";
      out += "0123456789abcdef"[(c >> 4) & 0xf];
      out += "0123456789abcdef"[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// s as it may appear in a one-line message: control characters shown as \u00XX.
inline std::string shown(std::string_view s) {
  const std::string q = json_quote(s);
  std::string out;
  for (std::size_t i = 1; i + 1 < q.size(); ++i)  // without the quotes; \" and \\ unescaped again
    out += q[i] == '\\' && (q[i + 1] == '"' || q[i + 1] == '\\') ? q[++i] : q[i];
  return out;
}

// A strict JSON reader for exactly what a safetensors header holds: objects, arrays, strings and
// non-negative integers (no floats, signs, leading zeros, literals or trailing commas), nested at
// most three deep. Whitespace is allowed around tokens; the header may end in spaces (padding).
class json_reader {
 public:
  json_reader(const std::filesystem::path& file, std::string_view text) : file_(file), s_(text) {}

  [[noreturn]] void error(const std::string& what) const {
    fail(file_, "bad header JSON at byte " + std::to_string(pos_) + ": " + what);
  }
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  char peek() {
    ws();
    if (pos_ >= s_.size()) error("ends early");
    return s_[pos_];
  }
  void expect(char c) {
    if (peek() != c) error(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void end() {
    ws();
    if (pos_ != s_.size()) error("unexpected text after the header object");
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) error("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) error("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) error("unterminated string");
      switch (const char e = s_[pos_++]) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00) {  // a high surrogate needs its low half
            if (s_.substr(pos_, 2) != "\\u") error("unpaired surrogate in \\u escape");
            pos_ += 2;
            const std::uint32_t lo = hex4();
            if (lo < 0xdc00 || lo >= 0xe000) error("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            error("unpaired surrogate in \\u escape");
          }
          utf8(out, cp);
          break;
        }
        default: error("bad escape '\\" + shown(std::string_view(&e, 1)) + "'");
      }
    }
  }

  std::uint64_t integer() {
    const char c = peek();
    if (c < '0' || c > '9') error("expected a non-negative integer");
    if (c == '0' && pos_ + 1 < s_.size() && s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '9') error("leading zero");
    std::uint64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      const std::uint64_t d = static_cast<std::uint64_t>(s_[pos_++] - '0');
      if (v > (UINT64_MAX - d) / 10) error("integer too large");
      v = v * 10 + d;
    }
    if (pos_ < s_.size() && (s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E')) error("expected an integer");
    return v;
  }

  std::vector<std::uint64_t> integers() {
    std::vector<std::uint64_t> v;
    expect('[');
    if (take(']')) return v;
    do {
      if (v.size() >= 64) error("array longer than 64");
      v.push_back(integer());
    } while (take(','));
    expect(']');
    return v;
  }

  // Calls f(key) for each member of an object; f must read the member's value.
  template <class F>
  void object(F&& f) {
    expect('{');
    if (take('}')) return;
    do {
      const std::string key = string();
      expect(':');
      f(key);
    } while (take(','));
    expect('}');
  }

 private:
  std::uint32_t hex4() {
    if (s_.size() - pos_ < 4) error("short \\u escape");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (d < 0) error("bad \\u escape");
      v = v * 16 + static_cast<std::uint32_t>(d);
    }
    return v;
  }
  static void utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f)), out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  const std::filesystem::path& file_;
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace detail

// Checks and parses a whole safetensors file held in memory; `name` is only used in messages.
inline safetensors_file parse_safetensors(std::span<const std::uint8_t> bytes, const std::filesystem::path& name) {
  const std::filesystem::path& file = name;
  if (bytes.size() < 8)
    detail::fail(file, "truncated: " + std::to_string(bytes.size()) +
                           " bytes, shorter than the 8-byte header length of a safetensors file");
  const std::uint64_t n = detail::reader{file, bytes, 0, 8}.u64("header length");
  if (n > bytes.size() - 8)
    detail::fail(file, "truncated: header length " + std::to_string(n) + " is more than the " +
                           std::to_string(bytes.size() - 8) + " bytes after it (not a safetensors file?)");
  if (n < 2 || bytes[8] != '{') detail::fail(file, "not a safetensors file (the header is not a JSON object)");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8), static_cast<std::size_t>(n));
  safetensors_file out;
  out.data = bytes.subspan(8 + static_cast<std::size_t>(n));
  const std::uint64_t data_size = out.data.size();

  detail::json_reader j(file, text);
  bool seen_metadata = false;
  std::map<std::string, std::size_t, std::less<>> seen;
  j.object([&](const std::string& key) {
    if (key == "__metadata__") {
      if (seen_metadata) detail::fail(file, "duplicate \"__metadata__\"");
      seen_metadata = true;
      j.object([&](const std::string& k) {
        for (const auto& [have, _] : out.metadata)
          if (have == k) detail::fail(file, "duplicate metadata key '" + detail::shown(k) + "'");
        out.metadata.emplace_back(k, j.string());
      });
      return;
    }
    if (detail::shown(key) != key) detail::fail(file, "tensor '" + detail::shown(key) + "': control character in the name");
    if (!seen.emplace(key, out.tensors.size()).second) detail::fail(file, "duplicate tensor '" + key + "'");
    const std::string where = "tensor '" + key + "': ";
    safetensors_tensor t;
    t.name = key;
    bool dtype = false, shape = false, offsets = false;
    j.object([&](const std::string& field) {
      if (field == "dtype" && !dtype) {
        dtype = true, t.dtype = j.string();
      } else if (field == "shape" && !shape) {
        shape = true, t.shape = j.integers();
      } else if (field == "data_offsets" && !offsets) {
        offsets = true;
        const std::vector<std::uint64_t> o = j.integers();
        if (o.size() != 2) detail::fail(file, where + "data_offsets must be [begin, end]");
        t.begin = o[0], t.end = o[1];
      } else {
        const bool known = field == "dtype" || field == "shape" || field == "data_offsets";  // so seen before
        detail::fail(file, where + (known ? "duplicate field \"" + field + "\""
                                          : "unknown field \"" + detail::shown(field) + "\""));
      }
    });
    if (!dtype || !shape || !offsets)
      detail::fail(file, where + "needs \"dtype\", \"shape\" and \"data_offsets\"");
    const std::size_t size = safetensors_dtype_size(t.dtype);
    if (size == 0) detail::fail(file, where + "unknown dtype '" + detail::shown(t.dtype) + "'");
    if (t.begin > t.end)
      detail::fail(file, where + "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                             "] end before they begin");
    if (t.end > data_size)
      detail::fail(file, where + "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                             "] go past the end of the data (" + std::to_string(data_size) + " bytes)");
    std::uint64_t count = 1;  // t.end <= data_size bounds every product that matters
    for (const std::uint64_t d : t.shape)
      count = d == 0 || count == 0 ? 0 : count > data_size / d ? data_size + 1 : count * d;
    if (count > data_size || count * size != t.end - t.begin)
      detail::fail(file, where + "shape " + shape_list(t.shape) + " of " + t.dtype + " needs " +
                             (count > data_size ? std::string("more bytes than the file holds")
                                                : std::to_string(count * size) + " bytes") +
                             ", data_offsets give " + std::to_string(t.end - t.begin));
    out.tensors.push_back(std::move(t));
  });
  j.end();

  // The tensors, sorted by offset, must cover the data exactly once.
  std::vector<const safetensors_tensor*> by_offset;
  for (const auto& t : out.tensors) by_offset.push_back(&t);
  std::stable_sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  std::uint64_t at = 0;
  const safetensors_tensor* previous = nullptr;
  for (const safetensors_tensor* t : by_offset) {
    if (t->begin < at)
      detail::fail(file, "tensor '" + t->name + "': data [" + std::to_string(t->begin) + ", " +
                             std::to_string(t->end) + ") overlaps tensor '" + previous->name + "'");
    if (t->begin > at)
      detail::fail(file, "tensor '" + t->name + "': gap in the data: bytes [" + std::to_string(at) + ", " +
                             std::to_string(t->begin) + ") belong to no tensor");
    at = t->end, previous = t;
  }
  if (at != data_size)
    detail::fail(file, "trailing bytes: the tensors end at data byte " + std::to_string(at) + ", the data has " +
                           std::to_string(data_size));
  return out;
}

// One parameter or statistic of a layer under its PyTorch name: the values and the shape
// PyTorch gives it.
template <class T>
struct pytorch_tensor {
  std::string name;  // "3.weight"
  std::vector<std::uint64_t> shape;
  std::span<T> values;
};

namespace detail {

// A layer's tensors under PyTorch's names, in state_dict order (Layer may be const); the
// static_asserts check that they cover every parameter and state value exactly once.
template <class Layer>
auto pytorch_tensors_of(Layer& layer, const std::string& prefix) {
  using L = std::remove_const_t<Layer>;
  using T = std::conditional_t<std::is_const_v<Layer>, const typename L::value_type, typename L::value_type>;
  using In = typename L::in_shape;
  std::vector<pytorch_tensor<T>> v;
  if constexpr (CompositeLayer<L>) {  // a residual block: "<i>.<j>." in its chain, "<i>.shortcut.<j>." in its shortcut's
    const char* branch = "";
    layer.for_each_branch([&](auto& chain) {
      chain.for_each_layer([&](auto index, auto& sub) {
        for (auto& t : pytorch_tensors_of(sub, prefix + branch + std::to_string(decltype(index)::value) + "."))
          v.push_back(std::move(t));
      });
      branch = "shortcut.";
    });
  } else if constexpr (requires { L::kernel; layer.weights(); layer.bias(); L::out_channels; }) {  // Conv2d
    // OIHW; I = the input channels each output reads: C for conv2d, 1 for depthwise (groups = C).
    constexpr std::size_t per = L::weight_count / (L::out_channels * L::kernel_h * L::kernel_w);
    static_assert(L::out_channels * per * L::kernel_h * L::kernel_w + L::out_channels == L::param_count &&
                      (per == In::channels || (per == 1 && L::out_channels == In::channels)),
                  "safetensors: conv2d parameters are not OIHW weights and a bias");
    v.push_back({prefix + "weight", {L::out_channels, per, L::kernel_h, L::kernel_w}, layer.weights()});
    v.push_back({prefix + "bias", {L::out_channels}, layer.bias()});
  } else if constexpr (requires { layer.weights(); layer.bias(); }) {  // Linear: [out, in]
    constexpr std::size_t out = L::out_shape::size;
    static_assert(L::weight_count % out == 0 && L::weight_count + out == L::param_count,
                  "safetensors: dense parameters are not [out, in] weights and a bias");
    v.push_back({prefix + "weight", {out, L::weight_count / out}, layer.weights()});
    v.push_back({prefix + "bias", {out}, layer.bias()});
  } else if constexpr (requires { layer.gamma(); layer.beta(); }) {  // BatchNorm, GroupNorm, LayerNorm
    constexpr std::size_t units = decltype(layer.gamma())::extent;
    static_assert(2 * units == L::param_count, "safetensors: norm parameters are not gamma and beta");
    std::vector<std::uint64_t> shape{units};
    if constexpr (In::rank == 3 && units == In::size && units != In::channels)  // LayerNorm((C, H, W))
      shape = {In::channels, In::height, In::width};
    v.push_back({prefix + "weight", shape, layer.gamma()});
    v.push_back({prefix + "bias", shape, layer.beta()});
  } else {
    static_assert(L::param_count == 0, "safetensors: this layer's parameters have no PyTorch name");
  }
  if constexpr (requires { layer.running_mean(); layer.running_var(); }) {
    constexpr std::size_t c = decltype(layer.running_mean())::extent;
    static_assert(2 * c == L::state_count, "safetensors: batchnorm state is not running mean and variance");
    v.push_back({prefix + "running_mean", {c}, layer.running_mean()});
    v.push_back({prefix + "running_var", {c}, layer.running_var()});
  } else {
    static_assert(CompositeLayer<L> || L::state_count == 0, "safetensors: this layer's state has no PyTorch name");
  }
  return v;
}

// "batchnorm 6x24x24 -> 6x24x24" for each layer of Net.
template <class Net>
std::vector<std::string> layer_texts() {
  std::vector<std::string> v;
  std::remove_const_t<Net>::for_each_layer_type([&](auto t) {
    using L = typename decltype(t)::type;
    v.push_back(std::string(L::name) + " " + shape_string<typename L::in_shape>() + " -> " +
                shape_string<typename L::out_shape>());
  });
  return v;
}

}  // namespace detail

// A network's tensors under their PyTorch names, in layer order (per layer: weight, bias,
// running_mean, running_var), each with its layer's index; `layers` holds every layer's
// signature line ("batchnorm 6x24x24 -> 6x24x24") for messages. T is the value type, const for
// a const network.
template <class T>
struct pytorch_tensor_list {
  struct entry {
    pytorch_tensor<T> tensor;
    std::size_t layer = 0;
  };
  std::vector<entry> tensors;
  std::vector<std::string> layers;
};

// Maps our names ("15.weight") to the file's ("classifier.weight"); names it does not hold stay.
using safetensors_names = std::map<std::string, std::string, std::less<>>;

template <class Net>
auto pytorch_tensors(Net& net, const safetensors_names& rename = {}) {
  using T = std::conditional_t<std::is_const_v<Net>, const typename Net::value_type, typename Net::value_type>;
  pytorch_tensor_list<T> out;
  out.layers = detail::layer_texts<Net>();
  net.for_each_layer([&](auto index, auto& layer) {
    constexpr std::size_t i = decltype(index)::value;
    for (auto& t : detail::pytorch_tensors_of(layer, std::to_string(i) + ".")) {
      if (const auto it = rename.find(t.name); it != rename.end()) t.name = it->second;
      out.tensors.push_back({std::move(t), i});
    }
  });
  return out;
}

// A name map as text, one "<ours> <theirs>" pair per line ("15.weight classifier.weight");
// blank lines and lines starting with '#' are skipped. `name` is only used in messages.
inline safetensors_names parse_safetensors_names(std::string_view text, const std::filesystem::path& name) {
  safetensors_names names;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const std::size_t eol = std::min(text.find('\n'), text.size());
    std::string_view l = text.substr(0, eol);
    text.remove_prefix(std::min(eol + 1, text.size()));
    std::vector<std::string> words;
    for (std::size_t i = 0; i < l.size();) {
      if (l[i] == ' ' || l[i] == '\t' || l[i] == '\r') { ++i; continue; }
      const std::size_t j = std::min(l.find_first_of(" \t\r", i), l.size());
      words.emplace_back(l.substr(i, j - i));
      i = j;
    }
    if (words.empty() || words[0][0] == '#') continue;
    const std::string at = "line " + std::to_string(line) + ": ";
    if (words.size() != 2) detail::fail(name, at + "expected two names, '<ours> <theirs>'");
    if (!names.emplace(words[0], words[1]).second) detail::fail(name, at + "'" + detail::shown(words[0]) + "' renamed twice");
  }
  return names;
}

// Checks that every name `names` renames is one of the network's (e.g. "15.weight").
template <Network Net>
void check_safetensors_names(const safetensors_names& names, const std::filesystem::path& name) {
  auto probe = std::make_unique<Net>();
  const auto list = pytorch_tensors(*probe);
  for (const auto& entry : names) {
    const auto& ours = entry.first;  // a plain reference: clang 14 cannot capture a structured binding
    if (std::ranges::none_of(list.tensors, [&](const auto& e) { return e.tensor.name == ours; }))
      detail::fail(name, "'" + detail::shown(ours) + "' is no tensor of the model (its names run from " +
                             list.tensors.front().tensor.name + " to " + list.tensors.back().tensor.name + ")");
  }
}

// Reads, parses and checks a name map file for Net (the CLI's --names).
template <Network Net>
safetensors_names read_safetensors_names(const std::filesystem::path& file) {
  const std::vector<std::uint8_t> text = detail::read_all(file);
  safetensors_names names =
      parse_safetensors_names(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), file);
  check_safetensors_names<Net>(names, file);
  return names;
}

namespace detail {

// The file's bytes for a tensor list (what safetensors_bytes writes; see there). Templated on
// the value type only, so every network of one value type shares it.
template <class T>
std::string write_tensors(const pytorch_tensor_list<const T>& list,
                          const std::vector<std::pair<std::string, std::string>>& metadata) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "safetensors: F32 or F64 networks only");
  constexpr std::size_t size = sizeof(T);
  const char* dtype = size == 4 ? "F32" : "F64";
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (std::size_t i = 0; i < metadata.size(); ++i) {
      if (i > 0) header += ',';
      header += json_quote(metadata[i].first) + ":" + json_quote(metadata[i].second);
    }
    header += "}";
  }
  std::uint64_t at = 0;
  for (const auto& [t, layer] : list.tensors) {
    const std::uint64_t bytes = t.values.size() * size;
    if (header.size() > 1) header += ',';
    header += json_quote(t.name) + ":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape_list(t.shape, ",") +
              ",\"data_offsets\":[" + std::to_string(at) + "," + std::to_string(at + bytes) + "]}";
    at += bytes;
  }
  header += "}";
  header.resize((header.size() + 7) / 8 * 8, ' ');
  writer w;
  w.out.reserve(8 + header.size() + at);
  w.u64(header.size());
  w.out += header;
  for (const auto& e : list.tensors) {
    if constexpr (size == 4)
      w.floats<T>(e.tensor.values);
    else
      for (const T x : e.tensor.values) w.u64(std::bit_cast<std::uint64_t>(x));
  }
  return std::move(w.out);
}

// Fills every tensor of `list` from the parsed file `f`, or throws naming the first tensor that
// is unknown, mistyped, misshapen or missing (what load_safetensors does; see there).
template <class T>
void read_tensors(const safetensors_file& f, const pytorch_tensor_list<T>& list, const std::filesystem::path& file) {
  using entry = typename pytorch_tensor_list<T>::entry;
  std::map<std::string_view, const entry*, std::less<>> by_name;
  for (const auto& w : list.tensors) by_name.emplace(w.tensor.name, &w);
  const auto layer_of = [&](const entry& w) {
    return "layer " + std::to_string(w.layer) + " (" + list.layers[w.layer] + ")";
  };
  std::vector<bool> found(list.tensors.size(), false);
  for (const safetensors_tensor& t : f.tensors) {
    const std::string where = "tensor '" + t.name + "'";
    const auto it = by_name.find(t.name);
    if (it == by_name.end()) {
      const std::string_view n = t.name;
      if (n == "num_batches_tracked" || (n.size() > 20 && n.ends_with(".num_batches_tracked"))) continue;
      std::string hint;  // for "<digits>.<rest>": what that layer is, or that there is none
      std::size_t layer = 0, digits = 0;
      while (digits < n.size() && digits < 6 && n[digits] >= '0' && n[digits] <= '9')
        layer = layer * 10 + static_cast<std::size_t>(n[digits++] - '0');
      if (digits > 0 && digits < n.size() && n[digits] == '.') {
        if (layer >= list.layers.size()) {
          hint = ": the model has layers 0 to " + std::to_string(list.layers.size() - 1);
        } else {
          std::string names;
          for (const auto& w : list.tensors)
            if (w.layer == layer) names += (names.empty() ? "" : ", ") + std::string(w.tensor.name);
          hint = ": layer " + std::to_string(layer) + " is " + list.layers[layer] +
                 (names.empty() ? ", which has no parameters" : ", whose tensors are " + names);
        }
      }
      fail(file, where + " matches no parameter of the model" + hint);
    }
    const entry& w = *it->second;
    if (t.dtype != "F32" && t.dtype != "F64")
      fail(file, where + " has dtype " + t.dtype + ", " + layer_of(w) + " needs F32 or F64");
    if (t.shape != w.tensor.shape)
      fail(file, where + " has shape " + shape_list(t.shape) + ", " + layer_of(w) + " needs " +
                     shape_list(w.tensor.shape));
    reader r{file, f.data, static_cast<std::size_t>(t.begin), static_cast<std::size_t>(t.end)};
    if (t.dtype == "F32")
      r.floats(w.tensor.values, "tensor data");
    else
      for (auto& x : w.tensor.values) x = static_cast<T>(std::bit_cast<double>(r.u64("tensor data")));
    found[static_cast<std::size_t>(&w - list.tensors.data())] = true;
  }
  for (std::size_t i = 0; i < list.tensors.size(); ++i)
    if (!found[i])
      fail(file, "missing tensor '" + list.tensors[i].tensor.name + "' for " + layer_of(list.tensors[i]) +
                     ", shape " + shape_list(list.tensors[i].tensor.shape));
}

}  // namespace detail

// The safetensors file of the network's parameters and statistics: F32 for a float network, F64
// for a double one; tensors in layer order and their data in the same order; the header padded
// with spaces to a multiple of 8 bytes (as safetensors writes it).
template <Network Net>
std::string safetensors_bytes(const Net& net, const std::vector<std::pair<std::string, std::string>>& metadata = {},
                              const safetensors_names& rename = {}) {
  return detail::write_tensors<typename Net::value_type>(pytorch_tensors(net, rename), metadata);
}

// Writes safetensors_bytes atomically: the old file or the new one, never a torn one.
template <Network Net>
void save_safetensors(const std::filesystem::path& file, const Net& net,
                      const std::vector<std::pair<std::string, std::string>>& metadata = {},
                      const safetensors_names& rename = {}) {
  write_file_atomically(file, safetensors_bytes(net, metadata, rename));
}

// Loads a safetensors file held in memory into `net` (see the top of this file for the names and
// checks); returns the file's metadata. `net` is untouched unless everything loads.
template <Network Net>
std::vector<std::pair<std::string, std::string>> load_safetensors(std::span<const std::uint8_t> bytes,
                                                                 const std::filesystem::path& name, Net& net,
                                                                 const safetensors_names& rename = {}) {
  safetensors_file f = parse_safetensors(bytes, name);
  auto loaded = std::make_unique<Net>();  // filled completely before `net` is touched
  detail::read_tensors(f, pytorch_tensors(*loaded, rename), name);
  net = *loaded;
  return std::move(f.metadata);
}

// Loads the file into `net`, as above.
template <Network Net>
std::vector<std::pair<std::string, std::string>> load_safetensors(const std::filesystem::path& file, Net& net,
                                                                 const safetensors_names& rename = {}) {
  return load_safetensors(std::span<const std::uint8_t>(detail::read_all(file)), file, net, rename);
}

}  // namespace staticnn::io
