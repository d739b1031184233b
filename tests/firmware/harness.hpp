#pragma once
// Bare test harness for firmware images under QEMU (doctest on target would pull in malloc and
// ~235 KB of flash). Tests register through static constructors, so a run with no tests means
// init_array did not run. main returns run_all(): the failure count, i.e. QEMU's exit status.
//   STATICNN_TEST(adds) { STATICNN_CHECK(1 + 1 == 2); STATICNN_CHECK_NEAR(0.1f + 0.2f, 0.3, 1e-6);
//   } int main() { return staticnn::fw_test::run_all("selftest"); }
#include <cstdint>

#include "console.hpp"

namespace staticnn::fw_test {

struct test_case {
  const char* name;
  void (*run)();
};
inline test_case tests[64];
inline int test_count = 0, checks = 0, failures = 0;

struct registrar {
  registrar(const char* name, void (*run)()) {
    if (test_count < 64) tests[test_count++] = {name, run};
  }
};

inline bool check(bool ok, const char* expression, const char* file, int line) {
  ++checks;
  if (ok) return true;
  ++failures;
  fw::console::print(file, ':', line, ": CHECK(", expression, ") failed\n");
  return false;
}

inline bool check_near(double a, double b, double tolerance, const char* ea, const char* eb,
                       const char* file, int line) {
  ++checks;
  if ((a > b ? a - b : b - a) <= tolerance) return true;  // false for NaN
  ++failures;
  using fw::console::fixed;
  fw::console::print(file, ':', line, ": CHECK_NEAR(", ea, ", ", eb, ") failed: ", fixed{a, 9},
                     " vs ", fixed{b, 9}, ", tolerance ", fixed{tolerance, 9}, '\n');
  return false;
}

inline int run_all(const char* suite) {
  if (test_count == 0)
    check(false, "tests registered (static constructors ran)", __FILE__, __LINE__);
  for (int i = 0; i < test_count; ++i) {
    const int before = failures;
    tests[i].run();
    fw::console::print(failures == before ? "[ ok ] " : "[FAIL] ", tests[i].name, '\n');
  }
  fw::console::print(suite, ": ", test_count, " tests, ", checks, " checks, ", failures,
                     " failed\n");
  return failures < 100 ? failures : 100;  // exit status; 256 failures must not read as 0
}

}  // namespace staticnn::fw_test

#define STATICNN_CHECK(cond) \
  ::staticnn::fw_test::check(static_cast<bool>(cond), #cond, __FILE__, __LINE__)
#define STATICNN_CHECK_NEAR(a, b, tol)                                            \
  ::staticnn::fw_test::check_near(static_cast<double>(a), static_cast<double>(b), \
                                  static_cast<double>(tol), #a, #b, __FILE__, __LINE__)
#define STATICNN_TEST(name)                                                   \
  static void name();                                                         \
  static const ::staticnn::fw_test::registrar name##_registrar{#name, &name}; \
  static void name()
