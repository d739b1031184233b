#pragma once
// Bare test harness for firmware images under QEMU (doctest on target would pull in malloc and
// ~235 KB of flash). Tests register through static constructors into an intrusive list (each
// registrar is its own node: no capacity, no heap), so a run with no tests means init_array did
// not run. A test that cannot run on this target calls STATICNN_SKIP("why"): it prints as [skip]
// and counts in the summary. main returns run_all(), QEMU's exit status: the failure count
// (1..76), 0 if all passed, skip_exit (77, CTest's SKIP_RETURN_CODE) if every test skipped.
//   STATICNN_TEST(adds) { STATICNN_CHECK(1 + 1 == 2); STATICNN_CHECK_NEAR(0.1f + 0.2f, 0.3, 1e-6);
//   } int main() { return staticnn::fw_test::run_all("selftest"); }
#include <cstdint>

#include "console.hpp"

namespace staticnn::fw_test {

inline constexpr int skip_exit = 77;

struct registrar {
  const char* name;
  void (*run)();
  registrar* next = nullptr;
  registrar(const char* test_name, void (*test)());  // appends itself to the list
};
inline registrar *first = nullptr, *last = nullptr;
inline int checks = 0, failures = 0;
inline const char* skip_reason = nullptr;  // set by skip() for the running test

inline registrar::registrar(const char* test_name, void (*test)()) : name(test_name), run(test) {
  (last ? last->next : first) = this;
  last = this;
}

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

inline void skip(const char* reason) { skip_reason = reason ? reason : "(no reason given)"; }

inline int run_all(const char* suite) {
  if (!first) check(false, "tests registered (static constructors ran)", __FILE__, __LINE__);
  int count = 0, skipped = 0;
  for (const registrar* t = first; t; t = t->next, ++count) {
    const int before = failures;
    skip_reason = nullptr;
    t->run();
    if (failures != before) {
      fw::console::print("[FAIL] ", t->name, '\n');
    } else if (skip_reason) {
      ++skipped;
      fw::console::print("[skip] ", t->name, ": ", skip_reason, '\n');
    } else {
      fw::console::print("[ ok ] ", t->name, '\n');
    }
  }
  fw::console::print(suite, ": ", count, " tests, ", checks, " checks, ", failures, " failed, ",
                     skipped, " skipped\n");
  // A failing run must read neither as a pass (256 failures) nor as a skip.
  if (failures > 0) return failures < skip_exit ? failures : skip_exit - 1;
  return count > 0 && skipped == count ? skip_exit : 0;
}

}  // namespace staticnn::fw_test

#define STATICNN_CHECK(cond) \
  ::staticnn::fw_test::check(static_cast<bool>(cond), #cond, __FILE__, __LINE__)
#define STATICNN_CHECK_NEAR(a, b, tol)                                            \
  ::staticnn::fw_test::check_near(static_cast<double>(a), static_cast<double>(b), \
                                  static_cast<double>(tol), #a, #b, __FILE__, __LINE__)
// Ends the running test as skipped (in a test's own body: it returns from it).
#define STATICNN_SKIP(reason)              \
  do {                                     \
    ::staticnn::fw_test::skip(reason);     \
    return;                                \
  } while (false)
#define STATICNN_TEST(name)                                                   \
  static void name();                                                         \
  static ::staticnn::fw_test::registrar name##_registrar{#name, &name};       \
  static void name()
