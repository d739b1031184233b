// The int8 kernels that exist only on targets with the Armv7E-M DSP instructions (SMLAD, SSAT),
// against integer sums and TFLite's arithmetic written out in tflite_reference.hpp. Elsewhere
// every test skips, the image exits with skip_exit and CTest reports it as skipped.
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include "harness.hpp"
#include "instruction_counter.hpp"
#include "runtime.hpp"
#include "tflite_reference.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using fw_test::requant_any;

// The int8 conv -> 256-entry table -> 2x2 average stage that DSP targets run as one
// (quant/conv2d.hpp forward_fused_stage: 1 and 6 input channels), against integer sums, TFLite's
// requantization for any shift (left or right) written out here, the table and TFLite's
// rounded average. Some channels have a rescale outside the fast form (multiplier below 2^30,
// shift 0 or below -22) and take the general path.
namespace {
// AllDoubled: every channel in the doubled form (as network::forward_constant finds for a constant
// model), the stage compiled without the check and the general path.
template <class In, std::size_t OutC, bool AllDoubled = false>
std::size_t check_fused_stage(std::uint32_t seed, std::int32_t weight_range) {
  using conv = quant::qconv2d_layer<In, OutC, 5, 1>;
  using act = quant::qlookup_layer<typename conv::out_shape>;
  using pool = quant::qpool_layer<typename conv::out_shape, 2, avg_pool_op>;
  if constexpr (!conv::template has_fused_stage<act, pool>) {
    return 1000;  // on a DSP target every shape here has the fused stage
  } else {
    constexpr std::size_t C = In::channels, H = In::height, W = In::width, OH = H - 4, OW = W - 4;
    std::uint32_t r = seed;
    auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
    auto next8 = [&] { return static_cast<std::int8_t>((next() & 0xff) - 128); };
    static conv c;
    static act a;
    static pool p;
    for (auto& w : c.weights) w = static_cast<std::int8_t>(next() % (2 * weight_range + 1) - weight_range);
    for (std::size_t o = 0; o < OutC; ++o) {
      c.bias[o] = next() % 20001 - 10000;
      c.multiplier[o] = (1 << 30) + next() % (1 << 30);
      c.shift[o] = static_cast<std::int8_t>(-8 - static_cast<std::int32_t>(o % 3));
    }
    c.zero_point = -7;
    if (AllDoubled && !c.doubled_rescale()) return 1000;  // the random channels are all doubled
    if constexpr (!AllDoubled) {
      c.multiplier[1] = 3 << 25, c.shift[1] = 0;  // general: multiplier < 2^30
      c.shift[OutC - 1] = -23;                    // general: shift below -22
      if (c.doubled_rescale()) return 1000;
    }
    for (auto& t : a.table) t = next8();
    static std::array<std::int8_t, C * H * W> x{};
    for (auto& v : x) v = next8();
    static std::array<std::int8_t, OutC * (OH / 2) * (OW / 2)> y{};
    alignas(4) static std::array<std::int8_t, conv::fused_stage_scratch + 1> scratch{};
    c.template forward_fused_stage<AllDoubled>(x.data(), y.data(), a, p, scratch.data() + 1);  // scratch not 4-aligned
    std::size_t wrong = 0;
    for (std::size_t o = 0; o < OutC; ++o)
      for (std::size_t py = 0; py < OH / 2; ++py)
        for (std::size_t px = 0; px < OW / 2; ++px) {
          std::int32_t sum = 0;
          for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t oy = 2 * py + k / 2, ox = 2 * px + k % 2;
            std::int32_t acc = c.bias[o];
            for (std::size_t ic = 0; ic < C; ++ic)
              for (std::size_t ky = 0; ky < 5; ++ky)
                for (std::size_t kx = 0; kx < 5; ++kx)
                  acc += c.weights[((o * C + ic) * 5 + ky) * 5 + kx] * x[(ic * H + oy + ky) * W + ox + kx];
            sum += a.table[static_cast<std::size_t>(requant_any(acc, c.multiplier[o], c.shift[o], c.zero_point) + 128)];
          }
          const std::int32_t avg = sum >= 0 ? (sum + 2) / 4 : (sum - 2) / 4;
          wrong += y[(o * (OH / 2) + py) * (OW / 2) + px] != avg;
        }
    return wrong;
  }
}
}  // namespace

STATICNN_TEST(int8_fused_conv_lookup_pool_stage) {
  if (!kernels::target::arm_dsp) STATICNN_SKIP("no Armv7E-M DSP instructions: no fused int8 stage on this target");
  STATICNN_CHECK((check_fused_stage<shape<1, 12, 16>, 3>(5, 127) == 0));
  STATICNN_CHECK((check_fused_stage<shape<6, 10, 8>, 8>(9, 127) == 0));
  STATICNN_CHECK((check_fused_stage<shape<6, 8, 8>, 4>(13, 20) == 0));
  STATICNN_CHECK((check_fused_stage<shape<1, 12, 16>, 3, true>(7, 127) == 0));
  STATICNN_CHECK((check_fused_stage<shape<6, 10, 8>, 8, true>(11, 127) == 0));
}

// kernels/arm/conv2d_s8_rows_dsp.hpp (any C, K, stride) against the portable kernel
// (conv2d_s8_rows_portable: conv2d_s8_channel_rows and the clamp), bit for bit: random int8 inputs, weights in
// [-127, 127], per-channel rescales of both forms (doubled and general: multiplier below 2^30,
// shift 0, a left shift, shift below -22) and a clamp, on shapes the kernel was not tuned for (odd
// widths, channel counts, rows not a multiple of its 4-pixel blocks, the last rows of the input).
namespace {
// General: every 7th channel from the third takes the general rescale in one of four ways; else
// every channel is in the doubled form (the kernel's all-asm paths).
// Few: the few-taps kernel (kernels/arm/conv2d_s8_few_dsp.hpp) instead of the rows kernel.
// Pad: the rows kernel reads the C x H x W input padded by Pad with the value pad itself; the
// portable kernel a padded copy.
// Widened: the widened-rows kernel (kernels/arm/conv2d_s8_widened_dsp.hpp) instead, padded alike.
// Known: every channel doubled and the kernel told so at compile time (AllDoubled: no check, no
// general path), as for a layer of a constant network (qconv2d_layer::rows_known()).
// Pointwise: the pointwise kernel (kernels/arm/conv2d_s8_pointwise_dsp.hpp) instead.
// Pairs: the channel-pairs kernel (kernels/arm/conv2d_s8_pairs_dsp.hpp) instead, padded as the rows kernel.
// Random conv operands from seed (LCG): input bytes, weights in [-127, 127], and per output
// channel a bias and a rescale in the doubled form (multiplier in [2^30, 2^31), right shift 6-13),
// drawn in that order; a check puts its general forms over some channels afterwards.
template <std::size_t XN, std::size_t WN, std::size_t G>
void random_conv_operands(std::uint32_t seed, std::array<std::int8_t, XN>& x, std::array<std::int8_t, WN>& w,
                          std::array<std::int32_t, G>& bias, std::array<std::int32_t, G>& mult,
                          std::array<std::int8_t, G>& shift) {
  std::uint32_t r = seed;
  auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
  for (auto& v : x) v = static_cast<std::int8_t>((next() & 0xff) - 128);
  for (auto& v : w) v = static_cast<std::int8_t>(next() % 255 - 127);
  for (std::size_t o = 0; o < G; ++o) {
    bias[o] = next() % 200001 - 100000;
    mult[o] = (1 << 30) + next() % (1 << 30);
    shift[o] = static_cast<std::int8_t>(-6 - next() % 8);
  }
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G,
          bool General = true, bool Few = false, std::size_t Pad = 0, bool Widened = false, bool Known = false,
          bool Pointwise = false, bool Pairs = false, bool Three = false>
std::size_t check_conv_rows(std::uint32_t seed, std::size_t oy0, std::size_t rows,
                            std::int32_t act_min = -128, std::int32_t act_max = 127, std::int8_t pad = 0,
                            std::int32_t zero_point = -5) {
  if constexpr (!kernels::target::arm_dsp || (Three && kernels::target::arm_mve)) {
    return 1000;  // the test skips: no DSP kernel on this target
  } else {
    static_assert(Pad == 0 || !Few, "the few-taps kernel reads a padded window");
    static_assert(!(Known && General), "a kernel told that every channel is doubled takes no general one");
    constexpr std::size_t PH = H + 2 * Pad, PW = W + 2 * Pad;
    static_assert(Three       ? kernels::arm::conv2d_s8_3x3_rows_dsp_fits<C, PH, PW, K, S>
                  : Few       ? kernels::arm::conv2d_s8_few_dsp_fits<C, H, W, K, S>
                  : Widened   ? kernels::arm::conv2d_s8_widened_dsp_fits<C, PH, PW, K, S>
                  : Pointwise ? kernels::arm::conv2d_s8_pointwise_dsp_fits<C, H, W, K, S> && Pad == 0
                  : Pairs     ? kernels::arm::conv2d_s8_pairs_dsp_fits<C, PH, PW, K, S>
                              : kernels::arm::conv2d_s8_rows_dsp_fits<C, PH, PW, K, S>,
                  "a shape the DSP kernel takes");
    constexpr std::size_t OW = (PW - K) / S + 1, OH = (PH - K) / S + 1, F = C * K * K;
    if (oy0 + rows > OH) return 1000;
    static std::array<std::int8_t, C * H * W> x{};
    static std::array<std::int8_t, G * F> w{};
    static std::array<std::int32_t, G> bias{}, mult{};
    static std::array<std::int8_t, G> shift{};
    random_conv_operands(seed, x, w, bias, mult, shift);
    for (std::size_t o = 0; o < G; ++o) {
      if (General) switch (o % 7) {  // the general forms
          case 2:
            mult[o] = 3 << 25;
            break;
          case 4:
            shift[o] = 0, mult[o] = 1 << 22;
            break;
          case 5:
            shift[o] = 1, mult[o] = 1 << 20;
            break;
          case 6:
            shift[o] = -23;
            break;
          default:
            break;
        }
    }
    const kernels::channel_rescale q{bias.data(), mult.data(), shift.data(), zero_point, act_min, act_max};
    static std::array<std::int8_t, G * OH * OW> got{}, want{};
    got.fill(0x5a), want.fill(0x5a);
    static std::array<std::int8_t, C * PH * PW> padded{};  // x inside a border of pad
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t iy = 0; iy < PH; ++iy)
        for (std::size_t ix = 0; ix < PW; ++ix) {
          const bool inside = iy >= Pad && iy < H + Pad && ix >= Pad && ix < W + Pad;
          padded[(c * PH + iy) * PW + ix] = inside ? x[(c * H + iy - Pad) * W + ix - Pad] : pad;
        }
    if constexpr (Three)  // reads a padded window, as a layer passes it
      kernels::arm::conv2d_s8_3x3_rows_dsp<PH, PW, S, G, Known>(padded.data(), w.data(), q, got.data(), oy0, rows);
    else if constexpr (Few)
      kernels::arm::conv2d_s8_few_dsp<C, H, W, K, S, G, Known>(x.data(), w.data(), q, got.data(), oy0, rows);
    else if constexpr (Widened)
      kernels::arm::conv2d_s8_widened_dsp<C, H, W, K, S, G, Pad>(x.data(), w.data(), q, got.data(), oy0, rows, pad);
    else if constexpr (Pointwise)
      kernels::arm::conv2d_s8_pointwise_dsp<C, H, W, G>(x.data(), w.data(), q, got.data(), oy0, rows);
    else if constexpr (Pairs)
      kernels::arm::conv2d_s8_pairs_dsp<C, H, W, K, S, G, Pad, Known>(x.data(), w.data(), q, got.data(), oy0, rows, pad);
    else
      kernels::arm::conv2d_s8_rows_dsp<C, H, W, K, S, G, Pad, Known>(x.data(), w.data(), q, got.data(), oy0, rows, pad);
    kernels::conv2d_s8_rows_portable<C, PH, PW, K, S, G>(padded.data(), w.data(), q, want.data(), oy0, rows);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
      wrong += got[i] != want[i];  // past G x rows x OW: untouched
    return wrong;
  }
}
}  // namespace

