// The float conv kernel of VFP targets (kernels/arm/conv2d_vfp.hpp, picked by
// kernels::conv2d_channel_rows) against the same sums in double, on shapes it was not tuned for:
// C in {1, 2, 3, 5, 16}, K in {1, 2, 3, 5, 7, 9, 11}, strides 1 to 3, odd widths, narrow last
// blocks, two-row blocks, weight groups, channel steps past 4 KB; and the pointwise kernel
// (kernels/arm/conv2d_pointwise_vfp.hpp, which the K = 1 stride-1 shapes among them run, one output
// channel a call, and its multi-channel kernel on C 2, 3, 5, 8, 24 x OC 3, 5, 6, 7, 16), ReLU and
// the 2x2 max-pool row; the depthwise kernel (kernels/arm/depthwise_vfp.hpp), ReLU6, the padded
// window copy (kernels/arm/pad_rows_vfp.hpp), the 2x2 average-pool row and the
// global average pool's sums. Then instructions per MAC on a
// few layer shapes (the benchmark prints them; it checks nothing). Where the target has no VFP
// every test skips, the image exits with skip_exit and CTest reports it as skipped.
#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

#include "harness.hpp"
#include "instruction_counter.hpp"
#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;

namespace {

constexpr std::size_t guard = 4;           // floats past the written rows that must stay untouched
constexpr float canary = -12345.0f;        // their value
constexpr double unit_roundoff = 0x1p-24;  // float, round to nearest

// Inputs and parameters of every shape below, one after the other (an image holds one copy: the
// netduinoplus2 has 128 KiB of RAM).
std::array<float, 8192> inputs;
std::array<float, 4640> params;

std::uint32_t lcg = 1;
float next_uniform() {  // in [-1, 1)
  lcg = lcg * 1664525u + 1013904223u;
  return static_cast<float>(static_cast<std::int32_t>(lcg >> 8) - (1 << 23)) * 0x1p-23f;
}
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K>
void fill_uniform(std::uint32_t seed) {
  static_assert(C * H * W <= inputs.size() && OC * C * K * K + OC <= params.size(),
                "the shared buffers are too small");
  lcg = seed;
  for (std::size_t i = 0; i < C * H * W; ++i) inputs[i] = next_uniform();
  for (std::size_t i = 0; i < OC * C * K * K + OC; ++i)
    params[i] = next_uniform();  // weights (OIHW), then bias
}

// The VFP kernel (through conv2d_channel_rows in float) against the same sums in double, written
// out here, for every output channel, on row ranges of 1, 2 and 3 rows starting at every row.
// Float sums of n = C*K*K + 1 terms (the bias one of them) in any order, products exact (FMA) or
// rounded, are within gamma_n = n*u/(1 - n*u) of sum |term| (Higham, 2002, eq. 3.5, plus u per
// product), so each output must lie within (n + 1)*u/(1 - (n + 1)*u) * (|b| + sum |w x|) of the
// double sum. Returns the outputs outside that bound plus the guard floats overwritten.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S>
std::size_t conv_wrong(std::uint32_t seed) {
  static_assert(kernels::arm::conv_vfp_fits<C, H, W, K, S>, "a shape the VFP kernel takes");
  constexpr std::size_t OH = (H - K) / S + 1, OW = (W - K) / S + 1, terms = C * K * K + 1;
  constexpr double bound = (terms + 1) * unit_roundoff / (1 - (terms + 1) * unit_roundoff);
  fill_uniform<C, H, W, OC, K>(seed);
  const float* x = inputs.data();
  const float* w = params.data();
  const float* b = params.data() + OC * C * K * K;
  std::size_t wrong = 0;
  std::array<float, 3 * OW + guard> y;
  for (std::size_t oc = 0; oc < OC; ++oc)
    for (std::size_t rows = 1; rows <= 3; ++rows)
      for (std::size_t oy0 = 0; oy0 + rows <= OH; ++oy0) {
        y.fill(canary);
        kernels::conv2d_channel_rows<C, H, W, OC, K, S>(x, w, b, y.data(), oc, oy0, rows);
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t ox = 0; ox < OW; ++ox) {
            double ref = b[oc], mag = b[oc] < 0 ? -ref : ref;
            for (std::size_t ic = 0; ic < C; ++ic)
              for (std::size_t ky = 0; ky < K; ++ky)
                for (std::size_t kx = 0; kx < K; ++kx) {
                  const double t = static_cast<double>(w[((oc * C + ic) * K + ky) * K + kx]) *
                                   x[(ic * H + (oy0 + r) * S + ky) * W + ox * S + kx];
                  ref += t;
                  mag += t < 0 ? -t : t;
                }
            const double d = y[r * OW + ox] - ref;
            wrong += !((d < 0 ? -d : d) <= bound * mag);  // NaN counts
          }
        for (std::size_t i = rows * OW; i < rows * OW + guard; ++i) wrong += y[i] != canary;
      }
  return wrong;
}

// Instructions per MAC of conv2d_group_rows as a row-streamed stage calls it: per channel group,
// two rows at a time (a 2x2 pool's rows), one row for an odd last row.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S>
void bench(const char* label) {
  constexpr std::size_t OH = (H - K) / S + 1, OW = (W - K) / S + 1;
  fill_uniform<C, H, W, OC, K>(7);
  constexpr std::size_t G = kernels::conv2d_channel_group<C, H, W, OC, K, S, float>();
  std::array<float, G * 2 * OW> y;
  namespace ic = fw::instruction_counter;
  ic::start();
  for (std::size_t oc = 0; oc < OC; oc += G)
    for (std::size_t oy = 0; oy < OH; oy += 2)
      kernels::conv2d_group_rows<C, H, W, OC, K, S, float, K, S, G>(inputs.data(), params.data(),
                                                                     params.data() + OC * C * K * K, y.data(), oc,
                                                                     oy, oy + 1 < OH ? 2 : 1);
  const std::uint64_t count = ic::stop();
  constexpr std::uint64_t macs = std::uint64_t{OC} * OH * OW * C * K * K;
  fw::console::print("bench: conv ", label, " C=", C, " ", H, "x", W, " K=", K, " S=", S,
                     " OC=", OC, ": ", count, " instructions, ", macs, " MACs, ",
                     fw::console::fixed{static_cast<double>(count) / macs, 3}, " per MAC\n");
}

}  // namespace

