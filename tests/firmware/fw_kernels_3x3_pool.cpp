// kernels/arm/conv2d_s8_3x3_pool_dsp.hpp (a 3x3 stride-1 conv of one input channel, padded by Pad
// with the input zero point, then a 2x2 max pool, every pooled row a call, the maximum taken before
// the rescale) against the portable conv (kernels/conv2d_s8.hpp's conv2d_s8_rows_portable) on the
// padded input followed by the pool of its int8 outputs, bit for bit, on shapes it was not tuned
// for: odd and even widths and heights (the last conv row and column dropped by the pool), pooled
// widths with a tail of 1 to 3 outputs, 1 to 33 output channels (more than one block of 16
// channels' parameters), paddings 0, 1, 2, both rescale forms (the general ones include rescales
// under which a maximum before the rescale would be wrong) and clamps, the whole int8 range and
// zero points -128 and 127. Elsewhere than Armv7E-M DSP, and on MVE targets, every test skips (77).
//   fw: kernel conv3x3_max_pool_rows G <g> H <h> W <w> Pad <p> instructions <n> per_mac <n/m>
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

using fw_test::lcg, fw_test::rescales;

// PR pooled rows from row 0 of a random H x W input, padded by Pad with zx: the kernel against the
// portable conv of the padded input and the 2x2 maxima of its outputs; the number of differing outputs.
// PK = 3: conv2d_s8_3x3_max_pool3_rows_dsp (a 3x3 max pool of stride 3) against the 3x3 maxima.
template <std::size_t H, std::size_t W, std::size_t Pad, std::size_t G, rescales R, std::size_t PR = 0,
          bool Avg = false, std::size_t PK = 2>
std::size_t check(std::uint32_t seed, std::int32_t act_min = -128, std::int32_t act_max = 127,
                  std::int32_t zero_point = -5, std::int8_t zx = -3, bool print_count = false) {
  constexpr std::size_t Hp = H + 2 * Pad, Wp = W + 2 * Pad, OH = Hp - 2, OW = Wp - 2, PH = OH / PK, PW = OW / PK;
  constexpr std::size_t rows = PR == 0 ? PH : PR;
  if constexpr (PK == 2 ? !kernels::arm::conv2d_s8_3x3_pool_rows_fits<1, H, W, 3, 1, Pad>
                        : !kernels::arm::conv2d_s8_3x3_pool3_rows_fits<1, H, W, 3, 1, Pad>) {
    return 1000;  // on a DSP target the kernel takes every shape here
  } else {
    lcg g{seed};
    static std::array<std::int8_t, H * W> x;
    static std::array<std::int8_t, Hp * Wp> xp;
    static std::array<std::int8_t, G * 9> w;
    static std::array<std::int32_t, G> bias, multiplier;
    static std::array<std::int8_t, G> shift;
    for (auto& v : x) v = g.next8();
    for (auto& v : w) v = static_cast<std::int8_t>(g.next() % 255 - 127);
    fw_test::draw_rescales(g, bias, multiplier, shift, 20000, 7 + static_cast<std::int32_t>(seed % 3), 5);
    if (R == rescales::general) fw_test::general_forms(multiplier, shift);
    for (std::size_t i = 0; i < Hp; ++i)
      for (std::size_t j = 0; j < Wp; ++j)
        xp[i * Wp + j] = i >= Pad && i < Pad + H && j >= Pad && j < Pad + W ? x[(i - Pad) * W + j - Pad] : zx;
    const kernels::channel_rescale q{bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
    static std::array<std::int8_t, G * OH * OW> conv;
    kernels::conv2d_s8_rows_portable<1, Hp, Wp, 3, 1, G>(xp.data(), w.data(), q, conv.data(), 0, OH);
    static std::array<std::int8_t, G * PH * PW + 4> want, got;  // + 4: bytes past the outputs stay
    want.fill(0x55);
    got.fill(0x55);
    for (std::size_t o = 0; o < G; ++o)
      for (std::size_t py = 0; py < rows; ++py)
        for (std::size_t px = 0; px < PW; ++px) {
          const std::int8_t* c = conv.data() + (o * OH + PK * py) * OW + PK * px;
          std::int8_t m = c[0];
          for (std::size_t dy = 0; dy < PK; ++dy)
            for (std::size_t dx = 0; dx < PK; ++dx) m = c[dy * OW + dx] > m ? c[dy * OW + dx] : m;
          const std::int32_t sum = c[0] + c[1] + c[OW] + c[OW + 1];
          want[(o * PH + py) * PW + px] =
              Avg ? static_cast<std::int8_t>(sum >= 0 ? (sum + 2) / 4 : (sum - 2) / 4) : m;
        }
    fw::instruction_counter::start();
    if constexpr (PK == 3)
      kernels::arm::conv2d_s8_3x3_max_pool3_rows_dsp<H, W, Pad, G, R == rescales::known>(x.data(), w.data(), q,
                                                                                        got.data(), PH * PW, rows, zx);
    else
      kernels::arm::conv2d_s8_3x3_pool_rows_dsp<H, W, Pad, G, R == rescales::known, Avg>(x.data(), w.data(), q,
                                                                                     got.data(), PH * PW, rows, zx);
    const std::uint64_t n = fw::instruction_counter::stop();
    if (print_count)
      print("fw: kernel conv3x3_", Avg ? "avg" : "max", "_pool", PK, "_rows G ", G, " H ", H, " W ", W, " Pad ", Pad, " instructions ", n,
            " per_mac ", fw::console::fixed{static_cast<double>(n) / static_cast<double>(G * rows * PW * PK * PK * 9), 3},
            '\n');
    std::size_t differ = 0;
    for (std::size_t i = 0; i < want.size(); ++i) differ += got[i] != want[i];
    return differ;
  }
}

}  // namespace

