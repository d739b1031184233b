// kernels/arm/conv2d_s8_max_pool_dsp.hpp (a 3x3 stride-1 conv of one input channel, or a 1x1 conv
// of 2 to 120 channels, then a 2x2 max pool, the maximum taken before the rescale; the same for the
// widened-rows kernel's one-channel K x K windows, K 4 to 11, stride 1 or 2: check_widened) against the portable conv (kernels/conv2d_s8.hpp's
// conv2d_s8_rows_portable) followed by the 2x2 maximum of its int8 outputs, bit for bit, on shapes
// it was not tuned for: even and odd widths (the last conv column dropped by the pool), widths
// whose widened rows end in a byte-by-byte tail, 1 to 16 output channels, pooled rows from any
// input row, both rescale forms and clamps. The general channels include the ones where a maximum
// before the rescale would be wrong (a negative multiplier: the rescale is then decreasing; a left
// shift whose product wraps). Elsewhere than Armv7E-M DSP, and on MVE targets (whose conv kernels
// come first), every test skips (exit 77).
//   fw: kernel conv<K>x<K>_max_pool C <c> G <g> W <w> instructions <n> per_mac <n/m>
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "harness.hpp"
#include "instruction_counter.hpp"
#include "kernel_operands.hpp"
#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using fw::console::print;

