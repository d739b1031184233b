#pragma once
// Number-to-text without printf or heap: each function fills a small fixed buffer that the
// caller writes out (semihosting, UART). Used by semihosting.hpp and console.hpp.
#include <array>
#include <cstdint>
#include <string_view>

namespace staticnn::fw::format {

struct text {
  std::array<char, 40> chars;  // [0, size) written (not zeroed: that would call memset)
  std::uint32_t size = 0;
  void push(char c) {
    if (size < chars.size()) chars[size++] = c;
  }
  void append(std::string_view s) {
    for (char c : s) push(c);
  }
  std::string_view view() const { return {chars.data(), size}; }
};

// n / d and n % d (d > 0) by shift and subtract: Cortex-M has no 64-bit divide, and an image
// that prints must not link libgcc's __aeabi_uldivmod (700 bytes of flash) for it.
struct quotient {
  std::uint64_t quot, rem;
};
constexpr quotient udivmod(std::uint64_t n, std::uint64_t d) {
  quotient q{0, 0};
  for (int i = 63; i >= 0; --i) {
    q.rem = (q.rem << 1) | ((n >> i) & 1u);
    if (q.rem >= d) q.rem -= d, q.quot |= std::uint64_t{1} << i;
  }
  return q;
}

// Decimal digits of v, most significant first.
inline text udec(std::uint64_t v) {
  std::array<char, 20> rev;
  std::uint32_t n = 0;
  do {
    const quotient q = udivmod(v, 10);
    rev[n++] = static_cast<char>('0' + q.rem);
    v = q.quot;
  } while (v != 0);
  text t;
  while (n != 0) t.push(rev[--n]);
  return t;
}

inline text dec(std::int64_t v) {
  if (v >= 0) return udec(static_cast<std::uint64_t>(v));
  text t = udec(0 - static_cast<std::uint64_t>(v));  // well defined for INT64_MIN too
  text s;
  s.push('-');
  s.append(t.view());
  return s;
}

// "0x" and at least min_digits hex digits (8: a full 32-bit word).
inline text hex(std::uint32_t v, std::uint32_t min_digits = 8) {
  text t;
  t.push('0');
  t.push('x');
  std::uint32_t digits = 1;
  while (digits < 8 && (v >> (4 * digits)) != 0) ++digits;
  if (digits < min_digits) digits = min_digits > 8 ? 8 : min_digits;
  for (std::uint32_t i = digits; i-- != 0;) t.push("0123456789abcdef"[(v >> (4 * i)) & 0xFu]);
  return t;
}

// Fixed-point with `decimals` digits (0..9) after the point, rounded half up; values too large
// for that switch to d.dddddde+NN. nan and inf print as such.
inline text fixed(double v, std::uint32_t decimals = 6) {
  text t;
  if (v != v) {
    t.append("nan");
    return t;
  }
  if (v < 0) {
    t.push('-');
    v = -v;
  }
  if (v > 1.7976931348623157e308) {
    t.append("inf");
    return t;
  }
  if (decimals > 9) decimals = 9;
  std::uint64_t scale = 1;
  for (std::uint32_t i = 0; i < decimals; ++i) scale *= 10;
  int exponent = 0;
  if (v * static_cast<double>(scale) >= 1e18) {  // would overflow 64 bits: scientific
    while (v >= 10.0) {
      v /= 10.0;
      ++exponent;
    }
    decimals = 6;
    scale = 1000000;
  }
  const auto scaled = static_cast<std::uint64_t>(v * static_cast<double>(scale) + 0.5);
  const quotient parts = udivmod(scaled, scale);
  const text whole = udec(parts.quot);
  t.append(whole.view());
  if (decimals != 0) {
    t.push('.');
    const text frac = udec(parts.rem);
    for (std::uint32_t i = frac.size; i < decimals; ++i) t.push('0');
    t.append(frac.view());
  }
  if (exponent != 0) {
    t.push('e');
    t.push('+');
    const text digits = udec(static_cast<std::uint64_t>(exponent));
    t.append(digits.view());
  }
  return t;
}

}  // namespace staticnn::fw::format
