// The int8 depthwise convolution the target runs (kernels/depthwise_s8.hpp: on Armv7E-M DSP cores
// kernels/arm/depthwise_s8_dsp.hpp for the shapes its trait takes, else the portable kernel),
// against TFLite's DEPTHWISE_CONV_2D arithmetic written out here (the taps inside the map times
// (x - z_in), the raw bias, tflite_reference.hpp's requantization, the clamp) and against the
// portable kernel, bit for bit, on shapes no kernel was tuned for: odd sizes, K 2 to 7, strides 1
// to 3, padding 0 to 3, rescales in every form, clamps. Then instructions per MAC of two layers
// of a MobileNet-like block (printed):
//   fw: depthwise <C>x<H>x<W> k<K> s<S> p<P> kernel <name> instructions <n> macs <m> per_mac <n/m>
#include <array>
#include <cstdint>

#include "harness.hpp"
#include "instruction_counter.hpp"
#include "runtime.hpp"
#include "tflite_reference.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

// Built four times (one image would not fit the 512 KB of the M55's flash): part 1
// (fw_kernels_depthwise) the shapes, global average pooling and the per-MAC figures, part 2
// (fw_kernels_depthwise_forms) the rescale forms, ties and clamps, part 3 (fw_kernels_depthwise_s2)
// stride 2 with padding 1 (the column strips' padding taps), part 4 (fw_kernels_depthwise_half_top)
// the half top rescale form's and the whole-channel planes' rows widened in one loop.
#ifndef STATICNN_DEPTHWISE_PART
#define STATICNN_DEPTHWISE_PART 1
#endif

using namespace staticnn;
using fw::console::print;

namespace {

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
struct problem {
  static constexpr std::size_t OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1;
  std::array<std::int8_t, C * H * W> x{};
  std::array<std::int8_t, C * K * K> w{};
  std::array<std::int32_t, C> raw_bias{}, bias{}, mult{};
  std::array<std::int8_t, C> shift{};
  std::array<std::int8_t, C * OH * OW> got{}, want{};
  std::int8_t zin = 0;
  kernels::channel_rescale q{nullptr, nullptr, nullptr, 0, 0, 0};  // all zero: a static problem lives in .bss, not flash

  // General: some channels in the rescale forms outside the fast one (shift 0 and 1, a small
  // multiplier, a shift below -22). Ties: small inputs, weights and biases with multiplier 2^30
  // and shift -1 or -2, so that outputs stay within int8 and many accumulators lie halfway
  // between two outputs (TFLite rounds those away from zero), negative and positive.
  // zp: the output zero point; tie_shift: ties' right shift (channels alternate tie_shift and
  // tie_shift + 1; 3 and up keep the accumulators in the DSP kernel's narrow rescale forms).
  void fill(std::uint32_t seed, bool general, std::int32_t act_min, std::int32_t act_max, bool ties = false,
            std::int32_t zp = -3, std::int32_t tie_shift = 1, std::int32_t fixed_shift = 0) {
    std::uint32_t r = seed;
    auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
    for (auto& v : x) v = static_cast<std::int8_t>(ties ? (next() & 15) - 8 : (next() & 0xff) - 128);
    for (auto& v : w) v = static_cast<std::int8_t>(ties ? next() % 7 - 3 : next() % 255 - 127);
    zin = static_cast<std::int8_t>(ties ? (next() & 7) - 4 : (next() & 0xff) - 128);
    for (std::size_t c = 0; c < C; ++c) {
      std::int32_t sum = 0;
      for (std::size_t k = 0; k < K * K; ++k) sum += w[c * K * K + k];
      raw_bias[c] = ties ? next() % 41 - 20 : next() % 20001 - 10000;
      bias[c] = raw_bias[c] - zin * sum;  // the layer's contract: padding holds z_in
      mult[c] = ties ? 1 << 30 : (1 << 30) + next() % (1 << 30);
      shift[c] = static_cast<std::int8_t>(ties ? -tie_shift - static_cast<std::int32_t>(c % 2) : -5 - next() % 8);
      // fixed_shift: multiplier 2^30 and shifts fixed_shift, fixed_shift + 1 on full-range inputs
      // (exact ties where the rescale's shift is large).
      if (fixed_shift > 0) mult[c] = 1 << 30, shift[c] = static_cast<std::int8_t>(-fixed_shift - static_cast<std::int32_t>(c % 2));
      if (general) switch (c % 5) {
          case 1: mult[c] = 3 << 25; break;
          case 2: shift[c] = 0, mult[c] = 1 << 22; break;
          case 3: shift[c] = 1, mult[c] = 1 << 20; break;
          case 4: shift[c] = -23; break;
          default: break;
        }
    }
    q = {bias.data(), mult.data(), shift.data(), zp, act_min, act_max};
  }
  // Outputs that differ from TFLite's arithmetic and from the portable kernel.
  std::size_t wrong() {
    got.fill(0x5a);
    kernels::depthwise_s8<C, H, W, K, S, P>(x.data(), w.data(), q, got.data(), zin);
    for (std::size_t c = 0; c < C; ++c)
      kernels::depthwise_s8_channel_rows_portable<H, W, K, S, P>(x.data() + c * H * W, w.data() + c * K * K, q, c,
                                                                 want.data() + c * OH * OW, 0, OH, zin);
    std::size_t n = 0;
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          std::int32_t acc = raw_bias[c];
          for (std::size_t ky = 0; ky < K; ++ky)
            for (std::size_t kx = 0; kx < K; ++kx) {
              const std::size_t iy = oy * S + ky, ix = ox * S + kx;  // padded coordinates
              if (iy < P || ix < P || iy >= H + P || ix >= W + P) continue;
              acc += w[(c * K + ky) * K + kx] * (x[(c * H + iy - P) * W + ix - P] - zin);
            }
          std::int32_t ref = fw_test::requant_any(acc, mult[c], shift[c], q.zero_point);
          ref = ref < q.act_min ? q.act_min : ref > q.act_max ? q.act_max : ref;
          const std::size_t i = (c * OH + oy) * OW + ox;
          n += (got[i] != ref) + (want[i] != ref);
        }
    return n;
  }
};

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
std::size_t check(std::uint32_t seed, bool general = true, std::int32_t act_min = -128, std::int32_t act_max = 127,
                  std::int32_t zero_point = -3) {
  static problem<C, H, W, K, S, P> p;
  p.fill(seed, general, act_min, act_max, false, zero_point);
  return p.wrong();
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
std::size_t check_ties(std::uint32_t seed, std::int32_t zp = -3, std::int32_t tie_shift = 1, std::int32_t act_min = -128,
                       std::int32_t act_max = 127) {
  static problem<C, H, W, K, S, P> p;
  p.fill(seed, false, act_min, act_max, true, zp, tie_shift);
  return p.wrong();
}
// Multiplier 2^30, shifts fixed_shift and fixed_shift + 1, full-range inputs, clamp [act_min, act_max].
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
std::size_t check_shift(std::uint32_t seed, std::int32_t fixed_shift, std::int32_t zp, std::int32_t act_min,
                        std::int32_t act_max) {
  static problem<C, H, W, K, S, P> p;
  p.fill(seed, false, act_min, act_max, false, zp, 1, fixed_shift);
  return p.wrong();
}
// With the output zero point zp (-128: a calibrated ReLU's or ReLU6's grid).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
std::size_t check_zp(std::uint32_t seed, std::int32_t zp, bool general = true, std::int32_t act_min = -128,
                     std::int32_t act_max = 127) {
  static problem<C, H, W, K, S, P> p;
  p.fill(seed, general, act_min, act_max, false, zp);
  return p.wrong();
}

// Clamp [act_min, act_max] with output zero point zp: the default (a ReLU at the zero point -3)
// takes the unsigned rescale forms, no clamp with zp -3 the Signed ones (fw_family's random
// networks), no clamp with zp -128 the wide unsigned ones (a calibrated ReLU / ReLU6).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
void measure(std::uint32_t seed, std::int32_t act_min = -3, std::int32_t act_max = 127, std::int32_t zp = -3) {
  static problem<C, H, W, K, S, P> p;
  p.fill(seed, false, act_min, act_max, false, zp);
  fw::instruction_counter::start();
  kernels::depthwise_s8<C, H, W, K, S, P>(p.x.data(), p.w.data(), p.q, p.got.data(), p.zin);
  const std::uint64_t n = fw::instruction_counter::stop();
  const std::uint64_t macs = C * p.OH * p.OW * K * K;
  print("fw: depthwise ", C, 'x', H, 'x', W, " k", K, " s", S, " p", P, " clamp ", act_min, ' ', act_max, " zp ", zp, " kernel ",
        kernels::depthwise_s8_kernel_name<C, H, W, K, S, P>(), " instructions ", n, " macs ", macs, " per_mac ",
        fw::console::fixed{static_cast<double>(n) / static_cast<double>(macs), 3}, '\n');
  STATICNN_CHECK(p.wrong() == 0);
}

}  // namespace