// The conv -> activation -> max pool stage takes the kernel by shape (quant/conv2d.hpp's
// pools_3x3_rows), padded or not, for a 2x2 pool, on DSP targets without MVE only.
constexpr bool pools_here = kernels::target::arm_dsp && !kernels::target::arm_mve;
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 16, 3, 1, 1>::pools_3x3_rows == pools_here);
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 16, 3, 1, 1>::max_pools_rows == pools_here);
static_assert(quant::qconv2d_layer<shape<1, 27, 29>, 5, 3, 1, 0>::pools_3x3_rows == pools_here);
static_assert(!quant::qconv2d_layer<shape<1, 28, 68>, 16, 3, 1, 1>::pools_3x3_rows);  // layout too wide
static_assert(!quant::qconv2d_layer<shape<2, 28, 28>, 16, 3, 1, 1>::pools_3x3_rows);  // 2 channels
static_assert(!quant::qconv2d_layer<shape<1, 28, 28>, 16, 3, 2, 1>::pools_3x3_rows);  // stride 2

STATICNN_TEST(int8_conv3x3_max_pool_rows_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no DSP conv 3x3 + pool rows kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check<4, 4, 0, 1, D>(1) == 0));                     // one pooled output
  STATICNN_CHECK((check<5, 5, 1, 2, Gen>(2, -7, 127) == 0));          // pooled 2 x 2
  STATICNN_CHECK((check<7, 9, 0, 3, D>(3, -5, 127) == 0));            // conv 5 x 7: the last row, column dropped
  STATICNN_CHECK((check<9, 11, 1, 5, Gen>(4) == 0));                  // pooled width 5: a tail of 1
  STATICNN_CHECK((check<11, 13, 2, 7, D>(5, -100, 90) == 0));         // pad 2, pooled width 7: tail 3
  STATICNN_CHECK((check<13, 14, 1, 9, Gen>(6, 3, 3) == 0));           // a single-value clamp
  STATICNN_CHECK((check<8, 13, 0, 6, Gen>(7, 10, 9) == 0));           // an empty clamp: the general path
  STATICNN_CHECK((check<15, 17, 1, 17, D>(8, -5, 127) == 0));         // two channel blocks (16 + 1)
  STATICNN_CHECK((check<17, 15, 1, 33, Gen>(9, -128, 40) == 0));      // 33 channels, tail 3
  STATICNN_CHECK((check<21, 19, 2, 11, Gen>(10, -128, 127, -128) == 0));  // ReLU clamp, zero point -128
  STATICNN_CHECK((check<33, 33, 1, 4, D>(11, -128, 0, 127, 127) == 0));  // pad value 127, zero point 127
  STATICNN_CHECK((check<31, 64, 1, 2, Gen>(12) == 0));                // the widest: pooled width 32
  STATICNN_CHECK((check<12, 30, 1, 16, Known>(13, -5, 127) == 0));    // no check, no general path
  STATICNN_CHECK((check<9, 7, 1, 9, Known>(14, -90, 100, -5, -128) == 0));
  STATICNN_CHECK((check<19, 23, 0, 12, D, 3>(15, -20, 20) == 0));     // fewer rows than the map's
  STATICNN_CHECK((check<6, 6, 1, 1, Gen>(16) == 0));                  // one channel, general
  STATICNN_CHECK((check<28, 28, 1, 16, D>(17, -5, 127, -5, -3, true) == 0));  // cnn3x3's first stage
  STATICNN_CHECK((check<28, 28, 1, 8, Known>(18, -5, 127, -5, -3, true) == 0));
}