namespace {

using fw_test::draw_rescales, fw_test::general_forms, fw_test::lcg, fw_test::rescales;

// The pooled row from input rows [oy0, oy0 + 4) of a random 1 x H x W input: the kernel against
// the portable conv's two rows and their 2x2 maxima; the number of differing outputs.
// C = 1, K = 3: conv2d_s8_max_pool_dsp; K = 1: conv2d_s8_pointwise_pool_dsp (rows oy0, oy0 + 1).
// Avg (C = 1, K = 3): conv2d_s8_avg_pool_dsp against the portable conv's rows and their 2x2 averages
// rounded half away from zero ((sum +- 2) / 4, quant/pool.hpp).
template <std::size_t C, std::size_t K, std::size_t H, std::size_t W, std::size_t G, rescales R = rescales::doubled,
          std::size_t PR = 1, bool Avg = false>
std::size_t check(std::uint32_t seed, std::size_t oy0, std::int32_t act_min = -128, std::int32_t act_max = 127,
                  bool print_count = false, std::int32_t zero_point = -5) {
  constexpr bool fits = K == 3 ? kernels::arm::conv2d_s8_max_pool_dsp_fits<C, H, W, K, 1>
                               : kernels::arm::conv2d_s8_pointwise_pool_dsp_fits<C, H, W, K, 1>;
  if constexpr (!fits) {
    return 1000;  // on a DSP target the kernels take every shape here
  } else {
  constexpr std::size_t OW = W - K + 1, PW = OW / 2, F = C * K * K;
  lcg g{seed};
  static std::array<std::int8_t, C * H * W> x;
  static std::array<std::int8_t, G * F> w;
  static std::array<std::int32_t, G> bias, multiplier;
  static std::array<std::int8_t, G> shift;
  for (auto& v : x) v = g.next8();
  for (auto& v : w) v = static_cast<std::int8_t>(g.next() % 255 - 127);
  draw_rescales(g, bias, multiplier, shift, 20000, 7, 5);
  if constexpr (R == rescales::general) general_forms(multiplier, shift);
  const kernels::channel_rescale q{bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
  // The portable conv's 2 PR rows of every channel, then the pool.
  static_assert(PR == 1 || K == 1, "several pooled rows a call: the 1x1 kernel");
  static std::array<std::int8_t, G * 2 * PR * OW> conv;
  kernels::conv2d_s8_rows_portable<C, H, W, K, 1, G>(x.data(), w.data(), q, conv.data(), oy0, 2 * PR);
  static std::array<std::int8_t, G * PR * PW> want, got;
  for (std::size_t o = 0; o < G; ++o)
    for (std::size_t py = 0; py < PR; ++py)
      for (std::size_t px = 0; px < PW; ++px) {
        const std::int8_t* c = conv.data() + (o * 2 * PR + 2 * py) * OW + 2 * px;
        std::int8_t m = c[0];
        for (std::int8_t v : {c[1], c[OW], c[OW + 1]}) m = v > m ? v : m;
        const std::int32_t sum = c[0] + c[1] + c[OW] + c[OW + 1];
        want[(o * PR + py) * PW + px] = Avg ? static_cast<std::int8_t>(sum >= 0 ? (sum + 2) / 4 : (sum - 2) / 4) : m;
      }
  got.fill(0x55);
  fw::instruction_counter::start();
  if constexpr (Avg)
    kernels::arm::conv2d_s8_avg_pool_dsp<H, W, G, R == rescales::known>(x.data(), w.data(), q, got.data(), PW, oy0);
  else if constexpr (K == 3)
    kernels::arm::conv2d_s8_max_pool_dsp<H, W, G, R == rescales::known>(x.data(), w.data(), q, got.data(), PW, oy0);
  else
    kernels::arm::conv2d_s8_pointwise_pool_dsp<C, H, W, G, R == rescales::known>(x.data(), w.data(), q, got.data(),
                                                                                  PR * PW, oy0, PR);
  const std::uint64_t n = fw::instruction_counter::stop();
  if (print_count)
    print("fw: kernel conv", K, 'x', K, Avg ? "_avg_pool C " : "_max_pool C ", C, " G ", G, " W ", W,
          " instructions ", n, " per_mac ",
          fw::console::fixed{static_cast<double>(n) / static_cast<double>(G * PR * PW * 4 * F), 3}, '\n');
  std::size_t differ = 0;
  for (std::size_t i = 0; i < G * PR * PW; ++i) differ += got[i] != want[i];
  return differ;
  }
}

// conv2d_s8_widened_max_pool_dsp (one input channel, a K x K window of stride S, padded by Pad on
// every side with the input zero point zx): pooled row py of G channels against the portable conv
// on the padded input (conv rows 2 py, 2 py + 1) and the 2x2 maxima of its int8 outputs; the number
// of differing outputs.
template <std::size_t K, std::size_t S, std::size_t H, std::size_t W, std::size_t G, std::size_t Pad,
          rescales R = rescales::doubled, std::size_t PR = 1>
std::size_t check_widened(std::uint32_t seed, std::size_t py, std::int32_t act_min = -128, std::int32_t act_max = 127,
                          bool print_count = false, std::int8_t zx = -3) {
  constexpr std::size_t PH = Pad + H + Pad, PWd = Pad + W + Pad;
  if constexpr (!kernels::arm::conv2d_s8_widened_max_pool_fits<PH, PWd, K, S>) {
    return 1000;  // on a DSP target the kernel takes every shape here
  } else {
    constexpr std::size_t OW = (PWd - K) / S + 1, PW = OW / 2, F = K * K;
    lcg g{seed};
    static std::array<std::int8_t, H * W> x;
    static std::array<std::int8_t, PH * PWd> xp;  // the padded input, for the portable conv
    static std::array<std::int8_t, G * F> w;
    static std::array<std::int32_t, G> bias, multiplier;
    static std::array<std::int8_t, G> shift;
    for (auto& v : x) v = g.next8();
    for (auto& v : w) v = static_cast<std::int8_t>(g.next() % 255 - 127);
    draw_rescales(g, bias, multiplier, shift, 20000, 8, 5);
    if constexpr (R == rescales::general) general_forms(multiplier, shift);
    for (std::size_t i = 0; i < PH; ++i)
      for (std::size_t j = 0; j < PWd; ++j)
        xp[i * PWd + j] = i >= Pad && i < Pad + H && j >= Pad && j < Pad + W ? x[(i - Pad) * W + j - Pad] : zx;
    const kernels::channel_rescale q{bias.data(), multiplier.data(), shift.data(), -5, act_min, act_max};
    static std::array<std::int8_t, G * 2 * PR * OW> conv;
    kernels::conv2d_s8_rows_portable<1, PH, PWd, K, S, G>(xp.data(), w.data(), q, conv.data(), 2 * py, 2 * PR);
    static std::array<std::int8_t, G * PR * PW> want, got;
    for (std::size_t o = 0; o < G; ++o)
      for (std::size_t i = 0; i < PR; ++i)
        for (std::size_t px = 0; px < PW; ++px) {
          const std::int8_t* c = conv.data() + (o * 2 * PR + 2 * i) * OW + 2 * px;
          std::int8_t m = c[0];
          for (std::int8_t v : {c[1], c[OW], c[OW + 1]}) m = v > m ? v : m;
          want[(o * PR + i) * PW + px] = m;
        }
    got.fill(0x55);
    fw::instruction_counter::start();
    kernels::arm::conv2d_s8_widened_max_pool_dsp<H, W, K, S, G, Pad, R == rescales::known>(x.data(), w.data(), q,
                                                                                           got.data(), PR * PW, 2 * py, zx, PR);
    const std::uint64_t n = fw::instruction_counter::stop();
    if (print_count)
      print("fw: kernel conv", K, 'x', K, "_s", S, "_widened_max_pool G ", G, " W ", W, " instructions ", n,
            " per_mac ", fw::console::fixed{static_cast<double>(n) / static_cast<double>(G * PR * PW * 4 * F), 3}, '\n');
    std::size_t differ = 0;
    for (std::size_t i = 0; i < G * PR * PW; ++i) differ += got[i] != want[i];
    return differ;
  }
}

STATICNN_TEST(int8_conv_widened_max_pool_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no widened conv + max pool kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check_widened<4, 1, 5, 5, 1, 0, D>(101, 0) == 0));            // one pooled output
  STATICNN_CHECK((check_widened<4, 1, 9, 11, 3, 1, Gen>(102, 2, -7, 127) == 0));  // conv width 10, pooled 5
  STATICNN_CHECK((check_widened<5, 1, 28, 28, 6, 0, D>(103, 11, -5, 127, true) == 0));  // LeNet's
  STATICNN_CHECK((check_widened<5, 1, 28, 28, 6, 0, Known>(104, 5, -5, 127, true) == 0));
  STATICNN_CHECK((check_widened<5, 1, 13, 17, 13, 2, Gen>(105, 3) == 0));     // conv 13 x 17: floor pooling
  STATICNN_CHECK((check_widened<5, 1, 12, 15, 6, 1, D>(106, 4, 3, 3) == 0));  // a single-value clamp
  STATICNN_CHECK((check_widened<5, 1, 12, 15, 6, 1, Gen>(107, 1, 10, 9) == 0));  // an empty clamp: general
  STATICNN_CHECK((check_widened<7, 1, 15, 21, 13, 2, Gen>(108, 4, -128, 40) == 0));
  STATICNN_CHECK((check_widened<7, 1, 20, 33, 3, 0, D>(109, 6, -100, 90) == 0));  // pooled width 13
  STATICNN_CHECK((check_widened<11, 1, 24, 30, 6, 1, Gen>(110, 3) == 0));
  STATICNN_CHECK((check_widened<11, 1, 14, 13, 1, 0, D>(111, 0, -5, 127) == 0));  // conv 4 x 3: pooled 2 x 1
  STATICNN_CHECK((check_widened<4, 2, 16, 21, 6, 1, Gen>(112, 1, -7, 127) == 0));  // stride 2
  STATICNN_CHECK((check_widened<5, 2, 31, 29, 13, 2, D>(113, 3) == 0));
  STATICNN_CHECK((check_widened<7, 2, 23, 40, 3, 3, Known>(114, 2, -20, 20) == 0));
  STATICNN_CHECK((check_widened<11, 2, 30, 35, 6, 2, Gen>(115, 1, 4, 4) == 0));
  STATICNN_CHECK((check_widened<6, 1, 10, 47, 5, 0, D>(116, 1, -128, 0, false, -128) == 0));
  // several pooled rows a call (as a whole layer: weights widened once where they fit)
  STATICNN_CHECK((check_widened<5, 1, 28, 28, 6, 0, D, 12>(117, 0, -5, 127, true) == 0));  // LeNet's, whole
  STATICNN_CHECK((check_widened<5, 1, 13, 17, 13, 2, Gen, 6>(118, 0, -7, 127) == 0));
  STATICNN_CHECK((check_widened<7, 2, 23, 40, 3, 3, Known, 3>(119, 2, -20, 20) == 0));
  STATICNN_CHECK((check_widened<4, 1, 9, 11, 40, 1, Gen, 3>(120, 0) == 0));  // weights widened a row at a time
}

