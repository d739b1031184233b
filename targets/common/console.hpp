#pragma once
// Text output of a firmware image: every write goes to semihosting (QEMU's stderr) and, on
// targets that have one, to the UART (netduinoplus2: USART1, QEMU's stdout). No printf, no heap.
//   console::print("conv1: ", n, " instructions at ", console::hex{pc}, ", p = ",
//                  console::fixed{p, 3}, '\n');
// Strings and chars print as text, integers in decimal, floats with 6 decimals.
#include <concepts>
#include <cstdint>
#include <string_view>

namespace staticnn::fw::console {

void write(std::string_view text);
void write_dec(std::int64_t value);
void write_udec(std::uint64_t value);
void write_hex(std::uint32_t value, std::uint32_t min_digits = 8);  // 0x0000abcd
void write_fixed(double value, std::uint32_t decimals = 6);         // -12.345600
void flush();  // drain the UART (the exit path calls it)

struct hex {
  std::uint32_t value;
  std::uint32_t digits = 8;
};
struct fixed {
  double value;
  std::uint32_t decimals = 6;
};

inline void put(std::string_view s) { write(s); }
inline void put(const char* s) { write(s ? std::string_view(s) : std::string_view("(null)")); }
inline void put(char c) { write(std::string_view(&c, 1)); }
inline void put(bool b) { write(b ? "true" : "false"); }
inline void put(hex h) { write_hex(h.value, h.digits); }
inline void put(fixed f) { write_fixed(f.value, f.decimals); }
template <std::signed_integral T>
void put(T v) {
  write_dec(v);
}
template <std::unsigned_integral T>
void put(T v) {
  write_udec(v);
}
template <std::floating_point T>
void put(T v) {
  write_fixed(static_cast<double>(v));
}

template <class... Ts>
void print(const Ts&... parts) {
  (put(parts), ...);
}

}  // namespace staticnn::fw::console