#if STATICNN_DEPTHWISE_PART == 1
STATICNN_TEST(int8_depthwise_any_shape) {
  STATICNN_CHECK((check<3, 8, 8, 3, 1, 1>(1) == 0));
  STATICNN_CHECK((check<5, 7, 9, 3, 2, 1>(2, true, -3, 127) == 0));   // ReLU clamp at the zero point
  STATICNN_CHECK((check<4, 11, 6, 5, 2, 2>(3, false, -3, 40) == 0));  // ReLU6-like clamp
  STATICNN_CHECK((check<2, 5, 5, 5, 1, 2>(4) == 0));                  // every output touches padding
  STATICNN_CHECK((check<3, 9, 7, 3, 1, 0>(5, false) == 0));
  STATICNN_CHECK((check<1, 8, 10, 2, 2, 0>(6) == 0));
  STATICNN_CHECK((check<2, 6, 7, 3, 3, 2>(7) == 0));                  // stride 3, past the padding's reach
  STATICNN_CHECK((check<2, 9, 13, 7, 1, 3>(8, false, -128, 10) == 0));
  STATICNN_CHECK((check<3, 10, 11, 4, 2, 1>(9) == 0));                // even K, odd width
  STATICNN_CHECK((check<6, 1, 17, 1, 1, 0>(10) == 0));                // K 1: the portable kernel
  STATICNN_CHECK((check<7, 13, 13, 3, 2, 1>(11, false) == 0));
  // Narrow maps (the whole channel widened at once), odd widths and heights, W 1 to 4.
  STATICNN_CHECK((check<3, 25, 5, 3, 1, 1>(12, true, -3, 127) == 0));
  STATICNN_CHECK((check<2, 7, 1, 3, 1, 1>(13) == 0));
  STATICNN_CHECK((check<2, 3, 2, 3, 1, 1>(14, true, -128, 20) == 0));
  STATICNN_CHECK((check<3, 5, 3, 3, 1, 1>(15, false, -3, 40) == 0));
  STATICNN_CHECK((check<2, 4, 4, 3, 1, 1>(16) == 0));
  STATICNN_CHECK((check<3, 3, 3, 3, 1, 1>(17, false, -3, 127) == 0));
  STATICNN_CHECK((check<2, 1, 1, 3, 1, 1>(18) == 0));
  // Stride 2 with odd and even sizes, K 5, K 3 without padding on a narrow map.
  STATICNN_CHECK((check<3, 11, 7, 3, 2, 1>(19) == 0));
  STATICNN_CHECK((check<2, 6, 6, 3, 2, 1>(20, false, -3, 127) == 0));
  STATICNN_CHECK((check<2, 5, 9, 3, 2, 0>(21) == 0));
  STATICNN_CHECK((check<2, 9, 5, 5, 1, 2>(22, false, -3, 50) == 0));
  STATICNN_CHECK((check<2, 9, 7, 5, 2, 2>(23) == 0));
  STATICNN_CHECK((check<2, 6, 5, 3, 1, 0>(24) == 0));
  STATICNN_CHECK((check<2, 40, 37, 3, 2, 1>(25, false, -3, 127) == 0));  // the row ring, odd sizes
  STATICNN_CHECK((check<2, 30, 31, 3, 1, 1>(26) == 0));
  STATICNN_CHECK((check<3, 17, 15, 3, 1, 1>(32, false, -3, 40) == 0));  // whole channel, 1678 of its 2048 B
  // 3 x 3 in column planes with padding 2 and 3 (both parities of the first column's plane).
  STATICNN_CHECK((check<3, 7, 10, 3, 1, 2>(33) == 0));
  STATICNN_CHECK((check<2, 8, 9, 3, 2, 2>(34, true, -3, 127) == 0));
  STATICNN_CHECK((check<2, 6, 7, 3, 1, 3>(35, false, -3, 40) == 0));
  // 3 x 3 column planes, two output rows a step: 1 to 17 channels, odd heights (a last row alone)
  // and widths (a last step half used), a single row, padding 0; clamps of one value and empty.
  constexpr bool dsp = kernels::target::arm_dsp;
  static_assert(!dsp || (kernels::arm::depthwise_s8_dsp_planes<7, 9, 3, 1, 1> && kernels::arm::depthwise_s8_dsp_planes<7, 9, 3, 1, 0> &&
                         kernels::arm::depthwise_s8_dsp_planes<9, 11, 3, 1, 3> && kernels::arm::depthwise_s8_dsp_planes<5, 17, 3, 1, 1> &&
                         kernels::arm::depthwise_s8_dsp_planes<1, 9, 3, 1, 1> &&
                         kernels::arm::depthwise_s8_dsp_planes<9, 16, 3, 1, 0>));
  static_assert(!dsp || (kernels::arm::depthwise_dsp::planes_chunk<45, 21, 1, 1> == 20 &&
                         kernels::arm::depthwise_dsp::planes_chunk<44, 33, 2, 1> < 22 &&
                         kernels::arm::depthwise_dsp::planes_chunk<45, 33, 2, 1> < 23 &&
                         kernels::arm::depthwise_dsp::planes_chunk<39, 40, 1, 0> < 37));
  STATICNN_CHECK((check<1, 7, 9, 3, 1, 1>(50) == 0));
  STATICNN_CHECK((check<17, 9, 7, 3, 1, 1>(51, true, -3, 127) == 0));
  STATICNN_CHECK((check<5, 15, 5, 3, 1, 1>(52, false, -3, 40) == 0));
  STATICNN_CHECK((check<3, 5, 15, 3, 1, 1>(53) == 0));
  STATICNN_CHECK((check<1, 1, 9, 3, 1, 1>(54, false, -3, 127) == 0));
  STATICNN_CHECK((check<2, 1, 9, 3, 2, 1>(55) == 0));
  STATICNN_CHECK((check<3, 7, 9, 3, 2, 1>(56, false, 5, 5) == 0));     // one value
  STATICNN_CHECK((check<3, 7, 9, 3, 1, 1>(57, false, 10, -10) == 0));  // empty: the general path
  STATICNN_CHECK((check<3, 8, 9, 3, 1, 1>(64, false, 0, 0) == 0));
  STATICNN_CHECK((check<5, 9, 7, 3, 2, 0>(58, true, -3, 127) == 0));
  STATICNN_CHECK((check<17, 15, 5, 3, 2, 1>(59) == 0));
  STATICNN_CHECK((check<1, 9, 16, 3, 1, 0>(60) == 0));
  STATICNN_CHECK((check<3, 10, 3, 3, 1, 1>(65, false, -3, 127) == 0));
  // Maps beyond the whole-channel budget: chunks of rows (20, 20, 5 for the first; stride 2 odd).
  STATICNN_CHECK((check<2, 45, 21, 3, 1, 1>(61, true, -3, 127) == 0));
  STATICNN_CHECK((check<2, 44, 33, 3, 2, 1>(62, false, -3, 40) == 0));
  STATICNN_CHECK((check<1, 39, 40, 3, 1, 0>(66) == 0));
  STATICNN_CHECK((check<1, 45, 33, 3, 2, 1>(67, true, -3, 127) == 0));  // stride 2, OH 23: a last row alone
  STATICNN_CHECK((check_ties<3, 7, 9, 3, 1, 1>(63) == 0));
  // 3 x 3 stride 2 from the int8 rows in column strips (depthwise_s8_s2_dsp.hpp) on shapes it was
  // not tuned for: every strip kind (the left one of padding 1, inner, a right one reaching the
  // right padding with two outputs or one, a last output alone read from its column or one or
  // two further left), top and bottom padding rows (odd H), a single output row or column pair,
  // the row-pair loop run 0 to 12 times, the
  // inner strips one by one or looped (1 to 9), 1 to 17 channels, padding 0 and 1; rescales in the
  // general forms (shift 0, 1, -23, multiplier < 2^30), the doubled form signed and unsigned
  // (clamp at the zero point), narrow and not (ties: shift -1, -2), zero points -128 to 100.
  static_assert(!dsp || (kernels::arm::depthwise_s8_dsp_s2_columns<5, 7, 3, 2, 1> &&
                         kernels::arm::depthwise_s8_dsp_s2_columns<9, 9, 3, 2, 1> &&
                         kernels::arm::depthwise_s8_dsp_s2_columns<16, 15, 3, 2, 1> &&
                         kernels::arm::depthwise_s8_dsp_s2_columns<8, 11, 3, 2, 0> &&
                         kernels::arm::depthwise_s8_dsp_s2_columns<50, 40, 3, 2, 1> &&
                         !kernels::arm::depthwise_s8_dsp_s2_columns<8, 9, 3, 2, 2> &&
                         !kernels::arm::depthwise_s8_dsp_s2_columns<9, 3, 3, 2, 1>));
  STATICNN_CHECK((check<3, 5, 7, 3, 2, 1>(70, true, -3, 127) == 0));       // right padding, two outputs
  STATICNN_CHECK((check<2, 9, 9, 3, 2, 1>(71) == 0));                      // right padding, one; bottom
  STATICNN_CHECK((check<4, 15, 16, 3, 2, 1>(72, false, -3, 40) == 0));
  STATICNN_CHECK((check<5, 16, 15, 3, 2, 1>(73, true, -128, 127, 20) == 0));
  STATICNN_CHECK((check<17, 6, 6, 3, 2, 1>(74, true, -3, 127) == 0));      // one output from c0 - 1
  STATICNN_CHECK((check<2, 10, 10, 3, 2, 1>(75, false, -128, 127, -128) == 0));
  STATICNN_CHECK((check<1, 7, 7, 3, 2, 1>(76) == 0));
  STATICNN_CHECK((check<3, 9, 9, 3, 2, 0>(77, true, -3, 127) == 0));
  STATICNN_CHECK((check<2, 8, 11, 3, 2, 0>(78) == 0));                     // one output from c0 - 1
  STATICNN_CHECK((check<2, 7, 12, 3, 2, 0>(79, false, 100, 127, 100) == 0));  // one output from c0
  STATICNN_CHECK((check<3, 4, 4, 3, 2, 0>(80) == 0));                      // a single output
  STATICNN_CHECK((check<2, 3, 4, 3, 2, 1>(81, true, -3, 127) == 0));       // left strip only, bottom
  STATICNN_CHECK((check<2, 1, 5, 3, 2, 1>(82) == 0));                      // top and bottom padding
  STATICNN_CHECK((check<2, 2, 8, 3, 2, 1>(83, false, 5, 5) == 0));         // one value
  STATICNN_CHECK((check<2, 30, 29, 3, 2, 1>(84, true, -3, 127) == 0));
  STATICNN_CHECK((check<1, 50, 40, 3, 2, 1>(85) == 0));
  STATICNN_CHECK((check<16, 16, 16, 3, 2, 1>(86, true, -128, 127, 7) == 0));
  STATICNN_CHECK((check<1, 12, 4, 3, 2, 0>(87) == 0));
  STATICNN_CHECK((check<3, 4, 16, 3, 2, 1>(91, true, -3, 127) == 0));  // inner strips looped, no row pairs
  STATICNN_CHECK((check<2, 3, 13, 3, 2, 0>(92) == 0));                  // the same with one output row
  STATICNN_CHECK((check_ties<3, 9, 9, 3, 2, 1>(88) == 0));
  STATICNN_CHECK((check_ties<2, 11, 16, 3, 2, 0>(89) == 0));
  STATICNN_CHECK((check_ties<2, 16, 15, 3, 2, 1>(90) == 0));
}
#endif

