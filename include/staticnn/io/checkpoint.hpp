#pragma once
// Checkpoints: a versioned little-endian binary file (version 2).
//   "STATICNN" | u32 version | str model | str signature | str meta |
//   u64 params | u64 state | u64 velocity | u64 epoch | u64 batch | u64 step | u64 rng[4] |
//   f32 params[] | f32 state[] | f32 velocity[] | u32 CRC-32 of everything before it
// (str = u32 length + bytes). Version 1 is the same without `batch` (always at an epoch boundary)
// and is still read. Written atomically; loading checks magic, version, size, CRC, model and
// signature, and reports the first problem as one line, io_error "<path>: <problem>".
// load_checkpoint / read_checkpoint_header read a file; parse_checkpoint_header and the span
// overload of load_checkpoint parse bytes already in memory (what the fuzzer calls).
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/sequential.hpp"
#include "atomic_file.hpp"
#include "idx.hpp"
#include "signature.hpp"

namespace staticnn::io {

inline constexpr std::uint32_t checkpoint_version = 2;
inline constexpr std::uint32_t checkpoint_oldest_version = 1;

// Where training stood: `epoch` whole epochs and `batch` minibatches of the next one done,
// `step` optimizer steps in all. `rng` is the data-order generator's state after `epoch` epochs,
// i.e. before the next epoch's shuffle, so a resumed run redraws that epoch's order.
struct checkpoint_meta {
  std::string model;                    // the CLI's model name, e.g. "bn-lenet"
  std::string meta;                     // free text, e.g. the training flags as "key=value" lines
  std::uint64_t epoch = 0, step = 0;
  std::array<std::uint64_t, 4> rng{};
  std::uint64_t batch = 0;              // 0: at an epoch boundary
};

inline std::uint32_t crc32(const std::uint8_t* data, std::size_t n) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ data[i]) & 0xffu] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

namespace detail {
struct writer {
  std::string out;
  void u32(std::uint32_t v) { for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i))); }
  void u64(std::uint64_t v) { for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i))); }
  void str(const std::string& s) { u32(static_cast<std::uint32_t>(s.size())), out += s; }
  template <class T>
  void floats(std::span<const T> v) { for (T x : v) u32(std::bit_cast<std::uint32_t>(static_cast<float>(x))); }
};
struct reader {
  const std::filesystem::path& file;
  std::span<const std::uint8_t> in;
  std::size_t pos = 0, end = 0;
  void need(std::size_t n, const char* what) {
    if (end - pos < n) fail(file, std::string("truncated: ends inside the ") + what);
  }
  std::uint64_t le(int bytes, const char* what) {
    need(static_cast<std::size_t>(bytes), what);
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= std::uint64_t{in[pos++]} << (8 * i);
    return v;
  }
  std::uint32_t u32(const char* what) { return static_cast<std::uint32_t>(le(4, what)); }
  std::uint64_t u64(const char* what) { return le(8, what); }
  std::string str(const char* what) {
    const std::size_t n = u32(what);
    need(n, what);
    std::string s(reinterpret_cast<const char*>(in.data() + pos), n);
    pos += n;
    return s;
  }
  template <class T>
  void floats(std::span<T> v, const char* what) {
    need(4 * v.size(), what);
    for (auto& x : v) x = static_cast<T>(std::bit_cast<float>(u32(what)));
  }
};
}  // namespace detail

// Everything but the numbers: enough to pick the model type before loading.
struct checkpoint_header {
  std::uint32_t version = 0;
  checkpoint_meta meta;
  std::string signature;
  std::uint64_t param_count = 0, state_count = 0, velocity_count = 0;
};

