#pragma once
// C (+)= A * B, row-major: A is m x k (row stride LDA), B is k x N (row stride LDB), C is m x N
// (row stride LDC). N and the strides are compile-time; m and k are not. Register-blocked: a
// tile of MR rows x NV vectors of C stays in registers while k runs, so each loaded B vector
// feeds MR multiply-adds. Every C value is summed over k in order with the same vector
// multiply-add (columns left over too), so the result does not depend on the tiles, the row's
// place or the vector width (chosen per instruction set by kernels/dispatch.hpp).
#include <cstddef>
#include <cstring>

// GCC 12 cannot see that m rows fit the caller's arrays and warns about tiles it never runs.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif

namespace staticnn::kernels {

// VB-byte vectors of T (GCC/Clang vector extension; lowered to scalars where the target has none).
template <class T, std::size_t VB>
struct simd {
  typedef T type __attribute__((vector_size(VB)));
  static constexpr std::size_t width = VB / sizeof(T);
  // By reference: passing vectors by value from a function compiled for another ISA changes the ABI.
  [[gnu::always_inline]] static void load(type& v, const T* p) { std::memcpy(&v, p, sizeof v); }
  [[gnu::always_inline]] static void store(T* p, const type& v) { std::memcpy(p, &v, sizeof v); }
  // The first n < width lanes from p, the others zero; and back (only n values written). A tail
  // computed this way runs the same vector arithmetic as a whole vector.
  [[gnu::always_inline]] static void load_partial(type& v, const T* p, std::size_t n) {
    T buf[width] = {};
    std::memcpy(buf, p, n * sizeof(T));
    load(v, buf);
  }
  [[gnu::always_inline]] static void store_partial(T* p, const type& v, std::size_t n) {
    T buf[width];
    store(buf, v);
    std::memcpy(p, buf, n * sizeof(T));
  }
};

// MR rows x NV vectors of C.
template <std::size_t VB, std::size_t MR, std::size_t NV, std::size_t LDA, std::size_t LDB, std::size_t LDC,
          bool Accumulate, class T>
[[gnu::always_inline]] inline void gemm_tile(std::size_t k, const T* a, const T* b, T* c) {
  using S = simd<T, VB>;
  using V = typename S::type;
  V acc[MR][NV];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) {
      acc[r][v] = V{};
      if constexpr (Accumulate) S::load(acc[r][v], c + r * LDC + v * S::width);
    }
  for (std::size_t kk = 0; kk < k; ++kk) {
    V bk[NV];
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) S::load(bk[v], b + kk * LDB + v * S::width);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < MR; ++r) {
      const V ar = a[r * LDA + kk] - V{};  // a broadcast load (x - 0 is x, even for -0)
#pragma GCC unroll 8
      for (std::size_t v = 0; v < NV; ++v) acc[r][v] += ar * bk[v];
    }
  }
#pragma GCC unroll 8
  for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) S::store(c + r * LDC + v * S::width, acc[r][v]);
}

// Fewer than one 16-byte vector of columns left over (NT < 16 / sizeof(T)): the same arithmetic
// as gemm_tile in one zero-padded 16-byte vector per row (only NT columns read and written), so a
// column's value does not depend on whether it fell in a tile or in the rest.
template <std::size_t MR, std::size_t NT, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Accumulate,
          class T>
[[gnu::always_inline]] inline void gemm_rest(std::size_t k, const T* a, const T* b, T* c) {
  using S = simd<T, 16>;
  using V = typename S::type;
  static_assert(NT < S::width);
  V acc[MR];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < MR; ++r) {
    acc[r] = V{};
    if constexpr (Accumulate) S::load_partial(acc[r], c + r * LDC, NT);
  }
  for (std::size_t kk = 0; kk < k; ++kk) {
    V bk;
    S::load_partial(bk, b + kk * LDB, NT);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < MR; ++r) acc[r] += (a[r * LDA + kk] - V{}) * bk;
  }
#pragma GCC unroll 8
  for (std::size_t r = 0; r < MR; ++r) S::store_partial(c + r * LDC, acc[r], NT);
}

// MR rows: two-vector tiles, one-vector tiles, then the rest with narrower vectors.
template <std::size_t MR, std::size_t N, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Accumulate,
          std::size_t VB, class T>
[[gnu::always_inline]] inline void gemm_rows(std::size_t k, const T* a, const T* b, T* c) {
  constexpr std::size_t W = VB / sizeof(T), NB = N / (2 * W) * (2 * W), N1 = (N - NB) / W * W, NT = N - NB - N1;
  for (std::size_t j = 0; j < NB; j += 2 * W) gemm_tile<VB, MR, 2, LDA, LDB, LDC, Accumulate>(k, a, b + j, c + j);
  if constexpr (N1 > 0) gemm_tile<VB, MR, 1, LDA, LDB, LDC, Accumulate>(k, a, b + NB, c + NB);
  if constexpr (NT > 0) {
    if constexpr (VB > 16 && NT * sizeof(T) >= 16)
      gemm_rows<MR, NT, LDA, LDB, LDC, Accumulate, VB / 2>(k, a, b + NB + N1, c + NB + N1);
    else
      gemm_rest<MR, NT, LDA, LDB, LDC, Accumulate>(k, a, b + NB + N1, c + NB + N1);
  }
}