#if STATICNN_DEPTHWISE_PART == 2
STATICNN_TEST(int8_depthwise_rescale_forms) {
  // Rounding ties in every rescale path: whole channel (column walk, rows, stride 2), ring.
  STATICNN_CHECK((check_ties<4, 25, 5, 3, 1, 1>(27) == 0));
  STATICNN_CHECK((check_ties<4, 6, 6, 3, 1, 1>(28) == 0));
  STATICNN_CHECK((check_ties<4, 9, 11, 3, 2, 1>(29) == 0));
  STATICNN_CHECK((check_ties<2, 20, 41, 3, 1, 1>(30) == 0));
  STATICNN_CHECK((check_ties<3, 7, 8, 5, 1, 2>(31) == 0));
  // The wide rescale forms (clamp = int8's range) and the narrow ones with ties (shifts 3 to 6),
  // unsigned (zero point -128, a calibrated ReLU's) and Signed (zero point -3 or 9, no clamp),
  // beside clamps that are not wide (a ReLU6's top below 127, a ReLU's bottom above -128), on
  // odd and even sizes, 1 to 17 channels, padding 0 and 1, planes whole and chunked, the column
  // walk, the ring and K 5.
  STATICNN_CHECK((check_zp<8, 16, 16, 3, 1, 1>(70, -128) == 0));
  STATICNN_CHECK((check_zp<8, 16, 16, 3, 1, 1>(71, -3) == 0));
  STATICNN_CHECK((check_zp<5, 7, 5, 3, 1, 1>(72, -128, false) == 0));
  STATICNN_CHECK((check_zp<17, 9, 9, 3, 1, 1>(73, -128, true, -128, 100) == 0));
  STATICNN_CHECK((check_zp<3, 15, 16, 3, 1, 1>(74, 9, false) == 0));
  STATICNN_CHECK((check_zp<4, 16, 15, 3, 1, 0>(75, -128, false) == 0));
  STATICNN_CHECK((check_zp<1, 45, 21, 3, 1, 1>(76, -128, false) == 0));  // chunks
  STATICNN_CHECK((check_zp<3, 30, 5, 3, 1, 1>(77, -128, false) == 0));   // the column walk
  STATICNN_CHECK((check_zp<2, 30, 31, 3, 1, 1>(78, -128, false) == 0));  // the ring
  STATICNN_CHECK((check_zp<2, 9, 13, 5, 1, 2>(79, -128, false) == 0));   // K 5
  STATICNN_CHECK((check_zp<6, 11, 9, 3, 2, 1>(80, -128, false) == 0));   // stride 2
  STATICNN_CHECK((check_zp<7, 8, 8, 3, 1, 1>(81, -100, false, -100, 127) == 0));  // ReLU at -100: not wide
  STATICNN_CHECK((check_ties<8, 16, 16, 3, 1, 1>(82, -128, 3) == 0));
  STATICNN_CHECK((check_ties<8, 16, 16, 3, 1, 1>(83, -3, 3) == 0));
  STATICNN_CHECK((check_ties<5, 9, 7, 3, 1, 1>(84, 2, 4) == 0));
  STATICNN_CHECK((check_ties<3, 15, 16, 3, 1, 0>(85, -128, 5) == 0));
  STATICNN_CHECK((check_ties<2, 25, 5, 3, 1, 1>(86, -3, 3) == 0));       // the column walk
  STATICNN_CHECK((check_ties<2, 20, 41, 3, 1, 1>(87, -128, 3) == 0));    // the ring
  STATICNN_CHECK((check_ties<3, 11, 11, 3, 2, 1>(88, -3, 6) == 0));
  STATICNN_CHECK((check_ties<4, 9, 9, 3, 1, 1>(89, -3, 3, -3, 127) == 0));  // unsigned narrow, ReLU at the zero point
  // Large shifts (8 to 16) with multiplier 2^30, so that exact ties occur there too: wide and
  // clamped (a ReLU6-like top below 127, a ReLU at zero point 5), Signed (zero points 9 and -3
  // without a clamp), whole planes (odd and even sizes), chunks, the column walk, the ring, K 5,
  // stride 2 (the column strips, padding 1 and 0), padding 0, a map of 9 outputs. The unsigned
  // narrow ones with shift 9 to 15 on maps of 16 outputs or more take the top form.
  for (std::int32_t sh = 8; sh <= 16; ++sh) {
    const auto seed = static_cast<std::uint32_t>(90 + sh);
    STATICNN_CHECK((check_shift<8, 16, 16, 3, 1, 1>(seed, sh, -128, -128, 127) == 0));
    STATICNN_CHECK((check_shift<5, 9, 7, 3, 1, 1>(seed, sh, -3, -3, 127) == 0));
    STATICNN_CHECK((check_shift<3, 15, 16, 3, 1, 0>(seed, sh, -128, -128, 100) == 0));
    STATICNN_CHECK((check_shift<17, 7, 9, 3, 2, 1>(seed, sh, 5, 5, 127) == 0));
    STATICNN_CHECK((check_shift<3, 16, 16, 3, 2, 1>(seed, sh, -128, -128, 127) == 0));  // stride 2, wide
    STATICNN_CHECK((check_shift<2, 13, 10, 3, 2, 0>(seed, sh, -7, -7, 90) == 0));       // stride 2, padding 0
    STATICNN_CHECK((check_shift<2, 45, 21, 3, 1, 1>(seed, sh, -128, -128, 127) == 0));  // chunks
    STATICNN_CHECK((check_shift<2, 25, 5, 3, 1, 1>(seed, sh, -128, -128, 127) == 0));   // the column walk
    STATICNN_CHECK((check_shift<2, 30, 31, 3, 1, 1>(seed, sh, -128, -128, 60) == 0));   // the ring
    STATICNN_CHECK((check_shift<2, 9, 13, 5, 1, 2>(seed, sh, -128, -128, 127) == 0));   // K 5
    STATICNN_CHECK((check_shift<4, 3, 3, 3, 1, 1>(seed, sh, -128, -128, 127) == 0));    // 9 outputs
    STATICNN_CHECK((check_shift<6, 11, 10, 3, 1, 1>(seed, sh, 9, -128, 127) == 0));     // Signed, no clamp
    STATICNN_CHECK((check_shift<3, 16, 16, 3, 1, 1>(seed, sh, -3, -128, 127) == 0));    // Signed, no clamp
  }
}

