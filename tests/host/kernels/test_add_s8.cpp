// int8 addition (kernels/add_s8.hpp, quant/add.hpp) against the exact sum in double precision:
//   ref = z_out + round_half_away(r),  r = ((x1 - z1) s1 + (x2 - z2) s2) / s_out,  clamped.
// Tolerance, derived from the kernel's contract (not measured): with exact multipliers
// M_i = s_i / (2 max s), M_o = 2 max s / (2^20 s_out) and their 31-bit roundings M' = M (1 + eta),
// |eta| <= 2^-31 (multiplier = round(fraction 2^31), fraction >= 1/2):
//   * each input step (rounding doubling high multiply, then rounding divide by 2^e) is off the
//     exact (x - z) 2^20 M_i' by at most 1/2 + 2^-(e+1) <= 1, and |(x - z) 2^20 M_i eta| <=
//     255 2^19 2^-31, so the int32 sum S is off its exact value by D1 <= 2 + 255 2^-11;
//   * the output step's high multiply rounds by at most 1/2 unit of 2^-e_o <= M_o';
//   * so before its last rounding (half away from zero, as the reference's) the kernel's value v
//     satisfies |v - r| <= delta = M_o' (D1 + 1) + |r| 2^-31.
// Hence the kernel equals the reference unless a half-integer k + 1/2 lies within delta of r
// (a near tie, where double rounding or a multiplier's last bit can decide), and there it is
// off by one step (delta < 1/2). With power-of-two scales every multiplier is exact and every
// rounding but the last exact: then it equals the reference everywhere, ties included.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>

#include <staticnn/kernels/add_s8.hpp>
#include <staticnn/quant/add.hpp>

namespace k = staticnn::kernels;
namespace q = staticnn::quant;

