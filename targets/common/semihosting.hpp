#pragma once
// Arm semihosting (BKPT 0xAB on M-profile): console output, host file reads, the command line
// and the exit status. Needs a host that serves it: QEMU with
// -semihosting-config enable=on,target=native (qemu-run.sh does this) or a debugger such as
// openocd with `arm semihosting enable`. On a board without either, fault.cpp turns each call
// into a no-op that returns -1.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "format.hpp"

namespace staticnn::fw::semihosting {

enum class op : std::uint32_t {
  open = 0x01,
  close = 0x02,
  write0 = 0x04,
  read = 0x06,
  flen = 0x0C,
  get_cmdline = 0x15,
  exit_extended = 0x20,
};

inline std::int32_t call(op operation, const void* argument) {
  register std::uint32_t r0 asm("r0") = static_cast<std::uint32_t>(operation);
  register const void* r1 asm("r1") = argument;
  asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return static_cast<std::int32_t>(r0);
}

// SYS_WRITE0: a NUL-terminated string to the host console (QEMU: its stderr by default).
inline void write0(const char* text) { call(op::write0, text); }

// Any string, in NUL-terminated chunks.
inline void write(std::string_view s) {
  char chunk[65];
  while (!s.empty()) {
    const std::size_t n = s.size() < 64 ? s.size() : 64;
    for (std::size_t i = 0; i < n; ++i) chunk[i] = s[i];
    chunk[n] = '\0';
    write0(chunk);
    s.remove_prefix(n);
  }
}
inline void write_dec(std::int64_t v) { write(format::dec(v).view()); }
inline void write_hex(std::uint32_t v) { write(format::hex(v).view()); }

// SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit: QEMU exits with status `code` mod 256.
[[noreturn]] inline void exit(int code) {
  const std::uint32_t block[2] = {0x20026u, static_cast<std::uint32_t>(code)};
  call(op::exit_extended, block);
  for (;;) asm volatile("wfi");  // no host: stop here
}

// Host files. open() returns a handle >= 0, or -1. Modes are ISO C fopen modes by index.
enum class open_mode : std::uint32_t { read_binary = 1, write_binary = 5 };
inline std::int32_t open(const char* path, open_mode mode = open_mode::read_binary) {
  std::size_t length = 0;
  while (path[length] != '\0') ++length;
  const std::uint32_t block[3] = {reinterpret_cast<std::uintptr_t>(path),
                                  static_cast<std::uint32_t>(mode),
                                  static_cast<std::uint32_t>(length)};
  return call(op::open, block);
}
inline std::int32_t close(std::int32_t handle) {
  const std::uint32_t block[1] = {static_cast<std::uint32_t>(handle)};
  return call(op::close, block);
}
// Length of an open file in bytes, or -1.
inline std::int32_t flen(std::int32_t handle) {
  const std::uint32_t block[1] = {static_cast<std::uint32_t>(handle)};
  return call(op::flen, block);
}
// Reads up to buffer.size() bytes; returns the number read (0 at end of file).
inline std::size_t read(std::int32_t handle, std::span<std::byte> buffer) {
  const std::uint32_t block[3] = {static_cast<std::uint32_t>(handle),
                                  reinterpret_cast<std::uintptr_t>(buffer.data()),
                                  static_cast<std::uint32_t>(buffer.size())};
  const std::int32_t not_read = call(op::read, block);  // SYS_READ returns bytes NOT read
  if (not_read < 0 || static_cast<std::size_t>(not_read) > buffer.size()) return 0;
  return buffer.size() - static_cast<std::size_t>(not_read);
}

// Whole-file read: the file's size in bytes (all of it now in buffer), or a negative error.
inline constexpr std::int32_t read_error_open = -1;       // missing or unreadable
inline constexpr std::int32_t read_error_too_large = -2;  // file larger than buffer
inline constexpr std::int32_t read_error_short = -3;      // fewer bytes than SYS_FLEN said
inline std::int32_t read_file(const char* path, std::span<std::byte> buffer) {
  const std::int32_t handle = open(path, open_mode::read_binary);
  if (handle < 0) return read_error_open;
  std::int32_t result = flen(handle);
  if (result < 0) {
    result = read_error_open;
  } else if (static_cast<std::size_t>(result) > buffer.size()) {
    result = read_error_too_large;
  } else {
    const auto size = static_cast<std::size_t>(result);
    std::size_t done = 0;
    while (done < size) {
      const std::size_t n = read(handle, buffer.subspan(done, size - done));
      if (n == 0) break;
      done += n;
    }
    if (done != size) result = read_error_short;
  }
  close(handle);
  return result;
}

// SYS_GET_CMDLINE: the words passed as QEMU `arg=` options, space separated, in `buffer`.
// Empty if there is no host or the buffer is too small.
inline std::string_view get_cmdline(std::span<char> buffer) {
  if (buffer.empty()) return {};
  std::uint32_t block[2] = {reinterpret_cast<std::uintptr_t>(buffer.data()),
                            static_cast<std::uint32_t>(buffer.size())};
  if (call(op::get_cmdline, block) != 0 || block[1] >= buffer.size()) return {};
  return {buffer.data(), block[1]};
}

}  // namespace staticnn::fw::semihosting