#endif

#if STATICNN_DEPTHWISE_PART == 3
namespace {
// A qdepthwise_conv2d layer (K 3, stride 2 or 1) made at compile time, as a constant network's
// (network::forward_constant: the column strips' shapes of at most 32 channels and 64 outputs a
// channel, and the stride-1 planes' whole-channel shapes of at most 32 channels, run from a table
// of their words made when the program is compiled). The parameters as
// problem::fill makes them: general (channels in every rescale form: shift 0 and 1, a small
// multiplier, a shift below -22), fixed_shift (multiplier 2^30, shifts fixed_shift and
// fixed_shift + 1 a channel in turn: the top forms for 8 to 15).
template <class L>
constexpr L constant_layer(std::uint32_t seed, bool general, std::int32_t zp, std::int32_t act_min, std::int32_t act_max,
                           std::int32_t fixed_shift) {
  L l{};
  std::uint32_t r = seed;
  auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
  for (auto& v : l.weights) v = static_cast<std::int8_t>(next() % 255 - 127);
  l.input_zero_point = (next() & 0xff) - 128;
  for (std::size_t c = 0; c < L::out_channels; ++c) {
    std::int32_t sum = 0;
    for (std::size_t k = 0; k < 9; ++k) sum += l.weights[c * 9 + k];
    l.bias[c] = next() % 20001 - 10000 - l.input_zero_point * sum;
    l.multiplier[c] = (1 << 30) + next() % (1 << 30);
    l.shift[c] = static_cast<std::int8_t>(-5 - next() % 8);
    if (fixed_shift > 0)
      l.multiplier[c] = 1 << 30, l.shift[c] = static_cast<std::int8_t>(-fixed_shift - static_cast<std::int32_t>(c % 2));
    if (general) switch (c % 5) {
        case 1: l.multiplier[c] = 3 << 25; break;
        case 2: l.shift[c] = 0, l.multiplier[c] = 1 << 22; break;
        case 3: l.shift[c] = 1, l.multiplier[c] = 1 << 20; break;
        case 4: l.shift[c] = -23; break;
        default: break;
      }
  }
  l.zero_point = zp, l.act_min = act_min, l.act_max = act_max;
  return l;
}
// Outputs of the constant layer's forward_constant that differ from TFLite's arithmetic (the bias
// with the input zero point folded in: every tap times the padded input) and from the portable kernel.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P, std::uint32_t Seed, bool General, std::int32_t Zp,
          std::int32_t Lo, std::int32_t Hi, std::int32_t FixedShift = 0, std::size_t S = 2>
std::size_t check_constant() {
  using L = quant::qdepthwise_conv2d_layer<shape<C, H, W>, 3, S, P, true>;
  static constexpr L layer = constant_layer<L>(Seed, General, Zp, Lo, Hi, FixedShift);
  static_assert(!kernels::target::arm_dsp || (S == 2 ? kernels::arm::depthwise_s8_dsp_s2_table<C, H, W, 3, 2, P>
                                                     : kernels::arm::depthwise_s8_dsp_s1_table<C, H, W, 3, 1, P>),
                "check_constant: a shape the table does not take");
  constexpr std::size_t OH = L::out_shape::height, OW = L::out_shape::width;
  static std::array<std::int8_t, C * H * W> x;
  static std::array<std::int8_t, C * OH * OW> got, want;
  std::uint32_t r = Seed * 7u + 1u;
  for (auto& v : x) v = static_cast<std::int8_t>(((r = r * 1664525u + 1013904223u) >> 24) - 128);
  got.fill(0x5a);
  L::template forward_constant<layer>(cview<std::int8_t, C * H * W>(x.data(), x.size()),
                                      view<std::int8_t, C * OH * OW>(got.data(), got.size()));
  const auto q = layer.rescale();
  const auto zin = static_cast<std::int8_t>(layer.input_zero_point);
  for (std::size_t c = 0; c < C; ++c)
    kernels::depthwise_s8_channel_rows_portable<H, W, 3, S, P>(x.data() + c * H * W, layer.weights.data() + c * 9, q, c,
                                                               want.data() + c * OH * OW, 0, OH, zin);
  std::size_t n = 0;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        std::int32_t acc = layer.bias[c];
        for (std::size_t ky = 0; ky < 3; ++ky)
          for (std::size_t kx = 0; kx < 3; ++kx) {
            const std::size_t iy = oy * S + ky, ix = ox * S + kx;  // padded coordinates
            const bool inside = iy >= P && ix >= P && iy < H + P && ix < W + P;
            acc += layer.weights[(c * 3 + ky) * 3 + kx] * (inside ? x[(c * H + iy - P) * W + ix - P] : zin);
          }
        std::int32_t ref = fw_test::requant_any(acc, layer.multiplier[c], layer.shift[c], layer.zero_point);
        ref = ref < Lo ? Lo : ref > Hi ? Hi : ref;
        const std::size_t i = (c * OH + oy) * OW + ox;
        n += (got[i] != ref) + (want[i] != ref);
      }
  return n;
}
}  // namespace

