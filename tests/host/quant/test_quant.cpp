// int8 quantization (include/staticnn/quant/): the fixed-point helpers by hand and against
// double precision, the sigmoid table against std::exp, quantize/dequantize bounds, and an int8
// layer against a sum computed here.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include <staticnn/kernels/requantize_s8.hpp>
#include <staticnn/quant/quantize.hpp>

namespace sn = staticnn;
namespace q = staticnn::quant;

TEST_CASE("quant: fixed-point helpers on hand-derived cases") {
  CHECK(q::saturating_rounding_doubling_high_mul(1 << 30, 1 << 30) == (1 << 29));  // 2^60 / 2^31
  CHECK(q::saturating_rounding_doubling_high_mul(3, 1 << 30) == 2);                // 1.5 -> 2
  // gemmlowp's nudge for a negative product is 1 - 2^30 and the division truncates: -1.5 -> -1.
  CHECK(q::saturating_rounding_doubling_high_mul(-3, 1 << 30) == -1);
  constexpr auto lo = std::numeric_limits<std::int32_t>::min();
  CHECK(q::saturating_rounding_doubling_high_mul(lo, lo) == std::numeric_limits<std::int32_t>::max());
  CHECK(q::rounding_divide_by_pot(5, 1) == 3);    // 2.5 -> 3
  CHECK(q::rounding_divide_by_pot(-5, 1) == -3);  // -2.5 -> -3
  CHECK(q::rounding_divide_by_pot(7, 2) == 2);    // 1.75
  CHECK(q::rounding_divide_by_pot(-6, 2) == -2);  // -1.5
  CHECK(q::rounding_divide_by_pot(-5, 2) == -1);  // -1.25
  // 0.75 = 0.75 * 2^0: multiplier 0.75 * 2^31, shift 0; 1.5 = 0.75 * 2^1.
  CHECK(q::quantize_multiplier(0.75).multiplier == 1610612736);
  CHECK(q::quantize_multiplier(0.75).shift == 0);
  CHECK(q::quantize_multiplier(1.5).shift == 1);
  CHECK(q::quantize_multiplier(0.0).multiplier == 0);
}

// gemmlowp's own formulations (fixedpoint.h), to check the shorter forms of arithmetic.hpp.
namespace {
std::int32_t gemmlowp_srdhm(std::int32_t a, std::int32_t b) {
  const bool overflow = a == b && a == std::numeric_limits<std::int32_t>::min();
  const std::int64_t ab = std::int64_t{a} * std::int64_t{b};
  const std::int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const auto r = static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
  return overflow ? std::numeric_limits<std::int32_t>::max() : r;
}
std::int32_t gemmlowp_rdbpot(std::int32_t x, int exponent) {
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask, threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}
}  // namespace

TEST_CASE("quant: the fixed-point helpers equal gemmlowp's formulations") {
  std::uint64_t s = 12345;
  auto next = [&] { return static_cast<std::uint32_t>((s = s * 6364136223846793005ull + 1442695040888963407ull) >> 32); };
  for (int i = 0; i < 300000; ++i) {
    auto a = static_cast<std::int32_t>(next()), b = static_cast<std::int32_t>(next());
    if (i % 3 == 0) a >>= next() % 31;
    if (i % 5 == 0) b = static_cast<std::int32_t>((1u << 30) + (next() >> 2));  // a multiplier
    REQUIRE(q::saturating_rounding_doubling_high_mul(a, b) == gemmlowp_srdhm(a, b));
    const int e = static_cast<int>(next() % 32);
    REQUIRE(q::rounding_divide_by_pot(a, e) == gemmlowp_rdbpot(a, e));
  }
  for (std::int32_t x = -5000; x <= 5000; ++x)
    for (int e = 0; e < 16; ++e) REQUIRE(q::rounding_divide_by_pot(x, e) == gemmlowp_rdbpot(x, e));
}

namespace {
// TFLite's requantization from gemmlowp's formulations: the left shift (wrapping, as TFLite's
// int32 arithmetic), the doubling high multiply, the rounding right shift, then the zero point;
// the sum is returned in 64 bits, since TFLite's int32 sum is undefined where it leaves int32.
std::int64_t tflite_requant_unsaturated(std::int32_t acc, std::int32_t m, int shift, std::int32_t zp) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const auto scaled = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) << left);
  return std::int64_t{zp} + gemmlowp_rdbpot(gemmlowp_srdhm(scaled, m), right);
}
}  // namespace

