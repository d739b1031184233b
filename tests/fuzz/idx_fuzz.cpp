// Fuzz target: the IDX reader (parse_idx_images, parse_idx_labels) on arbitrary bytes. Either it
// returns a consistent result or it throws io_error "<name>: <problem>"; nothing else.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <staticnn/io/idx.hpp>

#include "fuzz.hpp"

namespace {

void check_error(const staticnn::io::io_error& e) {
  STATICNN_FUZZ_CHECK(std::string(e.what()).rfind("input.idx: ", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    const staticnn::io::image_set s = staticnn::io::parse_idx_images(bytes, "input.idx");
    STATICNN_FUZZ_CHECK(s.count > 0 && s.channels > 0 && s.rows > 0 && s.cols > 0);
    STATICNN_FUZZ_CHECK((s.dims == 3 && s.channels == 1) || s.dims == 4);
    STATICNN_FUZZ_CHECK(s.pixels.size() == s.count * s.channels * s.rows * s.cols &&
                        s.pixels.size() + 4 + 4 * s.dims == size);
    for (float p : s.pixels) STATICNN_FUZZ_CHECK(p >= 0.0f && p <= 1.0f);
  } catch (const staticnn::io::io_error& e) {
    check_error(e);
  }
  for (std::size_t classes : {std::size_t{10}, std::size_t{256}}) {
    try {
      const std::vector<std::uint8_t> labels =
          staticnn::io::parse_idx_labels(bytes, "input.idx", classes);
      STATICNN_FUZZ_CHECK(!labels.empty() && labels.size() + 8 == size);
      for (std::uint8_t l : labels) STATICNN_FUZZ_CHECK(l < classes);
    } catch (const staticnn::io::io_error& e) {
      check_error(e);
    }
  }
  return 0;
}
