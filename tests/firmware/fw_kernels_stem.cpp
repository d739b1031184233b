// kernels/arm/conv2d_s8_stem_dsp.hpp (2 or 3 input channels, a 3x3 window, stride 1 or 2, padded
// by 0 to 2 on every side): conv2d_s8_stem_max_pool_dsp (the conv and a 2x2 max pool, the maximum
// of four sums taken before one rescale) against the portable conv (kernels/conv2d_s8.hpp's
// conv2d_s8_rows_portable on a padded copy) followed by the 2x2 maximum of its int8 outputs; the
// unpooled conv2d_s8_stem_dsp with every channel's weights kept for a call (G up to 33) or in
// groups of 16 (40, 45), whole-block rows whose outputs run on from row to row, and the rescale
// known at compile time (AllDoubled) against the same portable conv; the conv -> table ->
// max pool stage a network runs through it against its layers one by one. Bit for bit, on shapes
// none of the kernels was tuned for (3 x 32 x 32 to 8, 16 or 32 channels): odd widths and heights
// (the last conv column and row dropped by the pool, a last block of one pooled output), 1 to 13
// and 20 to 45 output channels, pads 0 to 2 with extreme pad values, pooled rows from any input
// row, both rescale forms (the general ones include a decreasing rescale and a left shift, where a
// maximum before the rescale would be wrong) and clamps. Elsewhere than Armv7E-M DSP (or on MVE
// targets, whose conv kernels come first) every test skips (exit 77).
//   fw: kernel stem<C>_s<S>[_max_pool] G <g> W <w> instructions <n> per_mac <n/m>
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

constexpr bool stem_here = kernels::target::arm_dsp && !kernels::target::arm_mve;

using fw_test::lcg, fw_test::rescales;

// Random operands: input bytes, weights in [-127, 127], per channel a bias and a doubled-form
// rescale (multiplier in [2^30, 2^31), right shift 7-11); General: every third channel from the
// second in one of five general forms.
template <std::size_t XN, std::size_t WN, std::size_t G>
void draw(lcg& g, std::array<std::int8_t, XN>& x, std::array<std::int8_t, WN>& w, std::array<std::int32_t, G>& bias,
          std::array<std::int32_t, G>& multiplier, std::array<std::int8_t, G>& shift, bool general) {
  for (auto& v : x) v = g.next8();
  for (auto& v : w) v = static_cast<std::int8_t>(g.next() % 255 - 127);
  fw_test::draw_rescales(g, bias, multiplier, shift, 20000, 7, 5);
  if (general)
    for (std::size_t o = 1; o < G; o += 3) switch (o / 3 % 5) {
        case 0: multiplier[o] = -multiplier[o]; break;         // decreasing rescale
        case 1: shift[o] = 2, multiplier[o] = 1 << 30; break;  // left shift: may wrap
        case 2: multiplier[o] = 3 << 25, shift[o] = 0; break;  // multiplier < 2^30
        case 3: shift[o] = -23; break;                         // shift below -22
        default: shift[o] = -1, multiplier[o] = (1 << 30) + 5; break;  // doubled, e = 1
      }
}

// C x H x W padded by Pad on every side with pad.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t Pad, std::size_t N, std::size_t PN>
void pad_copy(const std::array<std::int8_t, N>& x, std::array<std::int8_t, PN>& xp, std::int8_t pad) {
  constexpr std::size_t PH = H + 2 * Pad, PW = W + 2 * Pad;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t i = 0; i < PH; ++i)
      for (std::size_t j = 0; j < PW; ++j)
        xp[(c * PH + i) * PW + j] = i >= Pad && i < Pad + H && j >= Pad && j < Pad + W
                                        ? x[(c * H + i - Pad) * W + j - Pad]
                                        : pad;
}

// conv2d_s8_stem_max_pool_dsp: PR pooled rows from pooled row py of G channels against the
// portable conv's rows 2 py .. 2 (py + PR) and their 2x2 maxima; the number of differing outputs
// (bytes around the output untouched).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t S, std::size_t G, std::size_t Pad,
          rescales R = rescales::doubled, std::size_t PR = 1>
