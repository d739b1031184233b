// rng: xoshiro256** seeded by splitmix64. Checked against the published algorithms (values
// worked out from their definitions), plus range and reproducibility properties.
#include "staticnn/train/rng.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

using staticnn::train::rng;

TEST_CASE("rng: seeding is splitmix64") {
  // splitmix64 from state 0: the well-known sequence e220a8397b1dcdaf, 6e789e6aa1b965f4, ...
  const rng g(0);
  CHECK(g.s[0] == 0xe220a8397b1dcdafULL);
  CHECK(g.s[1] == 0x6e789e6aa1b965f4ULL);
  CHECK(g.s[2] == 0x06c45d188009454fULL);
  CHECK(g.s[3] == 0xf88bb8a8724c81ecULL);
}

TEST_CASE("rng: next() is xoshiro256**") {
  // From state {1, 2, 3, 4}: first output rotl(2 * 5, 7) * 9 = 1280 * 9 = 11520; after one update
  // s[1] = 2 ^ (3 ^ 1) = 0, so the second output is 0; then 1509978240 and 1215971899390074240.
  rng g;
  g.s = {1, 2, 3, 4};
  CHECK(g.next() == 11520);
  CHECK(g.next() == 0);
  CHECK(g.next() == 1509978240ULL);
  CHECK(g.next() == 1215971899390074240ULL);
  // Seeded from 0 (splitmix64 state above).
  rng h(0);
  CHECK(h.next() == 0x99ec5f36cb75f2b4ULL);
  CHECK(h.next() == 0xbf6e1f784956452aULL);
  CHECK(h.next() == 0x1a5f849d4933e6e0ULL);
}

TEST_CASE("rng: same seed gives the same sequence, different seeds differ") {
  rng a(12345), b(12345), c(12346);
  std::size_t equal_to_c = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t va = a.next();
    CHECK(va == b.next());
    equal_to_c += va == c.next();
  }
  CHECK(equal_to_c == 0);
  // Copying the state resumes the same stream (checkpointable).
  rng d = a;
  for (int i = 0; i < 10; ++i) CHECK(d.next() == a.next());
}

TEST_CASE("rng: uniform() is in [0, 1) with mean 1/2 and variance 1/12") {
  rng g(99);
  constexpr int n = 100000;
  double sum = 0, sum2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const double u = g.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum2 += u * u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  // Standard error of the mean: sqrt(1/12 / n) = 0.00091; allow 5 of them.
  CHECK(std::abs(mean - 0.5) < 0.0046);
  // Var(u^2) for U(0,1) = 1/5 - 1/9 = 4/45, so the variance estimate's SE is ~ sqrt(4/45/n) = 0.00094.
  CHECK(std::abs(var - 1.0 / 12) < 0.0047);
  CHECK(lo < 1e-3);
  CHECK(hi > 1 - 1e-3);
  // uniform(lo, hi) maps onto [lo, hi).
  for (int i = 0; i < 1000; ++i) {
    const double v = g.uniform(-3, 5);
    CHECK((v >= -3 && v < 5));
  }
}

TEST_CASE("rng: below(n) stays in [0, n) and hits every value") {
  rng g(5);
  CHECK(g.below(1) == 0);
  for (const std::uint64_t n : {2ULL, 3ULL, 7ULL, 10ULL, 1000ULL, (1ULL << 63) + 1, ~0ULL}) {
    for (int i = 0; i < 2000; ++i) REQUIRE(g.below(n) < n);
  }
  // Histogram of below(10) over 100000 draws: each bin expects 10000 with SD ~ 95; 5 SD = 475.
  std::array<int, 10> bins{};
  for (int i = 0; i < 100000; ++i) ++bins[g.below(10)];
  for (const int b : bins) CHECK(std::abs(b - 10000) < 475);
}

TEST_CASE("rng: shuffle is a reproducible permutation") {
  std::vector<int> a(50), b(50);
  std::iota(a.begin(), a.end(), 0);
  b = a;
  rng g1(3), g2(3);
  g1.shuffle(a.begin(), a.end());
  g2.shuffle(b.begin(), b.end());
  CHECK(a == b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> id(50);
  std::iota(id.begin(), id.end(), 0);
  CHECK(sorted == id);
  CHECK(a != id);  // 50! permutations: the identity has probability 3e-65
}