// kernels::requantize_s8 (the int8 conv rescale) on both branches, acc_bound below 2^30 and
// ~0u (the wide branch, whatever the accumulators), against TFLite's arithmetic: every shift from
// -31 to 31, multipliers at and next to INT32_MIN, INT32_MAX and 2^30, accumulators near +-2^31
// and +-2^30 and random, zero points at the int8 edges. Where TFLite's int32 sum of the zero
// point would overflow (no right shift, |acc * m * 2^shift| near 2^62; undefined there), the
// result must be the saturation of the exact sum.
TEST_CASE("quant: requantize_s8, narrow and wide accumulator bounds, equals TFLite's arithmetic") {
  constexpr std::int32_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  std::uint64_t st = 99;
  auto next = [&] { return static_cast<std::uint32_t>((st = st * 6364136223846793005ull + 1442695040888963407ull) >> 32); };
  std::vector<std::int32_t> wide{lo, lo + 1, lo + 2, -(1 << 30) - 1, -(1 << 30), -(1 << 30) + 1, -1, 0, 1,
                                 (1 << 30) - 1, 1 << 30, (1 << 30) + 1, hi - 2, hi - 1, hi};
  for (int i = 0; i < 40; ++i) wide.push_back(static_cast<std::int32_t>(next()) >> (next() % 31));
  std::vector<std::int32_t> narrow;  // |acc| < 2^30
  for (const std::int32_t a : wide)
    if (a > -(1 << 30) && a < (1 << 30)) narrow.push_back(a);
  std::vector<std::int32_t> multipliers{lo, lo + 1, lo + 2, 1, 1 << 30, (1 << 30) + 1, 1518500250, hi - 1, hi};
  for (int i = 0; i < 6; ++i) multipliers.push_back(static_cast<std::int32_t>((1u << 30) + (next() >> 2)));
  std::vector<std::int32_t> acc;
  std::vector<std::int8_t> y;
  std::size_t compared = 0, beyond_int32 = 0, wrong = 0;
  // Requantizes `from` with requantize_s8 and compares every result.
  auto run = [&](const std::vector<std::int32_t>& from, std::int32_t m, int shift, std::int32_t zp, std::uint32_t bound) {
    acc = from;
    for (const std::int32_t a : from) {
      const std::int64_t v = tflite_requant_unsaturated(a, m, shift, zp);
      if (v < lo || v > hi) ++beyond_int32;
    }
    y.assign(acc.size(), 0);
    sn::kernels::requantize_s8(acc.data(), y.data(), acc.size(), m, shift, zp, bound);
    for (std::size_t i = 0; i < acc.size(); ++i) {
      const auto want = std::clamp<std::int64_t>(tflite_requant_unsaturated(acc[i], m, shift, zp), -128, 127);
      ++compared;
      if (y[i] != want && ++wrong < 5)
        FAIL_CHECK("acc " << acc[i] << " multiplier " << m << " shift " << shift << " zero point " << zp << ": "
                          << int{y[i]} << ", TFLite " << want);
    }
  };
  for (const std::int32_t m : multipliers)
    for (int shift = -31; shift <= 31; ++shift)
      for (const std::int32_t zp : {-128, -1, 0, 127}) {
        run(wide, m, shift, zp, ~0u);
        run(narrow, m, shift, zp, (1u << 30) - 1);
      }
  CAPTURE(compared);
  CHECK(beyond_int32 > 0);  // the zero point's overflow was exercised
  CHECK(wrong == 0);
}