std::size_t check_pool(std::uint32_t seed, std::size_t py, std::int32_t act_min = -128, std::int32_t act_max = 127,
                       std::int8_t pad = -3, bool print_count = false, std::int32_t zero_point = -5) {
  constexpr std::size_t PH = H + 2 * Pad, PWd = W + 2 * Pad;
  if constexpr (!kernels::arm::conv2d_s8_stem_max_pool_fits<C, PH, PWd, S>) {
    return 1000;  // on a DSP target the kernel takes every shape here
  } else {
    constexpr std::size_t OW = (PWd - 3) / S + 1, PW = OW / 2, F = C * 9;
    lcg g{seed};
    static std::array<std::int8_t, C * H * W> x;
    static std::array<std::int8_t, C * PH * PWd> xp;
    static std::array<std::int8_t, G * F> w;
    static std::array<std::int32_t, G> bias, multiplier;
    static std::array<std::int8_t, G> shift;
    draw(g, x, w, bias, multiplier, shift, R == rescales::general);
    pad_copy<C, H, W, Pad>(x, xp, pad);
    const kernels::channel_rescale q{bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
    if (R == rescales::known && !quant::doubled_rescale_all(bias, multiplier, shift, zero_point, F)) return 1000;
    static std::array<std::int8_t, G * 2 * PR * OW> conv;
    kernels::conv2d_s8_rows_portable<C, PH, PWd, 3, S, G>(xp.data(), w.data(), q, conv.data(), 2 * py, 2 * PR);
    static std::array<std::int8_t, G * PR * PW + 2> want, got;  // a byte past the end, untouched
    want.fill(0x55);
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
    kernels::arm::conv2d_s8_stem_max_pool_dsp<C, H, W, S, G, Pad, R == rescales::known>(
        x.data(), w.data(), q, got.data(), PR * PW, 2 * py, pad, PR);
    const std::uint64_t n = fw::instruction_counter::stop();
    if (print_count)
      print("fw: kernel stem", C, "_s", S, "_max_pool G ", G, " W ", W, " instructions ", n, " per_mac ",
            fw::console::fixed{static_cast<double>(n) / static_cast<double>(G * PR * PW * 4 * F), 3}, '\n');
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i) differ += got[i] != want[i];
    return differ;
  }
}

// conv2d_s8_stem_dsp: output rows [oy0, oy0 + rows) of G channels against the portable conv.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t S, std::size_t G, std::size_t Pad,
          rescales R = rescales::doubled>
std::size_t check_rows(std::uint32_t seed, std::size_t oy0, std::size_t rows, std::int32_t act_min = -128,
                       std::int32_t act_max = 127, std::int8_t pad = 7, bool print_count = false,
                       std::int32_t zero_point = -5) {
  constexpr std::size_t PH = H + 2 * Pad, PWd = W + 2 * Pad;
  if constexpr (!kernels::arm::conv2d_s8_widened_runs_stem<C, PH, PWd, 3, S>) {
    return 1000;
  } else {
    constexpr std::size_t OW = (PWd - 3) / S + 1, OH = (PH - 3) / S + 1, F = C * 9;
    if (oy0 + rows > OH) return 1000;
    lcg g{seed};
    static std::array<std::int8_t, C * H * W> x;
    static std::array<std::int8_t, C * PH * PWd> xp;
    static std::array<std::int8_t, G * F> w;
    static std::array<std::int32_t, G> bias, multiplier;
    static std::array<std::int8_t, G> shift;
    draw(g, x, w, bias, multiplier, shift, R == rescales::general);
    pad_copy<C, H, W, Pad>(x, xp, pad);
    const kernels::channel_rescale q{bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
    if (R == rescales::known && !quant::doubled_rescale_all(bias, multiplier, shift, zero_point, F)) return 1000;
    static std::array<std::int8_t, G * OH * OW + 3> want, got;
    want.fill(0x5a), got.fill(0x5a);
    kernels::conv2d_s8_rows_portable<C, PH, PWd, 3, S, G>(xp.data(), w.data(), q, want.data(), oy0, rows);
    fw::instruction_counter::start();
    kernels::arm::conv2d_s8_stem_dsp<C, H, W, S, G, Pad, Pad, Pad, Pad, R == rescales::known>(
        x.data(), w.data(), q, got.data(), oy0, rows, pad);
    const std::uint64_t n = fw::instruction_counter::stop();
    if (print_count)
      print("fw: kernel stem", C, "_s", S, " G ", G, " W ", W, " instructions ", n, " per_mac ",
            fw::console::fixed{static_cast<double>(n) / static_cast<double>(G * rows * OW * F), 3}, '\n');
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i) differ += got[i] != want[i];
    return differ;
  }
}