// The same with a 2x2 average pool (each output rescaled, the four averaged).
STATICNN_TEST(int8_conv3x3_avg_pool_rows_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no DSP conv 3x3 + pool rows kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check<4, 4, 0, 1, D, 0, true>(31) == 0));
  STATICNN_CHECK((check<5, 5, 1, 2, Gen, 0, true>(32, -7, 127) == 0));
  STATICNN_CHECK((check<7, 9, 0, 3, D, 0, true>(33, -5, 127) == 0));
  STATICNN_CHECK((check<9, 11, 1, 5, Gen, 0, true>(34) == 0));
  STATICNN_CHECK((check<11, 13, 2, 7, D, 0, true>(35, -100, 90) == 0));
  STATICNN_CHECK((check<13, 14, 1, 9, Gen, 0, true>(36, 3, 3) == 0));
  STATICNN_CHECK((check<8, 13, 0, 6, Gen, 0, true>(37, 10, 9) == 0));
  STATICNN_CHECK((check<17, 15, 1, 33, Gen, 0, true>(39, -128, 40) == 0));
  STATICNN_CHECK((check<21, 19, 2, 11, Gen, 0, true>(40, -128, 127, -128) == 0));
  STATICNN_CHECK((check<33, 33, 1, 4, D, 0, true>(41, -128, 0, 127, 127) == 0));
  STATICNN_CHECK((check<31, 64, 1, 2, Gen, 0, true>(42) == 0));
  STATICNN_CHECK((check<9, 7, 1, 9, Known, 0, true>(44, -90, 100, -5, -128) == 0));
  STATICNN_CHECK((check<19, 23, 0, 12, D, 3, true>(45, -20, 20) == 0));
  STATICNN_CHECK((check<28, 28, 1, 10, D, 0, true>(46, -5, 127, -5, -3, true) == 0));  // c10avg's first stage
  STATICNN_CHECK((check<28, 28, 1, 8, Known, 0, true>(47, -128, 127, -128, -128, true) == 0));
}

// conv2d_s8_3x3_max_pool3_rows_dsp: a 3x3 max pool of stride 3 (floor: up to 2 conv rows and
// columns dropped), the same shapes, rescale forms and clamps.
static_assert(quant::qconv2d_layer<shape<1, 28, 28>, 16, 3, 1, 1>::max_pools_itself<3> == pools_here);
static_assert(quant::qconv2d_layer<shape<1, 20, 17>, 5, 3, 1, 0>::max_pools_itself<3> == pools_here);
static_assert(!quant::qconv2d_layer<shape<1, 28, 40>, 16, 3, 1, 1>::max_pools_itself<3>);  // layout too wide
static_assert(!quant::qconv2d_layer<shape<2, 28, 28>, 16, 3, 1, 1>::max_pools_itself<3>);  // 2 channels
STATICNN_TEST(int8_conv3x3_max_pool3_rows_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP instructions, or MVE (its own kernels): no DSP conv 3x3 + pool rows kernel here");
  constexpr auto D = rescales::doubled, Gen = rescales::general, Known = rescales::known;
  STATICNN_CHECK((check<5, 5, 0, 1, D, 0, false, 3>(61) == 0));              // one pooled output
  STATICNN_CHECK((check<7, 6, 1, 2, Gen, 0, false, 3>(62, -7, 127) == 0));   // conv 7 x 6: a row dropped
  STATICNN_CHECK((check<9, 13, 0, 3, D, 0, false, 3>(63, -5, 127) == 0));    // conv 7 x 11: tail 3
  STATICNN_CHECK((check<11, 14, 1, 5, Gen, 0, false, 3>(64) == 0));
  STATICNN_CHECK((check<13, 10, 2, 7, D, 0, false, 3>(65, -100, 90) == 0));  // pad 2
  STATICNN_CHECK((check<12, 19, 1, 9, Gen, 0, false, 3>(66, 3, 3) == 0));    // a single-value clamp
  STATICNN_CHECK((check<8, 13, 0, 6, Gen, 0, false, 3>(67, 10, 9) == 0));    // an empty clamp
  STATICNN_CHECK((check<17, 15, 1, 33, Gen, 0, false, 3>(69, -128, 40) == 0));  // 33 channels
  STATICNN_CHECK((check<21, 19, 2, 11, Gen, 0, false, 3>(70, -128, 127, -128) == 0));
  STATICNN_CHECK((check<33, 33, 1, 4, D, 0, false, 3>(71, -128, 0, 127, 127) == 0));  // the widest: pooled 11
  STATICNN_CHECK((check<9, 7, 1, 9, Known, 0, false, 3>(74, -90, 100, -5, -128) == 0));
  STATICNN_CHECK((check<19, 23, 0, 12, D, 3, false, 3>(75, -20, 20) == 0));
  STATICNN_CHECK((check<28, 28, 1, 16, D, 0, false, 3>(76, -5, 127, -5, -3, true) == 0));  // pool3's first stage
  STATICNN_CHECK((check<28, 28, 1, 16, Known, 0, false, 3>(77, -128, 127, -128, -128, true) == 0));
}

int main() { return fw_test::run_all("kernels_3x3_pool"); }
