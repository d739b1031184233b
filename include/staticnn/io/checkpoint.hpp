#pragma once
// Checkpoints: a versioned little-endian binary file.
//   "STATICNN" | u32 version | str model | str signature | str meta |
//   u64 params | u64 state | u64 velocity | u64 epoch | u64 step | u64 rng[4] |
//   f32 params[] | f32 state[] | f32 velocity[] | u32 CRC-32 of everything before it
// (str = u32 length + bytes). Written atomically; loading checks magic, version, size, CRC, model
// and signature, and reports the first problem as io_error "<path>: <problem>".
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "../core/sequential.hpp"
#include "atomic_file.hpp"
#include "idx.hpp"
#include "signature.hpp"

namespace staticnn::io {

inline constexpr std::uint32_t checkpoint_version = 1;

struct checkpoint_meta {
  std::string model;                    // the CLI's model name, e.g. "bn-lenet"
  std::string meta;                     // free text, e.g. the training flags as "key=value" lines
  std::uint64_t epoch = 0, step = 0;    // epochs and optimizer steps completed
  std::array<std::uint64_t, 4> rng{};  // the data-order generator's state after `epoch`
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
  const std::vector<std::uint8_t>& in;
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

// Reads and verifies the file (magic, version, CRC) and returns its header; `bytes` gets the
// file and `payload_at` where the numbers start.
inline checkpoint_header read_checkpoint_header(const std::filesystem::path& file, std::vector<std::uint8_t>& bytes,
                                                std::size_t& payload_at) {
  bytes = detail::read_all(file);
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "STATICNN", 8) != 0)
    detail::fail(file, "not a staticnn checkpoint (bad magic)");
  detail::reader r{file, bytes, 8, bytes.size()};
  checkpoint_header h;
  h.version = r.u32("header");
  if (h.version != checkpoint_version)
    detail::fail(file, "unsupported checkpoint version " + std::to_string(h.version) + " (this build reads version " +
                           std::to_string(checkpoint_version) + ")");
  if (bytes.size() < 16) detail::fail(file, "truncated: no CRC");
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
  h.meta.step = r.u64("progress");
  for (auto& w : h.meta.rng) w = r.u64("rng state");
  payload_at = r.pos;
  const std::uint64_t floats = h.param_count + h.state_count + h.velocity_count;
  if (floats > (r.end - r.pos) / 4 || (r.end - r.pos) != floats * 4)
    detail::fail(file, "size mismatch: header promises " + std::to_string(floats) + " numbers, file holds " +
                           std::to_string((r.end - r.pos) / 4));
  return h;
}

inline checkpoint_header read_checkpoint_header(const std::filesystem::path& file) {
  std::vector<std::uint8_t> bytes;
  std::size_t at = 0;
  return read_checkpoint_header(file, bytes, at);
}

// Saves the network's parameters and state, optionally the optimizer's velocity (empty span: none).
template <Network Net>
void save_checkpoint(const std::filesystem::path& file, const Net& net, const checkpoint_meta& meta,
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
  w.u64(meta.step);
  for (auto x : meta.rng) w.u64(x);
  net.for_each_layer([&](auto, const auto& l) { w.floats<T>(param_span(l)); });
  net.for_each_layer([&](auto, const auto& l) { w.floats<T>(state_span(l)); });
  w.floats<T>(velocity);
  w.u32(crc32(reinterpret_cast<const std::uint8_t*>(w.out.data()), w.out.size()));
  write_file_atomically(file, w.out);
}

// Loads into `net` (and `velocity`, if the file has one and the span is not empty). The file must
// have been saved from the same network type: otherwise both signatures are named.
template <Network Net>
checkpoint_meta load_checkpoint(const std::filesystem::path& file, Net& net,
                                std::span<typename Net::value_type> velocity = {}) {
  using T = typename Net::value_type;
  std::vector<std::uint8_t> bytes;
  std::size_t at = 0;
  const checkpoint_header h = read_checkpoint_header(file, bytes, at);
  if (h.signature != signature<Net>())
    detail::fail(file, "checkpoint is for another model (" + h.meta.model + "); its layers:\n" + h.signature +
                           "expected:\n" + signature<Net>());
  if (h.param_count != Net::param_count || h.state_count != Net::state_count)
    detail::fail(file, "parameter counts do not match the model");
  if (h.velocity_count != 0 && h.velocity_count != Net::param_count)
    detail::fail(file, "optimizer state has " + std::to_string(h.velocity_count) + " values, expected " +
                           std::to_string(Net::param_count));
  detail::reader r{file, bytes, at, bytes.size() - 4};
  Net loaded;  // filled completely before `net` is touched
  loaded.for_each_layer([&](auto, auto& l) { r.floats<T>(param_span(l), "parameters"); });
  loaded.for_each_layer([&](auto, auto& l) { r.floats<T>(state_span(l), "state"); });
  std::vector<T> v(velocity.empty() ? 0 : h.velocity_count);
  if (!v.empty()) {
    if (velocity.size() != v.size()) detail::fail(file, "optimizer state size differs from the caller's");
    r.floats<T>(std::span<T>(v), "optimizer state");
  }
  net = loaded;
  std::copy(v.begin(), v.end(), velocity.begin());
  return h.meta;
}

}  // namespace staticnn::io