// The conv -> 256-entry table -> 2x2 max pool stage of a network (core/sequential.hpp) whose conv
// runs the stem kernel: the table after the maximum where it is non-decreasing (sorted), else the
// conv rows, the table, then the pool; against the layers' own forward one by one.
template <class In, std::size_t OutC, std::size_t Pad, std::size_t S>
std::size_t check_stage(std::uint32_t seed, bool sorted) {
  using conv = quant::qconv2d_layer<In, OutC, 3, S, Pad>;
  using act = quant::qlookup_layer<typename conv::out_shape>;
  using pool = quant::qpool_layer<typename conv::out_shape, 2, max_pool_op>;
  using net = network<conv, act, pool>;
  static_assert(net::stages[0].kind == stage_kind::conv_act_pool);
  static_assert(conv::template max_pools_itself<2> == stem_here && conv::max_pools_rows == stem_here,
                "a 2-3 channel 3x3 conv pools itself (all pooled rows in one call) on DSP targets");
  lcg g{seed};
  static net n;
  auto& c = n.template layer<0>();
  auto& a = n.template layer<1>();
  for (auto& w : c.weights) w = static_cast<std::int8_t>(g.next() % 255 - 127);
  for (std::size_t o = 0; o < OutC; ++o) {
    c.bias[o] = g.next() % 20001 - 10000;
    c.multiplier[o] = (1 << 30) + g.next() % (1 << 30);
    c.shift[o] = static_cast<std::int8_t>(-8 - static_cast<std::int32_t>(o % 3));
  }
  c.zero_point = -3;
  c.input_zero_point = 5;
  c.multiplier[2] = -c.multiplier[2];  // a decreasing rescale: the kernel's general path
  for (auto& t : a.table) t = g.next8();
  if (sorted) std::sort(a.table.begin(), a.table.end());
  if (sorted != a.non_decreasing_table()) return 1000;
  static std::array<std::int8_t, In::size> x;
  for (auto& v : x) v = g.next8();
  constexpr std::size_t CN = conv::out_shape::size, PN = net::out_shape::size;
  static std::array<std::int8_t, CN> conv_out;
  static std::array<std::int8_t, PN> want, got;
  c.forward(cview<std::int8_t, In::size>(x.data(), In::size), view<std::int8_t, CN>(conv_out.data(), CN));
  a.forward(cview<std::int8_t, CN>(conv_out.data(), CN), view<std::int8_t, CN>(conv_out.data(), CN));
  n.template layer<2>().forward(cview<std::int8_t, CN>(conv_out.data(), CN), view<std::int8_t, PN>(want.data(), PN));
  got.fill(0x55);
  n.forward(cview<std::int8_t, In::size>(x.data(), In::size), view<std::int8_t, PN>(got.data(), PN));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < want.size(); ++i) differ += got[i] != want[i];
  return differ;
}

}  // namespace

STATICNN_TEST(int8_conv_stem_max_pool_any_shape) {
  if (!stem_here) STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE: no stem conv + max pool kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  // stride 1: odd and even widths (pooled widths with and without a last single output), pads 0-2
  STATICNN_CHECK((check_pool<3, 7, 9, 1, 1, 1, D>(301, 0) == 0));                  // conv 7 x 9: pooled 3 x 4
  STATICNN_CHECK((check_pool<3, 9, 11, 1, 5, 0, Gen>(302, 1, -5, 127, 0) == 0));   // conv 7 x 9: pooled 3 x 4, one block + 0
  STATICNN_CHECK((check_pool<3, 13, 17, 1, 13, 2, Gen, 3>(303, 1, -128, 90, -128) == 0));  // conv 15 x 19
  STATICNN_CHECK((check_pool<2, 11, 13, 1, 7, 1, D, 2>(304, 2, -7, 127, 127) == 0));
  STATICNN_CHECK((check_pool<2, 8, 6, 1, 3, 0, Gen>(305, 0, 10, 9) == 0));         // an empty clamp: general
  STATICNN_CHECK((check_pool<3, 10, 14, 1, 6, 1, D>(306, 3, 4, 4) == 0));          // a single value
  STATICNN_CHECK((check_pool<3, 31, 97, 1, 3, 1, Gen, 2>(307, 5, -128, 127, 99) == 0));  // wide: row B past an LDRD
  STATICNN_CHECK((check_pool<3, 16, 16, 1, 33, 1, Gen, 8>(308, 0) == 0));          // 33 channels kept
  STATICNN_CHECK((check_pool<3, 12, 13, 1, 40, 1, Gen, 3>(321, 1, -5, 127) == 0));  // 40: groups of 16, widened a row
  STATICNN_CHECK((check_pool<2, 10, 18, 2, 45, 2, D, 2>(322, 0, -128, 127, 9) == 0));
  STATICNN_CHECK((check_pool<3, 12, 12, 1, 20, 1, Known, 6>(309, 0, -5, 127) == 0));
  // stride 2
  STATICNN_CHECK((check_pool<3, 9, 9, 2, 1, 1, D>(311, 0) == 0));                  // conv 5 x 5: pooled 2 x 2
  STATICNN_CHECK((check_pool<3, 21, 27, 2, 11, 0, Gen, 2>(312, 1, -128, 127, 50) == 0));  // conv 10 x 13
  STATICNN_CHECK((check_pool<2, 17, 31, 2, 5, 2, D, 4>(313, 0, -9, 127, -77) == 0));
  STATICNN_CHECK((check_pool<3, 33, 97, 2, 8, 1, Gen, 3>(314, 2, -100, 100) == 0));
  STATICNN_CHECK((check_pool<2, 12, 14, 2, 4, 1, Known, 3>(315, 0, -128, 0, 3) == 0));
  STATICNN_CHECK((check_pool<3, 20, 22, 2, 24, 1, Gen, 5>(316, 0, -3, 127) == 0));  // 24 channels kept
  // the family shapes, counted (all pooled rows in one call)
  STATICNN_CHECK((check_pool<3, 32, 32, 1, 16, 1, D, 16>(317, 0, -5, 127, 0, true) == 0));  // rgb32's stage 0
  STATICNN_CHECK((check_pool<3, 32, 32, 1, 32, 1, D, 16>(318, 0, -5, 127, 0, true) == 0));  // rgb32c's
  STATICNN_CHECK((check_pool<3, 32, 32, 1, 16, 0, D, 15>(319, 0, -5, 127, 0, true) == 0));  // odd13's
  STATICNN_CHECK((check_pool<3, 32, 32, 2, 16, 1, D, 8>(320, 0, -5, 127, 0, true) == 0));
}

