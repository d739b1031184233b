// kernels::gemm and kernels::gemm_nt against a double-precision triple loop, on the instruction
// set copy this process runs (host_isa_tests runs once per copy the CPU has), over shapes that
// exercise full tiles, row and column remainders, scalar columns and k tails, with and without
// accumulation into C; and every row of C equal bit for bit to the same row computed alone.
#include "staticnn/kernels/dispatch.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "staticnn/train/rng.hpp"

namespace sk = staticnn::kernels;

namespace {

// The copy under test: the one this process runs (tests/host/isa_main.cpp runs the test once per
// copy the CPU has).
template <class Kernel, class... A>
void run(A... args) {
  sk::run_best<Kernel>(args...);
}

std::vector<float> random_floats(std::size_t n, staticnn::train::rng& g) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(g.uniform(-1, 1));
  return v;
}

// Every C[i][j], j < n, is (Acc ? C0[i][j] : 0) + sum_kk term(i, j, kk) within a few float roundings
// of the sum of |terms|; the padding j in [n, ldc) between rows is never written.
template <class Term>
void check_c(const std::vector<float>& c, const std::vector<float>& c0, std::size_t m, std::size_t n,
             std::size_t ldc, std::size_t k, bool acc, Term term) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < ldc; ++j) {
      if (j >= n) {
        CHECK(c[i * ldc + j] == c0[i * ldc + j]);
        continue;
      }
      double want = acc ? c0[i * ldc + j] : 0.0, mag = std::abs(want);
      for (std::size_t kk = 0; kk < k; ++kk) {
        const double t = term(i, j, kk);
        want += t, mag += std::abs(t);
      }
      CHECK(std::abs(static_cast<double>(c[i * ldc + j]) - want) <= 4e-6 * (mag + 1.0));
    }
}

// C (m x N, row stride N + 3) (+)= A (m x k, row stride 19) * B (k x N, row stride N + 2).
template <std::size_t N, bool Acc>
void check_gemm(std::size_t m, std::size_t k, staticnn::train::rng& g) {
  constexpr std::size_t LDB = N + 2, LDC = N + 3;
  constexpr std::size_t LDA = 19;  // >= every k below + 1
  const auto a = random_floats(m * LDA, g), b = random_floats(k * LDB + 1, g), c0 = random_floats(m * LDC, g);
  auto c = c0;
  run<sk::gemm_kernel<N, LDA, LDB, LDC, Acc>>(m, k, a.data(), b.data(), c.data());
  check_c(c, c0, m, N, LDC, k, Acc, [&](std::size_t i, std::size_t j, std::size_t kk) {
    return static_cast<double>(a[i * LDA + kk]) * b[kk * LDB + j];
  });
  // A row of C does not depend on the rows around it (its tile): each one alone, bit for bit.
  for (std::size_t i = 0; i < m; ++i) {
    std::vector<float> row(c0.begin() + static_cast<std::ptrdiff_t>(i * LDC),
                           c0.begin() + static_cast<std::ptrdiff_t>((i + 1) * LDC));
    run<sk::gemm_kernel<N, LDA, LDB, LDC, Acc>>(std::size_t{1}, k, a.data() + i * LDA, b.data(), row.data());
    for (std::size_t j = 0; j < N; ++j) CHECK(row[j] == c[i * LDC + j]);
  }
}

// C (m x N, row stride N + 1) (+)= A (m x K, row stride K + 2) * B^T (B: N x K, row stride K + 3).
template <std::size_t N, std::size_t K, bool Acc>
void check_gemm_nt(std::size_t m, staticnn::train::rng& g) {
  constexpr std::size_t LDA = K + 2, LDB = K + 3, LDC = N + 1;
  const auto a = random_floats(m * LDA, g), b = random_floats(N * LDB, g), c0 = random_floats(m * LDC, g);
  auto c = c0;
  run<sk::gemm_nt_kernel<N, K, LDA, LDB, LDC, Acc>>(m, a.data(), b.data(), c.data());
  check_c(c, c0, m, N, LDC, K, Acc, [&](std::size_t i, std::size_t j, std::size_t kk) {
    return static_cast<double>(a[i * LDA + kk]) * b[j * LDB + kk];
  });
  for (std::size_t i = 0; i < m; ++i) {  // each row alone, bit for bit
    std::vector<float> row(c0.begin() + static_cast<std::ptrdiff_t>(i * LDC),
                           c0.begin() + static_cast<std::ptrdiff_t>((i + 1) * LDC));
    run<sk::gemm_nt_kernel<N, K, LDA, LDB, LDC, Acc>>(std::size_t{1}, a.data() + i * LDA, b.data(), row.data());
    for (std::size_t j = 0; j < N; ++j) CHECK(row[j] == c[i * LDC + j]);
  }
}

}  // namespace

TEST_CASE("gemm: every tile shape and remainder against a double-precision reference") {
  staticnn::train::rng g(7);
  for (const std::size_t m : {1u, 2u, 3u, 5u, 6u, 7u, 13u})
    for (const std::size_t k : {0u, 1u, 5u, 18u}) {
      CAPTURE(m);
      CAPTURE(k);
      check_gemm<7, true>(m, k, g);
      check_gemm<25, false>(m, k, g);
      check_gemm<150, true>(m, k, g);
    }
}

TEST_CASE("gemm_nt: every tile shape and remainder against a double-precision reference") {
  staticnn::train::rng g(8);
  for (const std::size_t m : {1u, 2u, 3u, 6u}) {
    CAPTURE(m);
    check_gemm_nt<3, 7, true>(m, g);
    check_gemm_nt<4, 16, false>(m, g);
    check_gemm_nt<7, 67, true>(m, g);
    check_gemm_nt<25, 64, true>(m, g);
  }
}