#define STATICNN_SKIP_WITHOUT_VFP \
  if (!kernels::target::arm_vfp)  \
  STATICNN_SKIP("no single-precision VFP: the portable conv runs on this target")

STATICNN_TEST(conv_vfp_kernel_sizes_stride1) {
  STATICNN_SKIP_WITHOUT_VFP;
  STATICNN_CHECK((conv_wrong<1, 7, 9, 3, 1, 1>(1) == 0));  // K=1, 9 wide: one block
  STATICNN_CHECK(
      (conv_wrong<16, 5, 17, 2, 1, 1>(2) == 0));  // K=1, 17 wide: 9 + 8 (passes of two channels)
  STATICNN_CHECK((conv_wrong<3, 6, 11, 3, 2, 1>(3) == 0));    // K=2, 10 wide
  STATICNN_CHECK((conv_wrong<1, 9, 31, 3, 3, 1>(4) == 0));    // K=3, 29 wide: 10 + 10 + 9
  STATICNN_CHECK((conv_wrong<5, 7, 15, 3, 3, 1>(5) == 0));    // K=3, 13 wide: one block of 13
  STATICNN_CHECK((conv_wrong<16, 5, 16, 2, 3, 1>(6) == 0));   // K=3, 14 wide: 7 + 7
  STATICNN_CHECK((conv_wrong<2, 8, 13, 3, 5, 1>(7) == 0));    // K=5, 9 wide
  STATICNN_CHECK((conv_wrong<3, 9, 27, 2, 5, 1>(8) == 0));    // K=5, 23 wide: 8 + 8 + 7
  STATICNN_CHECK((conv_wrong<2, 9, 19, 2, 7, 1>(9) == 0));    // K=7, 13 wide: 7 + 6
  STATICNN_CHECK((conv_wrong<5, 8, 7, 2, 7, 1>(10) == 0));    // K=7, 1 wide
  STATICNN_CHECK((conv_wrong<2, 12, 16, 2, 9, 1>(30) == 0));  // K=9, 8 wide: 4 + 4
}

STATICNN_TEST(conv_vfp_stride2_and_3) {
  STATICNN_SKIP_WITHOUT_VFP;
  STATICNN_CHECK((conv_wrong<3, 7, 23, 2, 1, 2>(11) == 0));    // K=1, 12 wide: 6 + 6
  STATICNN_CHECK((conv_wrong<2, 9, 25, 3, 2, 2>(12) == 0));    // K=2, 12 wide
  STATICNN_CHECK((conv_wrong<5, 9, 31, 2, 3, 2>(13) == 0));    // K=3, 15 wide: 8 + 7
  STATICNN_CHECK((conv_wrong<1, 11, 29, 2, 5, 2>(14) == 0));   // K=5, 13 wide: 7 + 6
  STATICNN_CHECK((conv_wrong<2, 13, 21, 2, 7, 2>(15) == 0));   // K=7, 8 wide: 4 + 4
  STATICNN_CHECK((conv_wrong<16, 9, 19, 1, 3, 2>(16) == 0));   // K=3, 9 wide, 16 channels
  STATICNN_CHECK((conv_wrong<2, 8, 20, 2, 3, 3>(17) == 0));    // K=3, stride 3, 6 wide
  STATICNN_CHECK((conv_wrong<1, 13, 21, 2, 11, 2>(31) == 0));  // K=11, stride 2, 6 wide: 3 + 3
}

// Shapes whose row pairs take the two-row blocks (the rows = 3 ranges add a one-row block after
// them).
STATICNN_TEST(conv_vfp_two_row_blocks) {
  STATICNN_SKIP_WITHOUT_VFP;
  using kernels::arm::conv_vfp_two_rows;
  static_assert(conv_vfp_two_rows<16, 14, 3, 1> && conv_vfp_two_rows<2, 7, 3, 1> &&
                conv_vfp_two_rows<5, 10, 3, 2> && conv_vfp_two_rows<3, 17, 2, 1> &&
                conv_vfp_two_rows<16, 17, 1, 1> && !conv_vfp_two_rows<1, 28, 3, 1>);
  STATICNN_CHECK((conv_wrong<2, 9, 9, 3, 3, 1>(20) == 0));    // K=3, 7 wide
  STATICNN_CHECK((conv_wrong<5, 11, 21, 2, 3, 2>(21) == 0));  // K=3, stride 2, 10 wide: 5 + 5
  STATICNN_CHECK((conv_wrong<3, 7, 18, 2, 2, 1>(22) == 0));   // K=2, 17 wide: 9 + 8
  STATICNN_CHECK(
      (conv_wrong<4, 10, 26, 2, 2, 2>(23) == 0));  // K=2, stride 2, 13 wide (one-row blocks)
  STATICNN_CHECK(
      (conv_wrong<4, 9, 5, 2, 1, 2>(24) == 0));  // K=1, stride 2, 3 wide (one-row blocks)
}

// One-row blocks that take the weights of a group of channels by one VLDM: groups in the loop, a
// whole group and a partial one after it, partial groups of 1 to 3 channels.
STATICNN_TEST(conv_vfp_weight_groups) {
  STATICNN_SKIP_WITHOUT_VFP;
  using kernels::arm::conv_vfp_channel_loop;
  using k1 = conv_vfp_channel_loop<16, 1, 1, 1, 14>;
  static_assert(k1::grouped && k1::per_pass == 4 && k1::looped && k1::after == 0);
  static_assert(conv_vfp_channel_loop<5, 1, 1, 1, 14>::after_groups == 1 &&
                conv_vfp_channel_loop<5, 1, 1, 1, 14>::after_rest == 1);
  static_assert(conv_vfp_channel_loop<10, 1, 1, 1, 14>::looped &&
                conv_vfp_channel_loop<10, 1, 1, 1, 14>::after_rest == 2);
  static_assert(conv_vfp_channel_loop<1, 3, 1, 1, 10>::grouped &&
                !conv_vfp_channel_loop<5, 3, 1, 1, 13>::grouped);
  STATICNN_CHECK((conv_wrong<16, 3, 14, 2, 1, 1>(25) == 0));  // 4 passes of 4
  STATICNN_CHECK((conv_wrong<5, 3, 14, 2, 1, 1>(26) == 0));   // 4 + 1 after
  STATICNN_CHECK((conv_wrong<7, 3, 14, 2, 1, 1>(27) == 0));   // 4 + 3 after
  STATICNN_CHECK((conv_wrong<10, 4, 14, 2, 1, 1>(28) == 0));  // 2 passes of 4, 2 after
  STATICNN_CHECK((conv_wrong<3, 5, 25, 2, 1, 2>(29) == 0));   // stride 2, a group of 3
}