STATICNN_TEST(int8_conv_stem_rows_kept_weights) {
  if (!stem_here) STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE: no stem conv kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check_rows<3, 11, 13, 1, 20, 1, Gen>(331, 0, 11, -128, 127, -128) == 0));  // kept, OW 13
  STATICNN_CHECK((check_rows<3, 9, 15, 2, 33, 1, Gen>(332, 1, 3, -9, 127) == 0));            // 33 kept
  STATICNN_CHECK((check_rows<3, 9, 12, 1, 40, 1, Gen>(340, 0, 9, -9, 127) == 0));             // groups of 16
  STATICNN_CHECK((check_rows<2, 11, 9, 2, 45, 0, D>(341, 1, 3, -128, 127) == 0));
  STATICNN_CHECK((check_rows<3, 9, 14, 1, 6, 1, D>(342, 0, 9, -128, 127, 3) == 0));  // OW 14: a last block of 2
  STATICNN_CHECK((check_rows<2, 10, 7, 2, 32, 2, D>(333, 0, 6, -128, 127, 127) == 0));       // pad 2
  STATICNN_CHECK((check_rows<3, 12, 10, 1, 7, 0, Known>(334, 2, 8, -5, 127) == 0));
  STATICNN_CHECK((check_rows<2, 9, 13, 2, 13, 1, Known>(335, 0, 5, 3, 3) == 0));
  STATICNN_CHECK((check_rows<3, 32, 32, 1, 8, 1, D>(336, 0, 32, -5, 127, 0, true) == 0));   // pointwise's stage 0
  STATICNN_CHECK((check_rows<3, 32, 32, 1, 16, 1, D>(337, 0, 32, -5, 127, 0, true) == 0));  // ResNet-8's
  STATICNN_CHECK((check_rows<3, 32, 32, 2, 8, 1, D>(338, 0, 16, -5, 127, 0, true) == 0));   // separable's
  STATICNN_CHECK((check_rows<3, 32, 32, 2, 32, 1, D>(339, 0, 16, -5, 127, 0, true) == 0));  // s2rgb's
}