STATICNN_TEST(int8_depthwise_s2_constant_layers) {
  // The table's words in every rescale form: general channels (requantize(), the doubled forms),
  // the top forms' shifts 8 to 15 and the doubled ones beside them (7, 16), unsigned (clamped at
  // or above the zero point) and Signed (zero point 9 or -3, no clamp), wide and clamped; the
  // separable net's shape, odd sizes (right and bottom padding), padding 0, one output row, maps
  // under 16 outputs (no top form), 32 channels (the largest table).
  STATICNN_CHECK((check_constant<16, 16, 16, 1, 400, true, -3, -128, 127>() == 0));
  STATICNN_CHECK((check_constant<16, 16, 16, 1, 401, false, -128, -128, 127, 8>() == 0));
  STATICNN_CHECK((check_constant<16, 16, 16, 1, 402, false, -128, -128, 127, 9>() == 0));
  STATICNN_CHECK((check_constant<16, 16, 16, 1, 403, false, -128, -128, 100, 12>() == 0));
  STATICNN_CHECK((check_constant<16, 16, 16, 1, 404, false, -128, -128, 127, 15>() == 0));
  STATICNN_CHECK((check_constant<16, 16, 16, 1, 405, false, 5, 5, 127, 16>() == 0));
  STATICNN_CHECK((check_constant<5, 9, 11, 1, 406, true, -3, -20, 90>() == 0));
  STATICNN_CHECK((check_constant<5, 9, 11, 1, 407, false, 9, -128, 127, 10>() == 0));
  STATICNN_CHECK((check_constant<9, 12, 15, 1, 408, false, -7, -7, 127, 11>() == 0));
  STATICNN_CHECK((check_constant<9, 12, 15, 1, 409, false, -3, -128, 127, 7>() == 0));
  STATICNN_CHECK((check_constant<3, 13, 10, 0, 410, true, 9, -128, 127>() == 0));
  STATICNN_CHECK((check_constant<3, 13, 10, 0, 411, false, -128, -128, 127, 13>() == 0));
  STATICNN_CHECK((check_constant<7, 7, 4, 1, 412, false, -128, -128, 127, 9>() == 0));
  STATICNN_CHECK((check_constant<2, 1, 9, 1, 413, true, -128, -128, 60>() == 0));
  STATICNN_CHECK((check_constant<32, 8, 8, 1, 414, false, -128, -128, 127, 14>() == 0));
  STATICNN_CHECK((check_constant<32, 8, 8, 1, 415, true, 2, -128, 127>() == 0));
  // The top form for e = 8 (and the top form beside it, e = 9) clamped and wide, on an odd count
  // of quads with a tail of outputs, on 3 quads, on 2 outputs (the tail alone).
  STATICNN_CHECK((check_constant<5, 9, 11, 1, 416, false, -128, -128, 100, 8>() == 0));
  STATICNN_CHECK((check_constant<6, 5, 7, 1, 417, false, 3, 3, 127, 8>() == 0));
  STATICNN_CHECK((check_constant<4, 1, 4, 1, 418, false, -128, -128, 127, 8>() == 0));
  STATICNN_CHECK((check_constant<4, 1, 4, 1, 419, false, -128, -128, 90, 8>() == 0));
}