// 1x1 stride-1 convs run the pointwise kernel (kernels/arm/conv2d_pointwise_vfp.hpp): channel counts
// with 0 to 3 channels after the groups of four (1 to 67), pixel counts per call (rows x W) below
// 4 (the portable loop), 4 to 11 (blocks of 4, the last overlapping) and 12 on (blocks of 12, the
// last overlapping unless 12 divides them).
STATICNN_TEST(conv_pointwise_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  static_assert(!kernels::target::arm_vfp || kernels::conv2d_runs_pointwise_vfp<67, 1, 1, float>());
  static_assert(!kernels::conv2d_runs_pointwise_vfp<8, 1, 2, float>() &&
                !kernels::conv2d_runs_pointwise_vfp<8, 3, 1, float>());
  STATICNN_CHECK((conv_wrong<1, 4, 3, 2, 1, 1>(40) == 0));    // 3, 6, 9 pixels
  STATICNN_CHECK((conv_wrong<67, 3, 5, 2, 1, 1>(41) == 0));   // 16 groups + 3; 5, 10, 15 pixels
  STATICNN_CHECK((conv_wrong<33, 5, 13, 5, 1, 1>(42) == 0));  // 8 groups + 1; 13, 26, 39
  STATICNN_CHECK((conv_wrong<8, 6, 12, 3, 1, 1>(43) == 0));   // 2 groups; 12, 24, 36: no overlap
  STATICNN_CHECK((conv_wrong<17, 7, 11, 4, 1, 1>(44) == 0));  // 4 groups + 1; 11, 22, 33
  STATICNN_CHECK((conv_wrong<2, 9, 17, 3, 1, 1>(45) == 0));   // 0 groups + 2; 17, 34, 51
  STATICNN_CHECK((conv_wrong<3, 5, 7, 3, 1, 1>(46) == 0));    // 0 groups + 3; 7, 14, 21
}

// The multi-channel pointwise kernel (conv_pointwise_vfp_channels: 4, 3 or 2 output channels x 5,
// 7 or 10 pixels a block) against the same sums in double, on shapes it was not tuned for: its
// calls as a row-streamed stage makes them (conv2d_group_rows, channel_group channels, 1 and 2
// rows at the first and last rows), as an unstreamed layer does (conv2d_forward, all channels at
// once), and (Pooled) through a network's fused conv -> ReLU -> 2x2 max pool stage (pooled with the
// conv's bound: max and ReLU move no value by more than the sums' error). Bound as conv_wrong's.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, bool Pooled>
std::size_t pointwise_channels_wrong(std::uint32_t seed) {
  // (on MVE targets the MVE kernels take what they fit first: then those are checked)
  constexpr bool mve = kernels::conv2d_runs_mve_channels<C, H, W, OC, 1, 1, float>() ||
                       kernels::conv2d_runs_mve<C, H, W, 1, 1, float>();
  static_assert(!kernels::target::arm_vfp || mve || kernels::conv2d_runs_pointwise_vfp_channels<C, H, W, OC, 1, 1, float>(),
                "a shape the multi-channel kernel takes");
  constexpr std::size_t G = kernels::conv2d_channel_group<C, H, W, OC, 1, 1, float>(), terms = C + 1;
  static_assert(!kernels::target::arm_vfp || mve || G == kernels::arm::conv_pointwise_vfp_group(OC));
  constexpr double bound = (terms + 1) * unit_roundoff / (1 - (terms + 1) * unit_roundoff);
  fill_uniform<C, H, W, OC, 1>(seed);
  const float* x = inputs.data();
  const float* w = params.data();
  const float* b = params.data() + OC * C;
  struct sum { double ref, mag; };
  auto exact = [&](std::size_t oc, std::size_t pixel) {  // the double sum and its terms' magnitudes
    sum r{b[oc], b[oc] < 0 ? -static_cast<double>(b[oc]) : b[oc]};
    for (std::size_t ic = 0; ic < C; ++ic) {
      const double t = static_cast<double>(w[oc * C + ic]) * x[ic * H * W + pixel];
      r.ref += t;
      r.mag += t < 0 ? -t : t;
    }
    return r;
  };
  auto off = [&](float got, std::size_t oc, std::size_t pixel) {  // outside the bound of the double sum
    const sum r = exact(oc, pixel);
    const double d = got - r.ref;
    return !((d < 0 ? -d : d) <= bound * r.mag);
  };
  std::size_t wrong = 0;
  static std::array<float, OC * H * W + guard> y;
  for (std::size_t rows = 1; rows <= 2; ++rows)
    for (std::size_t oy0 : {std::size_t{0}, H - rows})
      for (std::size_t oc = 0; oc < OC; oc += G) {
        y.fill(canary);
        kernels::conv2d_group_rows<C, H, W, OC, 1, 1, float, 1, 1, G>(x, w, b, y.data(), oc, oy0, rows);
        for (std::size_t g = 0; g < G; ++g)
          for (std::size_t i = 0; i < rows * W; ++i) wrong += off(y[g * rows * W + i], oc + g, oy0 * W + i);
        for (std::size_t i = G * rows * W; i < G * rows * W + guard; ++i) wrong += y[i] != canary;
      }
  y.fill(canary);
  kernels::conv2d_forward<C, H, W, OC, 1, 1, float>(x, w, b, y.data());
  for (std::size_t oc = 0; oc < OC; ++oc)
    for (std::size_t i = 0; i < H * W; ++i) wrong += off(y[oc * H * W + i], oc, i);
  for (std::size_t i = OC * H * W; i < OC * H * W + guard; ++i) wrong += y[i] != canary;
  if constexpr (!Pooled) return wrong;
  // Fused conv -> ReLU -> 2x2 max pool.
  using net_t = sequential<shape<C, H, W>, conv2d<OC, 1>, relu, max_pool<2>>;
  static_assert(expect_stage<net_t, 0, stage_kind::conv_act_pool>);
  static net_t net;
  std::copy(params.begin(), params.begin() + OC * C + OC, net.template layer<0>().params.begin());
  constexpr std::size_t PH = H / 2, PW = W / 2;
  static std::array<float, OC * PH * PW> pooled;
  net.forward(cview<float, C * H * W>(x, C * H * W), view<float, OC * PH * PW>(pooled.data(), pooled.size()));
  for (std::size_t oc = 0; oc < OC; ++oc)
    for (std::size_t py = 0; py < PH; ++py)
      for (std::size_t px = 0; px < PW; ++px) {
        // max and ReLU are 1-Lipschitz: within bound * (the window's largest magnitude) of
        // max(0, the window's double sums)
        double want = 0, mag = 0;
        for (std::size_t dy = 0; dy < 2; ++dy)
          for (std::size_t dx = 0; dx < 2; ++dx) {
            const sum r = exact(oc, (2 * py + dy) * W + 2 * px + dx);
            want = r.ref > want ? r.ref : want;
            mag = r.mag > mag ? r.mag : mag;
          }
        const double d = pooled[(oc * PH + py) * PW + px] - want;
        wrong += !((d < 0 ? -d : d) <= bound * mag);
      }
  return wrong;
}