// The conv -> activation -> max pool stage takes these kernels by shape (quant/conv2d.hpp's
// max_pools_itself): a 3x3 stride-1 conv of one input channel (padded or not), a 1x1 conv of 2 to 120
// channels, a 2x2 pool; on DSP targets without MVE only.
constexpr bool pools_here = kernels::target::arm_dsp && !kernels::target::arm_mve;
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 16, 3, 1, 1>::max_pools_itself<2> == pools_here);
static_assert(quant::qconv2d_layer<shape<1, 9, 7>, 5, 3, 1>::max_pools_itself<2> == pools_here);
static_assert(quant::qconv2d_layer<shape<8, 32, 32>, 32, 1, 1>::max_pools_itself<2> == pools_here);
static_assert(quant::qconv2d_layer<shape<3, 8, 9>, 4, 1, 1>::max_pools_itself<2> == pools_here);
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 16, 3, 1, 1>::max_pools_itself<3> == pools_here);  // a 3x3 pool: fw_kernels_3x3_pool
static_assert(quant::qconv2d_layer<shape<2, 28, 28>, 16, 3, 1, 1>::max_pools_itself<2> == pools_here);  // 2 channels: the stem kernel (fw_kernels_stem)
static_assert(!quant::qconv2d_layer<shape<1, 28, 28>, 16, 3, 2, 1>::max_pools_itself<2>);  // stride 2
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 16, 5, 1, 2>::max_pools_itself<2> == pools_here);  // widened
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 6, 5, 1>::max_pools_itself<2> == pools_here);  // LeNet's
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 6, 5, 1>::max_pools_rows == pools_here);  // all rows a call
static_assert(kernels::arm::conv2d_s8_widened_max_pool_keeps<28, 28, 5, 1, 6>);         // weights widened once
static_assert(!kernels::arm::conv2d_s8_widened_max_pool_keeps<34, 34, 7, 2, 12>);       // once a pooled row
static_assert(quant::qconv2d_layer<shape<1, 31, 29>, 4, 7, 2, 3>::max_pools_itself<2> == pools_here);
static_assert(!quant::qconv2d_layer<shape<3, 28, 28>, 6, 5, 1>::max_pools_itself<2>);  // 3 channels
static_assert(quant::qconv2d_layer<shape<9, 32, 32>, 32, 1, 1>::max_pools_itself<2> == pools_here);
static_assert(quant::qconv2d_layer<shape<32, 16, 16>, 16, 1, 1>::max_pools_itself<2> == pools_here);
static_assert(!quant::qconv2d_layer<shape<1, 32, 32>, 32, 1, 1>::max_pools_itself<2>);     // 1 channel
static_assert(quant::qconv2d_layer<shape<8, 14, 14>, 16, 3, 1, 1>::max_pools_itself<2> == pools_here);  // pairs
static_assert(quant::qconv2d_layer<shape<5, 9, 9>, 4, 5, 2, 2>::max_pools_itself<2> == pools_here);