// Tiles of 6 rows (12 accumulators, 2 B vectors and a broadcast fit 16 vector registers), then
// the remaining rows as 4 + 2 + 1.
template <std::size_t N, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Accumulate, std::size_t VB, class T>
[[gnu::always_inline]] inline void gemm_blocked(std::size_t m, std::size_t k, const T* a, const T* b, T* c) {
  constexpr std::size_t MR = 6;
  std::size_t i = 0;
  for (; i + MR <= m; i += MR) gemm_rows<MR, N, LDA, LDB, LDC, Accumulate, VB>(k, a + i * LDA, b, c + i * LDC);
  if ((m - i) & 4) gemm_rows<4, N, LDA, LDB, LDC, Accumulate, VB>(k, a + i * LDA, b, c + i * LDC), i += 4;
  if ((m - i) & 2) gemm_rows<2, N, LDA, LDB, LDC, Accumulate, VB>(k, a + i * LDA, b, c + i * LDC), i += 2;
  if ((m - i) & 1) gemm_rows<1, N, LDA, LDB, LDC, Accumulate, VB>(k, a + i * LDA, b, c + i * LDC);
}

// C (+)= A * B^T: A is m x K (row stride LDA), B is N x K (row stride LDB), both read along k,
// so neither needs transposing (e.g. a weight gradient dy * col^T from im2col's rows). Each C
// value is summed over k in the lanes of one vector (the k after the last whole vector in one
// more, zero-padded), then the lanes by folding the upper half onto the lower one until one is
// left: fixed for a given vector width, whatever the tile it falls in.
template <class T, std::size_t VB>
[[gnu::always_inline]] inline T lane_sum(const typename simd<T, VB>::type& v) {
  if constexpr (VB == sizeof(T)) {
    T x;
    std::memcpy(&x, &v, sizeof x);
    return x;
  } else {
    using H = simd<T, VB / 2>;
    typename H::type lo, hi;
    std::memcpy(&lo, &v, VB / 2);
    std::memcpy(&hi, reinterpret_cast<const char*>(&v) + VB / 2, VB / 2);
    return lane_sum<T, VB / 2>(lo + hi);  // fold the upper half onto the lower one
  }
}

template <std::size_t VB, std::size_t MR, std::size_t NR, std::size_t K, std::size_t LDA, std::size_t LDB,
          std::size_t LDC, bool Accumulate, class T>
[[gnu::always_inline]] inline void gemm_nt_tile(const T* a, const T* b, T* c) {
  using S = simd<T, VB>;
  using V = typename S::type;
  constexpr std::size_t W = S::width, KV = K / W * W;
  V acc[MR][NR];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NR; ++j) acc[r][j] = V{};
  for (std::size_t kk = 0; kk < KV; kk += W) {
    V av[MR];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < MR; ++r) S::load(av[r], a + r * LDA + kk);
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NR; ++j) {
      V bv;
      S::load(bv, b + j * LDB + kk);
#pragma GCC unroll 8
      for (std::size_t r = 0; r < MR; ++r) acc[r][j] += av[r] * bv;
    }
  }
  if constexpr (KV < K) {  // the k after the last whole vector: one more zero-padded vector
    V av[MR];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < MR; ++r) S::load_partial(av[r], a + r * LDA + KV, K - KV);
#pragma GCC unroll 8
    for (std::size_t j = 0; j < NR; ++j) {
      V bv;
      S::load_partial(bv, b + j * LDB + KV, K - KV);
#pragma GCC unroll 8
      for (std::size_t r = 0; r < MR; ++r) acc[r][j] += av[r] * bv;
    }
  }
  for (std::size_t r = 0; r < MR; ++r)
    for (std::size_t j = 0; j < NR; ++j) {
      const T s = lane_sum<T, VB>(acc[r][j]);
      c[r * LDC + j] = Accumulate ? c[r * LDC + j] + s : s;
    }
}

// MR rows of C: tiles of 4 columns, then 2 + 1.
template <std::size_t VB, std::size_t MR, std::size_t N, std::size_t K, std::size_t LDA, std::size_t LDB,
          std::size_t LDC, bool Accumulate, class T>
[[gnu::always_inline]] inline void gemm_nt_rows(const T* a, const T* b, T* c) {
  constexpr std::size_t N4 = N / 4 * 4;
  for (std::size_t j = 0; j < N4; j += 4) gemm_nt_tile<VB, MR, 4, K, LDA, LDB, LDC, Accumulate>(a, b + j * LDB, c + j);
  if constexpr ((N - N4) & 2) gemm_nt_tile<VB, MR, 2, K, LDA, LDB, LDC, Accumulate>(a, b + N4 * LDB, c + N4);
  if constexpr ((N - N4) & 1)
    gemm_nt_tile<VB, MR, 1, K, LDA, LDB, LDC, Accumulate>(a, b + (N - 1) * LDB, c + N - 1);
}

template <std::size_t N, std::size_t K, std::size_t LDA, std::size_t LDB, std::size_t LDC, bool Accumulate,
          std::size_t VB, class T>
[[gnu::always_inline]] inline void gemm_nt_blocked(std::size_t m, const T* a, const T* b, T* c) {
  std::size_t i = 0;
  for (; i + 2 <= m; i += 2) gemm_nt_rows<VB, 2, N, K, LDA, LDB, LDC, Accumulate>(a + i * LDA, b, c + i * LDC);
  if (i < m) gemm_nt_rows<VB, 1, N, K, LDA, LDB, LDC, Accumulate>(a + i * LDA, b, c + i * LDC);
}

}  // namespace staticnn::kernels

#pragma GCC diagnostic pop