STATICNN_TEST(conv_pointwise_vfp_channels) {
  STATICNN_SKIP_WITHOUT_VFP;
  static_assert(!kernels::conv2d_runs_pointwise_vfp_channels<8, 6, 6, 4, 1, 2, float>() &&
                !kernels::conv2d_runs_pointwise_vfp_channels<8, 6, 6, 4, 3, 1, float>() &&
                !kernels::conv2d_runs_pointwise_vfp_channels<8, 6, 6, 1, 1, 1, float>());
  STATICNN_CHECK((pointwise_channels_wrong<3, 6, 13, 7, true>(50) == 0));    // G 7: 4 + 3; 13, 26 pixels
  STATICNN_CHECK((pointwise_channels_wrong<8, 2, 3, 3, false>(52) == 0));    // G 3; 3, 6 pixels: below 7, per channel
  STATICNN_CHECK((pointwise_channels_wrong<24, 4, 11, 6, false>(53) == 0));  // G 6: 4 + 2; looped channels
  STATICNN_CHECK((pointwise_channels_wrong<2, 4, 7, 5, false>(54) == 0));    // G 5: 4 + 1
  STATICNN_CHECK((pointwise_channels_wrong<3, 2, 27, 7, false>(55) == 0));   // 27, 54: 4-pixel, 3-pixel tails
  STATICNN_CHECK((pointwise_channels_wrong<5, 4, 11, 16, true>(56) == 0));   // G 4; 11, 22: 1-pixel, 2-pixel tails
}

// The ReLU kernel (kernels/arm/relu_vfp.hpp) against relu_op on values of both signs, zeros of both
// signs and infinities, in place and not, for lengths 0 to 11 (the 4-value loop and its tail).
STATICNN_TEST(relu_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  using layer = activation_layer<shape<16>, relu_op, float>;
  static_assert(layer::relu_runs_vfp == kernels::target::arm_vfp);
  std::array<float, 16> x, y, z;
  std::size_t wrong = 0;
  for (std::size_t n = 0; n < 12; ++n) {
    for (auto& v : x) v = next_uniform() * 100.0f;
    x[1] = -0.0f, x[2] = 0.0f, x[3] = -__builtin_inff(), x[5] = __builtin_inff();
    y.fill(canary), z = x;
    layer::run(x.data(), y.data(), n);
    layer::run(z.data(), z.data(), n);
    for (std::size_t i = 0; i < y.size(); ++i) {
      const float want = i < n ? relu_op::f(x[i]) : canary;
      wrong += std::bit_cast<std::uint32_t>(y[i]) != std::bit_cast<std::uint32_t>(want);
      wrong += std::bit_cast<std::uint32_t>(z[i]) != std::bit_cast<std::uint32_t>(i < n ? want : x[i]);
    }
  }
  STATICNN_CHECK(wrong == 0);
}

// The tanh form of the VFP sigmoid kernel (kernels/arm/sigmoid_vfp.hpp, through activation_layer)
// against tanh in double (libm's tanh, the portable kernel's op, is within 1 ulp of it): across
// [-12, 12] (saturated ends, and the steep middle), zeros of both signs, values below 2^-20,
// infinities and NaN (0 then: t = 0), for lengths 0 to 19 (the 8-value loop and its tail), in
// place and not. Bound: 2.5e-7 absolute (2^f within 1.5e-7 relative, t rounded to 2^-25, one
// rounding in each of 1 - e, 1 + e and the division).
STATICNN_TEST(tanh_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  using layer = activation_layer<shape<24>, tanh_op, float>;
  static_assert(layer::tanh_runs_vfp == kernels::target::arm_vfp);
  std::array<float, 24> x, y, z;
  std::size_t wrong = 0;
  double worst = 0;
  for (std::size_t n = 0; n < 20; ++n) {
    for (auto& v : x) v = next_uniform() * (n % 2 == 0 ? 12.0f : 1.5f);
    x[1] = -0.0f, x[2] = 0.0f, x[3] = -__builtin_inff(), x[5] = __builtin_inff(), x[6] = 0x1p-21f, x[9] = -3e-6f;
    x[10] = __builtin_nanf("");
    y.fill(canary), z = x;
    layer::run(x.data(), y.data(), n);
    layer::run(z.data(), z.data(), n);
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (i >= n) {
        wrong += y[i] != canary;
        wrong += std::bit_cast<std::uint32_t>(z[i]) != std::bit_cast<std::uint32_t>(x[i]);
        continue;
      }
      const double want = i == 10 ? 0.0 : std::tanh(double{x[i]});
      const double e = std::fabs(want - double{y[i]});
      worst = e > worst ? e : worst;
      wrong += !(e <= 2.5e-7) + (y[i] < -1.0f || y[i] > 1.0f);
      wrong += std::bit_cast<std::uint32_t>(z[i]) != std::bit_cast<std::uint32_t>(y[i]);
    }
  }
  fw::console::print("fw: tanh_vfp worst ", fw::console::fixed{worst * 1e9, 1}, "e-9\n");
  STATICNN_CHECK(wrong == 0);
}