STATICNN_TEST(int8_conv3x3_max_pool_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no DSP conv 3x3 + max pool kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check<1, 3, 4, 4, 1, D>(1, 0) == 0));                 // the smallest: one pooled output
  STATICNN_CHECK((check<1, 3, 5, 5, 2, Gen>(2, 1, -7, 127) == 0));      // odd width: last column dropped
  STATICNN_CHECK((check<1, 3, 6, 6, 3, D>(3, 2, -5, 127) == 0));
  STATICNN_CHECK((check<1, 3, 8, 7, 5, Gen>(4, 3) == 0));
  STATICNN_CHECK((check<1, 3, 9, 9, 4, D>(5, 4, -100, 90) == 0));
  STATICNN_CHECK((check<1, 3, 7, 12, 7, Gen>(6, 3, 3, 3) == 0));        // a single-value clamp
  STATICNN_CHECK((check<1, 3, 6, 13, 6, Gen>(7, 0, 10, 9) == 0));       // an empty clamp: the general path
  STATICNN_CHECK((check<1, 3, 10, 30, 16, D>(8, 6, -5, 127) == 0));
  STATICNN_CHECK((check<1, 3, 10, 31, 13, Gen>(9, 5, -128, 40) == 0));
  STATICNN_CHECK((check<1, 3, 4, 33, 8, Gen>(10, 0, -5, 127) == 0));
  STATICNN_CHECK((check<1, 3, 5, 160, 3, Gen>(11, 1) == 0));            // the widest it takes
  STATICNN_CHECK((check<1, 3, 4, 159, 2, D>(12, 0, -128, 0) == 0));
  STATICNN_CHECK((check<1, 3, 4, 30, 16, Known>(13, 0, -5, 127) == 0));  // no check, no general path
  STATICNN_CHECK((check<1, 3, 7, 11, 9, Known>(14, 2, -90, 100) == 0));
  STATICNN_CHECK((check<1, 3, 4, 30, 16, D>(15, 0, -5, 127, true) == 0));
  STATICNN_CHECK((check<1, 3, 4, 30, 16, Known>(16, 0, -5, 127, true) == 0));
}

// conv2d_s8_avg_pool_dsp: the same shapes, clamps and rescale forms with the average.
STATICNN_TEST(int8_conv3x3_avg_pool_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no DSP conv 3x3 + avg pool kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check<1, 3, 4, 4, 1, D, 1, true>(51, 0) == 0));
  STATICNN_CHECK((check<1, 3, 5, 5, 2, Gen, 1, true>(52, 1, -7, 127) == 0));
  STATICNN_CHECK((check<1, 3, 8, 7, 5, Gen, 1, true>(54, 3) == 0));
  STATICNN_CHECK((check<1, 3, 9, 9, 3, D, 1, true>(55, 4, -100, 90) == 0));
  STATICNN_CHECK((check<1, 3, 7, 12, 7, Gen, 1, true>(56, 3, 3, 3) == 0));    // a single-value clamp
  STATICNN_CHECK((check<1, 3, 6, 13, 6, Gen, 1, true>(57, 0, 10, 9) == 0));   // an empty clamp
  STATICNN_CHECK((check<1, 3, 10, 31, 12, Gen, 1, true>(59, 5, -128, 40) == 0));
  STATICNN_CHECK((check<1, 3, 5, 160, 3, D, 1, true>(61, 1) == 0));           // the widest it takes
  STATICNN_CHECK((check<1, 3, 7, 11, 9, Known, 1, true>(64, 2, -90, 100) == 0));
  STATICNN_CHECK((check<1, 3, 4, 30, 8, Known, 1, true>(66, 0, -5, 127, true) == 0));
}