// Verifies a checkpoint held in memory (magic, version, CRC, sizes) and returns its header;
// `payload_at` gets where the numbers start. `name` is only used in messages.
inline checkpoint_header parse_checkpoint_header(std::span<const std::uint8_t> bytes,
                                                 const std::filesystem::path& name, std::size_t& payload_at) {
  const std::filesystem::path& file = name;
  if (bytes.empty()) detail::fail(file, "empty file, not a staticnn checkpoint");
  if (std::memcmp(bytes.data(), "STATICNN", std::min<std::size_t>(bytes.size(), 8)) != 0)
    detail::fail(file, "not a staticnn checkpoint (bad magic)");
  if (bytes.size() < 16)
    detail::fail(file, "truncated: " + std::to_string(bytes.size()) + " bytes, shorter than any checkpoint");
  detail::reader r{file, bytes, 8, bytes.size()};
  checkpoint_header h;
  h.version = r.u32("header");
  if (h.version < checkpoint_oldest_version || h.version > checkpoint_version)
    detail::fail(file, "unsupported checkpoint version " + std::to_string(h.version) + " (this build reads versions " +
                           std::to_string(checkpoint_oldest_version) + " to " + std::to_string(checkpoint_version) +
                           ")");
  r.end = bytes.size() - 4;
  detail::reader crc_reader{file, bytes, r.end, bytes.size()};
  const std::uint32_t stored = crc_reader.u32("CRC");
  if (crc32(bytes.data(), r.end) != stored) detail::fail(file, "corrupt: CRC-32 mismatch (truncated or damaged file)");
  h.meta.model = r.str("model name");
  h.signature = r.str("signature");
  h.meta.meta = r.str("metadata");
  h.param_count = r.u64("counts");
  h.state_count = r.u64("counts");
  h.velocity_count = r.u64("counts");
  h.meta.epoch = r.u64("progress");
  if (h.version >= 2) h.meta.batch = r.u64("progress");
  h.meta.step = r.u64("progress");
  for (auto& w : h.meta.rng) w = r.u64("rng state");
  payload_at = r.pos;
  const std::uint64_t held = (r.end - r.pos) / 4;  // each count is checked alone: their sum could wrap
  const bool fits = h.param_count <= held && h.state_count <= held - h.param_count &&
                    h.velocity_count == held - h.param_count - h.state_count && (r.end - r.pos) % 4 == 0;
  if (!fits)
    detail::fail(file, "size mismatch: header promises " + std::to_string(h.param_count) + " + " +
                           std::to_string(h.state_count) + " + " + std::to_string(h.velocity_count) +
                           " numbers, file holds " + std::to_string(r.end - r.pos) + " bytes of them");
  return h;
}

// Reads and verifies the file; `bytes` gets the file and `payload_at` where the numbers start.
inline checkpoint_header read_checkpoint_header(const std::filesystem::path& file, std::vector<std::uint8_t>& bytes,
                                                std::size_t& payload_at) {
  bytes = detail::read_all(file);
  return parse_checkpoint_header(bytes, file, payload_at);
}

inline checkpoint_header read_checkpoint_header(const std::filesystem::path& file) {
  std::vector<std::uint8_t> bytes;
  std::size_t at = 0;
  return read_checkpoint_header(file, bytes, at);
}

// The checkpoint file's bytes for the network's parameters and state, and optionally the
// optimizer's velocity (empty span: none).
template <Network Net>
std::string checkpoint_bytes(const Net& net, const checkpoint_meta& meta,
                             std::span<const typename Net::value_type> velocity = {}) {
  using T = typename Net::value_type;
  detail::writer w;
  w.out = "STATICNN";
  w.u32(checkpoint_version);
  w.str(meta.model);
  w.str(signature<Net>());
  w.str(meta.meta);
  w.u64(Net::param_count);
  w.u64(Net::state_count);
  w.u64(velocity.size());
  w.u64(meta.epoch);
  w.u64(meta.batch);
  w.u64(meta.step);
  for (auto x : meta.rng) w.u64(x);
  net.for_each_layer([&](auto, const auto& l) { for_each_param_span(l, [&](auto s) { w.floats<T>(s); }); });
  net.for_each_layer([&](auto, const auto& l) { for_each_state_span(l, [&](auto s) { w.floats<T>(s); }); });
  w.floats<T>(velocity);
  w.u32(crc32(reinterpret_cast<const std::uint8_t*>(w.out.data()), w.out.size()));
  return std::move(w.out);
}