// The 2x2 max-pool row kernels (kernels/arm/max_pool_vfp.hpp, through pool_layer::reduce_row and
// reduce_row_then with ReLU) against pool_layer::reduce window by window, on widths whose outputs
// are steps and a tail (W = 9: 4 outputs and a dropped column; 22: 11; 6: 3).
template <std::size_t W>
std::size_t max_pool_wrong(std::uint32_t seed) {
  using pool = pool_layer<shape<1, 2, W>, 2, max_pool_op, float>;
  constexpr std::size_t OW = W / 2;
  lcg = seed;
  std::array<float, 2 * W> rows;
  for (auto& v : rows) v = next_uniform();
  rows[1] = rows[0], rows[W + 2] = -0.0f;  // ties: the first maximum, as reduce
  std::array<float, OW + guard> y;
  y.fill(canary);
  pool::reduce_row(rows.data(), y.data());
  std::size_t wrong = 0;
  for (std::size_t px = 0; px < OW; ++px)
    wrong += std::bit_cast<std::uint32_t>(y[px]) != std::bit_cast<std::uint32_t>(pool::reduce(rows.data() + 2 * px, W));
  for (std::size_t i = OW; i < y.size(); ++i) wrong += y[i] != canary;
  // ReLU after it in one pass (its integer kernel: two outputs a step and a tail) against relu_op
  // of reduce's maximum.
  using relu_layer = activation_layer<shape<OW>, relu_op, float>;
  static_assert(pool::template fuses_row_then<relu_layer> == kernels::target::arm_vfp);
  y.fill(canary);
  if constexpr (pool::template fuses_row_then<relu_layer>) pool::reduce_row_then(rows.data(), y.data(), relu_layer{});
  for (std::size_t px = 0; px < OW; ++px)
    wrong += std::bit_cast<std::uint32_t>(y[px]) !=
             std::bit_cast<std::uint32_t>(relu_op::f(pool::reduce(rows.data() + 2 * px, W)));
  for (std::size_t i = OW; i < y.size(); ++i) wrong += y[i] != canary;
  return wrong;
}

STATICNN_TEST(max_pool2_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  static_assert(pool_layer<shape<1, 2, 9>, 2, max_pool_op, float>::has_row_kernel == kernels::target::arm_vfp);
  for (std::uint32_t seed = 50; seed < 60; ++seed) {
    STATICNN_CHECK(max_pool_wrong<9>(seed) == 0);
    STATICNN_CHECK(max_pool_wrong<22>(seed) == 0);
    STATICNN_CHECK(max_pool_wrong<6>(seed) == 0);
  }
}

// The 2x2 average-pool row (kernels/arm/avg_pool_vfp.hpp, through pool_layer::reduce_row) against
// the portable reduce and the sum written out here in its order, bit for bit (on MVE targets, whose
// kernel starts from the top-left value, equal up to a zero's sign): widths of 0 to 5
// steps of 4 outputs and tails of 0 to 3, windows of zeros of both signs (a -0.0 top-left among
// them), the floats past the row untouched.
template <std::size_t W>
std::size_t avg_pool_wrong(std::uint32_t seed) {
  using pool = pool_layer<shape<1, 2, W>, 2, avg_pool_op, float>;
  constexpr std::size_t OW = W / 2;
  static_assert(pool::has_row_kernel == kernels::target::arm_vfp);
  lcg = seed;
  std::array<float, 2 * W> rows;
  for (auto& v : rows) v = next_uniform();
  if constexpr (OW >= 2) {
    rows[0] = rows[1] = rows[W] = rows[W + 1] = -0.0f;  // all -0.0: +0.0 by the first step
    rows[2] = -0.0f, rows[3] = 0.0f, rows[W + 2] = -0.0f, rows[W + 3] = -0.0f;
  }
  std::array<float, OW + guard> y;
  y.fill(canary);
  pool::reduce_row(rows.data(), y.data());
  std::size_t wrong = 0;
  for (std::size_t px = 0; px < OW; ++px) {
    volatile float r = 0.0f;  // one rounding a step, in reduce's order
    r = r + rows[2 * px];
    r = r + rows[2 * px + 1];
    r = r + rows[W + 2 * px];
    r = r + rows[W + 2 * px + 1];
    const float want = r * 0.25f, portable = pool::reduce(rows.data() + 2 * px, W);
    if constexpr (pool::avg_row_vfp) {
      wrong += std::bit_cast<std::uint32_t>(y[px]) != std::bit_cast<std::uint32_t>(want);
      wrong += std::bit_cast<std::uint32_t>(y[px]) != std::bit_cast<std::uint32_t>(portable);
    } else {  // MVE targets' kernel (kernels/arm/pool_mve.hpp): the same values up to a zero's sign
      wrong += !(y[px] == want) + !(y[px] == portable);
    }
  }
  for (std::size_t i = OW; i < y.size(); ++i) wrong += y[i] != canary;
  return wrong;
}

STATICNN_TEST(avg_pool2_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  for (std::uint32_t seed = 90; seed < 94; ++seed) {
    STATICNN_CHECK(avg_pool_wrong<2>(seed) == 0);
    STATICNN_CHECK(avg_pool_wrong<7>(seed) == 0);
    STATICNN_CHECK(avg_pool_wrong<8>(seed) == 0);
    STATICNN_CHECK(avg_pool_wrong<13>(seed) == 0);
    STATICNN_CHECK(avg_pool_wrong<28>(seed) == 0);
    STATICNN_CHECK(avg_pool_wrong<46>(seed) == 0);
  }
}

// The depthwise kernel (kernels/arm/depthwise_vfp.hpp, through depthwise_conv2d_layer::forward)
// against the sums in double written out here (taps on padding skipped), every channel, on shapes
// it was not tuned for: odd channel counts, K 3 and 5, strides 1 and 2, padding 0 to 2, odd maps.
// Sums of n = K*K + 1 terms: the bound of conv_wrong. Returns the outputs outside it plus the guard
// floats overwritten. WindowBytes below the kernel's own bound: the kernel called directly with
// that window (depthwise_vfp::window_plan), so small maps run in chunks of padded rows.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P,
          std::size_t WindowBytes = kernels::arm::depthwise_vfp::max_window_bytes>
