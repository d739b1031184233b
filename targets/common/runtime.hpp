#pragma once
// How a firmware image ends. Exit status conventions under QEMU (qemu-run.sh):
//   main's return value (the test harness returns its failure count, 0 = pass),
//   3 = CPU fault or unexpected exception (fault.cpp), 4 = panic (abort, assert, pure virtual
//   call, a libstdc++ throw with -fno-exceptions).
#include <span>
#include <string_view>

namespace staticnn::fw {

inline constexpr int exit_fault = 3;
inline constexpr int exit_panic = 4;
inline constexpr int exit_stack_overflow = 5;  // the stack canary was overwritten

// Flushes the console and ends the program through semihosting (a no-op loop without a host).
[[noreturn]] void exit(int status);
// Prints "panic: <what>" and exits with exit_panic.
[[noreturn]] void panic(std::string_view what);
// Prints "<file>:<line>: <message>" and panics. Route staticnn's assert here in firmware
// (core/assert.hpp's default handler uses fprintf, which needs the heap):
//   #include "runtime.hpp"
//   #define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
//   #include <staticnn/staticnn.hpp>
[[noreturn]] void assert_failed(const char* message, const char* file, int line);

// Where start-up reads the semihosting command line that main's argv points into. The default
// is a static buffer of 1,024 bytes; an image may define its own (a strong definition replaces
// the weak default, and the linker then drops the default buffer), e.g. memory that is free until
// main has finished with argv.
std::span<char> cmdline_storage();

}  // namespace staticnn::fw
