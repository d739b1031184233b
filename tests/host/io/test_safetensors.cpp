#include "staticnn/io/safetensors.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "staticnn/layers/activation.hpp"
#include "staticnn/layers/batchnorm.hpp"
#include "staticnn/layers/conv2d.hpp"
#include "staticnn/layers/dense.hpp"
#include "staticnn/layers/flatten.hpp"
#include "staticnn/layers/layer_norm.hpp"
#include "staticnn/layers/pool.hpp"
#include "staticnn/models/lenet.hpp"

namespace sn = staticnn;
namespace io = staticnn::io;

namespace {

// Layers 0 conv2d, 1 batchnorm, 2 sigmoid, 3 avg_pool, 4 flatten, 5 dense: the PyTorch module
// indices of nn.Sequential(Conv2d(1, 2, 3), BatchNorm2d(2), Sigmoid(), AvgPool2d(2), Flatten(),
// Linear(8, 3)).
using tiny = sn::sequential<sn::shape<1, 6, 6>, sn::conv2d<2, 3>, sn::batchnorm, sn::sigmoid, sn::avg_pool<2>,
                            sn::flatten, sn::dense<3>>;

using bytes = std::vector<std::uint8_t>;

// A safetensors file written by hand: the header text as given, then the data.
bytes raw(const std::string& header, const bytes& data) {
  bytes b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(std::uint64_t{header.size()} >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

struct entry {
  std::string name, dtype;
  std::vector<std::uint64_t> shape;
  std::vector<double> values;
};

void put_le(bytes& b, std::uint64_t bits, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

// Entries in order, data contiguous in the same order; F32, F64 and I64 values encoded here.
bytes file_of(const std::vector<entry>& entries) {
  std::string h = "{";
  bytes data;
  for (const entry& e : entries) {
    const std::size_t at = data.size();
    for (const double v : e.values) {
      if (e.dtype == "F32") put_le(data, std::bit_cast<std::uint32_t>(static_cast<float>(v)), 4);
      else if (e.dtype == "F64") put_le(data, std::bit_cast<std::uint64_t>(v), 8);
      else if (e.dtype == "I64") put_le(data, static_cast<std::uint64_t>(v), 8);
      else if (e.dtype == "I32") put_le(data, static_cast<std::uint32_t>(v), 4);
    }
    std::string shape;
    for (const auto d : e.shape) {
      if (!shape.empty()) shape += ',';
      shape += std::to_string(d);
    }
    if (h.size() > 1) h += ", ";
    h += ("\"" + e.name + "\": {\"dtype\": \"" + e.dtype + "\", \"shape\": [" + shape +
                                       "], \"data_offsets\": [" + std::to_string(at) + ", " +
                                       std::to_string(data.size()) + "]}");
  }
  return raw(h + "}", data);
}

std::vector<double> count_from(double first, std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = first + 0.25 * static_cast<double>(i);
  return v;
}

// Every tensor of `tiny` as PyTorch's state_dict holds it (num_batches_tracked included).
std::vector<entry> tiny_entries() {
  return {{"0.weight", "F32", {2, 1, 3, 3}, count_from(-2, 18)},
          {"0.bias", "F32", {2}, {0.5, -0.5}},
          {"1.weight", "F32", {2}, {1.5, 0.75}},
          {"1.bias", "F32", {2}, {0.125, -0.25}},
          {"1.running_mean", "F32", {2}, {0.3, -0.7}},
          {"1.running_var", "F32", {2}, {2.0, 0.01}},
          {"1.num_batches_tracked", "I64", {}, {938}},
          {"5.weight", "F32", {3, 8}, count_from(1, 24)},
          {"5.bias", "F32", {3}, {-1, 0, 1}}};
}

std::string load_error(const bytes& b) {
  tiny net;
  try {
    io::load_safetensors(std::span<const std::uint8_t>(b), "w.safetensors", net);
  } catch (const io::io_error& e) {
    return e.what();
  }
  return "(loaded)";
}

std::vector<entry> without(std::vector<entry> es, const std::string& name) {
  std::erase_if(es, [&](const entry& e) { return e.name == name; });
  return es;
}
std::vector<entry> with(std::vector<entry> es, const std::string& name, entry replacement) {
  for (auto& e : es)
    if (e.name == name) e = replacement;
  return es;
}

template <class Net>
std::vector<std::uint32_t> bits_of(const Net& net) {
  std::vector<std::uint32_t> v;
  net.for_each_layer([&](auto, const auto& l) {
    for (float x : param_span(l)) v.push_back(std::bit_cast<std::uint32_t>(x));
    for (float x : state_span(l)) v.push_back(std::bit_cast<std::uint32_t>(x));
  });
  return v;
}

}  // namespace

TEST_CASE("safetensors: a hand-written PyTorch state_dict fills every parameter and statistic") {
  tiny net;
  io::load_safetensors(std::span<const std::uint8_t>(file_of(tiny_entries())), "w.safetensors", net);
  const auto& conv = net.layer<0>();
  const auto& bn = net.layer<1>();
  const auto& fc = net.layer<5>();
  // OIHW: weight[o][0][y][x] is element o*9 + y*3 + x; Linear [out, in]: weight[o][i] is o*8 + i.
  for (std::size_t k = 0; k < 18; ++k) CHECK(conv.weights()[k] == static_cast<float>(-2 + 0.25 * static_cast<double>(k)));
  CHECK(conv.bias()[0] == 0.5f);
  CHECK(conv.bias()[1] == -0.5f);
  CHECK(bn.gamma()[0] == 1.5f);
  CHECK(bn.gamma()[1] == 0.75f);
  CHECK(bn.beta()[1] == -0.25f);
  CHECK(bn.running_mean()[0] == 0.3f);
  CHECK(bn.running_mean()[1] == -0.7f);
  CHECK(bn.running_var()[1] == 0.01f);
  for (std::size_t k = 0; k < 24; ++k) CHECK(fc.weights()[k] == static_cast<float>(1 + 0.25 * static_cast<double>(k)));
  CHECK(fc.bias()[2] == 1.0f);
}

TEST_CASE("safetensors: F64 tensors are rounded to float; JSON order and data order may differ") {
  auto es = with(tiny_entries(), "1.running_mean", {"1.running_mean", "F64", {2}, {0.1, 1e-40}});
  std::swap(es[0], es[8]);  // data of 5.bias first, header order as the data
  tiny net;
  bytes b = file_of(es);
  io::load_safetensors(std::span<const std::uint8_t>(b), "w.safetensors", net);
  CHECK(net.layer<1>().running_mean()[0] == static_cast<float>(0.1));
  CHECK(net.layer<1>().running_mean()[1] == static_cast<float>(1e-40));  // a float subnormal
  CHECK(net.layer<0>().weights()[17] == static_cast<float>(-2 + 0.25 * 17));

  // The same tensors with the header listing them in reverse: offsets decide where the data is.
  std::string header = "{";
  std::size_t at = 0;
  std::vector<std::string> parts;
  const bytes body(b.begin() + 8 + static_cast<std::ptrdiff_t>(b[0] | b[1] << 8), b.end());
  for (const entry& e : es) {
    const std::size_t n = e.values.size() * (e.dtype == "F32" ? 4 : 8);
    std::string shape;
    for (const auto d : e.shape) {
      if (!shape.empty()) shape += ',';
      shape += std::to_string(d);
    }
    parts.insert(parts.begin(), "\"" + e.name + "\":{\"dtype\":\"" + e.dtype + "\",\"shape\":[" + shape +
                                    "],\"data_offsets\":[" + std::to_string(at) + "," + std::to_string(at + n) + "]}");
    at += n;
  }
  for (const auto& p : parts) {
    if (header.size() > 1) header += ',';
    header += p;
  }
  tiny again;
  io::load_safetensors(std::span<const std::uint8_t>(raw(header + "}    ", body)), "w.safetensors", again);
  CHECK(bits_of(again) == bits_of(net));
}

TEST_CASE("safetensors: the writer's header and data, byte for byte") {
  tiny net;
  float v = 0.5f;
  net.for_each_layer([&](auto, auto& l) {
    for (auto& p : param_span(l)) p = v, v = -v * 1.25f + 0.0625f;
    for (auto& p : state_span(l)) p = v, v = v * 0.5f + 1;
  });
  const std::string s = io::safetensors_bytes(net, {{"format", "pt"}, {"note", "a \"quoted\"\nline"}});
  // Offsets by hand: 18 + 2 conv floats, 4 x 2 batchnorm floats, 24 + 3 dense floats.
  std::string expected =
      R"({"__metadata__":{"format":"pt","note":"a \"quoted\"\u000aline"},)"
      R"("0.weight":{"dtype":"F32","shape":[2,1,3,3],"data_offsets":[0,72]},)"
      R"("0.bias":{"dtype":"F32","shape":[2],"data_offsets":[72,80]},)"
      R"("1.weight":{"dtype":"F32","shape":[2],"data_offsets":[80,88]},)"
      R"("1.bias":{"dtype":"F32","shape":[2],"data_offsets":[88,96]},)"
      R"("1.running_mean":{"dtype":"F32","shape":[2],"data_offsets":[96,104]},)"
      R"("1.running_var":{"dtype":"F32","shape":[2],"data_offsets":[104,112]},)"
      R"("5.weight":{"dtype":"F32","shape":[3,8],"data_offsets":[112,208]},)"
      R"("5.bias":{"dtype":"F32","shape":[3],"data_offsets":[208,220]}})";
  expected.resize((expected.size() + 7) / 8 * 8, ' ');
  REQUIRE(s.size() == 8 + expected.size() + 220);
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t{static_cast<std::uint8_t>(s[static_cast<std::size_t>(i)])} << (8 * i);
  CHECK(n == expected.size());
  CHECK(s.substr(8, expected.size()) == expected);
  // The data: parameters of each layer then its statistics, little-endian float32.
  std::vector<float> order;
  net.for_each_layer([&](auto, const auto& l) {
    for (float x : param_span(l)) order.push_back(x);
    for (float x : state_span(l)) order.push_back(x);
  });
  const char* data = s.data() + 8 + expected.size();
  for (std::size_t k = 0; k < order.size(); ++k) {
    std::uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits |= std::uint32_t{static_cast<std::uint8_t>(data[4 * k + i])} << (8 * i);
    CHECK(bits == std::bit_cast<std::uint32_t>(order[k]));
  }
}

TEST_CASE("safetensors: export then import is bit-identical (BN-LeNet, odd values included)") {
  auto net = std::make_unique<sn::models::bn_lenet>();
  std::uint32_t state = 12345;
  net->for_each_layer([&](auto, auto& l) {
    for (auto& p : param_span(l)) state = state * 1664525u + 1013904223u, p = std::bit_cast<float>(state);
    for (auto& p : state_span(l)) state = state * 1664525u + 1013904223u, p = std::bit_cast<float>(state);
  });
  net->layer<0>().params[0] = -0.0f;
  net->layer<0>().params[1] = std::bit_cast<float>(0x00000001u);  // smallest subnormal
  net->layer<0>().params[2] = std::bit_cast<float>(0x7fc01234u);  // NaN with a payload
  const std::string s = io::safetensors_bytes(*net);
  auto back = std::make_unique<sn::models::bn_lenet>();
  const bytes b(s.begin(), s.end());
  const auto meta = io::load_safetensors(std::span<const std::uint8_t>(b), "rt.safetensors", *back);
  CHECK(meta.empty());
  CHECK(bits_of(*back) == bits_of(*net));
  CHECK(io::safetensors_bytes(*back) == s);
}

TEST_CASE("safetensors: a file on disk, written atomically, with a name map") {
  const auto dir = std::filesystem::temp_directory_path() / ("staticnn-test-safetensors-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  tiny net;
  net.layer<5>().bias()[1] = 42.0f;
  const io::safetensors_names names{{"5.weight", "classifier.weight"}, {"5.bias", "classifier.bias"}};
  io::save_safetensors(dir / "m.safetensors", net, {}, names);
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}) == 1);  // no temporary left
  tiny back;
  io::load_safetensors(dir / "m.safetensors", back, names);
  CHECK(back.layer<5>().bias()[1] == 42.0f);
  CHECK(load_error(io::detail::read_all(dir / "m.safetensors")) ==
        "w.safetensors: tensor 'classifier.weight' matches no parameter of the model");
  std::filesystem::remove_all(dir);
}