// The int8 conv whose biases lie beyond 2^30, so its accumulator bound takes requantize_s8's
// wide branch, against the integer sum and TFLite's arithmetic; the middle channel's bias sits
// at the tie 96.5 of the rescale 0.75 * 2^-23, so outputs round both ways.
TEST_CASE("quant: int8 conv with accumulators beyond 2^30") {
  std::uint64_t st = 5;
  auto next8 = [&] { return static_cast<std::int8_t>((st = st * 6364136223846793005ull + 1442695040888963407ull) >> 56); };
  auto c = std::make_unique<q::qconv2d_layer<sn::shape<2, 6, 12>, 3, 5, 1>>();  // output 3 x 2 x 8
  for (auto& w : c->weights) w = next8();
  for (std::size_t o = 0; o < 3; ++o)
    c->bias[o] = 1079334229 + 20000 - 20000 * static_cast<std::int32_t>(o), c->multiplier[o] = 1610612736, c->shift[o] = -23;
  std::array<std::int8_t, 2 * 6 * 12> x{};
  for (auto& v : x) v = next8();
  std::array<std::int8_t, 3 * 2 * 8> y{};
  c->forward(x, y);
  int at_96 = 0;
  for (std::size_t o = 0; o < 3; ++o)
    for (std::size_t p = 0; p < 16; ++p) {
      const std::size_t oy = p / 8, ox = p % 8;
      std::int32_t acc = c->bias[o];
      for (std::size_t ic = 0; ic < 2; ++ic)
        for (std::size_t ky = 0; ky < 5; ++ky)
          for (std::size_t kx = 0; kx < 5; ++kx)
            acc += c->weights[((o * 2 + ic) * 5 + ky) * 5 + kx] * x[(ic * 6 + oy + ky) * 12 + ox + kx];
      CHECK(y[o * 16 + p] == std::clamp<std::int64_t>(tflite_requant_unsaturated(acc, c->multiplier[o], -23, 0), -128, 127));
      at_96 += y[o * 16 + p] == 96;
    }
  CHECK(at_96 > 0);
  CHECK(at_96 < 48);
}

TEST_CASE("quant: requantization against acc * real computed in double") {
  // TFLite rounds twice when it shifts right (the doubling high multiply, then the division by
  // 2^right): the result is within 0.5 + 0.5 / 2^right of the exact product, and equal to its
  // rounding when there is no right shift (away from a tie). 285 * 0.25 = 71.25 gives 72:
  // 285 * 2^30 / 2^31 = 142.5 -> 143, then 143 / 2 = 71.5 -> 72.
  CHECK(q::multiply_by_quantized_multiplier(285, 1 << 30, -1) == 72);
  const double reals[] = {0.000123, 0.0071, 0.0392, 0.25, 0.4999, 0.73, 1.0, 1.9, 3.7};
  for (double real : reals) {
    const q::fixed_multiplier m = q::quantize_multiplier(real);
    CHECK(std::fabs(std::ldexp(m.multiplier, m.shift - 31) / real - 1) < 1e-9);
    const int right = m.shift < 0 ? -m.shift : 0;
    for (std::int32_t acc = -200000; acc <= 200000; acc += 977) {
      const double exact = static_cast<double>(acc) * real;
      const std::int32_t got = q::multiply_by_quantized_multiplier(acc, m.multiplier, m.shift);
      CHECK(std::fabs(got - exact) <= 0.5 + 0.5 / std::ldexp(1.0, right) + 1e-6);
      const double want = exact >= 0 ? std::floor(exact + 0.5) : -std::floor(-exact + 0.5);
      if (right == 0 && std::fabs(std::fabs(exact - std::trunc(exact)) - 0.5) > 1e-6) CHECK(got == want);
    }
  }
}

TEST_CASE("quant: quantize / dequantize round trip stays within half a step") {
  const q::tensor_params p = q::choose_params(-1.0, 2.0);  // scale 3/255, zero point -128 + 1/(3/255) = -43
  CHECK(p.scale == doctest::Approx(3.0 / 255).epsilon(1e-6));
  CHECK(p.zero_point == -43);
  CHECK(p.dequantize(p.quantize(0.0f)) == 0.0f);  // 0 is exact
  for (int i = 0; i <= 3000; ++i) {
    const float x = -1.0f + 0.001f * static_cast<float>(i);
    const float back = p.dequantize(p.quantize(x));
    CHECK(std::fabs(back - x) <= p.scale * 0.5f * 1.0001f + 1e-6f);
  }
  CHECK(p.quantize(100.0f) == 127);  // saturates
  CHECK(p.quantize(-100.0f) == -128);
  CHECK(q::choose_params(0.0, 1.0).zero_point == -128);  // [0, 1] images: q = round(255 x) - 128
}