STATICNN_TEST(int8_depthwise_s1_constant_layers) {
  // The stride-1 planes' constant layers (depthwise_s8_dsp_s1_known: the whole channel in planes,
  // at most 32 channels) from the same table words: every rescale form (general channels:
  // requantize() and the doubled forms; the top forms' shifts 8 to 15 and the doubled ones beside
  // them, 7 and 16), unsigned and Signed (zero point 9 or -3, no clamp), wide and clamped (a
  // ReLU6's top below 127, a bottom above the zero point); padding 0, 1 and 2, odd sizes (odd
  // output row counts: a row alone after the pairs; tails of 1 to 3 outputs past the quads), one
  // output row, one channel, 32 channels.
  STATICNN_CHECK((check_constant<8, 16, 16, 1, 500, true, -3, -128, 127, 0, 1>() == 0));
  STATICNN_CHECK((check_constant<8, 16, 16, 1, 501, false, -128, -128, 127, 8, 1>() == 0));
  STATICNN_CHECK((check_constant<8, 16, 16, 1, 502, false, -128, -128, 127, 9, 1>() == 0));
  STATICNN_CHECK((check_constant<8, 16, 16, 1, 503, false, -128, -128, 100, 12, 1>() == 0));
  STATICNN_CHECK((check_constant<8, 16, 16, 1, 504, false, -128, -128, 127, 15, 1>() == 0));
  STATICNN_CHECK((check_constant<8, 16, 16, 1, 505, false, 5, 5, 127, 16, 1>() == 0));
  STATICNN_CHECK((check_constant<5, 9, 11, 1, 506, true, -3, -20, 90, 0, 1>() == 0));
  STATICNN_CHECK((check_constant<5, 9, 11, 1, 507, false, 9, -128, 127, 10, 1>() == 0));
  STATICNN_CHECK((check_constant<9, 7, 13, 0, 508, false, -7, -7, 127, 11, 1>() == 0));
  STATICNN_CHECK((check_constant<9, 7, 13, 0, 509, false, -3, -128, 127, 7, 1>() == 0));
  STATICNN_CHECK((check_constant<3, 5, 9, 2, 510, true, 9, -128, 127, 0, 1>() == 0));
  STATICNN_CHECK((check_constant<3, 5, 9, 2, 511, false, -128, -128, 127, 13, 1>() == 0));
  STATICNN_CHECK((check_constant<4, 4, 7, 2, 512, false, -128, -128, 90, 8, 1>() == 0));
  STATICNN_CHECK((check_constant<1, 3, 3, 1, 513, false, -128, -128, 127, 8, 1>() == 0));
  STATICNN_CHECK((check_constant<2, 1, 5, 1, 514, true, -128, -128, 60, 0, 1>() == 0));
  STATICNN_CHECK((check_constant<2, 1, 6, 1, 515, false, 3, 3, 127, 9, 1>() == 0));
  STATICNN_CHECK((check_constant<32, 6, 6, 1, 516, false, -128, -128, 127, 14, 1>() == 0));
  STATICNN_CHECK((check_constant<32, 6, 6, 1, 517, true, 2, -128, 127, 0, 1>() == 0));
  STATICNN_CHECK((check_constant<7, 11, 12, 0, 518, false, -128, -128, 100, 8, 1>() == 0));
  STATICNN_CHECK((check_constant<6, 13, 15, 1, 519, false, -128, -128, 127, 15, 1>() == 0));
}

STATICNN_TEST(int8_depthwise_s2_padding_columns) {
  // The column strips (depthwise_s8_s2_dsp.hpp) with padding 1: the left strip's column 0 starts
  // each output row with its taps on the left padding column (z (w3 + w6) in row 0, z (w0 + w3 +
  // w6) below, w6's taken back where kernel row 2 is the bottom padding). Odd and even heights
  // (the bottom padding row or none, one output row), odd and even widths (the right padding,
  // the half strips, a left strip alone), 1 to 9 channels, random input zero points, every
  // rescale form (general, ties, wide and clamped, Signed, the top form's shifts), clamps.
  STATICNN_CHECK((check<3, 1, 4, 3, 2, 1>(300) == 0));    // one output row, top and bottom padding
  STATICNN_CHECK((check<2, 2, 5, 3, 2, 1>(301) == 0));    // one output row, no bottom padding
  STATICNN_CHECK((check<5, 3, 6, 3, 2, 1>(302) == 0));
  STATICNN_CHECK((check<4, 13, 7, 3, 2, 1>(303) == 0));
  STATICNN_CHECK((check<9, 12, 4, 3, 2, 1>(304) == 0));   // the left strip alone
  STATICNN_CHECK((check<2, 17, 18, 3, 2, 1>(305) == 0));
  STATICNN_CHECK((check<3, 15, 23, 3, 2, 1>(306, true, -20, 90) == 0));
  STATICNN_CHECK((check_zp<7, 16, 16, 3, 2, 1>(307, -128, false) == 0));
  STATICNN_CHECK((check_zp<3, 11, 10, 3, 2, 1>(308, 9, false) == 0));
  STATICNN_CHECK((check_ties<5, 9, 9, 3, 2, 1>(309, -3, 1) == 0));
  STATICNN_CHECK((check_ties<2, 8, 13, 3, 2, 1>(310, -128, 3) == 0));
  STATICNN_CHECK((check_ties<3, 1, 9, 3, 2, 1>(311, 2, 4) == 0));
  for (std::int32_t sh = 8; sh <= 16; sh += 2) {
    const auto seed = static_cast<std::uint32_t>(320 + sh);
    STATICNN_CHECK((check_shift<3, 16, 16, 3, 2, 1>(seed, sh, -128, -128, 127) == 0));
    STATICNN_CHECK((check_shift<2, 9, 12, 3, 2, 1>(seed, sh, -128, -128, 100) == 0));
    STATICNN_CHECK((check_shift<4, 14, 5, 3, 2, 1>(seed, sh, 6, 6, 127) == 0));
  }
}
#endif

#if STATICNN_DEPTHWISE_PART == 4
// The half top form (rescale_quads_top<true>: shift -8, unsigned narrow channels on maps of 16
// outputs or more in the column planes or strips) beside the top form (shift -9) and the forms
// it leaves to others, in one layer: random multipliers in [2^30, 2^31) with channels' shifts -8,
// -8, -9 in turn; big: the last channel's bias 5,000,000 from 0 (|acc| >= 2^22: the narrow
// doubled form instead). Clamps wide (zero point -128), a ReLU's at its zero point, a ReLU6's top
// below 127, a bottom above the zero point; odd sizes (a tail of 1 to 3 outputs past the quads),
// 1 to 17 channels, padding 0 to 3, stride 1 (whole planes, chunks) and 2 (strips, planes).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
std::size_t check_half_top(std::uint32_t seed, std::int32_t zp, std::int32_t act_min, std::int32_t act_max, bool big = false) {
  static problem<C, H, W, K, S, P> p;
  p.fill(seed, false, act_min, act_max, false, zp);
  for (std::size_t c = 0; c < C; ++c) p.shift[c] = static_cast<std::int8_t>(c % 3 == 2 ? -9 : -8);
  if (big) {
    const std::int32_t delta = (C % 2 == 0 ? 5000000 : -5000000) - p.raw_bias[C - 1];
    p.raw_bias[C - 1] += delta, p.bias[C - 1] += delta;  // bias - z_in sum w as before
  }
  return p.wrong();
}
#endif

