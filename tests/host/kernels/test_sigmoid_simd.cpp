// kernels::sigmoid_simd against the scalar kernels::sigmoid (the training and firmware arithmetic)
// for every vector width the kernel is written for (16, 32 and 64 bytes: run<VB> compiled for the
// baseline instruction set emulates wider vectors, so all three run on any CPU), the copy this
// process runs (host_isa_tests runs once per copy the CPU has), every tail length up to four
// vectors, and the edge inputs: clamped magnitudes, infinities and NaN. A value's result must
// not depend on the array's length or the value's position in it (body or tail).
#include "staticnn/kernels/sigmoid_simd.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

#include "staticnn/kernels/sigmoid.hpp"
#include "staticnn/train/rng.hpp"

namespace sk = staticnn::kernels;

namespace {

std::vector<float> inputs() {
  std::vector<float> x{0.0f, -0.0f, 1e-8f, -1e-8f, 0.5f, -0.5f, 20.0f, -20.0f, 86.9f, -86.9f, 87.5f, -87.5f,
                       88.5f, -88.5f, 1e30f, -1e30f, std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
  staticnn::train::rng g(5);
  while (x.size() < 64 + 3) x.push_back(static_cast<float>(g.uniform(-12, 12)));
  return x;
}

// Equal to the scalar kernel up to 2 ulp (the copies may contract multiply-adds differently),
// NaN for NaN.
void check_against_scalar(const std::vector<float>& x, const std::vector<float>& y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(x[i]);
    const float want = sk::sigmoid(x[i]);
    if (std::isnan(want)) {
      CHECK(std::isnan(y[i]));
      continue;
    }
    CHECK(std::abs(y[i] - want) <= 2 * std::numeric_limits<float>::epsilon() * std::abs(want));
  }
}

template <std::size_t VB>
void check_width() {
  const std::vector<float> x = inputs();
  for (std::size_t n = 0; n <= x.size(); ++n) {
    CAPTURE(n);
    std::vector<float> y(x.size(), -1.0f);
    sk::sigmoid_simd_kernel::run<VB>(x.data(), y.data(), n);
    check_against_scalar(x, y, n);
    for (std::size_t i = n; i < y.size(); ++i) CHECK(y[i] == -1.0f);  // nothing written past n
    // y[i] depends on x[i] alone, not on n or i (body or tail): each value alone, bit for bit.
    for (std::size_t i = 0; i < n; ++i) {
      float alone;
      sk::sigmoid_simd_kernel::run<VB>(&x[i], &alone, 1);
      if (std::isnan(alone)) CHECK(std::isnan(y[i]));
      else CHECK(std::memcmp(&alone, &y[i], sizeof alone) == 0);
    }
  }
}

}  // namespace

TEST_CASE("sigmoid_simd: every vector width equals the scalar kernel") {
  check_width<16>();
  check_width<32>();
  check_width<64>();
}

TEST_CASE("sigmoid_simd: the dispatched copy, in place, independent of length and position") {
  const std::vector<float> x = inputs();
  std::vector<float> y = x;
  sk::sigmoid_simd(y.data(), y.data(), y.size());
  check_against_scalar(x, y, x.size());
  for (std::size_t n = 1; n <= x.size(); ++n)
    for (std::size_t first = 0; first + n <= x.size(); first += 7) {
      std::vector<float> z(x.begin() + static_cast<std::ptrdiff_t>(first),
                           x.begin() + static_cast<std::ptrdiff_t>(first + n));
      sk::sigmoid_simd(z.data(), z.data(), n);
      for (std::size_t i = 0; i < n; ++i)
        if (!std::isnan(z[i])) CHECK(std::memcmp(&z[i], &y[first + i], sizeof(float)) == 0);
    }
}

TEST_CASE("sigmoid_simd: double runs the scalar code") {
  std::vector<double> x{-3.0, -0.25, 0.0, 0.75, 5.0}, y(5);
  sk::sigmoid_simd(x.data(), y.data(), 5);
  for (std::size_t i = 0; i < 5; ++i) CHECK(y[i] == sk::sigmoid(x[i]));
}