TEST_CASE("quant: sigmoid table against std::exp, and an int8 dense layer against its sum") {
  using net_t = sn::sequential<sn::shape<3>, sn::dense<4>, sn::sigmoid, sn::dense<2>>;
  auto net = std::make_unique<net_t>();
  const std::array<float, 16> w1{0.5f, -1.0f, 0.25f, 2.0f, 0.1f, -0.3f, -0.7f, 0.9f, 1.5f, 0.0f, 0.4f, -1.2f, 0.3f, -0.2f, 0.1f, 0.05f};
  std::copy(w1.begin(), w1.end(), net->layer<0>().params.begin());
  const std::array<float, 10> w2{1, -1, 0.5f, 0.25f, -0.5f, 2, 0.75f, -0.125f, 0.2f, -0.1f};
  std::copy(w2.begin(), w2.end(), net->layer<2>().params.begin());
  std::array<float, 3 * 64> images{};
  for (std::size_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>((i * 37) % 101) / 100.0f;
  const auto c = q::calibrate(*net, images.data(), 64);
  const auto qn = q::quantize(*net, c);
  const q::tensor_params in = q::choose_params(c.lo[0], c.hi[0]);  // dense 0's output
  for (int v = -128; v < 128; ++v) {
    const double y = 1 / (1 + std::exp(-double{in.scale} * (v - in.zero_point)));
    const double want = std::clamp(std::round(256 * y) - 128, -128.0, 127.0);
    CHECK(qn.net.layer<1>().table[static_cast<std::size_t>(v + 128)] == want);
  }
  // Dense 0 in int8 against the integer sum done here: acc = b + sum w (x - z_in).
  const auto& d = qn.net.layer<0>();
  const std::array<std::int8_t, 3> x{-128, 0, 127};
  std::array<std::int8_t, 4> y{};
  d.forward(x, y);
  for (std::size_t o = 0; o < 4; ++o) {
    const double sw = std::fabs(*std::max_element(w1.begin() + o * 3, w1.begin() + o * 3 + 3,
                                                   [](float a, float b) { return std::fabs(a) < std::fabs(b); })) / 127;
    std::int64_t acc = std::llround(w1[12 + o] / (double{qn.input.scale} * sw));
    for (std::size_t i = 0; i < 3; ++i) acc += std::llround(w1[o * 3 + i] / sw) * (x[i] - qn.input.zero_point);
    const double want = std::clamp(std::round(static_cast<double>(acc) * double{qn.input.scale} * sw / double{in.scale}) +
                                       in.zero_point, -128.0, 127.0);
    CHECK(std::fabs(y[o] - want) <= 1);  // the double product may round the other way at a tie
  }
}

TEST_CASE("quant: int8 average pooling rounds half away from zero, max pooling takes the largest") {
  // 2x2 windows of a 1x2x4 map: sums 10, -10, 5, -5 -> 2.5, -2.5, 1.25, -1.25 -> 3, -3, 1, -1.
  const std::array<std::int8_t, 8> x{1, 2, -1, -2, 3, 4, -3, -4};
  std::array<std::int8_t, 2> y{};
  q::qpool_layer<sn::shape<1, 2, 4>, 2, sn::avg_pool_op>{}.forward(x, y);
  CHECK(y == std::array<std::int8_t, 2>{3, -3});
  const std::array<std::int8_t, 8> x2{1, 1, -1, -1, 1, 2, -1, -2};
  q::qpool_layer<sn::shape<1, 2, 4>, 2, sn::avg_pool_op>{}.forward(x2, y);
  CHECK(y == std::array<std::int8_t, 2>{1, -1});
  q::qpool_layer<sn::shape<1, 2, 4>, 2, sn::max_pool_op>{}.forward(x, y);
  CHECK(y == std::array<std::int8_t, 2>{4, -1});
}

TEST_CASE("quant: relu as a table keeps the input's grid and clamps at its zero point") {
  // A ReLU first (not after conv2d or dense, so not fused into a clamp) stays a table.
  using net_t = sn::sequential<sn::shape<2>, sn::relu, sn::dense<1>>;
  auto net = std::make_unique<net_t>();
  const std::array<float, 3> w1{1.0f, -1.0f, 0.1f};
  std::copy(w1.begin(), w1.end(), net->layer<1>().params.begin());
  std::array<float, 2 * 16> images{};
  for (std::size_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>(i % 7) / 6.0f - 0.3f;
  const auto qn = q::quantize(*net, q::calibrate(*net, images.data(), 16));
  const std::int32_t zp = qn.input.zero_point;  // relu's input (and output) zero point
  REQUIRE(zp > -128);
  for (int v = -128; v < 128; ++v)
    CHECK(qn.net.layer<0>().table[static_cast<std::size_t>(v + 128)] == (v < zp ? zp : v));
}