#if STATICNN_DEPTHWISE_PART == 1
// Global average pooling (kernels/global_avg_pool_s8.hpp: USADA8 sums on DSP targets) against
// the means rounded half away from zero written out here, on maps of 4 to 272 values (the 16-value
// loop, its word tail, 1 to 3 last values alone, maps below 16 inline; aligned maps of 16 to 256
// unrolled), input 0 to 3 bytes past a word boundary, values at both ends of int8, and ties.
template <std::size_t C, std::size_t N>
  requires(C >= 2)
std::size_t gap_wrong(std::uint32_t seed, std::size_t misalign) {
  alignas(4) static std::array<std::int8_t, C * N + 3> buf;
  std::int8_t* x = buf.data() + misalign;
  std::uint32_t r = seed;
  for (std::size_t i = 0; i < C * N; ++i) x[i] = static_cast<std::int8_t>(((r = r * 1664525u + 1013904223u) >> 24) - 128);
  for (std::size_t i = 0; i < N; ++i) x[i] = -128, x[N + i] = 127;  // the int8 ends
  if constexpr (C >= 3)  // a tie: the sum -n/2
    for (std::size_t i = 0; i < N; ++i) x[2 * N + i] = static_cast<std::int8_t>(i == 0 ? -(static_cast<int>(N) / 2) % 128 : 0);
  std::array<std::int8_t, C> y{};
  kernels::global_avg_pool_s8<C, N>(x, y.data(), -120, 127);
  std::size_t wrong = 0;
  for (std::size_t c = 0; c < C; ++c) {
    long s = 0;
    for (std::size_t i = 0; i < N; ++i) s += x[c * N + i];
    const long n = static_cast<long>(N), a = s < 0 ? -s : s;
    long m = (2 * a + n) / (2 * n);  // |mean| rounded half up
    m = s < 0 ? -m : m;
    wrong += y[c] != static_cast<std::int8_t>(m < -120 ? -120 : m);
  }
  return wrong;
}

STATICNN_TEST(int8_global_avg_pool) {
  static_assert(kernels::arm::global_avg_pool_s8_runs_dsp<25> == kernels::target::arm_dsp);
  for (std::size_t misalign = 0; misalign < 4; ++misalign) {
    STATICNN_CHECK((gap_wrong<5, 64>(40, misalign) == 0));
    STATICNN_CHECK((gap_wrong<3, 100>(41, misalign) == 0));
    STATICNN_CHECK((gap_wrong<4, 4>(42, misalign) == 0));
    STATICNN_CHECK((gap_wrong<3, 25>(43, misalign) == 0));
    STATICNN_CHECK((gap_wrong<3, 15>(44, misalign) == 0));
    STATICNN_CHECK((gap_wrong<2, 35>(45, misalign) == 0));
    STATICNN_CHECK((gap_wrong<3, 16>(46, misalign) == 0));   // aligned: unrolled, one group
    STATICNN_CHECK((gap_wrong<4, 48>(47, misalign) == 0));
    STATICNN_CHECK((gap_wrong<3, 256>(48, misalign) == 0));  // the most unrolled
    STATICNN_CHECK((gap_wrong<3, 272>(49, misalign) == 0));  // past it: the loop
  }
}

STATICNN_TEST(int8_depthwise_instructions_per_mac) {
  measure<16, 16, 16, 3, 1, 1>(21);
  measure<32, 16, 16, 3, 2, 1>(22);
  measure<8, 48, 48, 3, 2, 1>(23);
  measure<8, 48, 48, 3, 1, 1>(24);
  measure<64, 25, 5, 3, 1, 1>(25);   // DS-CNN
  measure<128, 6, 6, 3, 1, 1>(26);   // MobileNet
  measure<64, 12, 12, 3, 2, 1>(27);
  measure<32, 24, 24, 3, 2, 1>(28);
  measure<256, 3, 3, 3, 1, 1>(29);
  measure<16, 24, 24, 3, 1, 1>(30);
  // fw_family's separable stage 1 (no clamp, zero point -3: Signed) and the same map calibrated.
  measure<8, 16, 16, 3, 1, 1>(31, -128, 127, -3);
  measure<8, 16, 16, 3, 1, 1>(31, -128, 127, -128);
  measure<16, 16, 16, 3, 1, 1>(21, -128, 127, -128);
  measure<128, 6, 6, 3, 1, 1>(26, -128, 127, -128);
}

#endif

#if STATICNN_DEPTHWISE_PART == 4
STATICNN_TEST(int8_depthwise_half_top) {
  constexpr bool dsp = kernels::target::arm_dsp;
  static_assert(!dsp || (kernels::arm::depthwise_s8_dsp_planes<7, 9, 3, 1, 1> &&
                         kernels::arm::depthwise_s8_dsp_planes<7, 9, 3, 1, 0> &&
                         kernels::arm::depthwise_s8_dsp_planes<9, 11, 3, 1, 3> &&
                         kernels::arm::depthwise_s8_dsp_planes<5, 17, 3, 1, 1> &&
                         kernels::arm::depthwise_s8_dsp_planes<9, 10, 3, 2, 2> &&
                         kernels::arm::depthwise_s8_dsp_s2_columns<11, 13, 3, 2, 1> &&
                         kernels::arm::depthwise_dsp::planes_chunk<21, 45, 1, 1> < 21));
  STATICNN_CHECK((check_half_top<1, 16, 16, 3, 1, 1>(200, -128, -128, 127) == 0));
  STATICNN_CHECK((check_half_top<3, 7, 9, 3, 1, 1>(201, -128, -128, 127) == 0));   // 63 outputs: a tail of 3
  STATICNN_CHECK((check_half_top<5, 7, 9, 3, 1, 0>(202, 5, 5, 127) == 0));         // ReLU at the zero point; 35
  STATICNN_CHECK((check_half_top<17, 6, 6, 3, 1, 1>(203, -128, -128, 100) == 0));  // ReLU6-like top
  STATICNN_CHECK((check_half_top<2, 21, 45, 3, 1, 1>(204, -20, -10, 60) == 0));    // chunks; bottom above the zero point
  STATICNN_CHECK((check_half_top<3, 8, 10, 3, 1, 2>(205, -128, -128, 127) == 0));  // padding 2
  STATICNN_CHECK((check_half_top<2, 9, 11, 3, 1, 3>(206, 0, 0, 127) == 0));        // padding 3
  STATICNN_CHECK((check_half_top<4, 5, 17, 3, 1, 1>(207, -128, -128, 127) == 0));  // 85 outputs: a tail of 1
  STATICNN_CHECK((check_half_top<2, 4, 4, 3, 1, 1>(208, -128, -128, 127) == 0));   // 16 outputs
  STATICNN_CHECK((check_half_top<2, 6, 8, 3, 1, 1>(219, -128, -128, 127) == 0));   // 48
  STATICNN_CHECK((check_half_top<3, 3, 5, 3, 1, 1>(209, -128, -128, 127) == 0));   // 15: below the top forms' maps
  STATICNN_CHECK((check_half_top<3, 11, 13, 3, 2, 1>(210, -128, -128, 127) == 0)); // stride 2, strips
  STATICNN_CHECK((check_half_top<2, 12, 9, 3, 2, 0>(211, 5, 5, 127) == 0));        // stride 2, padding 0; 22
  STATICNN_CHECK((check_half_top<2, 9, 10, 3, 2, 2>(212, -128, -128, 90) == 0));   // stride 2, planes (padding 2)
  STATICNN_CHECK((check_half_top<16, 16, 16, 3, 1, 1>(213, -128, -128, 127, true) == 0));
  STATICNN_CHECK((check_half_top<5, 9, 11, 3, 1, 1>(214, -3, -3, 127, true) == 0));
  // Exact ties at shifts 8 and 9 (multiplier 2^30).
  STATICNN_CHECK((check_shift<3, 7, 9, 3, 1, 1>(215, 8, -128, -128, 127) == 0));
  STATICNN_CHECK((check_shift<5, 7, 9, 3, 1, 0>(216, 8, 5, 5, 127) == 0));
  STATICNN_CHECK((check_shift<3, 11, 13, 3, 2, 1>(218, 8, -128, -128, 100) == 0));
}

