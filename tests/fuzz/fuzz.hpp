#pragma once
// Shared by the fuzz harnesses (libFuzzer entry point LLVMFuzzerTestOneInput) and the corpus
// generator: a tiny network whose checkpoints are a few hundred bytes, so the fuzzer mutates
// every field of the format rather than megabytes of weights, and a second network of the same
// input and output shapes but other layers (a checkpoint "of another model").
#include <cstdio>
#include <cstdlib>

#include <staticnn/core/sequential.hpp>
#include <staticnn/layers/activation.hpp>
#include <staticnn/layers/batchnorm.hpp>
#include <staticnn/layers/conv2d.hpp>
#include <staticnn/layers/dense.hpp>
#include <staticnn/layers/flatten.hpp>
#include <staticnn/layers/pool.hpp>

namespace staticnn::fuzz {

using tiny =
    sequential<shape<1, 6, 6>, conv2d<2, 3>, batchnorm, sigmoid, avg_pool<2>, flatten, dense<3>>;
using tiny_other =
    sequential<shape<1, 6, 6>, conv2d<2, 3>, sigmoid, avg_pool<2>, flatten, dense<3>>;

// A broken invariant: print it and abort, which libFuzzer reports as a crash with the input.
#define STATICNN_FUZZ_CHECK(cond)                                                       \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

}  // namespace staticnn::fuzz