// The rescale forms a call takes (conv_stem::rescale_form): the clamp all of int8 (form_full: SSAT,
// BFI), lo >= zero_point (form_floor: no -[acc < 0] term; ReLU, ReLU6), both (zero point -128), and
// neither; on shapes none of the kernels was tuned for: 2 and 3 channels, 1 to 17 output channels,
// odd and even heights and widths down to 3 (rows of fewer than 4 bytes: stride 2's planes built
// word by word), strides 1 and 2, pads 0 and 1, zero points from -128 to 127, the general rescales.
STATICNN_TEST(int8_conv_stem_rows_rescale_forms) {
  if (!stem_here) STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE: no stem conv kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  // form_full
  STATICNN_CHECK((check_rows<3, 7, 9, 2, 1, 1, D>(351, 0, 4, -128, 127, 5, false, 7) == 0));
  STATICNN_CHECK((check_rows<3, 10, 13, 1, 4, 1, D>(355, 0, 10, -128, 127, 1, false, 0) == 0));
  STATICNN_CHECK((check_rows<2, 9, 8, 1, 6, 0, Gen>(356, 2, 5, -128, 127, -7, false, 100) == 0));
  STATICNN_CHECK((check_rows<3, 9, 21, 1, 12, 1, D>(360, 0, 9, -128, 127, 5, false, 8) == 0));
  STATICNN_CHECK((check_rows<3, 16, 23, 2, 15, 1, D>(361, 0, 8, -128, 127, 9, false, -1) == 0));
  STATICNN_CHECK((check_rows<2, 7, 7, 2, 17, 1, D>(362, 0, 4, -128, 127, -100, false, 12) == 0));
  STATICNN_CHECK((check_rows<3, 10, 18, 2, 16, 0, Gen>(363, 0, 4, -128, 127, 0, false, 127) == 0));
  STATICNN_CHECK((check_rows<3, 5, 3, 2, 3, 1, D>(365, 0, 3, -128, 127, 4, false, 2) == 0));   // W 3
  STATICNN_CHECK((check_rows<2, 6, 4, 2, 8, 0, D>(366, 0, 2, -128, 127, -2, false, -9) == 0));  // W 4
  // form_full | form_floor: zero point -128
  STATICNN_CHECK((check_rows<3, 8, 10, 2, 2, 0, Gen>(352, 0, 3, -128, 127, -3, false, -128) == 0));
  STATICNN_CHECK((check_rows<3, 12, 17, 2, 9, 0, Known>(358, 1, 4, -128, 127, 0, false, -128) == 0));
  STATICNN_CHECK((check_rows<2, 11, 14, 1, 10, 1, D>(367, 0, 11, -128, 127, 6, false, -128) == 0));
  // form_floor: ReLU (lo = zero point), ReLU6 (and hi below 127), lo above the zero point
  STATICNN_CHECK((check_rows<2, 9, 11, 2, 3, 1, D>(353, 1, 4, 4, 127, 9, false, 4) == 0));
  STATICNN_CHECK((check_rows<3, 11, 12, 2, 5, 1, Gen>(354, 0, 6, -20, 60, 0, false, -20) == 0));
  STATICNN_CHECK((check_rows<3, 6, 5, 1, 13, 1, D>(364, 0, 6, 0, 127, 0, false, 0) == 0));
  STATICNN_CHECK((check_rows<2, 14, 19, 2, 11, 1, Gen>(359, 0, 7, -3, 30, 2, false, -3) == 0));
  STATICNN_CHECK((check_rows<3, 9, 10, 2, 14, 1, D>(368, 0, 5, 20, 90, -1, false, 10) == 0));
  // neither: lo below the zero point
  STATICNN_CHECK((check_rows<3, 13, 15, 2, 7, 1, D>(357, 0, 7, -50, 127, 3, false, -10) == 0));
  STATICNN_CHECK((check_rows<2, 8, 9, 1, 5, 0, Gen>(369, 0, 6, -128, 100, 1, false, 0) == 0));
  // the max pool kernel in the same forms
  STATICNN_CHECK((check_pool<3, 11, 13, 2, 6, 1, D, 2>(371, 0, -128, 127, 5, false, -128) == 0));
  STATICNN_CHECK((check_pool<2, 10, 12, 1, 4, 1, Gen, 3>(372, 1, -128, 127, -9, false, 30) == 0));
  STATICNN_CHECK((check_pool<3, 12, 9, 2, 9, 0, D, 2>(373, 0, 7, 70, 0, false, 7) == 0));
  // separable's stage 0 as fw_family draws it (the clamp all of int8), counted
  STATICNN_CHECK((check_rows<3, 32, 32, 2, 8, 1, D>(370, 0, 16, -128, 127, 0, true, 3) == 0));
}

STATICNN_TEST(int8_conv_stem_table_max_pool_stage) {
  if (!stem_here) STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE: no stem conv that max-pools itself here");
  STATICNN_CHECK((check_stage<shape<3, 9, 11>, 5, 1, 1>(341, true) == 0));
  STATICNN_CHECK((check_stage<shape<3, 9, 11>, 5, 1, 1>(342, false) == 0));
  STATICNN_CHECK((check_stage<shape<2, 13, 10>, 4, 0, 2>(343, true) == 0));
  STATICNN_CHECK((check_stage<shape<3, 15, 13>, 6, 2, 2>(344, false) == 0));
  STATICNN_CHECK((check_stage<shape<3, 16, 16>, 3, 1, 1>(345, true) == 0));
}

int main() { return fw_test::run_all("kernels_stem"); }