std::size_t depthwise_wrong(std::uint32_t seed) {
  using layer = depthwise_conv2d_layer<shape<C, H, W>, K, S, P, float>;
  constexpr bool own_window = WindowBytes == kernels::arm::depthwise_vfp::max_window_bytes;
  static_assert(!own_window || layer::runs_vfp == kernels::target::arm_vfp, "a shape the VFP kernel takes");
  static_assert(kernels::arm::depthwise_f32_vfp_fits<H, W, K, S, P, WindowBytes> == kernels::target::arm_vfp,
                "a window the VFP kernel takes");
  constexpr std::size_t OH = layer::OH, OW = layer::OW, terms = K * K + 1;
  static_assert(C * H * W <= inputs.size() && C * OH * OW + guard <= params.size());
  constexpr double bound = (terms + 1) * unit_roundoff / (1 - (terms + 1) * unit_roundoff);
  static layer l;  // static: its parameters stay off the stack
  lcg = seed;
  for (std::size_t i = 0; i < C * H * W; ++i) inputs[i] = next_uniform();
  for (float& v : l.params) v = next_uniform();
  float* y = params.data();  // the outputs, then the guard
  for (std::size_t i = 0; i < C * OH * OW + guard; ++i) y[i] = canary;
  if constexpr (own_window)
    l.forward(cview<float, C * H * W>(inputs.data(), C * H * W), view<float, C * OH * OW>(y, C * OH * OW));
  else if constexpr (kernels::target::arm_vfp)
    kernels::arm::depthwise_f32_vfp<C, H, W, K, S, P, WindowBytes>(inputs.data(), l.params.data(),
                                                                   l.params.data() + C * K * K, y);
  std::size_t wrong = 0;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        double ref = l.params[C * K * K + c], mag = ref < 0 ? -ref : ref;
        for (std::size_t ky = 0; ky < K; ++ky)
          for (std::size_t kx = 0; kx < K; ++kx) {
            const std::size_t iy = oy * S + ky, ix = ox * S + kx;  // padded coordinates
            if (iy < P || iy >= H + P || ix < P || ix >= W + P) continue;
            const double t = static_cast<double>(l.params[(c * K + ky) * K + kx]) * inputs[(c * H + iy - P) * W + ix - P];
            ref += t;
            mag += t < 0 ? -t : t;
          }
        const double d = y[(c * OH + oy) * OW + ox] - ref;
        wrong += !((d < 0 ? -d : d) <= bound * mag);  // NaN counts
      }
  for (std::size_t i = C * OH * OW; i < C * OH * OW + guard; ++i) wrong += y[i] != canary;
  return wrong;
}

STATICNN_TEST(depthwise_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  STATICNN_CHECK((depthwise_wrong<3, 7, 9, 3, 1, 1>(61) == 0));
  STATICNN_CHECK((depthwise_wrong<5, 11, 13, 5, 2, 2>(62) == 0));
  STATICNN_CHECK((depthwise_wrong<12, 9, 7, 3, 2, 0>(63) == 0));
  STATICNN_CHECK((depthwise_wrong<5, 10, 17, 3, 2, 1>(64) == 0));
  STATICNN_CHECK((depthwise_wrong<3, 13, 6, 5, 1, 0>(65) == 0));
  // Channel rows copied four a pass (kernels/arm/pad_rows_vfp.hpp's copy_rows_f32): 16 rows (no
  // rest) of 16, 4 rows (one pass) of 33 (two chunks and one value), 2 (no pass) of 7.
  STATICNN_CHECK((depthwise_wrong<2, 16, 16, 3, 1, 1>(66) == 0));
  STATICNN_CHECK((depthwise_wrong<1, 4, 33, 3, 2, 2>(67) == 0));
  STATICNN_CHECK((depthwise_wrong<7, 2, 7, 3, 1, 1>(68) == 0));
}

// The depthwise kernel's chunks of padded rows (depthwise_vfp::window_plan), against the same sums
// in double as depthwise_vfp: maps whose padded channel is past the whole-channel bound, through
// the layer, and small maps with small windows (many chunks), K 1, 3 and 5, strides 1 and 2,
// padding 1 and 2 (rows on padding at both ends of a chunk, a chunk all padding), odd sizes,
// several channels, and a last chunk shorter than the others.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P,
          std::size_t WindowBytes = kernels::arm::depthwise_vfp::max_window_bytes>
constexpr bool runs_in_chunks = [] {
  using plan = kernels::arm::depthwise_vfp::window_plan<H, W, K, S, P, WindowBytes>;
  return !plan::whole && plan::out_rows >= 1 && plan::out_rows < plan::OH;
}();
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P,
          std::size_t WindowBytes = kernels::arm::depthwise_vfp::max_window_bytes>
constexpr bool short_last_chunk = [] {
  using plan = kernels::arm::depthwise_vfp::window_plan<H, W, K, S, P, WindowBytes>;
  return runs_in_chunks<H, W, K, S, P, WindowBytes> && plan::OH % plan::out_rows != 0;
}();