namespace {

struct case_params {
  q::tensor_params in1, in2, out;
  std::int32_t act_min = -128, act_max = 127;
};

std::int32_t clamp(std::int32_t v, std::int32_t lo, std::int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

double exact(const case_params& c, int x1, int x2) {
  return ((x1 - c.in1.zero_point) * double{c.in1.scale} + (x2 - c.in2.zero_point) * double{c.in2.scale}) /
         double{c.out.scale};
}

// The distance from r to the nearest half-integer.
double tie_distance(double r) { return std::abs(r - std::floor(r) - 0.5); }

struct sweep_result {
  int mismatches = 0;      // kernel != reference
  int outside_rule = 0;    // mismatches not explained by a near tie, or off by more than 1
};

// Every (x1, x2) pair through the kernel and the reference.
sweep_result sweep(const case_params& c) {
  const k::add_rescale p = q::add_rescale_for(c.in1, c.in2, c.out, c.act_min, c.act_max);
  const double mo = std::ldexp(static_cast<double>(p.out_multiplier), p.out_shift - 31);
  const double d1 = 2.0 + 255.0 / 2048.0;
  sweep_result s;
  for (int x1 = -128; x1 < 128; ++x1)
    for (int x2 = -128; x2 < 128; ++x2) {
      const double r = exact(c, x1, x2);
      const auto ref = clamp(static_cast<std::int32_t>(std::round(r)) + c.out.zero_point, c.act_min, c.act_max);
      const std::int32_t got = p(static_cast<std::int8_t>(x1), static_cast<std::int8_t>(x2));
      if (got == ref) continue;
      ++s.mismatches;
      const double delta = mo * (d1 + 1) + std::abs(r) * 0x1p-31 + 1e-9;  // + the reference's own error
      if (std::abs(got - ref) > 1 || tie_distance(r) > delta) ++s.outside_rule;
    }
  return s;
}

}  // namespace

TEST_CASE("add_rescale_for: the parameters of TFLite's ADD Prepare, hand-derived") {
  // s1 = 1/2, s2 = 1/4, s_out = 1: twice_max = 1, factors 1/2 = 2^30 2^(0-31), 1/4 = 2^30 2^(-1-31),
  // output 1 / 2^20 = 2^30 2^(-19-31).
  const auto p = q::add_rescale_for({0.5f, -3}, {0.25f, 7}, {1.0f, -5}, -5, 127);
  CHECK(p.zero_point1 == -3);
  CHECK(p.zero_point2 == 7);
  CHECK(p.multiplier1 == (1 << 30));
  CHECK(p.shift1 == 0);
  CHECK(p.multiplier2 == (1 << 30));
  CHECK(p.shift2 == -1);
  CHECK(p.out_multiplier == (1 << 30));
  CHECK(p.out_shift == -19);
  CHECK(p.out_zero_point == -5);
  CHECK(p.act_min == -5);
  CHECK(p.act_max == 127);
  // s1 = 0.1, s2 = 0.3, s_out = 0.2 (floats): input 1's factor 0.1f / 0.6f = 1/6 (to float
  // precision), 2/3 2^-2: multiplier round(2/3 2^31) within float error, shift -2; input 2's 1/2;
  // the output's 0.6f / (2^20 0.2f) = 3 2^-20 = 3/4 2^-18.
  const auto g = q::add_rescale_for({0.1f, 0}, {0.3f, 0}, {0.2f, 0});
  CHECK(g.shift1 == -2);
  CHECK(std::abs(g.multiplier1 - 1431655765.0) < 1431655765.0 * 1e-6);
  CHECK(g.multiplier2 == (1 << 30));
  CHECK(g.shift2 == 0);
  CHECK(g.out_shift == -18);
  CHECK(std::abs(g.out_multiplier - 1610612736.0) < 1610612736.0 * 1e-6);
}

TEST_CASE("add_s8: power-of-two scales equal the exact rounding on every pair, ties included") {
  // Both zero points non-zero (and at the int8 extremes), the larger scale on either input.
  for (const case_params& c : {case_params{{0.5f, -3}, {0.25f, 7}, {1.0f, -5}},
                               case_params{{0.125f, 127}, {0.5f, -128}, {0.25f, 3}},
                               case_params{{1.0f, 10}, {1.0f, -20}, {2.0f, 0}}}) {
    const sweep_result s = sweep(c);
    CHECK(s.mismatches == 0);
  }
}

TEST_CASE("add_s8: general scales within the derived tolerance, saturation and fused clamps") {
  std::mt19937 rng(15);
  std::uniform_real_distribution<float> log_scale(-9.0f, -2.0f);
  std::uniform_int_distribution<int> zp(-128, 127);
  int mismatches = 0, pairs = 0;
  for (int t = 0; t < 12; ++t) {
    case_params c{{std::exp2(log_scale(rng)), zp(rng)}, {std::exp2(log_scale(rng)), zp(rng)},
                  {std::exp2(log_scale(rng)), zp(rng)}};
    if (t % 3 == 1) c.act_min = c.out.zero_point;  // fused ReLU
    const sweep_result s = sweep(c);
    CHECK(s.outside_rule == 0);
    mismatches += s.mismatches;
    pairs += 256 * 256;
  }
  // Scales of few significant bits with the output's one ulp off put many sums near ties.
  std::uniform_int_distribution<int> mantissa(1, 8), exponent(-6, 0);
  int near_tie_mismatches = 0;
  for (int t = 0; t < 12; ++t) {
    const auto simple = [&] { return std::ldexp(static_cast<float>(mantissa(rng)), exponent(rng)); };
    const float s1 = simple(), s2 = simple(), so = simple();
    case_params c{{s1, zp(rng)}, {s2, zp(rng)}, {std::nextafter(so, t % 2 ? 0.0f : 1e9f), zp(rng)}};
    if (std::max(s1, s2) >= 0x1p19f * c.out.scale) continue;
    const sweep_result s = sweep(c);
    CHECK(s.outside_rule == 0);
    near_tie_mismatches += s.mismatches;
    mismatches += s.mismatches;
    pairs += 256 * 256;
  }
  CHECK(near_tie_mismatches > 0);
  // The near-tie band is narrow: almost every pair is exact.
  CHECK(mismatches * 100 < pairs);
  MESSAGE("near-tie mismatches: " << mismatches << " of " << pairs << " (" << near_tie_mismatches
                                  << " with the output scale one ulp off)");
}

TEST_CASE("add_s8: a near tie that TFLite's double rounding breaks away from zero, hand-derived") {
  // s1 = s2 = 3/16, s_out = 3 + 2^-22 (one float ulp above 3): input factors 1/2 (exact), output
  // 3/8 / (2^20 s_out) = 2^-23 (1 - 2^-22 / 3 + ...), so multiplier round(2^31 - 2^9 / 3) =
  // 2147483477, shift -23. Inputs summing to u = +-8 steps: S = +-8 2^19 = +-2^22, the high
  // multiply (2^22 m + 2^30) >> 31 = floor(+-4194303.67 + 0.5) = +-4194304 when rounded to the
  // nearest, i.e. an exact tie +-1/2 after the shift by 23, broken away from zero: +-1. The exact
  // r = +-0.49999996 rounds to 0.
  const auto p = q::add_rescale_for({0.1875f, 5}, {0.1875f, -7}, {std::nextafter(3.0f, 4.0f), 3});
  CHECK(p.multiplier1 == (1 << 30));
  CHECK(p.out_multiplier == 2147483477);
  CHECK(p.out_shift == -23);
  CHECK(p(13, -7) == 4);    // u = +8: 3 + 1, where the exact rounding gives 3
  CHECK(p(-3, -7) == 2);    // u = -8: 3 - 1
  CHECK(p(15, -9) == 4);    // u = 10 - 2 = 8 split over both inputs: the same
  CHECK(p(21, -7) == 4);    // u = 16: r = 0.9999999 -> 1, exact as well
  // The rule's band around such ties is where the kernel may leave the exact rounding, and here
  // it does; everywhere else it agrees with it.
  const sweep_result s = sweep({{0.1875f, 5}, {0.1875f, -7}, {std::nextafter(3.0f, 4.0f), 3}});
  CHECK(s.mismatches > 0);
  CHECK(s.outside_rule == 0);
}

TEST_CASE("add_s8: saturation at both ends and the activation clamp") {
  // s_out a tenth of the inputs': every sum far from zero saturates.
  const auto p = q::add_rescale_for({0.1f, -128}, {0.1f, 127}, {0.01f, 0});
  CHECK(p(127, 127) == 127);     // (255 + 0) 10 = 2550 -> 127
  CHECK(p(-128, -128) == -128);  // (0 - 255) 10 -> -128
  CHECK(p(-128, 127) == 0);      // both at their zero points
  CHECK(p(-127, 127) == 10);     // 1 step of 0.1 = 10 steps of 0.01
  CHECK(p(-128, 126) == -10);
  const auto relu = q::add_rescale_for({0.1f, -128}, {0.1f, 127}, {0.01f, -20}, -20, 100);
  CHECK(relu(-128, 126) == -20);  // -10 + -20 below act_min
  CHECK(relu(-127, 127) == -10);
  CHECK(relu(127, 127) == 100);   // act_max
}

TEST_CASE("add_s8: array form, in place, constexpr") {
  constexpr k::add_rescale p{-3, 7, 1 << 30, 1 << 30, 0, -1, 1 << 30, -19, -5, -128, 127};
  // s1 = 1/2, s2 = 1/4, s_out = 1: (9 - -3) / 2 + (3 - 7) / 4 = 6 - 1 = 5, + -5 = 0.
  static_assert(p(9, 3) == 0);
  static_assert(p(-3, 7) == -5);
  static_assert(p(-2, 7) == -4);  // 1/2 rounds away from zero
  static_assert(p(-4, 7) == -6);  // -1/2 too
  std::array<std::int8_t, 5> a{9, -3, -2, -4, 100}, b{3, 7, 7, 7, -100};
  k::add_s8<5>(a.data(), b.data(), a.data(), p);  // last: 103 / 2 - 107 / 4 = 24.75 -> 25, - 5
  CHECK(a == std::array<std::int8_t, 5>{0, -5, -4, -6, 20});
}