TEST_CASE("safetensors: layer_norm over a map takes PyTorch's LayerNorm((C, H, W)) shape") {
  using net_t = sn::sequential<sn::shape<2, 3, 3>, sn::layer_norm, sn::flatten, sn::dense<2>>;
  net_t net;
  const std::string s = io::safetensors_bytes(net);
  CHECK(s.find(R"("0.weight":{"dtype":"F32","shape":[2,3,3])") != std::string::npos);
  CHECK(s.find(R"("2.weight":{"dtype":"F32","shape":[2,18])") != std::string::npos);
}

TEST_CASE("safetensors: each bad file gives one line naming the file, the tensor and the layer") {
  const auto es = tiny_entries();
  const bytes good = file_of(es);
  CHECK(load_error(good) == "(loaded)");

  CHECK(load_error(bytes(good.begin(), good.begin() + 5)) ==
        "w.safetensors: truncated: 5 bytes, shorter than the 8-byte header length of a safetensors file");
  bytes longer = good;  // header length: one byte more than the file holds after it
  for (int i = 0; i < 8; ++i) longer[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((good.size() - 7) >> (8 * i));
  CHECK(load_error(longer) == "w.safetensors: truncated: header length " + std::to_string(good.size() - 7) +
                                  " is more than the " + std::to_string(good.size() - 8) +
                                  " bytes after it (not a safetensors file?)");
  CHECK(load_error(bytes(good.begin(), good.end() - 4)) ==
        "w.safetensors: tensor '5.bias': data_offsets [216, 228] go past the end of the data (224 bytes)");
  CHECK(load_error(raw("[1, 2]", {})) == "w.safetensors: not a safetensors file (the header is not a JSON object)");

  CHECK(load_error(file_of(with(es, "0.bias", {"0.bias", "I32", {2}, {1, 2}}))) ==
        "w.safetensors: tensor '0.bias' has dtype I32, layer 0 (conv2d 1x6x6 -> 2x4x4) needs F32 or F64");
  CHECK(load_error(file_of(with(es, "0.bias", {"0.bias", "F7", {2}, {}}))) ==
        "w.safetensors: tensor '0.bias': unknown dtype 'F7'");
  CHECK(load_error(file_of(with(es, "0.weight", {"0.weight", "F32", {2, 1, 9}, count_from(0, 18)}))) ==
        "w.safetensors: tensor '0.weight' has shape [2, 1, 9], layer 0 (conv2d 1x6x6 -> 2x4x4) needs [2, 1, 3, 3]");
  CHECK(load_error(file_of(with(es, "1.running_var", {"1.running_var", "F64", {3}, {1, 2, 3}}))) ==
        "w.safetensors: tensor '1.running_var' has shape [3], layer 1 (batchnorm 2x4x4 -> 2x4x4) needs [2]");

  auto extra = es;
  extra.push_back({"7.weight", "F32", {1}, {1}});
  CHECK(load_error(file_of(extra)) ==
        "w.safetensors: tensor '7.weight' matches no parameter of the model: the model has layers 0 to 5");
  extra.back() = {"2.weight", "F32", {1}, {1}};
  CHECK(load_error(file_of(extra)) == "w.safetensors: tensor '2.weight' matches no parameter of the model: "
                                      "layer 2 is sigmoid 2x4x4 -> 2x4x4, which has no parameters");
  extra.back() = {"1.scale", "F32", {2}, {1, 1}};
  CHECK(load_error(file_of(extra)) == "w.safetensors: tensor '1.scale' matches no parameter of the model: layer 1 "
                                      "is batchnorm 2x4x4 -> 2x4x4, whose tensors are 1.weight, 1.bias, "
                                      "1.running_mean, 1.running_var");
  extra.back() = {"fc.weight", "F32", {2}, {1, 1}};
  CHECK(load_error(file_of(extra)) == "w.safetensors: tensor 'fc.weight' matches no parameter of the model");
  extra.back() = es[1];
  CHECK(load_error(file_of(extra)) == "w.safetensors: duplicate tensor '0.bias'");

  CHECK(load_error(file_of(without(es, "1.running_var"))) ==
        "w.safetensors: missing tensor '1.running_var' for layer 1 (batchnorm 2x4x4 -> 2x4x4), shape [2]");
  CHECK(load_error(file_of(without(es, "1.num_batches_tracked"))) == "(loaded)");

  // Offsets: inconsistent with the shape, reversed, overlapping, with a gap, data left over.
  const bytes data(good.begin() + 8 + good[0] + 256 * good[1], good.end());
  const std::string rest =
      R"("1.weight":{"dtype":"F32","shape":[2],"data_offsets":[80,88]},)"
      R"("1.bias":{"dtype":"F32","shape":[2],"data_offsets":[88,96]},)"
      R"("1.running_mean":{"dtype":"F32","shape":[2],"data_offsets":[96,104]},)"
      R"("1.running_var":{"dtype":"F32","shape":[2],"data_offsets":[104,112]},)"
      R"("1.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[112,120]},)"
      R"("5.weight":{"dtype":"F32","shape":[3,8],"data_offsets":[120,216]},)"
      R"("5.bias":{"dtype":"F32","shape":[3],"data_offsets":[216,228]}})";
  const auto with_conv = [&](const std::string& w, const std::string& b, std::size_t extra_bytes = 0) {
    bytes d = data;
    d.resize(d.size() + extra_bytes, 0);
    return raw(R"({"0.weight":{"dtype":"F32","shape":[2,1,3,3],"data_offsets":)" + w +
                   R"(},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":)" + b + "}," + rest,
               d);
  };
  REQUIRE(load_error(with_conv("[0,72]", "[72,80]")) == "(loaded)");
  CHECK(load_error(with_conv("[0,72]", "[72,84]")) ==
        "w.safetensors: tensor '0.bias': shape [2] of F32 needs 8 bytes, data_offsets give 12");
  CHECK(load_error(with_conv("[0,72]", "[80,72]")) ==
        "w.safetensors: tensor '0.bias': data_offsets [80, 72] end before they begin");
  CHECK(load_error(with_conv("[0,72]", "[68,76]")) ==
        "w.safetensors: tensor '0.bias': data [68, 76) overlaps tensor '0.weight'");
  CHECK(load_error(with_conv("[8,80]", "[0,8]")) == "(loaded)");  // order of the data is free
  CHECK(load_error(with_conv("[0,72]", "[76,84]", 4)) ==
        "w.safetensors: tensor '0.bias': gap in the data: bytes [72, 76) belong to no tensor");
  CHECK(load_error(with_conv("[0,72]", "[72,80]", 4)) ==
        "w.safetensors: trailing bytes: the tensors end at data byte 228, the data has 232");
  CHECK(load_error(with_conv("[0,72]", "[72,18446744073709551615]")) ==
        "w.safetensors: tensor '0.bias': data_offsets [72, 18446744073709551615] go past the end of the data (228 bytes)");

  // Strict JSON: each of these is one line with the byte where it went wrong.
  CHECK(load_error(raw(R"({"0.weight":{"dtype":"F32",},})", {})) ==
        "w.safetensors: bad header JSON at byte 27: expected '\"'");
  CHECK(load_error(raw(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", {})) ==
        "w.safetensors: bad header JSON at byte 29: expected a non-negative integer");
  CHECK(load_error(raw(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,0]}})", {})) ==
        "w.safetensors: bad header JSON at byte 30: expected an integer");
  CHECK(load_error(raw(R"({"a":{"dtype":"F32","shape":[],"data_offsets":[0,4],"x":1}})", {0, 0, 0, 0})) ==
        "w.safetensors: tensor 'a': unknown field \"x\"");
  CHECK(load_error(raw(R"({"a":{"dtype":"F32","dtype":"F32"}})", {})) ==
        "w.safetensors: tensor 'a': duplicate field \"dtype\"");
  CHECK(load_error(raw(R"({"__metadata__":{"k":1}})", {})) == "w.safetensors: bad header JSON at byte 21: expected '\"'");
  CHECK(load_error(raw(R"({"a\u000ab":{}})", {})) == "w.safetensors: tensor 'a\\u000ab': control character in the name");
  CHECK(load_error(raw("{\"a\\\n\":{}}", {})) == "w.safetensors: bad header JSON at byte 5: bad escape '\\\\u000a'");
  CHECK(load_error(raw(R"({} x)", {})) == "w.safetensors: bad header JSON at byte 3: unexpected text after the header object");
}

