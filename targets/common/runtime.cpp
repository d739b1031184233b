// C and C++ runtime pieces a bare-metal image needs, defined here so that nothing pulls in
// newlib's heap-using versions: abort (newlib's raises a signal, and its signal table is
// malloc'ed), assert's __assert_func (newlib's uses fiprintf), static-destructor registration
// (never run: the image ends by exit), pure virtual calls, and libstdc++'s std::__throw_*
// (the library is built with exceptions, so its versions allocate and throw). Also newlib's
// strlen and memcmp: its versions are unrolled for speed (220 and 96 bytes of flash), and only
// printing and argument parsing call them. This file is built with
// -fno-tree-loop-distribute-patterns so that GCC does not turn the loops below back into calls
// to themselves.
#include <cstddef>
#include <cstdint>

#include "console.hpp"
#include "runtime.hpp"
#include "semihosting.hpp"

namespace staticnn::fw {

void exit(int status) {
  console::flush();
  semihosting::exit(status);
}

void panic(std::string_view what) {
  console::print("\npanic: ", what, '\n');
  exit(exit_panic);
}

void assert_failed(const char* message, const char* file, int line) {
  console::print('\n', file, ':', line, ": ", message);
  panic("STATICNN_ASSERT");
}

}  // namespace staticnn::fw

extern "C" {

void* __dso_handle = nullptr;

int __aeabi_atexit(void*, void (*)(void*), void*) { return 0; }
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }

[[noreturn]] void abort() { staticnn::fw::panic("abort()"); }

[[noreturn]] void __assert_func(const char* file, int line, const char* function,
                                const char* expression) {
  staticnn::fw::console::print("\n", file, ':', line, ": ", function ? function : "",
                               ": assertion failed: ", expression);
  staticnn::fw::panic("assert");
}

[[noreturn]] void __cxa_pure_virtual() { staticnn::fw::panic("pure virtual call"); }

std::size_t strlen(const char* s) {
  const char* e = s;
  while (*e) ++e;
  return static_cast<std::size_t>(e - s);
}

int memcmp(const void* a, const void* b, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(a);
  const auto* q = static_cast<const unsigned char*>(b);
  for (; n != 0; --n, ++p, ++q)
    if (*p != *q) return *p - *q;
  return 0;
}

}  // extern "C"

// Every symbol of libstdc++'s functexcept.o (GCC 12), so that object is never linked.
namespace std {
[[noreturn]] void __throw_bad_exception() { staticnn::fw::panic("std::bad_exception"); }
[[noreturn]] void __throw_bad_alloc() { staticnn::fw::panic("std::bad_alloc"); }
[[noreturn]] void __throw_bad_array_new_length() {
  staticnn::fw::panic("std::bad_array_new_length");
}
[[noreturn]] void __throw_bad_cast() { staticnn::fw::panic("std::bad_cast"); }
[[noreturn]] void __throw_bad_typeid() { staticnn::fw::panic("std::bad_typeid"); }
[[noreturn]] void __throw_bad_function_call() { staticnn::fw::panic("std::bad_function_call"); }
[[noreturn]] void __throw_logic_error(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_domain_error(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_invalid_argument(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_length_error(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_out_of_range(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_out_of_range_fmt(const char* s, ...) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_runtime_error(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_range_error(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_overflow_error(const char* s) { staticnn::fw::panic(s); }
[[noreturn]] void __throw_underflow_error(const char* s) { staticnn::fw::panic(s); }
}  // namespace std