// conv2d_s8_pointwise_pool_dsp with the weights in registers: C 2-8 (odd: a last pair half empty),
// widths even and odd (a last window packed byte by byte), rows from any oy0, both rescale forms.
STATICNN_TEST(int8_conv1x1_max_pool_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no DSP conv 1x1 + max pool kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check<2, 1, 2, 2, 1, D>(21, 0) == 0));               // the smallest
  STATICNN_CHECK((check<3, 1, 3, 5, 4, Gen>(22, 1, -7, 127) == 0));    // odd C, odd width
  STATICNN_CHECK((check<4, 1, 6, 9, 3, D>(23, 3, -100, 90) == 0));
  STATICNN_CHECK((check<5, 1, 4, 11, 7, Gen>(24, 2, 3, 3) == 0));
  STATICNN_CHECK((check<6, 1, 5, 12, 5, Gen>(25, 3, 10, 9) == 0));      // an empty clamp
  STATICNN_CHECK((check<7, 1, 4, 7, 9, D>(26, 1) == 0));
  STATICNN_CHECK((check<8, 1, 8, 32, 32, Gen>(27, 6, -5, 127) == 0));
  STATICNN_CHECK((check<8, 1, 3, 63, 6, D>(28, 1, -128, 40) == 0));
  STATICNN_CHECK((check<8, 1, 2, 128, 5, Known>(29, 0, -5, 127) == 0));  // the widest for C = 8
  STATICNN_CHECK((check<5, 1, 4, 14, 10, Known>(30, 2, -90, 100) == 0));
  STATICNN_CHECK((check<8, 1, 2, 32, 32, D>(31, 0, -5, 127, true) == 0));
  STATICNN_CHECK((check<8, 1, 2, 32, 32, Known>(32, 0, -5, 127, true) == 0));
  // several pooled rows a call: passes across rows (C = 8: 32 windows a pass), odd widths
  STATICNN_CHECK((check<7, 1, 9, 11, 3, Gen, 4>(33, 1, -7, 127) == 0));
  STATICNN_CHECK((check<8, 1, 32, 32, 4, D, 16>(34, 0, -5, 127, true) == 0));  // as a whole 32 x 32 layer
  // a ReLU's clamp as quantize() sets it (zero point -128: no sign correction, the whole int8
  // range), and a ReLU6's (no sign correction, hi < 127)
  STATICNN_CHECK((check<6, 1, 4, 10, 5, Gen>(35, 1, -128, 127, false, -128) == 0));
  STATICNN_CHECK((check<8, 1, 3, 9, 7, D>(36, 0, -128, 50, false, -128) == 0));
  // more channels than one call's channel_regs (32): a second group, general channels in both
  STATICNN_CHECK((check<8, 1, 4, 9, 33, Gen>(37, 1, -5, 127) == 0));
  STATICNN_CHECK((check<3, 1, 5, 7, 33, D, 2>(38, 0, -128, 127, false, -128) == 0));
  STATICNN_CHECK((check<5, 1, 7, 13, 33, Known, 3>(39, 0, -20, 20) == 0));
  STATICNN_CHECK((check<2, 1, 3, 3, 1, D>(40, 1, -60, 127) == 0));         // one channel, one window
  STATICNN_CHECK((check<7, 1, 6, 13, 16, Gen, 3>(41, 0, 4, 4) == 0));      // a single-value clamp, rows of 6
  STATICNN_CHECK((check<8, 1, 5, 6, 3, Gen, 2>(42, 1, 10, 9) == 0));       // an empty clamp: all general
}