TEST_CASE("safetensors: a failed load leaves the network untouched") {
  tiny net;
  net.layer<0>().params.fill(7.0f);
  const auto before = bits_of(net);
  CHECK_THROWS_AS(io::load_safetensors(std::span<const std::uint8_t>(file_of(without(tiny_entries(), "5.bias"))),
                                       "w.safetensors", net),
                  io::io_error);
  CHECK(bits_of(net) == before);
}

TEST_CASE("safetensors: names and metadata with escapes, __metadata__ returned in order") {
  const std::string h = R"({"__metadata__":{"format":"pt","w\u00e9\ud83d\ude00":"a\tb"}})";
  const auto f = io::parse_safetensors(std::span<const std::uint8_t>(raw(h, {})), "w.safetensors");
  REQUIRE(f.metadata.size() == 2);
  CHECK(f.metadata[1].first == "w\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(f.metadata[1].second == "a\tb");
  CHECK(f.tensors.empty());
}

TEST_CASE("safetensors: a double network writes F64, which a float network reads rounded") {
  using tiny_double = sn::basic_sequential<double, sn::shape<1, 6, 6>, sn::conv2d<2, 3>, sn::batchnorm, sn::sigmoid,
                                           sn::avg_pool<2>, sn::flatten, sn::dense<3>>;
  tiny_double d;
  d.layer<0>().params[0] = 0.1;  // not a float
  d.layer<1>().state[3] = 1.0 / 3.0;
  const std::string s = io::safetensors_bytes(d);
  CHECK(s.find(R"("0.weight":{"dtype":"F64","shape":[2,1,3,3],"data_offsets":[0,144]})") != std::string::npos);
  tiny f;
  io::load_safetensors(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()),
                       "d.safetensors", f);
  CHECK(f.layer<0>().params[0] == 0.1f);
  CHECK(f.layer<1>().running_var()[1] == static_cast<float>(1.0 / 3.0));
  tiny_double back;
  io::load_safetensors(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()),
                       "d.safetensors", back);
  CHECK(back.layer<0>().params[0] == 0.1);
}

TEST_CASE("safetensors: a name map file, parsed and checked against the model") {
  const auto names = io::parse_safetensors_names("# ours theirs\n5.weight  fc.weight\r\n\n\t5.bias fc.bias\n", "n.txt");
  CHECK(names == io::safetensors_names{{"5.weight", "fc.weight"}, {"5.bias", "fc.bias"}});
  const auto error = [](auto f) -> std::string {
    try {
      f();
    } catch (const io::io_error& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(error([] { io::parse_safetensors_names("5.weight\n", "n.txt"); }) ==
        "n.txt: line 1: expected two names, '<ours> <theirs>'");
  CHECK(error([] { io::parse_safetensors_names("5.bias a\n\n5.bias b", "n.txt"); }) ==
        "n.txt: line 3: '5.bias' renamed twice");
  CHECK(error([] { io::check_safetensors_names<tiny>({{"4.weight", "x"}}, "n.txt"); }) ==
        "n.txt: '4.weight' is no tensor of the model (its names run from 0.weight to 5.bias)");
  CHECK(error([&] { io::check_safetensors_names<tiny>(names, "n.txt"); }) == "(no error)");
}
