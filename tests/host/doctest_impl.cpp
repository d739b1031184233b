// doctest's implementation, compiled once for every doctest executable (host_tests, host_isa_tests,
// data_tests); each links its own main (host/main.cpp, host/isa_main.cpp).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