STATICNN_TEST(depthwise_vfp_chunks) {
  STATICNN_SKIP_WITHOUT_VFP;
  // Past the old 4 KB padded channel: a user's 32x32 pad 1 (34*34*4 = 4,624 bytes), odd maps.
  static_assert(runs_in_chunks<32, 32, 3, 1, 1> && short_last_chunk<33, 31, 3, 1, 1> &&
                runs_in_chunks<47, 45, 5, 2, 2> && runs_in_chunks<36, 29, 5, 1, 2> &&
                runs_in_chunks<30, 101, 3, 1, 2> && short_last_chunk<49, 33, 3, 2, 1>);
  static_assert(std::string_view(depthwise_conv2d_layer<shape<3, 32, 32>, 3, 1, 1, float>::kernel_name) ==
                (kernels::target::arm_vfp ? "arm_vfp depthwise (chunks of padded rows, register-blocked rows)"
                                          : "portable depthwise (per output, taps on padding skipped)"));
  STATICNN_CHECK((depthwise_wrong<3, 32, 32, 3, 1, 1>(71) == 0));
  STATICNN_CHECK((depthwise_wrong<2, 33, 31, 3, 1, 1>(72) == 0));
  STATICNN_CHECK((depthwise_wrong<1, 47, 45, 5, 2, 2>(73) == 0));
  STATICNN_CHECK((depthwise_wrong<2, 36, 29, 5, 1, 2>(74) == 0));
  STATICNN_CHECK((depthwise_wrong<1, 30, 101, 3, 1, 2>(75) == 0));
  STATICNN_CHECK((depthwise_wrong<2, 49, 33, 3, 2, 1>(76) == 0));
  // Unpadded maps past the bound run on the input itself.
  STATICNN_CHECK((depthwise_wrong<2, 40, 41, 3, 2, 0>(77) == 0));
  // Small windows: chunks of 1 to a few output rows.
  static_assert(short_last_chunk<10, 11, 3, 1, 1, 300> && short_last_chunk<10, 17, 3, 2, 1, 380> &&
                runs_in_chunks<13, 7, 5, 2, 2, 400> && runs_in_chunks<6, 8, 3, 1, 2, 200> &&
                runs_in_chunks<5, 6, 1, 1, 1, 40> && runs_in_chunks<11, 9, 5, 1, 2, 500>);
  STATICNN_CHECK((depthwise_wrong<3, 10, 11, 3, 1, 1, 300>(78) == 0));
  STATICNN_CHECK((depthwise_wrong<5, 10, 17, 3, 2, 1, 380>(79) == 0));
  STATICNN_CHECK((depthwise_wrong<2, 13, 7, 5, 2, 2, 400>(80) == 0));
  STATICNN_CHECK((depthwise_wrong<1, 6, 8, 3, 1, 2, 200>(81) == 0));
  STATICNN_CHECK((depthwise_wrong<2, 5, 6, 1, 1, 1, 40>(82) == 0));  // the first and last chunks all padding
  STATICNN_CHECK((depthwise_wrong<4, 11, 9, 5, 1, 2, 500>(83) == 0));
}

// The ReLU6 kernel (kernels/arm/relu_vfp.hpp) against relu6_op bit for bit, as relu_vfp; values
// around 0 and 6 (6 itself, the floats either side of it), zeros of both signs and infinities.
STATICNN_TEST(relu6_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  using layer = activation_layer<shape<80>, relu6_op, float>;
  static_assert(layer::relu6_runs_vfp == (kernels::target::arm_vfp && kernels::target::arm_dsp));
  std::array<float, 80> x, y, z;
  std::size_t wrong = 0;
  // Counts below one group of 8, around the 32-value passes and the single groups after them.
  for (std::size_t n : {0, 1, 2, 3, 5, 7, 8, 9, 11, 15, 16, 17, 24, 31, 32, 33, 39, 40, 47, 63, 64, 65, 71, 72, 79}) {
    for (auto& v : x) v = next_uniform() * 10.0f;
    for (std::size_t i = 0; i + 9 <= x.size(); i += 27) {  // the special values in every group position
      float* p = x.data() + i;
      p[0] = 6.0f, p[1] = -0.0f, p[2] = 0.0f, p[3] = -__builtin_inff(), p[4] = std::bit_cast<float>(0x40c00001u);
      p[5] = __builtin_inff(), p[6] = std::bit_cast<float>(0x40bfffffu), p[7] = -6.5f, p[8] = 0x1p-149f;
    }
    y.fill(canary), z = x;
    layer::run(x.data(), y.data(), n);
    layer::run(z.data(), z.data(), n);
    for (std::size_t i = 0; i < y.size(); ++i) {
      const float want = i < n ? relu6_op::f(x[i]) : canary;
      wrong += std::bit_cast<std::uint32_t>(y[i]) != std::bit_cast<std::uint32_t>(want);
      wrong += std::bit_cast<std::uint32_t>(z[i]) != std::bit_cast<std::uint32_t>(i < n ? want : x[i]);
    }
  }
  STATICNN_CHECK(wrong == 0);
}

// Global average pooling (kernels/arm/sum_vfp.hpp's in-order sums) against the sums in order
// written out here, bit for bit, on maps of 5 (inline) to 100 values (the 16-value loop and its tail).
template <std::size_t C, std::size_t H, std::size_t W>
std::size_t mean_wrong(std::uint32_t seed) {
  using layer = global_avg_pool_layer<shape<C, H, W>, float>;
  static_assert(layer::runs_vfp == (kernels::target::arm_vfp && H * W >= 16));
  lcg = seed;
  for (std::size_t i = 0; i < C * H * W; ++i) inputs[i] = next_uniform() * 1000.0f;
  std::array<float, C> y;
  layer{}.forward(cview<float, C * H * W>(inputs.data(), C * H * W), view<float, C>(y.data(), C));
  std::size_t wrong = 0;
  for (std::size_t c = 0; c < C; ++c) {
    volatile float s = 0.0f;  // one rounding per addition, in order
    for (std::size_t i = 0; i < H * W; ++i) s = s + inputs[c * H * W + i];
    wrong += std::bit_cast<std::uint32_t>(y[c]) != std::bit_cast<std::uint32_t>(s * (1.0f / static_cast<float>(H * W)));
  }
  return wrong;
}

STATICNN_TEST(global_avg_pool_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  STATICNN_CHECK((mean_wrong<3, 1, 5>(71) == 0));
  STATICNN_CHECK((mean_wrong<5, 4, 4>(72) == 0));
  STATICNN_CHECK((mean_wrong<3, 3, 7>(75) == 0));
  STATICNN_CHECK((mean_wrong<2, 10, 10>(73) == 0));
  STATICNN_CHECK((mean_wrong<4, 7, 9>(74) == 0));
}

