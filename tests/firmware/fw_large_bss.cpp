// An image whose flash contents + .data + .bss exceed the board's code memory: 1 MiB of read-only
// words in flash and a .bss array of most of RAM (STATICNN_LARGE_BSS_BYTES, from the build). The
// MPS2 boards' 4 MiB code memory wraps at its end; when .bss was the zero-filled tail of .data's
// segment (load address in flash), QEMU wrote its zeros from the end of .data's load image on,
// through the wrap onto the vector table, and the image locked up at reset. Here it runs: the
// flash words are intact, the whole array starts zero (RAM holds qemu-run.sh's 0x5A fill before
// boot, so only the reset handler zeroes it) and holds what is written to it.
#include <cstddef>
#include <cstdint>

#include "console.hpp"
#include "cortex_m.hpp"
#include "harness.hpp"

namespace cm = staticnn::fw::cortex_m;

extern "C" std::uint32_t __data_start[], __data_end[], __data_load[];
extern "C" std::uint32_t __bss_start[], __bss_end[];

namespace {

constexpr std::size_t flash_words = std::size_t{1} << 18;  // 1 MiB
constexpr std::size_t bss_words = STATICNN_LARGE_BSS_BYTES / 4;
constexpr std::size_t ram_bytes = STATICNN_RAM_BYTES;

// The flash word at each index (a 32-bit mix of the index: neither zeros nor the 0x5A fill over a
// run of words), which the checks recompute.
constexpr std::uint32_t flash_word(std::uint32_t i) {
  i ^= i >> 16;
  i *= 0x7feb352du;
  i ^= i >> 15;
  i *= 0x846ca68bu;
  i ^= i >> 16;
  return i ^ 0xA5A5A5A5u;
}

// Built at compile time in blocks (GCC's constexpr loop limit is 262,144 iterations a loop).
struct flash_block {
  static constexpr std::size_t block = 1024;
  std::uint32_t words[flash_words];
  constexpr flash_block() : words{} {
    for (std::size_t b = 0; b < flash_words / block; ++b)
      for (std::size_t j = 0; j < block; ++j)
        words[b * block + j] = flash_word(static_cast<std::uint32_t>(b * block + j));
  }
};
constinit const flash_block flash{};

std::uint32_t big[bss_words];  // .bss

// .data (in RAM, copied from its load image in flash): with it, .data's segment has file bytes,
// as in the images that met the defect (.bss was that segment's zero-filled tail).
volatile std::uint32_t data_words[4] = {0x600DF00Du, 1u, 2u, 3u};

// Read through a volatile pointer, so the compiler cannot assume the zero of a static's start.
std::uint32_t read(const std::uint32_t* p) {
  return *static_cast<const volatile std::uint32_t*>(p);
}

}  // namespace

STATICNN_TEST(image_exceeds_code_memory) {
  // What the test is about: the flash image (from the vector table to the end of .data's load
  // image) plus .bss is larger than the code memory (as large as RAM on the MPS2 boards).
  const std::uintptr_t flash_origin = cm::reg(cm::vtor);
  const std::uintptr_t data_bytes =
      reinterpret_cast<std::uintptr_t>(__data_end) - reinterpret_cast<std::uintptr_t>(__data_start);
  const std::uintptr_t flash_end = reinterpret_cast<std::uintptr_t>(__data_load) + data_bytes;
  const std::uintptr_t bss_bytes =
      reinterpret_cast<std::uintptr_t>(__bss_end) - reinterpret_cast<std::uintptr_t>(__bss_start);
  const std::uintptr_t total = flash_end - flash_origin + bss_bytes;
  staticnn::fw::console::print("large_bss: flash image ", flash_end - flash_origin, " B (.data ",
                               data_bytes, " B) + .bss ", bss_bytes, " B = ", total, " B; RAM ",
                               ram_bytes, " B\n");
  STATICNN_CHECK(total > ram_bytes);
  STATICNN_CHECK(sizeof big <= bss_bytes);
  STATICNN_CHECK(data_words[0] == 0x600DF00Du && data_words[3] == 3u);
}

STATICNN_TEST(flash_is_intact) {
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < flash_words; ++i)
    wrong += read(&flash.words[i]) != flash_word(static_cast<std::uint32_t>(i));
  if (wrong) staticnn::fw::console::print("large_bss: ", wrong, " flash words changed\n");
  STATICNN_CHECK(wrong == 0);
}

STATICNN_TEST(bss_starts_zero) {
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < bss_words; ++i) nonzero += read(&big[i]) != 0;
  if (nonzero) staticnn::fw::console::print("large_bss: ", nonzero, " .bss words not zero\n");
  STATICNN_CHECK(nonzero == 0);
}

STATICNN_TEST(bss_holds_writes) {
  for (std::size_t i = 0; i < bss_words; ++i)
    *static_cast<volatile std::uint32_t*>(&big[i]) = ~flash_word(static_cast<std::uint32_t>(i));
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < bss_words; ++i)
    wrong += read(&big[i]) != ~flash_word(static_cast<std::uint32_t>(i));
  STATICNN_CHECK(wrong == 0);
  // Writing RAM left flash alone (no alias between the two).
  STATICNN_CHECK(read(&flash.words[0]) == flash_word(0));
  STATICNN_CHECK(read(&flash.words[flash_words - 1]) == flash_word(flash_words - 1));
}

int main() { return staticnn::fw_test::run_all("large_bss"); }
