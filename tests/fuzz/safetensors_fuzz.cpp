// Fuzz target: the safetensors reader on arbitrary bytes, as given and with the 8-byte header
// length made to match the JSON that follows (otherwise nearly every mutation stops at the length
// check and the header parser goes unfuzzed). Either the file parses, and then its tensors tile
// the data exactly, and a load either fills the network so that writing it back and loading again
// gives the same numbers, or it throws io_error "<name>: <problem>" and leaves the network untouched.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <staticnn/io/safetensors.hpp>

#include "fuzz.hpp"

namespace {

namespace io = staticnn::io;

template <class Net>
std::vector<float> numbers(const Net& net) {
  std::vector<float> v;
  net.for_each_layer([&](auto, const auto& l) {
    for (float x : param_span(l)) v.push_back(x);
    for (float x : state_span(l)) v.push_back(x);
  });
  return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

template <class Net>
void load_into(std::span<const std::uint8_t> bytes) {
  Net net;
  net.for_each_layer([](auto, auto& l) {
    for (auto& p : param_span(l)) p = 7.0f;
  });
  const std::vector<float> before = numbers(net);
  try {
    io::load_safetensors(bytes, "input.safetensors", net);
    const std::string again = io::safetensors_bytes(net);
    Net back;
    io::load_safetensors(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(again.data()), again.size()),
                         "again.safetensors", back);
    STATICNN_FUZZ_CHECK(same_bits(numbers(back), numbers(net)));
  } catch (const io::io_error& e) {
    STATICNN_FUZZ_CHECK(std::string(e.what()).rfind("input.safetensors: ", 0) == 0);
    STATICNN_FUZZ_CHECK(std::string(e.what()).find('\n') == std::string::npos);  // one line
    STATICNN_FUZZ_CHECK(same_bits(numbers(net), before));
  }
}

void run(std::span<const std::uint8_t> bytes) {
  try {
    const io::safetensors_file f = io::parse_safetensors(bytes, "input.safetensors");
    std::uint64_t total = 0;
    for (const auto& t : f.tensors) {
      STATICNN_FUZZ_CHECK(t.begin <= t.end && t.end <= f.data.size());
      total += t.end - t.begin;
    }
    STATICNN_FUZZ_CHECK(total == f.data.size());
  } catch (const io::io_error& e) {
    STATICNN_FUZZ_CHECK(std::string(e.what()).rfind("input.safetensors: ", 0) == 0);
    STATICNN_FUZZ_CHECK(std::string(e.what()).find('\n') == std::string::npos);
  }
  load_into<staticnn::fuzz::tiny>(bytes);
  load_into<staticnn::fuzz::tiny_other>(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run(std::span<const std::uint8_t>(data, size));
  if (size >= 8) {  // the header length set to the end of the JSON object, if there is one
    std::size_t end = 8, depth = 0;
    bool in_string = false;
    for (std::size_t i = 8; i < size; ++i) {
      const char c = static_cast<char>(data[i]);
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
        end = i + 1;
        break;
      }
    }
    std::vector<std::uint8_t> fixed(data, data + size);
    for (std::size_t i = 0; i < 8; ++i) fixed[i] = static_cast<std::uint8_t>(std::uint64_t{end - 8} >> (8 * i));
    run(fixed);
  }
  return 0;
}
