// Fuzz target: the checkpoint loader on arbitrary bytes, as given and with the CRC made valid
// (otherwise nearly every mutation stops at the CRC check and the fields behind it go unfuzzed).
// Either it loads, and saving what it loaded gives the same bytes, or it throws io_error
// "<name>: <problem>" and leaves the network and velocity untouched.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <staticnn/io/checkpoint.hpp>

#include "fuzz.hpp"

namespace {

namespace io = staticnn::io;

template <class Net>
void same_numbers(const Net& a, const Net& b) {
  std::vector<float> x, y;
  a.for_each_layer([&](auto, const auto& l) {
    for (float v : param_span(l)) x.push_back(v);
    for (float v : state_span(l)) x.push_back(v);
  });
  b.for_each_layer([&](auto, const auto& l) {
    for (float v : param_span(l)) y.push_back(v);
    for (float v : state_span(l)) y.push_back(v);
  });
  STATICNN_FUZZ_CHECK(x == y);
}

template <class Net>
void load_into(std::span<const std::uint8_t> bytes) {
  using T = typename Net::value_type;
  Net net;
  net.for_each_layer([](auto, auto& l) {
    for (auto& p : param_span(l)) p = 7.0f;
  });
  const Net before = net;
  std::array<T, Net::param_count> velocity;
  velocity.fill(5.0f);
  try {
    const io::checkpoint_meta meta =
        io::load_checkpoint(bytes, "input.snn", net, std::span<T>(velocity));
    std::size_t at = 0;
    const io::checkpoint_header h = io::parse_checkpoint_header(bytes, "input.snn", at);
    STATICNN_FUZZ_CHECK(h.param_count == Net::param_count && h.state_count == Net::state_count);
    if (h.version == io::checkpoint_version && h.velocity_count == Net::param_count) {
      const std::string again = io::checkpoint_bytes(net, meta, std::span<const T>(velocity));
      STATICNN_FUZZ_CHECK(again.size() == bytes.size() &&
                          std::memcmp(again.data(), bytes.data(), bytes.size()) == 0);
    }
  } catch (const io::io_error& e) {
    STATICNN_FUZZ_CHECK(std::string(e.what()).rfind("input.snn: ", 0) == 0);
    same_numbers(net, before);
    for (T v : velocity) STATICNN_FUZZ_CHECK(v == 5.0f);
  }
}

void run(std::span<const std::uint8_t> bytes) {
  try {
    std::size_t at = 0;
    const io::checkpoint_header h = io::parse_checkpoint_header(bytes, "input.snn", at);
    STATICNN_FUZZ_CHECK(at + 4 <= bytes.size());
    STATICNN_FUZZ_CHECK((h.param_count + h.state_count + h.velocity_count) * 4 ==
                        bytes.size() - 4 - at);
  } catch (const io::io_error& e) {
    STATICNN_FUZZ_CHECK(std::string(e.what()).rfind("input.snn: ", 0) == 0);
  }
  load_into<staticnn::fuzz::tiny>(bytes);
  load_into<staticnn::fuzz::tiny_other>(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run(std::span<const std::uint8_t>(data, size));
  if (size >= 16) {
    std::vector<std::uint8_t> fixed(data, data + size);
    const std::uint32_t crc = io::crc32(fixed.data(), size - 4);
    for (std::size_t i = 0; i < 4; ++i)
      fixed[size - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    run(fixed);
  }
  return 0;
}
