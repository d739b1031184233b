#pragma once
// STATICNN_ASSERT(cond, "scope: what"): checks host-side preconditions that types cannot carry
// (run-time batch counts, labels). The handler is replaceable: define STATICNN_ASSERT_HANDLER
// before including staticnn to route failures elsewhere (firmware: a fault report).
#include <cstdio>
#include <cstdlib>

#ifndef STATICNN_ASSERT_HANDLER
#define STATICNN_ASSERT_HANDLER(msg, file, line) \
  (std::fprintf(stderr, "%s:%d: %s\n", file, line, msg), std::abort())
#endif

#define STATICNN_ASSERT(cond, msg) \
  ((cond) ? static_cast<void>(0) : static_cast<void>(STATICNN_ASSERT_HANDLER(msg, __FILE__, __LINE__)))