STATICNN_TEST(int8_conv_rows_any_shape) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP conv rows kernel on this target");
  STATICNN_CHECK((check_conv_rows<1, 9, 13, 3, 1, 5>(1, 0, 7) == 0));
  STATICNN_CHECK((check_conv_rows<1, 11, 12, 3, 2, 3>(2, 1, 4) == 0));
  STATICNN_CHECK(
      (check_conv_rows<2, 6, 7, 3, 1, 4>(3, 2, 2, -5, 127) == 0));  // ReLU clamp at the zero point
  STATICNN_CHECK((check_conv_rows<3, 9, 11, 3, 2, 7>(4, 0, 4) == 0));
  STATICNN_CHECK((check_conv_rows<3, 8, 9, 3, 1, 2>(5, 3, 3, -100, 90) == 0));
  STATICNN_CHECK((check_conv_rows<5, 7, 9, 3, 1, 6>(6, 1, 4) == 0));
  STATICNN_CHECK((check_conv_rows<16, 6, 11, 3, 1, 9>(7, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<17, 5, 9, 3, 2, 4>(8, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<16, 3, 7, 1, 1, 5>(9, 1, 2) == 0));
  STATICNN_CHECK((check_conv_rows<5, 4, 5, 1, 2, 3>(10, 0, 2, -20, 20) == 0));
  STATICNN_CHECK((check_conv_rows<17, 3, 6, 1, 1, 3>(11, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 10, 5, 1, 3>(12, 1, 4) == 0));
  STATICNN_CHECK((check_conv_rows<3, 9, 13, 5, 2, 5>(13, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 15, 7, 2, 3>(14, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<2, 8, 11, 7, 1, 2>(15, 1, 1) == 0));
  STATICNN_CHECK((check_conv_rows<8, 9, 9, 7, 2, 5>(16, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<16, 4, 16, 3, 1, 32>(17, 0, 2) == 0));
  // Fan-ins above 400 (up to 576, 3x3 over 64 channels): an im2col in the caller's frame, the
  // kernel in its own; each form of the last weight word, padded and not.
  STATICNN_CHECK((check_conv_rows<64, 5, 10, 3, 1, 6>(23, 0, 3, -128, 127) == 0));
  STATICNN_CHECK((check_conv_rows<63, 7, 9, 3, 2, 5>(24, 1, 2) == 0));
  STATICNN_CHECK((check_conv_rows<61, 4, 7, 3, 1, 3>(25, 0, 2, -9, 127) == 0));
  STATICNN_CHECK((check_conv_rows<64, 6, 6, 3, 1, 7, true, false, 1>(26, 0, 6, -128, 127, -3) == 0));
  // ... every channel doubled and whole blocks: all channels in one asm loop, which steps back
  // over the block's im2col (past 4,095 bytes) from one channel to the next.
  STATICNN_CHECK((check_conv_rows<64, 5, 8, 3, 1, 6, false>(27, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<61, 4, 6, 3, 1, 3, false>(28, 0, 2, -20, 127) == 0));
  STATICNN_CHECK((check_conv_rows<64, 6, 6, 3, 1, 5, false, false, 1>(29, 0, 6, -128, 127, 7) == 0));
  // Every channel doubled: large windows (one block of im2col, the asm walks the channels; a last
  // partial block per channel), small windows (several blocks per channel); clamps.
  STATICNN_CHECK((check_conv_rows<16, 6, 11, 3, 1, 9, false>(18, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<16, 4, 16, 3, 1, 32, false>(19, 0, 2, -7, 127) == 0));
  STATICNN_CHECK((check_conv_rows<17, 5, 9, 3, 2, 4, false>(20, 0, 2, -60, 50) == 0));
  STATICNN_CHECK((check_conv_rows<8, 9, 9, 7, 2, 5, false>(21, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<3, 9, 11, 3, 2, 7, false>(22, 0, 4, -128, 10) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 13, 3, 1, 5, false>(23, 0, 7) == 0));
  STATICNN_CHECK((check_conv_rows<17, 3, 6, 1, 1, 3, false>(24, 0, 3, 3, 3) == 0));
  // Small windows and many channels: the kernel doubles the im2col instead of the accumulators.
  STATICNN_CHECK((check_conv_rows<1, 7, 11, 3, 1, 16>(25, 1, 4) == 0));
  STATICNN_CHECK((check_conv_rows<1, 7, 11, 3, 1, 16, false>(26, 0, 5, -9, 100) == 0));
  STATICNN_CHECK((check_conv_rows<16, 3, 9, 1, 2, 12>(27, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<3, 7, 9, 3, 1, 16, false>(28, 0, 5) == 0));
  STATICNN_CHECK((check_conv_rows<3, 7, 9, 3, 1, 16>(29, 2, 3, -128, 0) == 0));
  // Padded: the kernel reads the unpadded input and writes the padding (the zero point) itself,
  // at every border (top, bottom, both sides, corners), in rows from the first and to the last.
  STATICNN_CHECK((check_conv_rows<16, 5, 7, 3, 1, 9, true, false, 1>(30, 0, 5, -128, 127, -7) == 0));
  STATICNN_CHECK((check_conv_rows<16, 6, 6, 3, 1, 32, false, false, 1>(31, 2, 4, -3, 127, 5) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 13, 3, 1, 16, false, false, 1>(32, 0, 9, -128, 127, -128) == 0));
  STATICNN_CHECK((check_conv_rows<3, 8, 9, 3, 2, 5, true, false, 1>(33, 1, 3, -128, 127, 127) == 0));
  STATICNN_CHECK((check_conv_rows<2, 7, 8, 5, 1, 4, false, false, 2>(34, 0, 7, -128, 127, 3) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 9, 7, 2, 3, true, false, 3>(35, 0, 5, -128, 127, -1) == 0));
  STATICNN_CHECK((check_conv_rows<5, 3, 4, 3, 1, 6, false, false, 2>(36, 0, 5, -128, 127, 9) == 0));
  // Small C, larger K, more pixels than one super-block of im2col holds (several passes, a partial
  // last block), odd widths, channel counts not a multiple of 4, both rescale forms and clamps.
  STATICNN_CHECK((check_conv_rows<1, 12, 29, 5, 1, 7, false>(37, 1, 7, -20, 127) == 0));
  STATICNN_CHECK((check_conv_rows<1, 12, 29, 5, 1, 6>(38, 0, 8) == 0));
  STATICNN_CHECK((check_conv_rows<1, 15, 21, 7, 2, 6, false, false, 3>(39, 0, 8, -128, 127, -3) == 0));
  STATICNN_CHECK((check_conv_rows<2, 11, 17, 5, 1, 5, false, false, 2>(40, 2, 9, -128, 90, 4) == 0));
  STATICNN_CHECK((check_conv_rows<3, 13, 23, 3, 1, 13, false, false, 1>(41, 0, 13, -128, 127, -2) == 0));
  STATICNN_CHECK((check_conv_rows<4, 10, 19, 3, 2, 7, true, false, 1>(42, 0, 5, -128, 127, 0) == 0));
  STATICNN_CHECK((check_conv_rows<1, 13, 19, 7, 1, 5, true, false, 0>(43, 0, 7) == 0));
  // Every channel doubled and known to be (no check, no general path): one block of im2col with a
  // partial last block, several blocks per channel with the im2col doubled, padded, clamps.
  constexpr bool D = false, Rows = false, Known = true;
  STATICNN_CHECK((check_conv_rows<16, 6, 11, 3, 1, 9, D, Rows, 0, false, Known>(44, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<16, 6, 6, 3, 1, 32, D, Rows, 1, false, Known>(45, 1, 5, -3, 127, 5) == 0));
  STATICNN_CHECK((check_conv_rows<1, 7, 11, 3, 1, 16, D, Rows, 0, false, Known>(46, 0, 5, -9, 100) == 0));
  STATICNN_CHECK((check_conv_rows<2, 11, 17, 5, 1, 5, D, Rows, 2, false, Known>(47, 2, 9, -128, 90, 4) == 0));
  STATICNN_CHECK((check_conv_rows<17, 3, 6, 1, 1, 3, D, Rows, 0, false, Known>(48, 0, 3, 3, 3) == 0));
  // Fan-ins above 576 (up to 1020: 5x5 over 32 and 40 channels, 3x3 over 96 and 113): one block's
  // im2col up to 8 KB, stepped back over in two SUBs; each form of the last weight word.
  STATICNN_CHECK((check_conv_rows<32, 7, 10, 5, 1, 6>(49, 0, 3, -128, 127) == 0));
  STATICNN_CHECK((check_conv_rows<40, 7, 9, 5, 2, 5, false>(50, 0, 2, -20, 127) == 0));
  STATICNN_CHECK((check_conv_rows<113, 5, 7, 3, 1, 3>(51, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<96, 6, 6, 3, 1, 7, true, false, 1>(52, 0, 6, -128, 127, -3) == 0));
  STATICNN_CHECK((check_conv_rows<24, 8, 10, 5, 1, 5, D, Rows, 1, false, Known>(53, 1, 5, -3, 127, 5) == 0));
  STATICNN_CHECK((check_conv_rows<113, 4, 6, 3, 1, 6, false>(54, 0, 2, -128, 127) == 0));
}

// qconv2d_layer::rows_known(), the kernels' AllDoubled for a layer that is a compile-time constant
// (checked when this file compiles): true only when every channel's rescale is in the doubled form
// and the clamp range within int8 is not empty.
namespace {
template <std::int8_t Shift1, std::int32_t ActMin, std::int32_t ActMax>
constexpr auto known_conv = [] {
  quant::qconv2d_layer<shape<2, 6, 6>, 3, 3, 1, 1, true> c{};
  for (std::size_t o = 0; o < 3; ++o) c.bias[o] = 100, c.multiplier[o] = 1 << 30, c.shift[o] = -7;
  c.shift[1] = Shift1;
  c.act_min = ActMin, c.act_max = ActMax;
  return c;
}();
using known_conv_type = std::remove_const_t<decltype(known_conv<-7, -128, 127>)>;
static_assert(known_conv_type::rows_known<known_conv<-7, -128, 127>>());
static_assert(known_conv_type::rows_known<known_conv<-7, 3, 127>>());       // a ReLU clamp
static_assert(known_conv_type::rows_known<known_conv<-7, 127, 300>>());     // one value within int8
static_assert(!known_conv_type::rows_known<known_conv<0, -128, 127>>());    // one channel not doubled
static_assert(!known_conv_type::rows_known<known_conv<-23, -128, 127>>());
static_assert(!known_conv_type::rows_known<known_conv<-7, 10, 9>>());       // an empty clamp
static_assert(!known_conv_type::rows_known<known_conv<-7, 200, 300>>());    // a clamp above int8
}  // namespace

// kernels/arm/conv2d_s8_few_dsp.hpp (fan-in C K K <= 9) against the portable kernel, bit for bit,
// as int8_conv_rows_any_shape: every fan-in 1 .. 9 it takes (C 1-9 with K 1, C 1-2 with K 2, C 1
// with K 3), strides 1-3, odd widths, output channel counts not a multiple of 4, row counts whose
// pixels are not a multiple of its 4-pixel groups or span several passes of its im2col, both
// rescale forms and clamps.
STATICNN_TEST(int8_conv_few_any_shape) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP few-taps conv kernel on this target");
  constexpr bool G = true, D = false, Few = true;  // General rescales among the channels, or all Doubled
  STATICNN_CHECK((check_conv_rows<1, 9, 13, 3, 1, 5, G, Few>(31, 0, 7) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 13, 3, 1, 5, D, Few>(32, 1, 5, -7, 127) == 0));
  STATICNN_CHECK((check_conv_rows<1, 11, 12, 3, 2, 3, G, Few>(33, 1, 4) == 0));
  STATICNN_CHECK((check_conv_rows<1, 11, 12, 3, 2, 7, D, Few>(34, 0, 5, -100, 90) == 0));
  STATICNN_CHECK((check_conv_rows<1, 12, 31, 3, 1, 4, D, Few>(35, 0, 10, -3, 127) == 0));  // several passes
  STATICNN_CHECK((check_conv_rows<1, 4, 30, 3, 1, 16, G, Few>(36, 0, 2, -3, 127) == 0));
  STATICNN_CHECK((check_conv_rows<1, 6, 7, 1, 1, 3, G, Few>(37, 1, 3) == 0));               // F = 1
  STATICNN_CHECK((check_conv_rows<1, 6, 7, 1, 2, 6, D, Few>(38, 0, 3, -128, 10) == 0));
  STATICNN_CHECK((check_conv_rows<2, 5, 9, 1, 1, 5, D, Few>(39, 0, 5) == 0));               // F = 2
  STATICNN_CHECK((check_conv_rows<3, 7, 7, 1, 2, 9, G, Few>(40, 1, 3, -20, 20) == 0));      // F = 3
  STATICNN_CHECK((check_conv_rows<3, 7, 7, 1, 1, 9, D, Few>(41, 0, 7) == 0));
  STATICNN_CHECK((check_conv_rows<4, 6, 5, 1, 1, 7, G, Few>(42, 0, 6) == 0));               // F = 4
  STATICNN_CHECK((check_conv_rows<1, 8, 9, 2, 1, 5, D, Few>(43, 2, 4, -9, 100) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 11, 2, 2, 3, G, Few>(44, 0, 4) == 0));
  STATICNN_CHECK((check_conv_rows<5, 5, 7, 1, 1, 6, D, Few>(45, 0, 5) == 0));               // F = 5
  STATICNN_CHECK((check_conv_rows<6, 5, 7, 1, 2, 5, G, Few>(46, 0, 3) == 0));               // F = 6
  STATICNN_CHECK((check_conv_rows<7, 4, 9, 1, 1, 3, D, Few>(47, 1, 3, 3, 3) == 0));         // F = 7
  STATICNN_CHECK((check_conv_rows<2, 7, 9, 2, 1, 11, G, Few>(48, 0, 6) == 0));              // F = 8
  STATICNN_CHECK((check_conv_rows<2, 7, 10, 2, 2, 4, D, Few>(49, 1, 2, -50, 60) == 0));
  STATICNN_CHECK((check_conv_rows<9, 4, 5, 1, 1, 5, G, Few>(50, 0, 4) == 0));               // F = 9, C = 9
  STATICNN_CHECK((check_conv_rows<1, 12, 17, 3, 3, 10, D, Few>(51, 0, 4) == 0));            // stride 3
  // Every channel doubled and known to be (no check, no general path).
  constexpr bool Known = true;
  STATICNN_CHECK((check_conv_rows<1, 4, 30, 3, 1, 16, D, Few, 0, false, Known>(52, 0, 2, -3, 127) == 0));
  STATICNN_CHECK((check_conv_rows<1, 12, 31, 3, 1, 4, D, Few, 0, false, Known>(53, 0, 10, -128, 20) == 0));
  STATICNN_CHECK((check_conv_rows<2, 7, 10, 2, 2, 5, D, Few, 0, false, Known>(54, 1, 2, -50, 60) == 0));
}

// kernels/arm/conv2d_s8_max_pool_dsp.hpp's conv2d_s8_3x3_rows_dsp (one input channel, 3x3 stride 1
// or 2, every output stored) against the portable kernel, bit for bit, as int8_conv_rows_any_shape: on a
// window of the input padded by 0 or 1, widths whose output rows end in a step of 1 to 4 outputs
// (or have none whole), 1 to 32 output channels, row ranges from the first and to the last, both
// rescale forms, clamps full, ReLU, one value and empty.
STATICNN_TEST(int8_conv_3x3_rows_any_shape) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP kernel (or MVE's instead): no one-channel 3x3 rows kernel on this target");
  if constexpr (kernels::target::arm_dsp && !kernels::target::arm_mve) {
    constexpr bool G = true, D = false, Few = false, Pw = false, Pairs = false, Three = true, Known = true;
#define STATICNN_CHECK_3X3(H, W, Pad, Gs, Gen, Kn, ...)                                                        \
  STATICNN_CHECK((check_conv_rows<1, H, W, 3, 1, Gs, Gen, Few, Pad, false, Kn, Pw, Pairs, Three>(__VA_ARGS__) == 0))
#define STATICNN_CHECK_3X3_S2(H, W, Pad, Gs, Gen, Kn, ...)                                                     \
  STATICNN_CHECK((check_conv_rows<1, H, W, 3, 2, Gs, Gen, Few, Pad, false, Kn, Pw, Pairs, Three>(__VA_ARGS__) == 0))
    STATICNN_CHECK_3X3(5, 5, 0, 1, D, false, 61, 0, 3);                          // OW 3: no whole step
    STATICNN_CHECK_3X3(7, 7, 1, 3, G, false, 62, 0, 7, -128, 127, -4);          // OW 7
    STATICNN_CHECK_3X3(9, 9, 0, 5, G, false, 63, 2, 5, -5, 127);               // ReLU, OW 7
    STATICNN_CHECK_3X3(28, 28, 1, 8, D, false, 64, 0, 28, -5, 127, -5);        // the first layer's shape
    STATICNN_CHECK_3X3(31, 31, 1, 13, G, false, 65, 27, 4, -128, 127, 11);      // OW 31, the last rows
    STATICNN_CHECK_3X3(33, 33, 0, 32, D, false, 66, 3, 2, -100, 90);           // OW 31
    STATICNN_CHECK_3X3(7, 28, 0, 13, G, false, 67, 1, 4, 3, 3);                 // one value, OW 26
    STATICNN_CHECK_3X3(9, 31, 1, 5, G, false, 68, 0, 9, 10, 9, 2);              // an empty clamp
    STATICNN_CHECK_3X3(5, 33, 1, 32, D, false, 69, 1, 3, -128, 127, 127);      // OW 33
    STATICNN_CHECK_3X3(28, 9, 0, 8, D, Known, 70, 0, 26, -5, 127);             // known doubled
    STATICNN_CHECK_3X3(7, 31, 1, 3, D, Known, 71, 2, 5, -128, 20, -128);
    STATICNN_CHECK_3X3(31, 5, 1, 6, G, false, 72, 0, 31, -128, 127, 0);        // OW 5
    // Stride 2: OW 2 to 17 (steps of 1 to 4 outputs, none whole), both paddings.
    STATICNN_CHECK_3X3_S2(5, 5, 0, 1, D, false, 73, 0, 2);                       // OW 2
    STATICNN_CHECK_3X3_S2(7, 7, 1, 3, G, false, 74, 0, 4, -128, 127, -4);       // OW 4
    STATICNN_CHECK_3X3_S2(9, 9, 0, 5, G, false, 75, 1, 3, -5, 127);            // OW 4
    STATICNN_CHECK_3X3_S2(28, 28, 1, 16, D, false, 76, 0, 14, -5, 127, -5);    // the stem's shape, OW 14
    STATICNN_CHECK_3X3_S2(31, 31, 1, 13, G, false, 77, 10, 6, -128, 127, 11);   // OW 16, the last rows
    STATICNN_CHECK_3X3_S2(33, 33, 0, 32, D, false, 78, 3, 13, -100, 90);       // OW 16
    STATICNN_CHECK_3X3_S2(9, 28, 0, 8, G, false, 79, 1, 3, 3, 3);               // one value, OW 13
    STATICNN_CHECK_3X3_S2(9, 33, 1, 5, G, false, 80, 0, 5, 10, 9, 2);           // an empty clamp, OW 17
    STATICNN_CHECK_3X3_S2(28, 31, 0, 8, D, Known, 81, 0, 13, -5, 127);         // known doubled, OW 15
    STATICNN_CHECK_3X3_S2(31, 9, 1, 32, D, Known, 82, 2, 14, -128, 20, -128);  // OW 5
#undef STATICNN_CHECK_3X3_S2
#undef STATICNN_CHECK_3X3
  }
}

// kernels/arm/conv2d_s8_widened_dsp.hpp (one input channel, K >= 4 or 3x3 stride 2, or 2-3 channels
// K >= 3; stride 1 or 2, padded by Pad < K itself) against the portable kernel on a padded copy, bit for bit, as
// int8_conv_rows_any_shape: K 4-11 (odd and even), strides 1 and 2, pads 0-3 with extreme pad
// values, odd widths whose output rows end in a block of 1, 2 or 3 outputs (or none), 1 to 13
// output channels, row ranges from the first, to the last and more rows than one widened chunk
// (every border), both rescale forms and clamps.
STATICNN_TEST(int8_conv_widened_any_shape) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP widened-rows conv kernel on this target");
  constexpr bool G = true, D = false, Rows = false, Wide = true;
  STATICNN_CHECK((check_conv_rows<1, 9, 13, 5, 1, 3, G, Rows, 0, Wide>(61, 0, 5) == 0));      // OW 9
  STATICNN_CHECK((check_conv_rows<1, 9, 14, 5, 1, 5, D, Rows, 0, Wide>(62, 1, 4, -7, 127) == 0));  // OW 10
  STATICNN_CHECK((check_conv_rows<1, 11, 17, 5, 1, 4, D, Rows, 2, Wide>(63, 0, 11, -128, 127, -128) == 0));
  STATICNN_CHECK((check_conv_rows<1, 10, 15, 5, 2, 7, G, Rows, 1, Wide>(64, 1, 3, -128, 127, 127) == 0));
  STATICNN_CHECK((check_conv_rows<1, 15, 21, 7, 2, 6, D, Rows, 3, Wide>(65, 0, 8, -128, 127, -3) == 0));
  STATICNN_CHECK((check_conv_rows<1, 16, 19, 7, 2, 12, G, Rows, 3, Wide>(66, 5, 3, -20, 90, 5) == 0));
  STATICNN_CHECK((check_conv_rows<1, 13, 19, 7, 1, 5, G, Rows, 0, Wide>(67, 0, 7) == 0));     // OW 13
  STATICNN_CHECK((check_conv_rows<1, 12, 18, 7, 1, 1, D, Rows, 2, Wide>(68, 0, 10, -128, 0, 9) == 0));
  STATICNN_CHECK((check_conv_rows<1, 8, 11, 4, 1, 3, D, Rows, 1, Wide>(69, 0, 7, -128, 127, -1) == 0));  // K 4
  STATICNN_CHECK((check_conv_rows<1, 9, 12, 4, 2, 2, G, Rows, 3, Wide>(70, 0, 6, -128, 127, 100) == 0));
  STATICNN_CHECK((check_conv_rows<1, 10, 13, 6, 1, 5, D, Rows, 2, Wide>(71, 1, 8, -60, 50, -77) == 0));       // K 6
  STATICNN_CHECK((check_conv_rows<1, 11, 17, 6, 2, 9, G, Rows, 0, Wide>(72, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<1, 12, 23, 9, 1, 4, D, Rows, 3, Wide>(73, 0, 10, -128, 127, 2) == 0));    // K 9
  STATICNN_CHECK((check_conv_rows<1, 14, 25, 9, 2, 13, G, Rows, 1, Wide>(74, 0, 4, -128, 127, -2) == 0));
  STATICNN_CHECK((check_conv_rows<1, 13, 15, 11, 1, 3, D, Rows, 2, Wide>(75, 0, 7, -128, 127, 1) == 0));   // K 11
  STATICNN_CHECK((check_conv_rows<1, 12, 16, 11, 2, 2, G, Rows, 3, Wide>(76, 0, 4) == 0));
  STATICNN_CHECK((check_conv_rows<1, 28, 28, 7, 2, 12, D, Rows, 3, Wide>(77, 0, 14, 3, 127, -4) == 0));  // stem7's
  STATICNN_CHECK((check_conv_rows<1, 28, 28, 5, 1, 10, D, Rows, 0, Wide>(78, 22, 2, -1, 127) == 0));     // wide5's
  // 2 and 3 input channels (each channel's widened rows after the one before): K 3, 4, 5, 7,
  // strides 1 and 2, pads 0-3, odd widths and output channel counts, rows across chunks.
  STATICNN_CHECK((check_conv_rows<3, 9, 13, 3, 1, 5, G, Rows, 1, Wide>(79, 0, 9, -128, 127, -6) == 0));  // OW 13
  STATICNN_CHECK((check_conv_rows<2, 8, 10, 3, 2, 3, D, Rows, 1, Wide>(80, 1, 3, -7, 127, 120) == 0));   // OW 5
  STATICNN_CHECK((check_conv_rows<3, 7, 11, 3, 1, 12, D, Rows, 0, Wide>(81, 0, 5) == 0));                // OW 9
  STATICNN_CHECK((check_conv_rows<2, 10, 9, 3, 1, 7, G, Rows, 2, Wide>(82, 3, 7, -128, 127, -128) == 0));
  STATICNN_CHECK((check_conv_rows<3, 11, 15, 3, 2, 5, G, Rows, 2, Wide>(83, 0, 7, -20, 90, 3) == 0));
  STATICNN_CHECK((check_conv_rows<3, 12, 14, 5, 1, 6, G, Rows, 2, Wide>(86, 0, 12, -128, 127, -9) == 0));  // K 5
  STATICNN_CHECK((check_conv_rows<2, 11, 13, 7, 2, 5, D, Rows, 3, Wide>(87, 1, 5, -7, 127, 4) == 0));      // K 7
  STATICNN_CHECK((check_conv_rows<3, 15, 17, 7, 2, 3, G, Rows, 3, Wide>(88, 0, 8, -128, 127, 120) == 0));
  STATICNN_CHECK((check_conv_rows<2, 9, 11, 4, 1, 5, D, Rows, 1, Wide>(89, 2, 5) == 0));                  // K 4
  // One input channel, 3x3 stride 2.
  STATICNN_CHECK((check_conv_rows<1, 13, 17, 3, 2, 7, G, Rows, 1, Wide>(84, 0, 7, -128, 127, 9) == 0));
  STATICNN_CHECK((check_conv_rows<1, 10, 8, 3, 2, 3, D, Rows, 0, Wide>(85, 1, 3, -7, 127) == 0));
}

// kernels/arm/conv2d_s8_stem_dsp.hpp (2 or 3 input channels, 3x3, stride 1 or 2: row-pair planes;
// the widened-rows kernel hands it these shapes) against the portable kernel on a padded copy, bit
// for bit: none of the shapes it was tuned on (3 x 32 x 32 to 8 or 16 channels). Odd widths and
// heights (output rows ending in 1, 2 or 3 outputs past the last whole block, or none), 1 to 13
// output channels, pads 0 and 1 with extreme pad values, rows from the first, to the last and
// ranges in between, both rescale forms (General: every 7th channel from the third in one of
// four general forms), and the clamps: int8's whole range, a ReLU's (lo = zero_point), a single
// value, an empty one (lo > hi: the general path for every channel).
STATICNN_TEST(int8_conv_stem_any_shape) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP stem conv kernel on this target");
  static_assert(kernels::arm::conv2d_s8_widened_runs_stem<3, 9, 11, 3, 1> == kernels::target::arm_dsp &&
                kernels::arm::conv2d_s8_widened_runs_stem<2, 19, 33, 3, 2> == kernels::target::arm_dsp &&
                !kernels::arm::conv2d_s8_widened_runs_stem<1, 19, 33, 3, 2> &&
                !kernels::arm::conv2d_s8_widened_runs_stem<3, 19, 33, 5, 1>,
                "the stem kernel takes 2-3 channels, 3x3, and nothing else");
  static_assert(kernels::conv2d_s8_runs_widened_dsp<3, 34, 34, 3, 1> == kernels::target::arm_dsp,
                "a layer's 3x3 RGB conv runs the widened kernel (and so the stem kernel)");
  constexpr bool G = true, D = false, Rows = false, Wide = true;
  constexpr std::int32_t zp = -5;
  // 3 channels, stride 1: 7 x 9 (OW 7 / 9), 31 x 17, 1 to 13 output channels.
  STATICNN_CHECK((check_conv_rows<3, 7, 9, 3, 1, 1, D, Rows, 0, Wide>(201, 0, 5) == 0));                  // OW 7
  STATICNN_CHECK((check_conv_rows<3, 7, 9, 3, 1, 3, G, Rows, 1, Wide>(202, 0, 7, -128, 127, -128) == 0));  // OW 9
  STATICNN_CHECK((check_conv_rows<3, 17, 31, 3, 1, 5, G, Rows, 1, Wide>(203, 2, 13, zp, 127, 127, zp) == 0));
  STATICNN_CHECK((check_conv_rows<3, 17, 31, 3, 1, 8, D, Rows, 0, Wide>(204, 0, 15, -128, 127) == 0));     // OW 29
  STATICNN_CHECK((check_conv_rows<3, 9, 14, 3, 1, 13, G, Rows, 1, Wide>(205, 0, 9, -30, 40, 3) == 0));     // OW 14
  STATICNN_CHECK((check_conv_rows<3, 8, 10, 3, 1, 5, D, Rows, 1, Wide>(206, 7, 1, 17, 17, -9) == 0));       // one value
  STATICNN_CHECK((check_conv_rows<3, 8, 10, 3, 1, 3, D, Rows, 0, Wide>(207, 0, 6, 20, -20) == 0));         // empty
  // 3 channels, stride 2.
  STATICNN_CHECK((check_conv_rows<3, 9, 7, 3, 2, 1, D, Rows, 1, Wide>(208, 0, 5, -128, 127, 99) == 0));     // OW 4
  STATICNN_CHECK((check_conv_rows<3, 17, 31, 3, 2, 5, G, Rows, 1, Wide>(209, 0, 9, zp, 127, -128, zp) == 0));  // OW 16
  STATICNN_CHECK((check_conv_rows<3, 17, 31, 3, 2, 8, D, Rows, 0, Wide>(210, 3, 5) == 0));                 // OW 15
  STATICNN_CHECK((check_conv_rows<3, 13, 27, 3, 2, 13, G, Rows, 1, Wide>(211, 0, 7, -128, 100, 127) == 0)); // OW 14
  STATICNN_CHECK((check_conv_rows<3, 11, 21, 3, 2, 3, D, Rows, 0, Wide>(212, 0, 5, 0, 0) == 0));           // OW 10; one value
  STATICNN_CHECK((check_conv_rows<3, 11, 21, 3, 2, 5, G, Rows, 1, Wide>(213, 1, 4, 1, -1, 5) == 0));       // empty
  // 2 channels, strides 1 and 2.
  STATICNN_CHECK((check_conv_rows<2, 7, 9, 3, 1, 3, G, Rows, 1, Wide>(214, 0, 7, zp, 127, -77, zp) == 0));
  STATICNN_CHECK((check_conv_rows<2, 17, 31, 3, 1, 8, D, Rows, 0, Wide>(215, 4, 11) == 0));
  STATICNN_CHECK((check_conv_rows<2, 9, 7, 3, 2, 5, G, Rows, 1, Wide>(216, 0, 5, -128, 127, -1) == 0));
  STATICNN_CHECK((check_conv_rows<2, 17, 31, 3, 2, 13, D, Rows, 0, Wide>(217, 0, 8, -100, 127) == 0));
  STATICNN_CHECK((check_conv_rows<2, 8, 12, 3, 2, 1, D, Rows, 1, Wide>(218, 0, 4, 9, 9, 4) == 0));         // one value
  STATICNN_CHECK((check_conv_rows<2, 8, 12, 3, 1, 8, G, Rows, 0, Wide>(219, 0, 6, 60, 50) == 0));          // empty
  // Wide rows: stride-1 planes past an LDRD offset (two LDRs), stride-2 blocks of a 97-wide row.
  STATICNN_CHECK((check_conv_rows<3, 5, 97, 3, 1, 3, G, Rows, 1, Wide>(220, 0, 5, -128, 127, -3) == 0));  // OW 97
  STATICNN_CHECK((check_conv_rows<3, 6, 97, 3, 2, 5, D, Rows, 1, Wide>(221, 0, 3, zp, 127, 8, zp) == 0)); // OW 49
}

// kernels/arm/conv2d_s8_pairs_dsp.hpp (4 to 12 input channels, 9 and 10 for K <= 3 only, K 2-5, stride 1 or 2,
// padded by Pad < K itself) against the portable kernel on a padded copy, bit for bit, as
// int8_conv_rows_any_shape: odd channel counts (a pair word with one channel), chunks of 2, 3 and
// 4 pair words, even and odd K, pads 0-4 with extreme pad values, odd widths, output channel
// counts not a multiple of its groups of 4 (1, 2, 3, 5, 7, 13), rows from the first, to the last
// and more than one widened chunk (every border), both rescale forms (a group with a general
// channel), clamps, and the rescale known at compile time. None of these is a shape it was tuned on.
STATICNN_TEST(int8_conv_pairs_any_shape) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP channel-pairs conv kernel on this target");
  static_assert(kernels::conv2d_s8_runs_pairs_dsp<6, 16, 16, 3, 1> == kernels::target::arm_dsp &&
                !kernels::conv2d_s8_runs_pairs_dsp<3, 16, 16, 3, 1> && kernels::conv2d_s8_runs_pairs_dsp<10, 16, 16, 3, 1> == kernels::target::arm_dsp &&
                !kernels::conv2d_s8_runs_pairs_dsp<10, 16, 16, 5, 1> &&
                !kernels::conv2d_s8_runs_pairs_dsp<16, 16, 16, 3, 1> && !kernels::conv2d_s8_runs_pairs_dsp<8, 16, 16, 1, 1>);
  constexpr bool G = true, D = false, Few = false, Wide = false, Known = true, Pw = false, Pairs = true;
  STATICNN_CHECK((check_conv_rows<5, 9, 13, 3, 1, 3, G, Few, 1, Wide, D, Pw, Pairs>(81, 0, 9, -128, 127, 7) == 0));
  STATICNN_CHECK((check_conv_rows<7, 11, 9, 3, 2, 5, D, Few, 1, Wide, D, Pw, Pairs>(82, 0, 6, -9, 127, -128) == 0));
  STATICNN_CHECK((check_conv_rows<4, 8, 11, 2, 1, 2, G, Few, 0, Wide, D, Pw, Pairs>(83, 1, 5) == 0));        // K 2
  STATICNN_CHECK((check_conv_rows<5, 10, 13, 4, 2, 7, D, Few, 3, Wide, D, Pw, Pairs>(84, 0, 7, -128, 127, 127) == 0));  // K 4
  STATICNN_CHECK((check_conv_rows<11, 9, 15, 5, 1, 13, G, Few, 2, Wide, D, Pw, Pairs>(85, 2, 7, -128, 60, -3) == 0));   // 2 x 3 words
  STATICNN_CHECK((check_conv_rows<12, 7, 7, 3, 1, 5, D, Few, 1, Wide, D, Pw, Pairs>(86, 0, 7, -2, 127, 4) == 0));
  STATICNN_CHECK((check_conv_rows<8, 12, 17, 5, 2, 1, D, Few, 4, Wide, D, Pw, Pairs>(87, 0, 8, -128, 127, -77) == 0));  // 4 words, pad 4
  STATICNN_CHECK((check_conv_rows<7, 14, 14, 3, 1, 6, D, Few, 1, Wide, Known, Pw, Pairs>(88, 12, 2, -20, 127, -7) == 0));
  STATICNN_CHECK((check_conv_rows<6, 9, 9, 3, 2, 2, D, Few, 0, Wide, Known, Pw, Pairs>(89, 0, 4, -128, 127) == 0));
  // 9 and 10 channels, K <= 3: chunks of 3 and 2 pair words.
  STATICNN_CHECK((check_conv_rows<10, 9, 13, 3, 1, 7, G, Few, 1, Wide, D, Pw, Pairs>(90, 0, 9, -128, 127, 7) == 0));
  STATICNN_CHECK((check_conv_rows<9, 11, 9, 3, 2, 5, D, Few, 1, Wide, D, Pw, Pairs>(91, 0, 6, -9, 127, -128) == 0));
  STATICNN_CHECK((check_conv_rows<10, 8, 11, 2, 1, 6, G, Few, 0, Wide, D, Pw, Pairs>(92, 1, 5) == 0));
  STATICNN_CHECK((check_conv_rows<9, 14, 14, 3, 1, 10, D, Few, 1, Wide, Known, Pw, Pairs>(93, 12, 2, -20, 127, -7) == 0));
}

// The widened-rows kernel on rectangular windows (K rows x KW columns, vertical stride S and
// horizontal SW, padded PT above, PB below, PL left, PR right with pad) against the portable kernel
// (conv2d_s8_channel_rows with KW, SW) on a padded copy, bit for bit: KH > KW and KH < KW, S != SW
// both ways, asymmetric paddings, odd widths, output rows ending in blocks of 1-3, both rescale
// forms (General: every 7th channel from the third in a general form, as check_conv_rows) and
// clamps, rows from the first and to the last. Returns the number of wrong bytes (past G x rows x
// OW too: untouched). Output widths: 4k + 0, 1, 2 and 3. Each call runs twice: without scratch and
// with conv2d_s8_rows_padded_scratch bytes at an odd address (a tall window's transposed run),
// bytes around that scratch untouched.
namespace {
template <std::size_t H, std::size_t W, std::size_t K, std::size_t KW, std::size_t S, std::size_t SW, std::size_t PT,
          std::size_t PL, std::size_t PB, std::size_t PR, std::size_t G, bool General>
std::size_t check_conv_rect(std::uint32_t seed, std::size_t oy0, std::size_t rows, std::int32_t act_min,
                            std::int32_t act_max, std::int8_t pad) {
  if constexpr (!kernels::target::arm_dsp) {
    return 1000;
  } else {
    constexpr std::size_t PH = PT + H + PB, PW = PL + W + PR;
    static_assert(kernels::conv2d_s8_runs_widened_dsp<1, PH, PW, K, S, KW, SW>, "a shape the widened kernel takes");
    constexpr std::size_t OW = (PW - KW) / SW + 1, OH = (PH - K) / S + 1, F = K * KW;
    if (oy0 + rows > OH) return 1000;
    static std::array<std::int8_t, H * W> x{};
    static std::array<std::int8_t, G * F> w{};
    static std::array<std::int32_t, G> bias{}, mult{};
    static std::array<std::int8_t, G> shift{};
    random_conv_operands(seed, x, w, bias, mult, shift);
    for (std::size_t o = 0; o < G; ++o) {
      if (General && o % 7 == 2) mult[o] = 3 << 25;
      if (General && o % 7 == 5) shift[o] = 1, mult[o] = 1 << 20;
    }
    const kernels::channel_rescale q{bias.data(), mult.data(), shift.data(), -5, act_min, act_max};
    static std::array<std::int8_t, G * OH * OW> got{}, want{}, got_scratch{};
    got.fill(0x5a), want.fill(0x5a), got_scratch.fill(0x5a);
    kernels::conv2d_s8_rows_padded<1, H, W, K, S, G, PT, false, KW, SW, PL, PB, PR>(x.data(), w.data(), q, got.data(),
                                                                                   oy0, rows, pad);
    constexpr std::size_t scratch_bytes = kernels::conv2d_s8_rows_padded_scratch<1, H, W, K, S, G, PT, KW, SW, PL, PB, PR>;
    constexpr std::size_t guard = 9;  // bytes before (the scratch 1 past a word) and after the scratch
    alignas(8) static std::array<std::int8_t, guard + scratch_bytes + guard> scratch{};
    scratch.fill(0x33);
    kernels::conv2d_s8_rows_padded<1, H, W, K, S, G, PT, false, KW, SW, PL, PB, PR>(
        x.data(), w.data(), q, got_scratch.data(), oy0, rows, pad, scratch.data() + guard);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < guard; ++i) wrong += (scratch[i] != 0x33) + (scratch[guard + scratch_bytes + i] != 0x33);
    static std::array<std::int8_t, PH * PW> padded{};  // x inside its border of pad
    for (std::size_t iy = 0; iy < PH; ++iy)
      for (std::size_t ix = 0; ix < PW; ++ix) {
        const bool inside = iy >= PT && iy < H + PT && ix >= PL && ix < W + PL;
        padded[iy * PW + ix] = inside ? x[(iy - PT) * W + ix - PL] : pad;
      }
    for (std::size_t o = 0; o < G; ++o)
      kernels::conv2d_s8_channel_rows<1, PH, PW, K, S, KW, SW>(padded.data(), w.data() + o * F, q.from(o),
                                                               want.data() + o * rows * OW, oy0, rows);
    for (std::size_t i = 0; i < got.size(); ++i) wrong += (got[i] != want[i]) + (got_scratch[i] != want[i]);
    return wrong;
  }
}
}  // namespace

STATICNN_TEST(int8_conv_widened_rectangular) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP widened-rows conv kernel on this target");
  constexpr bool G = true, D = false;
  // H, W, K, KW, S, SW, PT, PL, PB, PR, channels, general
  STATICNN_CHECK((check_conv_rect<13, 9, 7, 3, 2, 1, 3, 1, 2, 1, 5, G>(81, 0, 6, -128, 127, -9) == 0));  // KH > KW
  STATICNN_CHECK((check_conv_rect<8, 17, 3, 6, 1, 2, 0, 2, 1, 1, 6, D>(82, 1, 6, -5, 127, 4) == 0));   // KH < KW
  STATICNN_CHECK((check_conv_rect<11, 15, 5, 9, 2, 1, 1, 4, 3, 0, 3, G>(83, 0, 6, -128, 40, -128) == 0));
  STATICNN_CHECK((check_conv_rect<9, 11, 2, 5, 1, 2, 0, 0, 1, 2, 7, D>(84, 2, 7, -128, 127, 127) == 0));
  STATICNN_CHECK((check_conv_rect<15, 7, 11, 2, 1, 1, 2, 0, 1, 1, 4, G>(85, 0, 8, -60, 90, 3) == 0));  // 11 x 2
  STATICNN_CHECK((check_conv_rect<12, 13, 4, 4, 2, 1, 1, 2, 0, 1, 9, D>(86, 0, 5, -128, 127, -1) == 0));  // S != SW
  STATICNN_CHECK((check_conv_rect<10, 18, 6, 6, 1, 1, 2, 3, 3, 2, 3, G>(87, 3, 7, -128, 127, 7) == 0));  // pads only
  STATICNN_CHECK((check_conv_rect<49, 10, 10, 4, 2, 2, 4, 1, 5, 1, 13, G>(88, 0, 25, -128, 127, -128) == 0));  // DS-CNN's
  STATICNN_CHECK((check_conv_rect<49, 10, 10, 4, 2, 2, 4, 1, 5, 1, 32, D>(89, 11, 3, -20, 127, 5) == 0));
  STATICNN_CHECK((check_conv_rect<9, 21, 3, 8, 2, 2, 0, 0, 0, 0, 2, G>(90, 0, 4, -128, 127, 0) == 0));  // unpadded
  // The shapes that run transposed with scratch (all their output rows), and ones that do not.
  static_assert(!kernels::target::arm_dsp ||
                (kernels::conv2d_s8_rows_padded_scratch<1, 49, 10, 10, 2, 13, 4, 4, 2, 1, 5, 1> > 0 &&
                 kernels::conv2d_s8_rows_padded_scratch<1, 15, 7, 11, 1, 4, 2, 2, 1, 0, 1, 1> > 0 &&
                 kernels::conv2d_s8_rows_padded_scratch<1, 8, 17, 3, 1, 6, 0, 6, 2, 2, 1, 1> == 0));
  STATICNN_CHECK((check_conv_rect<21, 6, 9, 3, 1, 2, 3, 1, 4, 0, 5, G>(91, 0, 20, -128, 127, 2) == 0));  // 9 x 3, SW 2
}

// kernels/arm/conv2d_s8_pointwise_dsp.hpp (K = 1, stride 1, C >= 2) against the portable kernel, bit
// for bit, as int8_conv_rows_any_shape: C from 2 to 120 (whole channel quads, a last pair of 1, 2 or
// 3 channels (C % 4), odd pair counts), output channel counts 3, 5, 12 and others, pixel counts
// (rows x W) not a multiple of its 4-pixel blocks or spanning several passes of its im2col, rows
// from the first and to the last, the inputs doubled (4 blocks a pass < G) or the weights, both rescale
// forms and clamps.
STATICNN_TEST(int8_conv_pointwise_any_shape) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP pointwise conv kernel on this target");
  static_assert(kernels::conv2d_s8_runs_pointwise_dsp<16, 4, 4, 1, 1> == (kernels::target::arm_dsp && !kernels::target::arm_mve));
  static_assert(kernels::conv2d_s8_runs_pointwise_dsp<8, 4, 4, 1, 1> == (kernels::target::arm_dsp && !kernels::target::arm_mve));
  static_assert(kernels::conv2d_s8_runs_pointwise_dsp<2, 4, 4, 1, 1> == (kernels::target::arm_dsp && !kernels::target::arm_mve));
  static_assert(!kernels::conv2d_s8_runs_pointwise_dsp<1, 4, 4, 1, 1> &&  // the few-taps kernel's
                !kernels::conv2d_s8_runs_pointwise_dsp<16, 4, 4, 1, 2> && !kernels::conv2d_s8_runs_pointwise_dsp<16, 4, 4, 3, 1>);
  constexpr bool G = true, D = false, Few = false, Pw = true;  // General rescales among the channels, or all Doubled
  STATICNN_CHECK((check_conv_rows<8, 5, 7, 1, 1, 3, G, Few, 0, false, false, Pw>(60, 0, 5) == 0));
  STATICNN_CHECK((check_conv_rows<10, 12, 23, 1, 1, 7, D, Few, 0, false, false, Pw>(61, 1, 10, -9, 127) == 0));
  STATICNN_CHECK((check_conv_rows<6 + 8, 4, 9, 1, 1, 5, G, Few, 0, false, false, Pw>(62, 1, 3, -20, 20) == 0));
  STATICNN_CHECK((check_conv_rows<15, 3, 11, 1, 1, 12, D, Few, 0, false, false, Pw>(63, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<9, 5, 5, 1, 1, 6, G, Few, 0, false, false, Pw>(64, 2, 3) == 0));
  STATICNN_CHECK((check_conv_rows<11, 6, 7, 1, 1, 13, D, Few, 0, false, false, Pw>(65, 0, 6, -128, 0) == 0));
  STATICNN_CHECK((check_conv_rows<24, 3, 13, 1, 1, 5, G, Few, 0, false, false, Pw>(66, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<33, 4, 9, 1, 1, 11, D, Few, 0, false, false, Pw>(67, 1, 3, -3, 127) == 0));
  STATICNN_CHECK((check_conv_rows<67, 3, 7, 1, 1, 5, G, Few, 0, false, false, Pw>(68, 0, 3) == 0));
  STATICNN_CHECK((check_conv_rows<120, 5, 9, 1, 1, 3, D, Few, 0, false, false, Pw>(69, 1, 4, -60, 50) == 0));  // passes of 2 blocks
  STATICNN_CHECK((check_conv_rows<16, 4, 16, 1, 1, 32, D, Few, 0, false, false, Pw>(70, 0, 2, -7, 127) == 0));
  STATICNN_CHECK((check_conv_rows<32, 5, 3, 1, 1, 19, G, Few, 0, false, false, Pw>(71, 0, 5) == 0));
  STATICNN_CHECK((check_conv_rows<64, 3, 7, 1, 1, 19, G, Few, 0, false, false, Pw>(72, 0, 3, -9, 127) == 0));  // inputs doubled
  // a ReLU's clamp as quantize() sets it (zero point -128: no sign correction, the whole int8
  // range), and a ReLU6's (no sign correction, hi < 127)
  STATICNN_CHECK((check_conv_rows<8, 3, 13, 1, 1, 6, G, Few, 0, false, false, Pw>(73, 0, 3, -128, 127, 0, -128) == 0));
  STATICNN_CHECK((check_conv_rows<13, 4, 7, 1, 1, 9, D, Few, 0, false, false, Pw>(74, 1, 3, -128, 60, 0, -128) == 0));
  STATICNN_CHECK((check_conv_rows<20, 3, 9, 1, 1, 5, D, Few, 0, false, false, Pw>(75, 0, 3, -128, 127, 0, -128) == 0));
  // 2 to 7 input channels (one to four pairs, a pair's partner missing for odd C), odd pixel counts
  // (a last partial block), 1 to 33 output channels
  STATICNN_CHECK((check_conv_rows<2, 5, 7, 1, 1, 3, G, Few, 0, false, false, Pw>(76, 0, 5) == 0));
  STATICNN_CHECK((check_conv_rows<2, 1, 1, 1, 1, 1, D, Few, 0, false, false, Pw>(77, 0, 1, -128, 127, 0, -128) == 0));
  STATICNN_CHECK((check_conv_rows<3, 9, 7, 1, 1, 17, G, Few, 0, false, false, Pw>(78, 1, 8, -9, 127) == 0));
  STATICNN_CHECK((check_conv_rows<3, 32, 32, 1, 1, 4, D, Few, 0, false, false, Pw>(79, 3, 20, -128, 127, 0, -128) == 0));  // passes
  STATICNN_CHECK((check_conv_rows<4, 3, 5, 1, 1, 33, G, Few, 0, false, false, Pw>(80, 0, 3, -20, 20) == 0));
  STATICNN_CHECK((check_conv_rows<5, 1, 67, 1, 1, 7, G, Few, 0, false, false, Pw>(81, 0, 1, -128, 60, 0, -128) == 0));
  STATICNN_CHECK((check_conv_rows<6, 4, 9, 1, 1, 2, D, Few, 0, false, false, Pw>(82, 1, 3, -128, 0, 0, 17) == 0));
  STATICNN_CHECK((check_conv_rows<7, 7, 3, 1, 1, 10, G, Few, 0, false, false, Pw>(83, 0, 7, -3, 100, 0, 40) == 0));
  STATICNN_CHECK((check_conv_rows<7, 5, 13, 1, 1, 1, D, Few, 0, false, false, Pw>(84, 2, 3) == 0));
  STATICNN_CHECK((check_conv_rows<5, 2, 11, 1, 1, 9, D, Few, 0, false, false, Pw>(85, 0, 2, 5, 5, 0, 5) == 0));  // one value
  STATICNN_CHECK((check_conv_rows<17, 3, 11, 1, 1, 31, G, Few, 0, false, false, Pw>(86, 0, 3, -128, 127, 0, 127) == 0));
  // general rescales among the channels over 3 passes of the im2col (500 pixels, 168 a pass)
  STATICNN_CHECK((check_conv_rows<5, 30, 20, 1, 1, 9, G, Few, 0, false, false, Pw>(87, 2, 25, -7, 90) == 0));
}

namespace {
// The pointwise kernel's halves rescale (conv_pointwise::halves_input_scale: every channel's right
// shift e in [1, 15], their range at most 8 wide, |bias| + sum_max < 2^(14+e)) against the portable
// kernel, bit for bit: shifts drawn in [e_lo, e_hi], the bias in [-bias_bound, bias_bound] (at the
// bound: some layers fall back to the other forms, which must agree too). Returns the wrong outputs;
// halves: whether the kernel took the form (checked by the caller, so each check knows its path).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G>
std::size_t check_pointwise_halves(std::uint32_t seed, std::size_t oy0, std::size_t rows, std::int32_t act_min,
                                   std::int32_t act_max, std::int32_t zero_point, std::int32_t e_lo, std::int32_t e_hi,
                                   std::int32_t bias_bound, bool& halves) {
  if constexpr (!kernels::target::arm_dsp || kernels::target::arm_mve) {
    halves = true;
    return 0;
  } else {
    static std::array<std::int8_t, C * H * W> x{};
    static std::array<std::int8_t, G * C> w{};
    static std::array<std::int32_t, G> bias{}, mult{};
    static std::array<std::int8_t, G> shift{};
    random_conv_operands(seed, x, w, bias, mult, shift);
    std::uint32_t r = seed * 7u + 3u;
    auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
    for (std::size_t o = 0; o < G; ++o) {
      shift[o] = static_cast<std::int8_t>(-(e_lo + next() % (e_hi - e_lo + 1)));
      bias[o] = next() % (2 * bias_bound + 1) - bias_bound;
      if (o % 5 == 1) w[o * C] = -127, w[o * C + C - 1] = 127;  // the weights' extremes
    }
    for (std::size_t i = 0; i < C; ++i) x[i * H * W] = -128, x[i * H * W + 1] = 127;  // the inputs'
    const kernels::channel_rescale q{bias.data(), mult.data(), shift.data(), zero_point, act_min, act_max};
    const std::int32_t lo = act_min < -128 ? -128 : act_min, hi = act_max > 127 ? 127 : act_max;
    halves = kernels::arm::conv_pointwise::halves_scale<C, G>(q, lo, hi, rows * W) >= 0;
    static std::array<std::int8_t, G * H * W> got{}, want{};
    got.fill(0x5a), want.fill(0x5a);
    kernels::arm::conv2d_s8_pointwise_dsp<C, H, W, G>(x.data(), w.data(), q, got.data(), oy0, rows);
    kernels::conv2d_s8_rows_portable<C, H, W, 1, 1, G>(x.data(), w.data(), q, want.data(), oy0, rows);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < got.size(); ++i) wrong += got[i] != want[i];
    return wrong;
  }
}
}  // namespace

// The halves rescale of the pointwise kernel on shapes it was not tuned for: C from 2 to 20 (odd,
// a last pair of 1-3 channels), output channels 1 to 19, pixel counts not a multiple of 4 (a last
// partial block) or over several passes of the im2col, rows from the middle; ReLU clamps as
// quantize() sets them (zero point -128: no min with the width), ReLU6-like (hi < 127), lo above
// the zero point, one value; shifts of both input scales at their ends (1, 9, 15), biases at the
// bound.
STATICNN_TEST(int8_conv_pointwise_halves) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP pointwise kernel on this target");
  bool h = false;
  // ReLU clamps (lo >= zero point: no sign term), the whole range (zero point -128) or not
  STATICNN_CHECK((check_pointwise_halves<8, 16, 16, 16>(1, 0, 16, -128, 127, -128, 8, 9, 10000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<16, 8, 8, 32>(2, 0, 8, -128, -30, -128, 9, 10, 10000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<2, 5, 7, 3>(3, 0, 5, -7, 100, -7, 1, 9, 500, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<3, 9, 7, 17>(4, 1, 8, 4, 60, -3, 9, 15, 100000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<5, 2, 11, 9>(5, 0, 2, 5, 5, 5, 3, 7, 3000, h) == 0 && h));  // one value
  STATICNN_CHECK((check_pointwise_halves<7, 7, 3, 10>(6, 2, 5, 0, 127, -20, 9, 9, 20000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<9, 5, 5, 6>(7, 1, 3, -128, 127, -128, 12, 15, 1 << 20, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<11, 6, 7, 13>(8, 0, 6, 10, 90, 10, 4, 9, 60000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<13, 4, 7, 1>(9, 0, 4, -128, 0, -128, 9, 13, 7000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<15, 3, 11, 12>(10, 0, 3, -50, 127, -50, 5, 8, 40000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<17, 3, 11, 19>(11, 0, 3, 127, 127, 127, 10, 14, 9000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<20, 3, 9, 5>(12, 0, 3, -128, 60, -128, 6, 8, 1000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<4, 30, 20, 7>(13, 2, 25, -128, 127, -128, 5, 9, 20000, h) == 0 && h));  // passes
  STATICNN_CHECK((check_pointwise_halves<2, 4, 9, 2>(14, 1, 3, -1, 2, -1, 1, 1, 3, h) == 0 && h));  // e = 1
  STATICNN_CHECK((check_pointwise_halves<19, 1, 67, 4>(15, 0, 1, -100, 27, -100, 15, 15, 1 << 28, h) == 0 && h));
  // shifts both sides of 9 (inputs times 2^s, 1 <= s <= 7, at run time)
  STATICNN_CHECK((check_pointwise_halves<8, 4, 9, 6>(16, 0, 4, -128, 127, -128, 8, 10, 10000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<16, 5, 7, 11>(20, 1, 4, -128, 127, -128, 7, 10, 100000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<6, 3, 13, 9>(21, 0, 3, -3, 80, -3, 5, 13, 3000, h) == 0 && h));
  STATICNN_CHECK((check_pointwise_halves<14, 2, 9, 3>(22, 0, 2, 20, 127, 20, 7, 15, 2000, h) == 0 && h));
  // Not taken (then the other forms): a shift range 9 wide, a bias past the bound, e = 16, a clamp
  // below the zero point (the sign term), the whole range and not, zero points of both signs.
  STATICNN_CHECK((check_pointwise_halves<12, 4, 9, 6>(18, 0, 4, -128, 127, -5, 9, 12, 10000, h) == 0 && !h));
  STATICNN_CHECK((check_pointwise_halves<8, 16, 16, 16>(23, 0, 16, -128, 127, 7, 8, 9, 10000, h) == 0 && !h));
  STATICNN_CHECK((check_pointwise_halves<3, 7, 5, 5>(25, 1, 5, -100, 90, 30, 2, 9, 9000, h) == 0 && !h));
  STATICNN_CHECK((check_pointwise_halves<2, 4, 9, 40>(29, 0, 4, -128, 127, -128, 4, 13, 1000, h) == 0 && !h));
  STATICNN_CHECK((check_pointwise_halves<8, 4, 9, 6>(17, 0, 4, -128, 127, -128, 5, 5, 1 << 22, h) == 0 && !h));
  STATICNN_CHECK((check_pointwise_halves<12, 4, 9, 6>(19, 0, 4, -128, 127, -128, 16, 16, 10000, h) == 0 && !h));
  // ... and where it does not pay: 12 pixels (3 blocks) of 40 channels
  STATICNN_CHECK((check_pointwise_halves<40, 3, 4, 9>(30, 0, 3, -128, 127, -128, 9, 12, 10000, h) == 0 && !h));
}

namespace {
// A pointwise layer's constants for check_pointwise_known (a compile-time constant, as a constant
// network's layer): weights in [-127, 127] (channel 1's first and last at the extremes), biases in
// [-bias_bound, bias_bound], right shifts e in [e_lo, e_hi], multipliers in [2^30, 2^31) but
// channel `general`'s (G: none) 2^29, which takes no doubled form (the general path).
template <std::size_t C, std::size_t G>
struct const_pointwise {
  std::array<std::int8_t, G * C> w{};
  std::array<std::int32_t, G> bias{}, mult{};
  std::array<std::int8_t, G> shift{};
  std::int32_t zero_point = 0, act_min = -128, act_max = 127;
  constexpr kernels::channel_rescale rescale() const {
    return {bias.data(), mult.data(), shift.data(), zero_point, act_min, act_max};
  }
};
template <std::size_t C, std::size_t G>
constexpr const_pointwise<C, G> make_const_pointwise(std::uint32_t seed, std::int32_t act_min, std::int32_t act_max,
                                                     std::int32_t zero_point, std::int32_t e_lo, std::int32_t e_hi,
                                                     std::int32_t bias_bound, std::size_t general) {
  const_pointwise<C, G> l{};
  std::uint32_t r = seed * 2654435761u + 1u;
  auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
  for (auto& v : l.w) v = static_cast<std::int8_t>(next() % 255 - 127);
  for (std::size_t o = 0; o < G; ++o) {
    l.bias[o] = next() % (2 * bias_bound + 1) - bias_bound;
    l.mult[o] = o == general ? (1 << 29) : (1 << 30) + next() % (1 << 30);
    l.shift[o] = static_cast<std::int8_t>(-(e_lo + next() % (e_hi - e_lo + 1)));
  }
  if constexpr (G > 1) l.w[C] = -127, l.w[2 * C - 1] = 127;
  l.zero_point = zero_point, l.act_min = act_min, l.act_max = act_max;
  return l;
}
constexpr kernels::arm::conv_pointwise::known unframed_of(kernels::arm::conv_pointwise::known k) {
  k.framed = false;
  return k;
}
// The pointwise kernel told a constant layer's facts (conv_pointwise::known_of for the whole map,
// as qconv2d_layer::forward_constant tells it) against the portable kernel, bit for bit, on rows
// [oy0, oy0 + rows) (any rows: the facts hold for them). Returns the wrong outputs; scale and
// doubled: the facts (so each check knows its path: the halves rescale's input scale, or -1).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t G, const auto& L>
std::size_t check_pointwise_known(std::uint32_t seed, std::size_t oy0, std::size_t rows, int& scale, bool& doubled) {
  if constexpr (!kernels::target::arm_dsp || kernels::target::arm_mve) {
    scale = -2, doubled = false;
    return 0;
  } else {
    constexpr auto known = kernels::arm::conv_pointwise::known_of<C, G>(L.rescale(), H * W);
    scale = known.scale, doubled = known.doubled;
    static std::array<std::int8_t, C * H * W> x{};
    std::uint32_t r = seed;
    for (auto& v : x) v = static_cast<std::int8_t>(((r = r * 1664525u + 1013904223u) >> 24) - 128);
    for (std::size_t i = 0; i < C; ++i) x[i * H * W + oy0 * W] = -128, x[i * H * W + oy0 * W + 1] = 127;
    static std::array<std::int8_t, G * H * W> got{}, want{};
    want.fill(0x5a);
    kernels::conv2d_s8_rows_portable<C, H, W, 1, 1, G>(x.data(), L.w.data(), L.rescale(), want.data(), oy0, rows);
    std::size_t wrong = 0;
    // framed (the halves frames from flash, as a small layer's forward_constant passes them) and not
    static constexpr auto frames = kernels::arm::conv_pointwise::halves_frames<C, G>(L.w.data(), L.rescale(), known.scale);
    static_assert(known.scale < 0 || known.framed, "check_pointwise_known: a small layer in the halves form is framed");
    constexpr auto unframed = unframed_of(known);
    got.fill(0x5a);
    kernels::arm::conv2d_s8_pointwise_dsp<C, H, W, G, known>(x.data(), L.w.data(), L.rescale(), got.data(), oy0, rows,
                                                             frames.data());
    for (std::size_t i = 0; i < got.size(); ++i) wrong += got[i] != want[i];
    got.fill(0x5a);
    kernels::arm::conv2d_s8_pointwise_dsp<C, H, W, G, unframed>(x.data(), L.w.data(), L.rescale(), got.data(), oy0, rows);
    for (std::size_t i = 0; i < got.size(); ++i) wrong += got[i] != want[i];
    return wrong;
  }
}
// Layers not tuned for: odd C and G, partial blocks, several passes; each halves input scale
// (8, 0, 1 to 7) with a clamp of the whole [0, 255] or narrower; the other forms (a clamp below
// the zero point: the sign term; the whole int8 range; a ReLU above a positive zero point) with
// every channel doubled or one general channel.
constexpr auto pk_s8 = make_const_pointwise<7, 11>(1, -128, 127, -128, 7, 9, 20000, 11);       // s = 8
constexpr auto pk_s0 = make_const_pointwise<13, 5>(2, -128, 40, -128, 9, 14, 9000, 5);         // s = 0, a min
constexpr auto pk_s3 = make_const_pointwise<9, 17>(3, -128, 127, -128, 6, 12, 3000, 17);       // s = 3
constexpr auto pk_s6 = make_const_pointwise<3, 6>(4, 10, 90, 10, 5, 9, 400, 6);                // s = 4..8
constexpr auto pk_s1 = make_const_pointwise<24, 9>(5, -100, 27, -100, 5, 11, 100000, 9);     // s in [1, 7]
constexpr auto pk_s5 = make_const_pointwise<2, 3>(6, -1, 2, -1, 3, 11, 20, 3);                 // C = 2
constexpr auto pk_sign = make_const_pointwise<11, 7>(7, -128, 127, 5, 6, 12, 50000, 7);        // sign term, whole
constexpr auto pk_sign_gen = make_const_pointwise<5, 9>(8, -100, 90, 30, 6, 12, 50000, 4);     // sign term, general
constexpr auto pk_relu_gen = make_const_pointwise<6, 13>(9, 3, 127, 3, 6, 16, 60000, 12);      // ReLU, one general
constexpr auto pk_wide = [] {  // shifts 10 apart: no input scale serves them all
  auto l = make_const_pointwise<12, 6>(10, -128, 127, -128, 5, 15, 10000, 6);
  l.shift[1] = -5, l.shift[4] = -15;
  return l;
}();
}  // namespace

// The pointwise kernel of a constant layer (qconv2d_layer::forward_constant: the kernel compiles
// only the path and forms its facts choose) on layers it was not tuned for.
STATICNN_TEST(int8_conv_pointwise_known) {
  if (!kernels::target::arm_dsp || kernels::target::arm_mve)
    STATICNN_SKIP("no Armv7E-M DSP pointwise kernel on this target");
  int s = 0;
  bool d = false;
  STATICNN_CHECK((check_pointwise_known<7, 9, 7, 11, pk_s8>(1, 0, 9, s, d) == 0 && s == 8 && d));
  STATICNN_CHECK((check_pointwise_known<7, 9, 7, 11, pk_s8>(2, 3, 5, s, d) == 0 && s == 8));  // rows from the middle
  STATICNN_CHECK((check_pointwise_known<13, 5, 9, 5, pk_s0>(3, 0, 5, s, d) == 0 && s == 0 && d));
  STATICNN_CHECK((check_pointwise_known<9, 30, 21, 17, pk_s3>(4, 1, 27, s, d) == 0 && s >= 1 && s <= 7));  // passes
  STATICNN_CHECK((check_pointwise_known<3, 11, 5, 6, pk_s6>(5, 0, 11, s, d) == 0 && s >= 0));
  STATICNN_CHECK((check_pointwise_known<24, 3, 13, 9, pk_s1>(6, 0, 3, s, d) == 0 && s >= 1 && s <= 7));
  STATICNN_CHECK((check_pointwise_known<2, 5, 9, 3, pk_s5>(7, 1, 4, s, d) == 0 && s >= 1 && s <= 7));
  STATICNN_CHECK((check_pointwise_known<11, 6, 7, 7, pk_sign>(8, 0, 6, s, d) == 0 && s == -1 && d));
  STATICNN_CHECK((check_pointwise_known<5, 7, 5, 9, pk_sign_gen>(9, 2, 5, s, d) == 0 && s == -1 && !d));
  STATICNN_CHECK((check_pointwise_known<6, 4, 11, 13, pk_relu_gen>(10, 0, 4, s, d) == 0 && s == -1 && !d));
  STATICNN_CHECK((check_pointwise_known<12, 8, 8, 6, pk_wide>(11, 0, 8, s, d) == 0 && s == -1 && d));
}

// Instructions per MAC of conv2d_s8_rows_dsp on shapes of the usual CNNs (a printed figure, no
// assertion): all channels of a few output rows, every channel's rescale in the doubled form.
namespace {
constexpr std::size_t bench_arena_bytes = 24 * 1024;
alignas(4) std::array<std::int8_t, bench_arena_bytes> bench_arena;
// Few: the few-taps kernel (kernels/arm/conv2d_s8_few_dsp.hpp); Pointwise: the pointwise kernel.
// Three: the one-channel 3x3 kernel (kernels/arm/conv2d_s8_max_pool_dsp.hpp's conv2d_s8_3x3_rows_dsp).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, bool Few = false,
          bool Pointwise = false, bool Three = false>
void bench_conv_rows(const char* what, std::size_t rows) {
  if constexpr (kernels::target::arm_dsp) {
    namespace ic = fw::instruction_counter;
    constexpr std::size_t OW = (W - K) / S + 1;
    // Every benchmark's input, weights and output in one shared buffer (the boards with 128 KiB
    // of RAM hold this image too).
    constexpr std::size_t nx = C * H * W, nw = G * C * K * K, ny = G * OW * ((H - K) / S + 1);
    static_assert(nx + nw + ny <= bench_arena_bytes, "bench_conv_rows: the shape needs a larger bench_arena");
    const std::span<std::int8_t> x(bench_arena.data(), nx), w(bench_arena.data() + nx, nw), y(bench_arena.data() + nx + nw, ny);
    static std::array<std::int32_t, G> bias{}, mult{};
    static std::array<std::int8_t, G> shift{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<std::int8_t>(i * 37);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<std::int8_t>(i * 11 % 255 - 127);
    bias.fill(1000), mult.fill(1 << 30), shift.fill(-9);
    const kernels::channel_rescale q{bias.data(), mult.data(), shift.data(), -3, -3, 127};
    ic::start();
    if constexpr (Three)
      kernels::arm::conv2d_s8_3x3_rows_dsp<H, W, S, G>(x.data(), w.data(), q, y.data(), 0, rows);
    else if constexpr (Few)
      kernels::arm::conv2d_s8_few_dsp<C, H, W, K, S, G>(x.data(), w.data(), q, y.data(), 0, rows);
    else if constexpr (Pointwise)
      kernels::arm::conv2d_s8_pointwise_dsp<C, H, W, G>(x.data(), w.data(), q, y.data(), 0, rows);
    else
      kernels::arm::conv2d_s8_rows_dsp<C, H, W, K, S, G>(x.data(), w.data(), q, y.data(), 0, rows);
    const std::uint64_t n = ic::stop();
    const std::uint64_t macs = std::uint64_t{G} * rows * OW * C * K * K;
    fw::console::print("conv_rows ", what, ": ", n, " instructions, ", macs, " MACs, ",
                       fw::console::fixed{static_cast<double>(n) / static_cast<double>(macs), 3},
                       " per MAC\n");
  }
}
}  // namespace

STATICNN_TEST(int8_conv_rows_instructions_per_mac) {
  if (!kernels::target::arm_dsp)
    STATICNN_SKIP("no Armv7E-M DSP instructions: no DSP conv rows kernel on this target");
  bench_conv_rows<1, 30, 30, 3, 1, 16>("C=1 K=3 30x30 -> 16, 28 rows", 28);
  bench_conv_rows<16, 16, 16, 3, 1, 32>("C=16 K=3 16x16 -> 32, 14 rows", 14);
  bench_conv_rows<3, 34, 34, 3, 1, 16>("C=3 K=3 34x34 -> 16, 32 rows", 32);
  bench_conv_rows<16, 14, 14, 1, 1, 32>("C=16 K=1 14x14 -> 32, 14 rows", 14);
  bench_conv_rows<8, 21, 21, 7, 2, 16>("C=8 K=7 S=2 21x21 -> 16, 8 rows", 8);
  // As a padded conv -> 2x2 pool stage calls it: the 4 padded input rows of one pooled row.
  bench_conv_rows<1, 4, 30, 3, 1, 16>("C=1 K=3 4x30 -> 16, 2 rows (one pooled row)", 2);
  bench_conv_rows<16, 4, 16, 3, 1, 32>("C=16 K=3 4x16 -> 32, 2 rows (one pooled row)", 2);
  // The few-taps kernel on the same first-layer shapes.
  bench_conv_rows<1, 30, 30, 3, 1, 16, true>("few: C=1 K=3 30x30 -> 16, 28 rows", 28);
  if constexpr (!kernels::target::arm_mve) {  // the one-channel 3x3 kernel, as the layers call it
    constexpr bool few = false, pw = false, three = true;
    bench_conv_rows<1, 30, 30, 3, 1, 16, few, pw, three>("3x3: C=1 K=3 30x30 -> 16, 28 rows", 28);
    bench_conv_rows<1, 3, 30, 3, 1, 8, few, pw, three>("3x3: C=1 K=3 3x30 -> 8, 1 row (a padded row)", 1);
    bench_conv_rows<1, 5, 30, 3, 1, 16, few, pw, three>("3x3: C=1 K=3 5x30 -> 16, 3 rows (a 3x3 pool's)", 3);
    bench_conv_rows<1, 30, 30, 3, 2, 24, few, pw, three>("3x3: C=1 K=3 S=2 30x30 -> 24, 14 rows", 14);
  }
  bench_conv_rows<1, 4, 30, 3, 1, 16, true>("few: C=1 K=3 4x30 -> 16, 2 rows (one pooled row)", 2);
  bench_conv_rows<1, 3, 30, 3, 2, 24, true>("few: C=1 K=3 S=2 3x30 -> 24, 1 row", 1);
  // First layers the few-taps kernel does not take, as their stages call the rows kernel.
  bench_conv_rows<3, 4, 34, 3, 1, 16>("C=3 K=3 4x34 -> 16, 2 rows (one pooled row)", 2);
  bench_conv_rows<1, 6, 28, 5, 1, 10>("C=1 K=5 6x28 -> 10, 2 rows (one pooled row)", 2);
  bench_conv_rows<1, 9, 34, 7, 2, 12>("C=1 K=7 S=2 9x34 -> 12, 2 rows (one pooled row)", 2);
  // 1x1 convs, the rows of one pooled row, by the kernels that take them.
  constexpr bool few = true, pw = true;
  bench_conv_rows<3, 2, 32, 1, 1, 16, few>("few: C=3 K=1 2x32 -> 16", 2);
  bench_conv_rows<3, 2, 32, 1, 1, 16, false, pw>("pointwise: C=3 K=1 2x32 -> 16", 2);
  bench_conv_rows<3, 8, 32, 1, 1, 16, false, pw>("pointwise: C=3 K=1 8x32 -> 16", 8);
  bench_conv_rows<12, 8, 16, 1, 1, 10, false, pw>("pointwise: C=12 K=1 8x16 -> 10", 8);
  bench_conv_rows<8, 2, 32, 1, 1, 32, few>("few: C=8 K=1 2x32 -> 32", 2);
  bench_conv_rows<8, 2, 32, 1, 1, 32, false, pw>("pointwise: C=8 K=1 2x32 -> 32", 2);
  bench_conv_rows<8, 16, 16, 1, 1, 16, false, pw>("pointwise: C=8 K=1 16x16 -> 16 (a separable block's)", 16);
  bench_conv_rows<16, 8, 8, 1, 1, 32, false, pw>("pointwise: C=16 K=1 8x8 -> 32 (a separable block's)", 8);
  bench_conv_rows<8, 2, 32, 1, 1, 32>("rows: C=8 K=1 2x32 -> 32", 2);
  bench_conv_rows<16, 2, 16, 1, 1, 32, false, pw>("pointwise: C=16 K=1 2x16 -> 32", 2);
  bench_conv_rows<16, 2, 16, 1, 1, 32>("rows: C=16 K=1 2x16 -> 32", 2);
  bench_conv_rows<32, 2, 16, 1, 1, 16, false, pw>("pointwise: C=32 K=1 2x16 -> 16", 2);
  bench_conv_rows<32, 2, 16, 1, 1, 16>("rows: C=32 K=1 2x16 -> 16", 2);
  bench_conv_rows<64, 2, 8, 1, 1, 64, false, pw>("pointwise: C=64 K=1 2x8 -> 64", 2);
  bench_conv_rows<64, 2, 8, 1, 1, 64>("rows: C=64 K=1 2x8 -> 64", 2);
}

// The int8 dense kernel of DSP targets (kernels/arm/dense_s8_dsp.hpp through kernels::dense_s8)
// against the portable loop (dense_s8_portable), bit for bit, on shapes it was not tuned for:
// rows of any length (M % 4 != 0: unaligned rows; M % 8 == 4: a head of 4 inputs; M > 1020: row
// pointers between rows; M > 2016: rows one at a time), N % 4 rows left over, layers below
// dot4_groups_min_macs (one row at a time), random weights and inputs, rescales in the doubled
// form (AllDoubled) and in general forms (left shifts, small multipliers, shifts beyond -22), the
// whole-range clamp, ReLU's (act_min = zero point) and a narrow one, each without and with a table.
namespace {
constexpr std::size_t dense_max_m = 1568, dense_max_n = 64;
constexpr std::array<std::size_t, 11> dense_ms{1, 2, 3, 5, 7, 12, 13, 84, 341, 1000, 1568};
constexpr std::array<std::size_t, 6> dense_ns{1, 3, 4, 5, 10, 64};
// Rows of M % 4 = 1, 2, 3 inputs (the row-pair layout's tails of each length, rows pointers not
// word aligned), flatten sizes of odd maps among them.
constexpr std::array<std::size_t, 9> dense_tail_ms{5, 49, 50, 51, 97, 250, 350, 490, 1021};
constexpr std::array<std::size_t, 5> dense_tail_ns{1, 3, 8, 10, 33};

constexpr std::uint32_t lcg(std::uint32_t& r) { return (r = r * 1664525u + 1013904223u) >> 8; }
// Weights in [-127, 127] as quantize writes them, in flash (a RAM copy would not fit every board).
constexpr auto make_dense_weights() {
  std::array<std::int8_t, dense_max_m * dense_max_n> w{};
  std::uint32_t r = 2026;
  for (auto& v : w) v = static_cast<std::int8_t>(static_cast<std::int32_t>(lcg(r) % 255) - 127);
  return w;
}
alignas(4) constexpr auto dense_weights = make_dense_weights();

constexpr std::size_t dense_max_outputs = 120;  // of the shapes measured
struct dense_case_data {
  std::array<std::int8_t, dense_max_m + 1> x;  // the input starts at x[1]: not word-aligned
  std::array<std::int32_t, dense_max_outputs> bias, multiplier;
  std::array<std::int8_t, dense_max_outputs> shift;
  std::array<std::int8_t, 256> table;
  std::array<std::int8_t, dense_max_outputs + 1> y_fast, y_portable;  // y[N]: a guard the kernels must not write
};
dense_case_data dense_data;
// The weights in dense_s8_pack's layout and a scratch for the widened input, for the shapes it
// packs (instantiated where some shape packs: DSP targets without MVE).
template <std::size_t Bytes>
alignas(4) std::array<std::int8_t, Bytes> dense_packed_weights;
template <std::size_t Bytes>
std::array<std::int8_t, Bytes> dense_packed_scratch;
constexpr std::size_t dense_longest_m = 2024;  // of the shapes checked
std::size_t dense_packed_shapes = 0;  // shapes the packed layout was checked on
std::size_t dense_inside = 0;  // outputs strictly inside their clamp: the comparisons are not all saturated

// The number of outputs (over forms, clamps and tables) where the DSP kernel differs from the
// portable loop or writes past y[N - 1]; 1000 when the doubled data is not all doubled.
template <std::size_t M, std::size_t N>
std::size_t dense_mismatches(std::uint32_t seed) {
  static_assert(M * N <= dense_weights.size() && N <= dense_max_outputs && M <= dense_longest_m);
  static_assert(kernels::arm::dot4_groups_s8_supported<2016> && !kernels::arm::dot4_groups_s8_supported<2024>);
  dense_case_data& d = dense_data;
  std::uint32_t r = seed;
  for (auto& v : d.x) v = static_cast<std::int8_t>(static_cast<std::int32_t>(lcg(r) & 0xff) - 128);
  for (auto& v : d.table) v = static_cast<std::int8_t>(static_cast<std::int32_t>(lcg(r) & 0xff) - 128);
  const std::int8_t* x = d.x.data() + 1;
  // Shifts that put typical sums (~ sqrt(M) * 9,000) near the int8 range.
  const std::int32_t base_shift = -7 - static_cast<std::int32_t>(std::bit_width(M)) / 2;
  std::size_t wrong = 0;
  for (const bool doubled : {true, false}) {
    const std::int32_t zero_point = static_cast<std::int32_t>(lcg(r) % 41) - 20;
    for (std::size_t o = 0; o < N; ++o) {
      d.bias[o] = static_cast<std::int32_t>(lcg(r) % 40001) - 20000;
      d.multiplier[o] = (1 << 30) + static_cast<std::int32_t>(lcg(r) % (1 << 24)) * 64;
      d.shift[o] = static_cast<std::int8_t>(base_shift - static_cast<std::int32_t>(o % 3));
      if (!doubled && o % 4 == 1) d.multiplier[o] = 3 << 25, d.shift[o] = 0;     // multiplier below 2^30
      if (!doubled && o % 4 == 2) d.multiplier[o] = 1 << 22, d.shift[o] = 1;     // a left shift
      if (!doubled && o % 4 == 3) d.shift[o] = -23, d.bias[o] = (1 << 30) + 7;  // beyond the short form
    }
    for (std::size_t o = 0; doubled && o < N; ++o)
      if (!kernels::doubled_rescale_applies(d.bias[o], d.multiplier[o], d.shift[o], zero_point, M * 127 * 128))
        return 1000;
    const std::array<std::array<std::int32_t, 2>, 3> clamps{{{-128, 127}, {zero_point, 127}, {-50, 60}}};
    for (const auto& [lo, hi] : clamps)
      for (const std::int8_t* table : std::array<const std::int8_t*, 2>{nullptr, d.table.data() + 128}) {
        const kernels::channel_rescale rescale{d.bias.data(), d.multiplier.data(), d.shift.data(), zero_point, lo, hi};
        d.y_fast.fill(77), d.y_portable.fill(77);
        if (doubled)
          kernels::dense_s8<M, N, true>(dense_weights.data(), rescale, x, d.y_fast.data(), table);
        else
          kernels::dense_s8<M, N, false>(dense_weights.data(), rescale, x, d.y_fast.data(), table);
        kernels::dense_s8_portable<M, N>(dense_weights.data(), rescale, x, d.y_portable.data(), table);
        for (std::size_t o = 0; o <= N; ++o) wrong += d.y_fast[o] != d.y_portable[o];
        if constexpr (kernels::dense_s8_packs<M, N>) {  // the row-pair layout, on the stack and in a scratch at offset 1
          auto& packed = dense_packed_weights<dense_max_m * dense_max_n>;
          auto& scratch = dense_packed_scratch<kernels::dense_s8_scratch_bytes<dense_longest_m> + 1>;
          kernels::arm::dense_s8_pack_pairs<M, N>(dense_weights.data(), packed.data());
          d.y_fast.fill(77);
          if (doubled)
            kernels::dense_s8_packed<M, N, true>(packed.data(), rescale, x, d.y_fast.data(), table);
          else
            kernels::dense_s8_packed<M, N, false>(packed.data(), rescale, x, d.y_fast.data(), table, scratch.data() + 1);
          for (std::size_t o = 0; o <= N; ++o) wrong += d.y_fast[o] != d.y_portable[o];
        }
        for (std::size_t o = 0; table == nullptr && o < N; ++o) dense_inside += d.y_portable[o] > lo && d.y_portable[o] < hi;
      }
  }
  dense_packed_shapes += kernels::dense_s8_packs<M, N>;
  if (wrong != 0) fw::console::print("dense ", M, " -> ", N, ": ", wrong, " outputs differ from the portable loop\n");
  return wrong;
}

template <std::size_t M, const auto& Ns, std::size_t... Ni>
std::size_t dense_mismatches_for_ns(std::index_sequence<Ni...>) {
  return (dense_mismatches<M, Ns[Ni]>(static_cast<std::uint32_t>(M * 131 + Ns[Ni])) + ...);
}
template <const auto& Ms, const auto& Ns, std::size_t... Mi>
void check_dense_shapes(std::index_sequence<Mi...>) {
  ((STATICNN_CHECK((dense_mismatches_for_ns<Ms[Mi], Ns>(std::make_index_sequence<Ns.size()>{}) == 0))), ...);
}

// Instructions of one call of the kernel (doubled form, no table, ReLU clamp) and of the portable loop.
template <std::size_t M, std::size_t N>
std::array<std::uint64_t, 2> dense_instructions() {
  static_assert(M * N <= dense_weights.size() && N <= dense_max_outputs);
  dense_case_data& d = dense_data;
  for (std::size_t o = 0; o < N; ++o) d.bias[o] = 1000, d.multiplier[o] = 1 << 30, d.shift[o] = -12;
  const kernels::channel_rescale rescale{d.bias.data(), d.multiplier.data(), d.shift.data(), -3, -3, 127};
  namespace ic = fw::instruction_counter;
  ic::start();
  kernels::dense_s8<M, N, true>(dense_weights.data(), rescale, d.x.data(), d.y_fast.data());
  const std::uint64_t fast = ic::stop();
  ic::start();
  kernels::dense_s8_portable<M, N>(dense_weights.data(), rescale, d.x.data(), d.y_portable.data());
  const std::uint64_t portable = ic::stop();
  fw::console::print("dense ", M, " -> ", N, ": ", fast, " instructions, ", fw::console::fixed{double(fast) / (M * N), 3},
                     " per MAC (portable ", portable, ", ", fw::console::fixed{double(portable) / (M * N), 3}, ")\n");
  return {fast, portable};
}
// The same for the row-pair layout (dense_s8_packed).
template <std::size_t M, std::size_t N>
std::uint64_t dense_packed_instructions() {
  static_assert(M * N <= dense_weights.size() && N <= dense_max_outputs);
  if constexpr (!kernels::dense_s8_packs<M, N>) {
    return 0;  // no buffer on cores without the layout
  } else {
    dense_case_data& d = dense_data;
    auto& packed = dense_packed_weights<dense_max_m * dense_max_n>;
    kernels::arm::dense_s8_pack_pairs<M, N>(dense_weights.data(), packed.data());
    for (std::size_t o = 0; o < N; ++o) d.bias[o] = 1000, d.multiplier[o] = 1 << 30, d.shift[o] = -12;
    const kernels::channel_rescale rescale{d.bias.data(), d.multiplier.data(), d.shift.data(), -3, -3, 127};
    namespace ic = fw::instruction_counter;
    ic::start();
    kernels::dense_s8_packed<M, N, true>(packed.data(), rescale, d.x.data(), d.y_fast.data());
    const std::uint64_t fast = ic::stop();
    fw::console::print("dense ", M, " -> ", N, " (row pairs): ", fast, " instructions, ",
                       fw::console::fixed{double(fast) / (M * N), 3}, " per MAC\n");
    return fast;
  }
}
}  // namespace

STATICNN_TEST(int8_dense_against_portable) {
  if (!kernels::target::arm_dsp) STATICNN_SKIP("no Armv7E-M DSP instructions: dense_s8 is the portable loop here");
  dense_inside = 0;
  check_dense_shapes<dense_ms, dense_ns>(std::make_index_sequence<dense_ms.size()>{});
  check_dense_shapes<dense_tail_ms, dense_tail_ns>(std::make_index_sequence<dense_tail_ms.size()>{});
  // Rows past one pointer's LDRD reach (four steps a round) entered at each slot, with and without
  // a head of 4 inputs, the longest such rows, and longer ones (one at a time).
  STATICNN_CHECK((dense_mismatches<1048, 5>(1) == 0));   // 131 steps: entered at slot 1
  STATICNN_CHECK((dense_mismatches<1044, 6>(2) == 0));   // head, 130 steps: slot 2
  STATICNN_CHECK((dense_mismatches<1036, 10>(3) == 0));  // head, 129 steps: slot 3
  STATICNN_CHECK((dense_mismatches<2016, 6>(4) == 0));
  STATICNN_CHECK((dense_mismatches<2024, 5>(5) == 0));
  STATICNN_CHECK((dense_mismatches<1025, 4>(6) == 0));
  // Post-indexed rows long enough for four steps a round (dot4_unroll4_min_inputs), entered at
  // each slot (1000 -> 5 of dense_ms: slot 3), with and without a head of 4 inputs.
  STATICNN_CHECK((dense_mismatches<1016, 5>(9) == 0));  // 127 steps: slot 1
  STATICNN_CHECK((dense_mismatches<1012, 7>(10) == 0));  // head, 126 steps: slot 2
  STATICNN_CHECK((dense_mismatches<516, 9>(11) == 0));   // head, 64 steps: slot 0
  STATICNN_CHECK((dense_mismatches<4, 5>(7) == 0));  // one word a row: no step of 8
  STATICNN_CHECK((dense_mismatches<8, 3>(8) == 0));
  // The row-pair layout (dense_s8_packed) on the shapes above with N >= 2 and, for M % 4 == 0,
  // dense_pairs_min_macs MACs (every loop entry slot; N % 4 = 2, 3: the block of two rows, N odd:
  // a row-major last row; M % 4 = 1, 2, 3: each tail), and on 63 outputs.
  STATICNN_CHECK((dense_mismatches<84, 63>(12) == 0));
  STATICNN_CHECK((dense_mismatches<20, 63>(13) == 0));
  STATICNN_CHECK(dense_packed_shapes == (kernels::target::arm_mve ? 0u : 80u));
  STATICNN_CHECK(dense_inside > 1000);
}

// The kernel's instructions per MAC, counted with SysTick under -icount: the four-row unit on the
// issue's 1568 -> 64 (row pointers between rows) and on BN-LeNet's 256 -> 120, rows one at a time
// on its 84 -> 10.
STATICNN_TEST(int8_dense_instructions_per_mac) {
  if (!kernels::target::arm_dsp) STATICNN_SKIP("no Armv7E-M DSP instructions: dense_s8 is the portable loop here");
  const auto big = dense_instructions<1568, 64>();
  const auto lenet1 = dense_instructions<256, 120>();
  const auto lenet3 = dense_instructions<84, 10>();
  STATICNN_CHECK(big[0] * 100 < 1568 * 64 * 125);  // below 1.25 per MAC: the four-row unit ran
  STATICNN_CHECK(lenet1[0] * 100 < 256 * 120 * 131);
  STATICNN_CHECK(lenet3[0] * 2 < lenet3[1]);  // one row at a time: a layer too small for the four-row unit
  if (kernels::dense_s8_packs<1568, 64>) {  // the row-pair layout: one SXTB16 and two SMLAD per 4 MACs
    STATICNN_CHECK((dense_packed_instructions<1568, 64>() < 1568 * 64));
    STATICNN_CHECK((dense_packed_instructions<64, 10>() < 64 * 10 * 2));
  }
  // Rows with a tail (M % 4 != 0; row pairs at any size): the layout's word and halfword tails.
  STATICNN_CHECK((dense_packed_instructions<250, 64>() * 100 < 250 * 64 * 110));
  STATICNN_CHECK((dense_packed_instructions<1021, 33>() * 100 < 1021 * 33 * 110));
  STATICNN_CHECK((dense_packed_instructions<51, 10>() * 100 < 51 * 10 * 200));
}

// int8 2x2 max and average pooling of a pooled row four outputs a step (quant::qpool_layer::reduce_row
// through kernels/arm/max_pool_s8_dsp.hpp) against the window-by-window maximum or average, on widths
// with and without a tail (PW % 4), odd widths (the last column unused), rows at every alignment,
// values at both ends of int8 (sums from -512 to 508, every rounding case); the byte after the row
// must stay untouched.
namespace {
template <std::size_t W, class Op = max_pool_op>
std::size_t check_max_pool_row(std::uint32_t seed) {
  using pool = quant::qpool_layer<shape<1, 2, W>, 2, Op>;
  static_assert(pool::has_row_kernel == kernels::target::arm_dsp);
  constexpr std::size_t PW = W / 2;
  std::uint32_t r = seed;
  std::size_t wrong = 0;
  for (std::size_t offset = 0; offset < 4; ++offset) {
    alignas(4) std::array<std::int8_t, 2 * W + 4> rows{};
    std::int8_t* p = rows.data() + offset;
    for (std::size_t i = 0; i < 2 * W; ++i) {
      const std::uint32_t v = (r = r * 1664525u + 1013904223u) >> 24;
      p[i] = static_cast<std::int8_t>(v < 16 ? -128 : v > 240 ? 127 : static_cast<std::int32_t>(v) - 128);
    }
    alignas(4) std::array<std::int8_t, PW + 5> y{};
    y.fill(55);
    pool::reduce_row(p, y.data() + 1);
    for (std::size_t px = 0; px < PW; ++px) wrong += y[1 + px] != pool::reduce(p + 2 * px, W);
    wrong += y[0] != 55 || y[PW + 1] != 55;
  }
  return wrong;
}
// The whole layer (forward, through reduce_row on every pooled row) on C channels of an odd
// height and width: the last row and column unused.
template <std::size_t C, std::size_t H, std::size_t W, class Op = max_pool_op>
std::size_t check_max_pool_layer(std::uint32_t seed) {
  using pool = quant::qpool_layer<shape<C, H, W>, 2, Op>;
  constexpr std::size_t PH = H / 2, PW = W / 2;
  std::array<std::int8_t, C * H * W> x{};
  std::uint32_t r = seed;
  for (auto& v : x) v = static_cast<std::int8_t>((r = r * 1664525u + 1013904223u) >> 24);
  std::array<std::int8_t, C * PH * PW> y{};
  pool{}.forward(x, y);
  std::size_t wrong = 0;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t py = 0; py < PH; ++py)
      for (std::size_t px = 0; px < PW; ++px)
        wrong += y[(c * PH + py) * PW + px] != pool::reduce(x.data() + (c * H + 2 * py) * W + 2 * px, W);
  return wrong;
}
}  // namespace

STATICNN_TEST(int8_max_pool_row) {
  if (!kernels::target::arm_dsp) STATICNN_SKIP("no Armv7E-M DSP instructions on this core");
  STATICNN_CHECK(check_max_pool_row<2>(1) == 0);
  STATICNN_CHECK(check_max_pool_row<7>(2) == 0);
  STATICNN_CHECK(check_max_pool_row<8>(3) == 0);
  STATICNN_CHECK(check_max_pool_row<9>(4) == 0);
  STATICNN_CHECK(check_max_pool_row<14>(5) == 0);
  STATICNN_CHECK(check_max_pool_row<28>(6) == 0);
  STATICNN_CHECK(check_max_pool_row<33>(7) == 0);
  STATICNN_CHECK((check_max_pool_layer<3, 7, 19>(8) == 0));
}

STATICNN_TEST(int8_avg_pool_row) {
  if (!kernels::target::arm_dsp) STATICNN_SKIP("no Armv7E-M DSP instructions on this core");
  STATICNN_CHECK((check_max_pool_row<2, avg_pool_op>(11) == 0));
  STATICNN_CHECK((check_max_pool_row<9, avg_pool_op>(12) == 0));
  STATICNN_CHECK((check_max_pool_row<14, avg_pool_op>(13) == 0));
  STATICNN_CHECK((check_max_pool_row<33, avg_pool_op>(14) == 0));
  STATICNN_CHECK((check_max_pool_row<64, avg_pool_op>(15) == 0));
  STATICNN_CHECK((check_max_pool_layer<5, 9, 23, avg_pool_op>(16) == 0));
}

int main() { return staticnn::fw_test::run_all("kernels_dsp"); }
