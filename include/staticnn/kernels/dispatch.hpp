#pragma once
// Instruction-set dispatch for the host's hot kernels. A portable x86-64 build runs the AVX-512
// or AVX2+FMA copy of a kernel when the CPU has it (checked once, at run time), else the
// baseline copy; other targets (Arm, firmware) compile the baseline only (target::x86_dispatch).
// Results can differ in the last bits between copies (FMA), never within one: within a copy a
// value never depends on its position in an array or batch, the batch size or the thread count.
// limit_isa() caps the copy for the whole process, to compare copies side by side
// (`staticnn bench --isa`) and to test each one (tests/host/isa_main.cpp).
#include <atomic>
#include <cstddef>
#include <optional>
#include <string_view>

#include "gemm.hpp"
#include "target.hpp"

namespace staticnn::kernels {

enum class isa { baseline, avx2, avx512 };

inline constexpr const char* isa_name(isa i) {
  return i == isa::avx512 ? "avx512" : i == isa::avx2 ? "avx2" : "baseline";
}
inline constexpr std::optional<isa> parse_isa(std::string_view s) {
  for (isa i : {isa::baseline, isa::avx2, isa::avx512})
    if (s == isa_name(i)) return i;
  return std::nullopt;
}

// The best copy this CPU runs (baseline where dispatch is compiled out).
inline isa cpu_isa() {
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

namespace detail {
inline std::atomic<isa> isa_cap{isa::avx512};
}

// The copy kernels run from now on: at most `cap`, never above what the CPU has. Returns false
// (and changes nothing) when the CPU lacks `cap`. Call it before starting work, not during.
inline bool limit_isa(isa cap) {
  if (cap > cpu_isa()) return false;
  detail::isa_cap.store(cap, std::memory_order_relaxed);
  return true;
}

// The copy kernels run: cpu_isa(), capped by limit_isa().
inline isa host_isa() {
  const isa cap = detail::isa_cap.load(std::memory_order_relaxed), cpu = cpu_isa();
  return cap < cpu ? cap : cpu;
}

// Kernel::run<VB>(args...) with VB-byte vectors, one out-of-line copy per instruction set (the
// baseline one too, so that on_best_isa's flattened loop bodies do not each inline a copy).
template <class Kernel, class... A>
[[gnu::noinline]] void run_baseline(A... args) {
  Kernel::template run<16>(args...);
}
#ifdef STATICNN_X86_DISPATCH
template <class Kernel, class... A>
[[gnu::target("avx512f,avx512bw,avx512vl,avx512dq,fma"), gnu::noinline]] void run_avx512(A... args) {
  Kernel::template run<64>(args...);
}
template <class Kernel, class... A>
[[gnu::target("avx2,fma"), gnu::noinline]] void run_avx2(A... args) {
  Kernel::template run<32>(args...);
}
#endif

template <class Kernel, class... A>
void run_best(A... args) {
#ifdef STATICNN_X86_DISPATCH
  switch (host_isa()) {
    case isa::avx512: return run_avx512<Kernel>(args...);
    case isa::avx2: return run_avx2<Kernel>(args...);
    case isa::baseline: break;
  }
#endif
  run_baseline<Kernel>(args...);
}

template <std::size_t N, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Accumulate>
struct gemm_kernel {
  template <std::size_t VB, class T>
  [[gnu::always_inline]] static void run(std::size_t m, std::size_t k, const T* a, const T* b, T* c) {
    gemm_blocked<N, LDA, LDB, LDC, Accumulate, VB>(m, k, a, b, c);
  }
};
template <std::size_t N, std::size_t K, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Accumulate>
struct gemm_nt_kernel {
  template <std::size_t VB, class T>
  [[gnu::always_inline]] static void run(std::size_t m, const T* a, const T* b, T* c) {
    gemm_nt_blocked<N, K, LDA, LDB, LDC, Accumulate, VB>(m, a, b, c);
  }
};

// C (+)= A * B (see gemm.hpp) for m x k times k x N, on the best instruction set of this CPU.
template <std::size_t N, std::size_t LDA, std::size_t LDB = N, std::size_t LDC = N, bool Accumulate = false, class T>
inline void gemm(std::size_t m, std::size_t k, const T* a, const T* b, T* c) {
  run_best<gemm_kernel<N, LDA, LDB, LDC, Accumulate>>(m, k, a, b, c);
}

// C (+)= A * B^T (see gemm.hpp) for m x K times (N x K)^T, on the best instruction set of this CPU.
template <std::size_t N, std::size_t K, std::size_t LDA = K, std::size_t LDB = K, std::size_t LDC = N,
          bool Accumulate = false, class T>
inline void gemm_nt(std::size_t m, const T* a, const T* b, T* c) {
  run_best<gemm_nt_kernel<N, K, LDA, LDB, LDC, Accumulate>>(m, a, b, c);
}

#ifdef STATICNN_X86_DISPATCH
// f(begin, end) with f and everything it calls inlined (flatten), compiled for one instruction set.
template <class F>
[[gnu::target("avx512f,avx512bw,avx512vl,avx512dq,fma"), gnu::flatten, gnu::noinline]] void run_loop_avx512(
    const F& f, std::size_t begin, std::size_t end) {
  f(begin, end);
}
template <class F>
[[gnu::target("avx2,fma"), gnu::flatten, gnu::noinline]] void run_loop_avx2(const F& f, std::size_t begin, std::size_t end) {
  f(begin, end);
}
#endif

// A loop body f(begin, end) that runs as a copy compiled for the best instruction set of this
// CPU, so elementwise loops (exp, batchnorm, pooling) vectorise 8 or 16 wide in a portable
// build: ex.parallel_for(n, kernels::on_best_isa([&](std::size_t b0, std::size_t b1) { ... })).
// The choice depends on the CPU only, never on the executor or the thread count.
template <class F>
struct best_isa_loop {
  F f;
  void operator()(std::size_t begin, std::size_t end) const {
#ifdef STATICNN_X86_DISPATCH
    switch (host_isa()) {
      case isa::avx512: return run_loop_avx512(f, begin, end);
      case isa::avx2: return run_loop_avx2(f, begin, end);
      case isa::baseline: break;
    }
#endif
    f(begin, end);
  }
};
template <class F>
best_isa_loop<F> on_best_isa(F f) {
  return {f};
}

}  // namespace staticnn::kernels