// Saves the checkpoint atomically: a crash at any moment leaves the old file or the new one.
template <Network Net>
void save_checkpoint(const std::filesystem::path& file, const Net& net, const checkpoint_meta& meta,
                     std::span<const typename Net::value_type> velocity = {}) {
  write_file_atomically(file, checkpoint_bytes(net, meta, velocity));
}

namespace detail {
// "layer 3 is 'x' in the file, 'y' in the model": the first line where two signatures differ.
inline std::string first_difference(const std::string& file_sig, const std::string& model_sig) {
  std::size_t a = 0, b = 0;
  for (std::size_t layer = 0;; ++layer) {
    const std::size_t ae = file_sig.find('\n', a), be = model_sig.find('\n', b);
    const std::string x = a < file_sig.size() ? file_sig.substr(a, ae - a) : "(no layer)";
    const std::string y = b < model_sig.size() ? model_sig.substr(b, be - b) : "(no layer)";
    if (x != y) return "layer " + std::to_string(layer) + " is '" + x + "' in the file, '" + y + "' in the model";
    if (ae == std::string::npos || be == std::string::npos) return "lengths differ";
    a = ae + 1, b = be + 1;
  }
}
}  // namespace detail

// Loads a checkpoint held in memory into `net` (and `velocity`, if the file has one and the span
// is not empty). It must have been saved from the same network type: otherwise the message names
// the first layer that differs. `net` and `velocity` are untouched unless everything loads.
template <Network Net>
checkpoint_meta load_checkpoint(std::span<const std::uint8_t> bytes, const std::filesystem::path& name, Net& net,
                                std::span<typename Net::value_type> velocity = {}) {
  using T = typename Net::value_type;
  const std::filesystem::path& file = name;
  std::size_t at = 0;
  const checkpoint_header h = parse_checkpoint_header(bytes, name, at);
  if (h.signature != signature<Net>())
    detail::fail(file, "checkpoint holds another network (saved as model '" + h.meta.model +
                           "'): " + detail::first_difference(h.signature, signature<Net>()));
  if (h.param_count != Net::param_count || h.state_count != Net::state_count)
    detail::fail(file, "parameter counts do not match the model");
  if (h.velocity_count != 0 && h.velocity_count != Net::param_count)
    detail::fail(file, "optimizer state has " + std::to_string(h.velocity_count) + " values, expected " +
                           std::to_string(Net::param_count));
  detail::reader r{file, bytes, at, bytes.size() - 4};
  auto loaded = std::make_unique<Net>();  // filled completely before `net` is touched
  loaded->for_each_layer([&](auto, auto& l) { for_each_param_span(l, [&](auto s) { r.floats<T>(s, "parameters"); }); });
  loaded->for_each_layer([&](auto, auto& l) { for_each_state_span(l, [&](auto s) { r.floats<T>(s, "state"); }); });
  std::vector<T> v(velocity.empty() ? 0 : h.velocity_count);
  if (!v.empty()) {
    if (velocity.size() != v.size()) detail::fail(file, "optimizer state size differs from the caller's");
    r.floats<T>(std::span<T>(v), "optimizer state");
  }
  net = *loaded;
  std::copy(v.begin(), v.end(), velocity.begin());
  return h.meta;
}

// Loads the file into `net` (and `velocity`), as above.
template <Network Net>
checkpoint_meta load_checkpoint(const std::filesystem::path& file, Net& net,
                                std::span<typename Net::value_type> velocity = {}) {
  return load_checkpoint(std::span<const std::uint8_t>(detail::read_all(file)), file, net, velocity);
}

}  // namespace staticnn::io
