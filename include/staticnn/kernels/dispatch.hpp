#pragma once
// Instruction-set dispatch for the host's hot kernels. A portable x86-64 build runs the AVX-512
// or AVX2+FMA copy of a kernel when the CPU has it (checked once, at run time), else the
// baseline copy; other targets (Arm, firmware) compile the baseline only. STATICNN_NO_DISPATCH
// turns it off. Results can differ in the last bits between copies (FMA), never within one.
#include <cstddef>

#include "gemm.hpp"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(STATICNN_NO_DISPATCH) && \
    !defined(STATICNN_FIRMWARE)
#define STATICNN_X86_DISPATCH 1
#endif

namespace staticnn::kernels {

enum class isa { baseline, avx2, avx512 };

inline isa host_isa() {
#ifdef STATICNN_X86_DISPATCH
  static const isa best = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq"))
      return isa::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return isa::avx2;
    return isa::baseline;
  }();
  return best;
#else
  return isa::baseline;
#endif
}

#ifdef STATICNN_X86_DISPATCH
template <std::size_t N, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Acc, class T>
[[gnu::target("avx512f,avx512bw,avx512vl,avx512dq,fma"), gnu::noinline]] void gemm_avx512(std::size_t m, std::size_t k,
                                                                                          const T* a, const T* b, T* c) {
  gemm_blocked<N, LDA, LDB, LDC, Acc, 64>(m, k, a, b, c);
}
template <std::size_t N, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Acc, class T>
[[gnu::target("avx2,fma"), gnu::noinline]] void gemm_avx2(std::size_t m, std::size_t k, const T* a, const T* b, T* c) {
  gemm_blocked<N, LDA, LDB, LDC, Acc, 32>(m, k, a, b, c);
}
#endif

// C (+)= A * B (see gemm.hpp) for m x k times k x N, on the best instruction set of this CPU.
template <std::size_t N, std::size_t LDA, std::size_t LDB = N, std::size_t LDC = N, bool Accumulate = false, class T>
inline void gemm(std::size_t m, std::size_t k, const T* a, const T* b, T* c) {
#ifdef STATICNN_X86_DISPATCH
  switch (host_isa()) {
    case isa::avx512: return gemm_avx512<N, LDA, LDB, LDC, Accumulate>(m, k, a, b, c);
    case isa::avx2: return gemm_avx2<N, LDA, LDB, LDC, Accumulate>(m, k, a, b, c);
    case isa::baseline: break;
  }
#endif
  gemm_blocked<N, LDA, LDB, LDC, Accumulate, 16>(m, k, a, b, c);
}

}  // namespace staticnn::kernels