// The padded window copy of float convs (kernels/arm/pad_rows_vfp.hpp, conv2d_layer::pack_window)
// against the portable pad_rows bit for bit, for every start row from above the map to below it:
// widths 1 to 35 (VLDM/VSTM chunks of 16 and their rests), 1 to 5 channels, paddings 0 to 2 with
// left and right apart, inputs with -0.0 among them, the floats past the window untouched.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P, std::size_t R, std::size_t PL, std::size_t PR>
std::size_t pad_rows_wrong(std::uint32_t seed) {
  constexpr std::size_t PW = PL + W + PR, n = C * R * PW;
  lcg = seed;
  for (std::size_t i = 0; i < C * H * W; ++i) inputs[i] = i % 7 == 3 ? -0.0f : next_uniform();
  std::array<float, n + guard> got, want;
  std::size_t wrong = 0;
  for (std::size_t iy0 = 0; iy0 + R <= H + 2 * P + R - 1; ++iy0) {
    got.fill(canary), want.fill(canary);
    kernels::arm::pad_rows_f32<C, H, W, P, R, PL, PR>(inputs.data(), got.data(), iy0);
    kernels::pad_rows<C, H, W, P, R, float, PL, PR>(inputs.data(), want.data(), iy0, 0.0f);
    for (std::size_t i = 0; i < got.size(); ++i)
      wrong += std::bit_cast<std::uint32_t>(got[i]) != std::bit_cast<std::uint32_t>(want[i]);
  }
  return wrong;
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S, std::size_t P>
std::size_t padded_conv_wrong(std::uint32_t seed) {
  using layer_t = conv2d_layer<shape<C, H, W>, OC, K, S, P, float>;
  using out = typename layer_t::out_shape;
  constexpr std::size_t PH = H + 2 * P, PW = W + 2 * P;
  static layer_t conv;
  fill_uniform<C, H, W, 1, 1>(seed);
  for (auto& v : conv.params) v = next_uniform();
  static std::array<float, C * PH * PW> padded;
  kernels::pad_rows<C, H, W, P, PH, float>(inputs.data(), padded.data(), 0, 0.0f);
  std::array<float, out::size> got, want;
  conv.forward(cview<float, C * H * W>(inputs.data(), C * H * W), view<float, out::size>(got.data(), out::size));
  kernels::conv2d_forward<C, PH, PW, OC, K, S, float>(padded.data(), conv.params.data(),
                                                      conv.params.data() + layer_t::weight_count, want.data());
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < out::size; ++i)
    wrong += std::bit_cast<std::uint32_t>(got[i]) != std::bit_cast<std::uint32_t>(want[i]);
  return wrong;
}

STATICNN_TEST(pad_rows_vfp) {
  STATICNN_SKIP_WITHOUT_VFP;
  STATICNN_CHECK((pad_rows_wrong<1, 5, 1, 1, 3, 1, 1>(81) == 0));
  STATICNN_CHECK((pad_rows_wrong<2, 7, 16, 2, 5, 2, 2>(82) == 0));
  STATICNN_CHECK((pad_rows_wrong<3, 6, 17, 1, 3, 1, 1>(83) == 0));
  STATICNN_CHECK((pad_rows_wrong<5, 4, 35, 0, 2, 0, 0>(84) == 0));
  STATICNN_CHECK((pad_rows_wrong<3, 9, 32, 1, 4, 0, 1>(85) == 0));  // 'same' stride 2: right only
  STATICNN_CHECK((pad_rows_wrong<2, 3, 13, 2, 7, 1, 2>(86) == 0));
  // Through the layer: a padded conv run by rows (pack_window) equals the unpadded kernel on a
  // whole padded copy made by the portable pad_rows, bit for bit (the same kernel, the same order).
  STATICNN_CHECK((padded_conv_wrong<3, 9, 11, 4, 3, 2, 1>(87) == 0));
  STATICNN_CHECK((padded_conv_wrong<2, 8, 7, 3, 3, 1, 2>(88) == 0));
  // Windows of several output rows (layers/conv_rows.hpp) with a shorter last one: 4, 4, 2 rows
  // at stride 1, and 7, 2 at stride 2.
  // (one a window where a kernel takes several channels a call: the MVE targets' 4-channel one)
  using stride1 = conv2d_layer<shape<5, 10, 29>, 4, 3, 1, 1, float>;
  using stride2 = conv2d_layer<shape<3, 17, 20>, 2, 3, 2, 1, float>;
  static_assert(conv_rows::output_rows_per_window<stride1, float>() ==
                (kernels::target::arm_vfp && stride1::channel_group == 1 ? 4 : 1));
  static_assert(conv_rows::output_rows_per_window<stride2, float>() ==
                (kernels::target::arm_vfp && stride2::channel_group == 1 ? 7 : 1));
  STATICNN_CHECK((padded_conv_wrong<5, 10, 29, 4, 3, 1, 1>(89) == 0));
  STATICNN_CHECK((padded_conv_wrong<3, 17, 20, 2, 3, 2, 1>(90) == 0));
}

STATICNN_TEST(conv_vfp_channel_step_past_4k) {
  STATICNN_SKIP_WITHOUT_VFP;
  // 35 x 33 floats per channel: the step between channels needs both of its immediates.
  STATICNN_CHECK((conv_wrong<2, 35, 33, 2, 3, 1>(18) == 0));
  STATICNN_CHECK((conv_wrong<3, 32, 32, 1, 5, 2>(19) == 0));
}

STATICNN_TEST(conv_vfp_instructions_per_mac) {
  STATICNN_SKIP_WITHOUT_VFP;
  bench<1, 30, 30, 16, 3, 1>("3x3 on 1 channel (padded 28x28)");
  bench<16, 16, 16, 32, 3, 1>("3x3 on 16 channels (padded 14x14)");
  bench<3, 34, 34, 16, 3, 1>("3x3 on 3 channels (padded 32x32)");
  bench<3, 32, 32, 16, 1, 1>("1x1 on 3 channels (pointwise)");
  bench<8, 32, 32, 32, 1, 1>("1x1 on 8 channels (pointwise)");
  bench<16, 14, 14, 32, 1, 1>("1x1 on 16 channels (pointwise)");
  bench<32, 16, 16, 16, 1, 1>("1x1 on 32 channels (pointwise)");
  bench<64, 8, 8, 64, 1, 1>("1x1 on 64 channels (pointwise)");
  bench<8, 32, 32, 8, 7, 2>("7x7 stride 2 on 8 channels");
  bench<6, 12, 12, 16, 5, 1>("5x5 on 6 channels (BN-LeNet conv2)");
}

int main() { return staticnn::fw_test::run_all("kernels_vfp"); }
