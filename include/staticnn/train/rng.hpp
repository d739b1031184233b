#pragma once
// xoshiro256** seeded through splitmix64: fast, and its whole state (four words) is plain data
// that a checkpoint can store, so a resumed run draws the same numbers as an uninterrupted one.
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/assert.hpp"

namespace staticnn::train {

struct rng {
  std::array<std::uint64_t, 4> s{};

  explicit rng(std::uint64_t seed = 0) {
    for (auto& w : s) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      w = z ^ (z >> 31);
    }
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0, unbiased (rejects the top partial range of 2^64).
  std::uint64_t below(std::uint64_t n) {
    STATICNN_ASSERT(n > 0, "rng: below(0) has no value to return");
    const std::uint64_t threshold = (0 - n) % n;
    for (;;)
      if (const std::uint64_t r = next(); r >= threshold) return r % n;
  }
  template <class It>
  void shuffle(It first, It last) {
    const auto count = static_cast<std::uint64_t>(last - first);
    for (std::uint64_t i = count; i > 1; --i) std::swap(first[i - 1], first[below(i)]);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
};

}  // namespace staticnn::train
