// The int8 kernels that exist only on targets with the Armv7E-M DSP instructions (SMLAD, SSAT),
// against integer sums and TFLite's arithmetic written out in tflite_reference.hpp. Elsewhere
// every test skips, the image exits with skip_exit and CTest reports it as skipped.
#include <array>
#include <cstdint>

#include "harness.hpp"
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

int main() { return staticnn::fw_test::run_all("kernels_dsp"); }