// conv2d_s8_pointwise_pool_dsp with the weights in a frame: C 9 to 120 (channel quads
// and a last pair of 1, 2 or 3 channels), G 3, 5, 12 and others, widths odd and even (a last window
// packed byte by byte), passes of the im2col (C = 120: 2 windows a pass), both rescale forms.
STATICNN_TEST(int8_conv1x1_pairs_max_pool_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no DSP conv 1x1 + max pool kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check<9, 1, 2, 2, 3, D>(41, 0) == 0));                // one window
  STATICNN_CHECK((check<10, 1, 3, 5, 5, Gen>(42, 1, -7, 127) == 0));    // odd width
  STATICNN_CHECK((check<24, 1, 4, 11, 12, D>(43, 2, -100, 90) == 0));
  STATICNN_CHECK((check<15, 1, 5, 12, 5, Gen>(44, 3, 10, 9) == 0));     // an empty clamp
  STATICNN_CHECK((check<13, 1, 4, 9, 7, Gen>(45, 1, 3, 3) == 0));
  STATICNN_CHECK((check<120, 1, 3, 19, 3, Gen>(46, 1) == 0));           // passes of 2 windows, a last one alone
  STATICNN_CHECK((check<33, 1, 4, 14, 10, Known>(47, 2, -90, 100) == 0));
  STATICNN_CHECK((check<32, 1, 2, 16, 16, D>(48, 0, -5, 127, true) == 0));
  STATICNN_CHECK((check<16, 1, 2, 32, 32, Known>(49, 0, -5, 127, true) == 0));
  STATICNN_CHECK((check<120, 1, 7, 11, 3, Gen, 3>(50, 0, -100, 90) == 0));  // passes of 2 windows across rows of 5
  STATICNN_CHECK((check<32, 1, 16, 16, 16, D, 8>(51, 0, -5, 127, true) == 0));  // as a whole 16 x 16 layer
  STATICNN_CHECK((check<12, 1, 4, 10, 5, Gen>(52, 1, -128, 127, false, -128) == 0));  // a ReLU's clamp, zero point -128
  STATICNN_CHECK((check<17, 1, 3, 9, 7, D>(53, 0, -128, 50, false, -128) == 0));      // a ReLU6's
  // G above the pair count (the windows' differences) and not, a second pooled row, G = 33, 1
  STATICNN_CHECK((check<12, 1, 4, 9, 3, D, 2>(54, 0, -128, 127, false, -128) == 0));
  STATICNN_CHECK((check<16, 1, 2, 10, 33, Gen>(55, 0, -5, 127) == 0));
  STATICNN_CHECK((check<13, 1, 5, 11, 5, D, 2>(56, 1, -7, 127) == 0));
  STATICNN_CHECK((check<17, 1, 3, 7, 16, Gen>(57, 0, -128, 50, false, -128) == 0));
  STATICNN_CHECK((check<9, 1, 4, 5, 1, Known, 2>(58, 0, -90, 100) == 0));
  STATICNN_CHECK((check<16, 1, 3, 9, 16, Gen>(59, 1, 3, 3) == 0));
}

// kernels/arm/conv2d_s8_pairs_dsp.hpp's conv2d_s8_pairs_max_pool_dsp (C 4 to 12 channels, K 2 to
// 5, stride S, padding Pad with the value -7): pooled row oy0 / 2 of a random C x H x W input
// against the portable conv of the padded input (conv rows oy0, oy0 + 1) and their 2x2 maxima;
// the number of differing outputs. Avg: conv2d_s8_pairs_avg_pool_dsp against their 2x2 averages
// rounded half away from zero ((sum +- 2) / 4, quant/pool.hpp).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t Pad, std::size_t G,
          rescales R = rescales::doubled, bool Avg = false>
