// The int8 kernels that exist only on targets with the Armv7E-M DSP instructions (SMLAD, SSAT),
// against integer sums and TFLite's arithmetic written out in tflite_reference.hpp. Elsewhere
// every test skips, the image exits with skip_exit and CTest reports it as skipped.
#include <array>
#include <cstdint>

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
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G,
          bool General = true>
std::size_t check_conv_rows(std::uint32_t seed, std::size_t oy0, std::size_t rows,
                            std::int32_t act_min = -128, std::int32_t act_max = 127) {
  if constexpr (!kernels::target::arm_dsp) {
    return 1000;  // the test skips: no DSP kernel on this target
  } else {
    static_assert(kernels::arm::conv2d_s8_rows_dsp_fits<C, H, W, K, S>,
                  "a shape the DSP kernel takes");
    constexpr std::size_t OW = (W - K) / S + 1, OH = (H - K) / S + 1, F = C * K * K;
    if (oy0 + rows > OH) return 1000;
    std::uint32_t r = seed;
    auto next = [&] { return static_cast<std::int32_t>((r = r * 1664525u + 1013904223u) >> 8); };
    static std::array<std::int8_t, C * H * W> x{};
    static std::array<std::int8_t, G * F> w{};
    static std::array<std::int32_t, G> bias{}, mult{};
    static std::array<std::int8_t, G> shift{};
    for (auto& v : x) v = static_cast<std::int8_t>((next() & 0xff) - 128);
    for (auto& v : w) v = static_cast<std::int8_t>(next() % 255 - 127);
    for (std::size_t o = 0; o < G; ++o) {
      bias[o] = next() % 200001 - 100000;
      mult[o] = (1 << 30) + next() % (1 << 30);
      shift[o] = static_cast<std::int8_t>(-6 - next() % 8);
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
    const kernels::channel_rescale q{bias.data(), mult.data(), shift.data(), -5, act_min, act_max};
    static std::array<std::int8_t, G * OH * OW> got{}, want{};
    got.fill(0x5a), want.fill(0x5a);
    kernels::arm::conv2d_s8_rows_dsp<C, H, W, K, S, G>(x.data(), w.data(), q, got.data(), oy0,
                                                       rows);
    kernels::conv2d_s8_rows_portable<C, H, W, K, S, G>(x.data(), w.data(), q, want.data(), oy0, rows);
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
}

// Instructions per MAC of conv2d_s8_rows_dsp on shapes of the usual CNNs (a printed figure, no
// assertion): all channels of a few output rows, every channel's rescale in the doubled form.
namespace {
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void bench_conv_rows(const char* what, std::size_t rows) {
  if constexpr (kernels::target::arm_dsp) {
    namespace ic = fw::instruction_counter;
    constexpr std::size_t OW = (W - K) / S + 1;
    static std::array<std::int8_t, C * H * W> x{};
    static std::array<std::int8_t, G * C * K * K> w{};
    static std::array<std::int32_t, G> bias{}, mult{};
    static std::array<std::int8_t, G> shift{};
    static std::array<std::int8_t, G * OW*((H - K) / S + 1)> y{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<std::int8_t>(i * 37);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<std::int8_t>(i * 11 % 255 - 127);
    bias.fill(1000), mult.fill(1 << 30), shift.fill(-9);
    const kernels::channel_rescale q{bias.data(), mult.data(), shift.data(), -3, -3, 127};
    ic::start();
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
}

int main() { return staticnn::fw_test::run_all("kernels_dsp"); }
