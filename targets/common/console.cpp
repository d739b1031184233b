#include "console.hpp"

#include "format.hpp"
#include "semihosting.hpp"
#include "uart.hpp"

namespace staticnn::fw::console {

void write(std::string_view text) {
  semihosting::write(text);
  uart::write(text);
}

void write_dec(std::int64_t value) { write(format::dec(value).view()); }
void write_udec(std::uint64_t value) { write(format::udec(value).view()); }
void write_hex(std::uint32_t value, std::uint32_t min_digits) {
  write(format::hex(value, min_digits).view());
}
void write_fixed(double value, std::uint32_t decimals) {
  write(format::fixed(value, decimals).view());
}

void flush() { uart::flush(); }

}  // namespace staticnn::fw::console