std::size_t check_pairs(std::uint32_t seed, std::size_t oy0, std::int32_t act_min = -128, std::int32_t act_max = 127,
                        bool print_count = false) {
  constexpr std::size_t PH = H + 2 * Pad, PWd = W + 2 * Pad;
  if constexpr (!kernels::conv2d_s8_runs_pairs_dsp<C, PH, PWd, K, S>) {
    return 1000;  // on a DSP target without MVE the channel-pairs kernel takes every shape here
  } else {
    constexpr std::size_t OW = (PWd - K) / S + 1, PW = OW / 2, F = C * K * K;
    constexpr std::int8_t pad = -7;
    lcg g{seed};
    static std::array<std::int8_t, C * H * W> x;
    static std::array<std::int8_t, C * PH * PWd> xp;
    static std::array<std::int8_t, G * F> w;
    static std::array<std::int32_t, G> bias, multiplier;
    static std::array<std::int8_t, G> shift;
    for (auto& v : x) v = g.next8();
    for (auto& v : w) v = static_cast<std::int8_t>(g.next() % 255 - 127);
    draw_rescales(g, bias, multiplier, shift, 20000, 8, 4);
    if constexpr (R == rescales::general) {  // channel 5 (second group) and channel 2 outside the doubled form
      for (std::size_t o = 2; o < G; o += 3) {
        switch (o / 3 % 3) {
          case 0: multiplier[o] = -multiplier[o]; break;         // decreasing rescale
          case 1: shift[o] = 2, multiplier[o] = 1 << 30; break;  // left shift
          default: multiplier[o] = 3 << 25, shift[o] = 0; break;
        }
      }
    }
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t iy = 0; iy < PH; ++iy)
        for (std::size_t ix = 0; ix < PWd; ++ix)
          xp[(c * PH + iy) * PWd + ix] = iy >= Pad && iy < Pad + H && ix >= Pad && ix < Pad + W
                                             ? x[(c * H + iy - Pad) * W + ix - Pad]
                                             : pad;
    const kernels::channel_rescale q{bias.data(), multiplier.data(), shift.data(), 6, act_min, act_max};
    static std::array<std::int8_t, G * 2 * OW> conv;
    kernels::conv2d_s8_rows_portable<C, PH, PWd, K, S, G>(xp.data(), w.data(), q, conv.data(), oy0, 2);
    static std::array<std::int8_t, G * PW> want, got;
    for (std::size_t o = 0; o < G; ++o)
      for (std::size_t px = 0; px < PW; ++px) {
        const std::int8_t* c = conv.data() + o * 2 * OW + 2 * px;
        std::int8_t m = c[0];
        for (std::int8_t v : {c[1], c[OW], c[OW + 1]}) m = v > m ? v : m;
        const std::int32_t sum = c[0] + c[1] + c[OW] + c[OW + 1];
        want[o * PW + px] = Avg ? static_cast<std::int8_t>(sum >= 0 ? (sum + 2) / 4 : (sum - 2) / 4) : m;
      }
    got.fill(0x55);
    fw::instruction_counter::start();
    if constexpr (Avg)
      kernels::arm::conv2d_s8_pairs_avg_pool_dsp<C, H, W, K, S, G, Pad, R == rescales::known>(
          x.data(), w.data(), q, got.data(), PW, oy0, pad);
    else
      kernels::arm::conv2d_s8_pairs_max_pool_dsp<C, H, W, K, S, G, Pad, R == rescales::known>(
          x.data(), w.data(), q, got.data(), PW, oy0, pad);
    const std::uint64_t n = fw::instruction_counter::stop();
    if (print_count)
      print("fw: kernel conv", K, 'x', K, (Avg ? "_pairs_avg_pool C " : "_pairs_max_pool C "), C, " G ", G, " W ", W,
            " instructions ", n, " per_mac ",
            fw::console::fixed{static_cast<double>(n) / static_cast<double>(G * PW * 4 * F), 3}, '\n');
    std::size_t differ = 0;
    for (std::size_t i = 0; i < G * PW; ++i) differ += got[i] != want[i];
    return differ;
  }
}

STATICNN_TEST(int8_conv_pairs_max_pool_any_shape) {
  if (!pools_here) STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE: no channel-pairs conv + max pool kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check_pairs<4, 6, 7, 3, 1, 1, 3, D>(61, 0) == 0));              // odd width, G 3
  STATICNN_CHECK((check_pairs<5, 9, 11, 5, 1, 2, 5, Gen>(62, 2, -7, 127) == 0));  // K 5, pad 2, odd C
  STATICNN_CHECK((check_pairs<7, 11, 13, 3, 2, 1, 12, Gen>(63, 4, -100, 90) == 0));  // stride 2
  STATICNN_CHECK((check_pairs<12, 8, 9, 3, 1, 0, 5, D>(64, 4, 10, 9) == 0));      // an empty clamp
  STATICNN_CHECK((check_pairs<8, 10, 10, 5, 2, 2, 4, Gen>(65, 0, 3, 3) == 0));    // one value
  STATICNN_CHECK((check_pairs<6, 7, 9, 2, 1, 0, 7, D>(66, 2) == 0));              // K 2
  STATICNN_CHECK((check_pairs<8, 14, 14, 3, 1, 1, 16, Known>(67, 6, -3, 127, true) == 0));  // tables' stage 1 shape
  // the average
  STATICNN_CHECK((check_pairs<4, 6, 7, 3, 1, 1, 3, D, true>(71, 0) == 0));
  STATICNN_CHECK((check_pairs<5, 9, 11, 5, 1, 2, 5, Gen, true>(72, 2, -7, 127) == 0));
  STATICNN_CHECK((check_pairs<7, 11, 13, 3, 2, 1, 12, Gen, true>(73, 4, -100, 90) == 0));
  STATICNN_CHECK((check_pairs<12, 8, 9, 3, 1, 0, 5, D, true>(74, 4, 10, 9) == 0));
  STATICNN_CHECK((check_pairs<8, 10, 10, 5, 2, 2, 4, Gen, true>(75, 0, 3, 3) == 0));
  STATICNN_CHECK((check_pairs<6, 7, 9, 2, 1, 0, 7, D, true>(76, 2, -128, -100) == 0));  // sums all negative
  STATICNN_CHECK((check_pairs<5, 8, 8, 3, 1, 1, 6, D, true>(77, 2, 100, 127) == 0));     // sums all positive
  STATICNN_CHECK((check_pairs<8, 14, 14, 3, 1, 1, 16, Known, true>(78, 6, -3, 127, true) == 0));
}

