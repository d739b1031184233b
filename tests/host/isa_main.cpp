// The runner of host_isa_tests: `host_isa_tests --isa baseline|avx2|avx512 [doctest options]` caps
// the kernels at that instruction-set copy (kernels::limit_isa) and runs every test in the
// files listed for it in tests/CMakeLists.txt, which exercise whatever copy the process runs.
// CTest runs it once per copy; a copy this CPU (or this build) cannot run exits with 77, which
// CTest reports as skipped, never as passed. doctest's implementation: host/doctest_impl.cpp.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>

#include "staticnn/kernels/dispatch.hpp"

namespace sk = staticnn::kernels;

int main(int argc, char** argv) {
  if (argc < 3 || std::strcmp(argv[1], "--isa") != 0) {
    std::fprintf(stderr, "usage: %s --isa baseline|avx2|avx512 [doctest options]\n", argv[0]);
    return 2;
  }
  const auto copy = sk::parse_isa(argv[2]);
  if (!copy) {
    std::fprintf(stderr, "%s: unknown instruction set '%s'\n", argv[0], argv[2]);
    return 2;
  }
  if (!sk::limit_isa(*copy)) {
    std::printf("host_isa_tests: skipped: %s copy not runnable here (this CPU and build run at most %s)\n",
                argv[2], sk::isa_name(sk::cpu_isa()));
    return 77;
  }
  if (sk::host_isa() != *copy) return std::fprintf(stderr, "%s: limit_isa did not take\n", argv[0]), 1;
  std::printf("host_isa_tests: kernels run the %s copy\n", sk::isa_name(sk::host_isa()));
  doctest::Context context;
  context.applyCommandLine(argc - 2, argv + 2);
  return context.run();
}