// The top forms' wide loop (clamp = int8's range), 4 quads a pass: counts of 4 to 14 quads (every
// entry), a tail past them, whole planes, chunks (a last chunk's count apart), stride-2 strips.
STATICNN_TEST(int8_depthwise_top_quads) {
  STATICNN_CHECK((check_half_top<3, 4, 4, 3, 1, 1>(250, -128, -128, 127) == 0));   // 4 quads
  STATICNN_CHECK((check_half_top<3, 4, 5, 3, 1, 1>(251, -128, -128, 127) == 0));   // 5
  STATICNN_CHECK((check_half_top<3, 4, 6, 3, 1, 1>(252, -128, -128, 127) == 0));   // 6
  STATICNN_CHECK((check_half_top<3, 4, 7, 3, 1, 1>(253, -128, -128, 127) == 0));   // 7
  STATICNN_CHECK((check_half_top<3, 4, 8, 3, 1, 1>(254, -128, -128, 127) == 0));   // 8
  STATICNN_CHECK((check_half_top<2, 6, 6, 3, 1, 0>(255, -128, -128, 127) == 0));   // 16 outputs, padding 0
  STATICNN_CHECK((check_half_top<3, 5, 9, 3, 1, 1>(256, -128, -128, 127) == 0));   // 11 quads and 1
  STATICNN_CHECK((check_half_top<2, 6, 7, 3, 1, 1>(257, -128, -128, 127) == 0));   // 10 and 2
  STATICNN_CHECK((check_half_top<2, 25, 41, 3, 1, 1>(258, -128, -128, 127) == 0)); // chunks
  STATICNN_CHECK((check_half_top<3, 9, 15, 3, 2, 1>(259, -128, -128, 127) == 0));  // stride 2: 5 x 8
  STATICNN_CHECK((check_half_top<2, 7, 13, 3, 2, 1>(260, -128, -128, 127) == 0));  // 4 x 7
  STATICNN_CHECK((check_half_top<3, 7, 7, 3, 1, 1>(261, -128, -128, 127) == 0));   // 12 quads and 1
  STATICNN_CHECK((check_half_top<3, 5, 10, 3, 1, 1>(262, -128, -128, 127) == 0));  // 12 and 2
  STATICNN_CHECK((check_half_top<3, 5, 11, 3, 1, 1>(263, -128, -128, 127) == 0));  // 13 and 3
  STATICNN_CHECK((check_half_top<3, 7, 8, 3, 1, 1>(264, -128, -128, 127) == 0));   // 14
}

STATICNN_TEST(int8_depthwise_planes_rows_widened) {
  constexpr bool dsp = kernels::target::arm_dsp;
  // The whole-channel planes widened in one loop over the rows, two a pass (widen_rows_planes: W
  // a multiple of 4): W 4 to 28 (8-value steps 0 to 3, with and without a last 4), padding 0 to 3
  // (both planes first), H 1 to 11 odd and even, every rescale form (general), clamps.
  static_assert(!dsp || (kernels::arm::depthwise_dsp::widen_rows_planes_fits<4, 0> &&
                         kernels::arm::depthwise_dsp::widen_rows_planes_fits<12, 1> &&
                         kernels::arm::depthwise_dsp::widen_rows_planes_fits<20, 3> &&
                         kernels::arm::depthwise_dsp::widen_rows_planes_fits<8, 2> &&
                         kernels::arm::depthwise_dsp::planes_chunk<3, 12, 1, 1> == 3 &&
                         kernels::arm::depthwise_dsp::planes_chunk<7, 28, 1, 0> == 5));
  STATICNN_CHECK((check<3, 3, 12, 3, 1, 1>(230) == 0));
  STATICNN_CHECK((check<2, 4, 4, 3, 1, 0>(231, false, -3, 127) == 0));
  STATICNN_CHECK((check<5, 5, 8, 3, 1, 2>(232) == 0));
  STATICNN_CHECK((check<3, 7, 20, 3, 1, 3>(233, true, -128, 60) == 0));
  STATICNN_CHECK((check<2, 7, 28, 3, 1, 0>(234) == 0));
  STATICNN_CHECK((check<4, 8, 24, 3, 1, 1>(235, false, -128, 127, -128) == 0));
  STATICNN_CHECK((check<3, 9, 12, 3, 1, 2>(236, true, -3, 127) == 0));
  STATICNN_CHECK((check<2, 2, 16, 3, 1, 1>(237) == 0));
  STATICNN_CHECK((check_zp<3, 11, 16, 3, 1, 1>(238, -128, false) == 0));
  STATICNN_CHECK((check_ties<3, 5, 12, 3, 1, 1>(239, -128, 3) == 0));
  STATICNN_CHECK((check<2, 1, 8, 3, 1, 1>(240) == 0));  // a single row (odd: the pass's second)
}
#endif

int main() {
  return staticnn::fw_test::run_all(STATICNN_DEPTHWISE_PART == 1   ? "kernels_depthwise"
                                    : STATICNN_DEPTHWISE_PART == 2 ? "kernels_depthwise_forms"
                                    : STATICNN_DEPTHWISE_PART == 3 ? "kernels_depthwise_s2"
                                                                   : "kernels_depthwise_half_top");
}