// The conv -> 256-entry table -> 2x2 max pool stage (core/sequential.hpp): where the conv pools
// itself (3x3 one input channel, 1x1 2 to 8) the table runs after the maximum if it is
// non-decreasing (checked at run time for a network that is not a constant), else the stage runs
// the conv rows, the table, then the pool. Against the layers run one by one through their own
// forward, bit for bit, with a sorted table and with a random one (which does not commute with max).
template <class In, std::size_t OutC, std::size_t K, std::size_t Pad, std::size_t S = 1>
std::size_t check_table_stage(std::uint32_t seed, bool sorted) {
  using conv = quant::qconv2d_layer<In, OutC, K, S, Pad>;
  using act = quant::qlookup_layer<typename conv::out_shape>;
  using pool = quant::qpool_layer<typename conv::out_shape, 2, max_pool_op>;
  using net = network<conv, act, pool>;
  static_assert(net::stages[0].kind == stage_kind::conv_act_pool);
  lcg g{seed};
  static net n;
  auto& c = n.template layer<0>();
  auto& a = n.template layer<1>();
  for (auto& w : c.weights) w = static_cast<std::int8_t>(g.next() % 255 - 127);
  draw_rescales(g, c.bias, c.multiplier, c.shift, 10000, 7, 4);
  c.zero_point = -3;
  c.input_zero_point = 5;
  if (OutC > 2) c.multiplier[2] = -c.multiplier[2];  // a decreasing rescale: the kernel's general path
  for (auto& t : a.table) t = g.next8();
  if (sorted) std::sort(a.table.begin(), a.table.end());
  if (sorted != a.non_decreasing_table()) return 1000;
  static std::array<std::int8_t, In::size> x;
  for (auto& v : x) v = g.next8();
  static std::array<std::int8_t, conv::out_shape::size> conv_out;
  static std::array<std::int8_t, net::out_shape::size> want, got;
  constexpr std::size_t CN = conv::out_shape::size, PN = net::out_shape::size;
  c.forward(cview<std::int8_t, In::size>(x.data(), In::size), view<std::int8_t, CN>(conv_out.data(), CN));
  a.forward(cview<std::int8_t, CN>(conv_out.data(), CN), view<std::int8_t, CN>(conv_out.data(), CN));
  n.template layer<2>().forward(cview<std::int8_t, CN>(conv_out.data(), CN), view<std::int8_t, PN>(want.data(), PN));
  got.fill(0x55);
  n.forward(cview<std::int8_t, In::size>(x.data(), In::size), view<std::int8_t, PN>(got.data(), PN));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < want.size(); ++i) differ += got[i] != want[i];
  return differ;
}

STATICNN_TEST(int8_conv_table_max_pool_stage) {
  if (!pools_here) STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE: no conv that max-pools itself here");
  STATICNN_CHECK((check_table_stage<shape<1, 9, 11>, 5, 3, 1>(41, true) == 0));
  STATICNN_CHECK((check_table_stage<shape<1, 9, 11>, 5, 3, 1>(42, false) == 0));
  STATICNN_CHECK((check_table_stage<shape<1, 8, 7>, 3, 3, 0>(43, true) == 0));
  STATICNN_CHECK((check_table_stage<shape<3, 6, 9>, 4, 1, 0>(44, true) == 0));
  STATICNN_CHECK((check_table_stage<shape<3, 6, 9>, 4, 1, 0>(45, false) == 0));
  STATICNN_CHECK((check_table_stage<shape<5, 7, 9>, 6, 3, 1>(46, true) == 0));    // channel pairs, padded
  STATICNN_CHECK((check_table_stage<shape<5, 7, 9>, 6, 3, 1>(47, false) == 0));
  STATICNN_CHECK((check_table_stage<shape<12, 8, 7>, 5, 5, 2>(48, true) == 0));
  STATICNN_CHECK((check_table_stage<shape<7, 6, 8>, 3, 3, 0>(49, true) == 0));    // unpadded
  STATICNN_CHECK((check_table_stage<shape<4, 9, 9>, 5, 3, 1, 2>(50, true) == 0));  // stride 2
  STATICNN_CHECK((check_table_stage<shape<4, 9, 9>, 5, 3, 1, 2>(51, false) == 0));
}

}  // namespace

int main() { return fw_test::run_all("kernels_max_pool"); }
