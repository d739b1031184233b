// The kernels of Armv8.1-M MVE (Helium) targets (Cortex-M55) against the portable kernels, bit
// for bit for int8, on shapes they were not tuned for, and their instructions per MAC (printed).
// Elsewhere every test skips, the image exits with skip_exit and CTest reports it as skipped.
#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <type_traits>

#include "harness.hpp"
#include "instruction_counter.hpp"
#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;

namespace {
std::uint32_t lcg_state = 1;
std::int32_t next() { return static_cast<std::int32_t>((lcg_state = lcg_state * 1664525u + 1013904223u) >> 8); }

// Per-channel rescales of every form TFLite allows: right shifts 1-31 with multipliers in
// [2^30, 2^31), a multiplier below 2^30, shift 0, left shifts, and INT32_MIN-sized products.
template <std::size_t G>
struct rescales {
  std::array<std::int32_t, G> bias{}, mult{};
  std::array<std::int8_t, G> shift{};
  void fill(std::int32_t bias_range) {
    for (std::size_t o = 0; o < G; ++o) {
      bias[o] = next() % (2 * bias_range + 1) - bias_range;
      mult[o] = (1 << 30) + next() % (1 << 30);
      shift[o] = static_cast<std::int8_t>(-6 - next() % 8);
      switch (o % 7) {
        case 2: mult[o] = 3 << 25; break;
        case 4: shift[o] = 0, mult[o] = 1 << 22; break;
        case 5: shift[o] = 1, mult[o] = 1 << 20; break;
        case 6: shift[o] = static_cast<std::int8_t>(-23 - o % 9); break;
        default: break;
      }
    }
  }
};

// requantize_mve (the vector rescale of the conv and dense kernels) against fixed_point.hpp's
// requantize on exact ties of the rounding divide, both signs: with multiplier 2^30 the high
// multiply halves an even acc exactly, so acc = +-(2j + 1) 2^e gives (2j + 1) 2^(e-1), a tie that
// TFLite rounds away from zero; plus the ends of int32, shift 0 and left shifts.
STATICNN_TEST(int8_requantize_ties) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no vector rescale on this target");
#ifdef STATICNN_ARM_MVE
  std::size_t wrong = 0, checked = 0;
  auto check4 = [&](const std::int32_t (&acc)[4], std::int32_t m, std::int8_t shift, std::int32_t zp) {
    const std::int8_t shifts[4] = {shift, shift, shift, shift};
    const std::int32_t ms[4] = {m, m, m, m};
    const std::int32_t zero = 0;
    const kernels::channel_rescale q{&zero, ms, shifts, zp, -128, 127};
    // The lanes as the conv kernel (mve_rescale_pair) and the dense kernel (mve_rescale_lanes) build them.
    for (const auto& r : {kernels::arm::mve_rescale_pair(q, 0, 0), kernels::arm::mve_rescale_lanes(ms, shifts)}) {
      alignas(16) std::int32_t out[4];
      vstrwq_s32(out, kernels::arm::requantize_mve(vld1q_s32(acc), r, zp, -128, 127));
      for (int i = 0; i < 4; ++i, ++checked) wrong += out[i] != kernels::requantize(acc[i], m, shift, zp);
    }
  };
  for (int e = 1; e <= 12; ++e)
    for (std::int32_t j = 0; j < 8; ++j) {
      const std::int32_t t = (2 * j + 1) << e;
      check4({t, -t, t + 2, -t - 2}, 1 << 30, static_cast<std::int8_t>(-e), j - 4);
    }
  check4({2147483647, -2147483647 - 1, 1 << 30, -(1 << 30)}, 2147483647, -31, 0);
  check4({2147483647, -2147483647 - 1, 1000, -1000}, 1 << 30, 0, 3);
  check4({70000, -70000, 1 << 29, -(1 << 29)}, 1 << 30, 3, -2);  // left shifts, wrapping as TFLite
  STATICNN_CHECK(checked == 2 * (12 * 8 * 4 + 12));
  STATICNN_CHECK(wrong == 0);
#endif
}

// conv2d_s8_rows_mve against conv2d_s8_rows_portable on a C x H x W input (already padded):
// output rows [oy0, oy0 + rows) of G channels; the number of bytes that differ (past the output:
// untouched).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
std::size_t check_conv_rows(std::uint32_t seed, std::size_t oy0, std::size_t rows, std::int32_t act_min = -128,
                            std::int32_t act_max = 127) {
  if constexpr (!kernels::target::arm_mve) {
    return 1000;
  } else {
    constexpr std::size_t OW = (W - K) / S + 1, OH = (H - K) / S + 1, F = C * K * K;
    if (oy0 + rows > OH) return 1000;
    lcg_state = seed;
    static std::array<std::int8_t, C * H * W> x{};
    static std::array<std::int8_t, G * F> w{};
    static rescales<G> r;
    for (auto& v : x) v = static_cast<std::int8_t>((next() & 0xff) - 128);
    for (auto& v : w) v = static_cast<std::int8_t>(next() % 255 - 127);
    r.fill(100000);
    const kernels::channel_rescale q{r.bias.data(), r.mult.data(), r.shift.data(), -5, act_min, act_max};
    static std::array<std::int8_t, G * OH * OW + 8> got{}, want{};
    got.fill(0x5a), want.fill(0x5a);
    kernels::arm::conv2d_s8_rows_mve<C, H, W, K, S, G>(x.data(), w.data(), q, got.data(), oy0, rows);
    kernels::conv2d_s8_rows_portable<C, H, W, K, S, G>(x.data(), w.data(), q, want.data(), oy0, rows);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i] != want[i] && wrong < 6) fw::console::print("  at ", i, ": ", int{got[i]}, " want ", int{want[i]}, "\n");
      wrong += got[i] != want[i];
    }
    return wrong;
  }
}
}  // namespace

STATICNN_TEST(int8_conv_rows_any_shape) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium conv kernel on this target");
  STATICNN_CHECK((check_conv_rows<1, 9, 13, 3, 1, 5>(1, 0, 7) == 0));  // odd width, odd channel count
  STATICNN_CHECK((check_conv_rows<1, 11, 12, 3, 2, 3>(2, 1, 4) == 0));
  STATICNN_CHECK((check_conv_rows<2, 6, 7, 3, 1, 4>(3, 2, 2, -5, 127) == 0));  // ReLU clamp
  STATICNN_CHECK((check_conv_rows<3, 9, 11, 3, 2, 7>(4, 0, 4) == 0));
  STATICNN_CHECK((check_conv_rows<3, 8, 9, 3, 1, 2>(5, 3, 3, -100, 90) == 0));
  STATICNN_CHECK((check_conv_rows<5, 7, 9, 3, 1, 6>(6, 1, 4) == 0));
  STATICNN_CHECK((check_conv_rows<16, 6, 11, 3, 1, 9>(7, 0, 3) == 0));  // F = 144: whole vectors
  STATICNN_CHECK((check_conv_rows<17, 5, 9, 3, 2, 4>(8, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<16, 3, 7, 1, 1, 5>(9, 1, 2) == 0));  // pointwise
  STATICNN_CHECK((check_conv_rows<5, 4, 5, 1, 2, 3>(10, 0, 2, -20, 20) == 0));
  STATICNN_CHECK((check_conv_rows<1, 9, 10, 5, 1, 3>(12, 1, 4) == 0));
  STATICNN_CHECK((check_conv_rows<6, 12, 12, 5, 1, 16>(13, 0, 8) == 0));  // LeNet's second conv
  STATICNN_CHECK((check_conv_rows<1, 9, 15, 7, 2, 3>(14, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<2, 18, 19, 11, 1, 2>(15, 0, 3) == 0));  // K = 11
  STATICNN_CHECK((check_conv_rows<1, 17, 17, 16, 1, 1>(16, 0, 2) == 0));  // K = 16, one channel
  // The columns kernel's other layouts: fan-in past 256 (16-bit weight gather) in two blocks of
  // channels, odd C with stride 2 and a 4-pixel row, K = 7 on 10 channels (fan-in 490, one channel
  // pair a block); and a pixel step past what it takes (S C K = 144: the patches kernel).
#ifdef STATICNN_ARM_MVE
  static_assert(kernels::arm::conv2d_s8_cols_mve_fits<32, 4, 8, 3, 1> &&
                kernels::arm::conv2d_s8_cols_mve_layout<32, 4, 8, 3, 1>::template block_for<10> < 10);
  static_assert(kernels::arm::conv2d_s8_cols_mve_fits<10, 8, 11, 7, 1> &&
                !kernels::arm::conv2d_s8_cols_mve_fits<48, 3, 6, 3, 1>);
#endif
  STATICNN_CHECK((check_conv_rows<32, 4, 8, 3, 1, 10>(17, 0, 2) == 0));
  STATICNN_CHECK((check_conv_rows<7, 6, 9, 3, 2, 5>(18, 1, 1, -30, 100) == 0));
  STATICNN_CHECK((check_conv_rows<10, 8, 11, 7, 1, 3>(19, 1, 1) == 0));
  STATICNN_CHECK((check_conv_rows<48, 3, 6, 3, 1, 3>(20, 0, 1) == 0));
}

// dense_s8_mve against dense_s8_portable: random inputs and weights, every rescale form, with
// and without a clamp and a table; N not a multiple of 4 and M not of 16 (the tails).
namespace {
template <std::size_t M, std::size_t N>
std::size_t check_dense(std::uint32_t seed, bool with_table, std::int32_t act_min = -128, std::int32_t act_max = 127) {
  if constexpr (!kernels::target::arm_mve) {
    return 1000;
  } else {
    lcg_state = seed;
    static std::array<std::int8_t, M> x{};
    static std::array<std::int8_t, M * N> w{};
    static std::array<std::int8_t, 256> table{};
    static rescales<N> r;
    for (auto& v : x) v = static_cast<std::int8_t>((next() & 0xff) - 128);
    for (auto& v : w) v = static_cast<std::int8_t>(next() % 255 - 127);
    for (auto& v : table) v = static_cast<std::int8_t>((next() & 0xff) - 128);
    r.fill(20000);
    const kernels::channel_rescale q{r.bias.data(), r.mult.data(), r.shift.data(), 7, act_min, act_max};
    static std::array<std::int8_t, N + 8> got{}, want{};
    got.fill(0x5a), want.fill(0x5a);
    const std::int8_t* t = with_table ? table.data() + 128 : nullptr;
    kernels::arm::dense_s8_mve<M, N>(w.data(), q, x.data(), got.data(), t);
    kernels::dense_s8_portable<M, N>(w.data(), q, x.data(), want.data(), t);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i] != want[i] && wrong < 6) fw::console::print("  at ", i, ": ", int{got[i]}, " want ", int{want[i]}, " shift ", int{r.shift[i]}, " m ", r.mult[i], "\n");
      wrong += got[i] != want[i];
    }
    return wrong;
  }
}
}  // namespace

STATICNN_TEST(int8_dense_any_shape) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium dense kernel on this target");
  STATICNN_CHECK((check_dense<256, 120>(21, true) == 0));  // LeNet's fc1
  STATICNN_CHECK((check_dense<1, 1>(22, false) == 0));
  STATICNN_CHECK((check_dense<15, 3>(23, false, -7, 127) == 0));
  STATICNN_CHECK((check_dense<17, 5>(24, true) == 0));
  STATICNN_CHECK((check_dense<84, 10>(25, false) == 0));
  STATICNN_CHECK((check_dense<100, 7>(26, true, -50, 60) == 0));
  STATICNN_CHECK((check_dense<33, 66>(27, false) == 0));
}

// The table lookup and the 2x2 average pooling row against the definitions: table[x + 128] and
// TFLite's rounded average (sum + 2 - [sum < 0]) / 4 truncated (written out here), on every int8
// value and widths that leave tails.
STATICNN_TEST(int8_lookup_and_avg_pool) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium lookup or pooling kernel on this target");
  lcg_state = 31;
  static std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = static_cast<std::int8_t>((next() & 0xff) - 128);
  static std::array<std::int8_t, 301> x{}, y{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<std::int8_t>(i < 256 ? i : next() & 0xff);
  y.fill(0x5a);
  const std::size_t done = kernels::arm::lookup_s8_mve(x.data(), y.data(), 299, table.data());
  STATICNN_CHECK(done == 288);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < y.size(); ++i) wrong += y[i] != (i < done ? table[static_cast<std::uint8_t>(x[i] + 128)] : 0x5a);
  STATICNN_CHECK(wrong == 0);

  // Every output of rows of 37 (18 outputs: the last step overlaps the one before) and 16 (8: one
  // step), none of rows of 10 (5 outputs: fewer than a step); past them untouched.
  auto pool_rows = [&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
    static std::array<std::int8_t, 2 * W> rows{};
    static std::array<std::int8_t, W / 2 + 4> p{};
    for (int round = 0; round < 8; ++round) {
      for (auto& v : rows) v = static_cast<std::int8_t>(round < 2 ? (round ? 127 : -128) - (next() & 3) : (next() & 0xff) - 128);
      p.fill(0x5a);
      const std::size_t n = kernels::arm::avg_pool2_row_s8_mve<W>(rows.data(), p.data());
      STATICNN_CHECK(n == (W / 2 >= 8 ? W / 2 : 0));
      wrong = 0;
      for (std::size_t o = 0; o < p.size(); ++o) {
        std::int32_t want = 0x5a;  // past what the kernel wrote: untouched
        if (o < n) {
          const std::int32_t s = rows[2 * o] + rows[2 * o + 1] + rows[W + 2 * o] + rows[W + 2 * o + 1];
          want = s >= 0 ? (s + 2) / 4 : (s - 2) / 4;
        }
        wrong += p[o] != want;
      }
      STATICNN_CHECK(wrong == 0);
    }
  };
  pool_rows(std::integral_constant<std::size_t, 37>{});
  pool_rows(std::integral_constant<std::size_t, 16>{});
  pool_rows(std::integral_constant<std::size_t, 10>{});
}

// The float conv and dense kernels against a double-precision sum written out here, on shapes
// with tails (a row of 1-3 vectors after the blocks of 16, M % 4 inputs, N % 4 rows): the largest
// error relative to the sum of |products| (float's rounding of a sum in any order stays below
// fan-in x 2^-24 of it).
namespace {
float frand() { return static_cast<float>(next() % 20001 - 10000) / 10000.0f; }

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K>
double check_conv_float(std::uint32_t seed, std::size_t rows) {
  if constexpr (!kernels::target::arm_mve) {
    return 1.0;
  } else {
    constexpr std::size_t OW = W - K + 1;
    lcg_state = seed;
    static std::array<float, C * H * W> x{};
    static std::array<float, C * K * K> w{};
    static std::array<float, 64 * OW + 4> y{};
    for (auto& v : x) v = frand();
    for (auto& v : w) v = frand();
    const float bias = frand();
    y.fill(1e30f);
    kernels::arm::conv_mve_rows<C, H, W, K, 1>(x.data(), w.data(), bias, y.data(), rows);
    double worst = 0;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        double sum = bias, mag = bias < 0 ? -bias : bias;
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t ky = 0; ky < K; ++ky)
            for (std::size_t kx = 0; kx < K; ++kx) {
              const double p = double{w[(c * K + ky) * K + kx]} * x[(c * H + r + ky) * W + ox + kx];
              sum += p, mag += p < 0 ? -p : p;
            }
        const double e = (y[r * OW + ox] - sum) / mag;
        worst = e < 0 ? (-e > worst ? -e : worst) : (e > worst ? e : worst);
      }
    if (y[rows * OW] != 1e30f) worst = 1.0;  // nothing written past the rows
    return worst;
  }
}

template <std::size_t M, std::size_t N>
double check_dense_float(std::uint32_t seed) {
  if constexpr (!kernels::target::arm_mve) {
    return 1.0;
  } else {
    lcg_state = seed;
    static std::array<float, M> x{};
    static std::array<float, M * N> w{};
    static std::array<float, N> b{};
    static std::array<float, N + 1> y{};
    for (auto& v : x) v = frand();
    for (auto& v : w) v = frand();
    for (auto& v : b) v = frand();
    y.fill(1e30f);
    kernels::dense_forward<M, N>(w.data(), b.data(), x.data(), y.data());
    double worst = 0;
    for (std::size_t o = 0; o < N; ++o) {
      double sum = b[o], mag = b[o] < 0 ? -b[o] : b[o];
      for (std::size_t i = 0; i < M; ++i) {
        const double p = double{w[o * M + i]} * x[i];
        sum += p, mag += p < 0 ? -p : p;
      }
      const double e = (y[o] - sum) / mag;
      worst = e < 0 ? (-e > worst ? -e : worst) : (e > worst ? e : worst);
    }
    if (y[N] != 1e30f) worst = 1.0;
    return worst;
  }
}
}  // namespace

STATICNN_TEST(float_conv_and_dense_any_shape) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium float kernels on this target");
  static_assert(!kernels::target::arm_mve || kernels::dense_runs_mve<7, float>);
  constexpr double tol = 1e-5;  // fan-in <= 150: 150 x 2^-24 < 1e-5
  STATICNN_CHECK((check_conv_float<1, 28, 28, 5>(41, 3) < tol));   // 24 = 16 + 8
  STATICNN_CHECK((check_conv_float<6, 12, 12, 5>(42, 8) < tol));   // 8: two vectors
  STATICNN_CHECK((check_conv_float<3, 9, 23, 3>(43, 5) < tol));    // 21 = 16 + 5 (overlap of 3)
  STATICNN_CHECK((check_conv_float<2, 6, 8, 5>(44, 2) < tol));     // 4: one vector
  STATICNN_CHECK((check_conv_float<5, 7, 40, 1>(45, 7) < tol));    // K = 1, 40 = 32 + 8
  STATICNN_CHECK((check_conv_float<1, 17, 17, 7>(46, 11) < tol));  // 11 = 3 vectors, overlap of 1
  STATICNN_CHECK((check_dense_float<256, 120>(47) < tol));
  STATICNN_CHECK((check_dense_float<7, 5>(48) < tol));
  STATICNN_CHECK((check_dense_float<84, 10>(49) < tol));
  STATICNN_CHECK((check_dense_float<1, 3>(50) < tol));
  STATICNN_CHECK((check_dense_float<120, 7>(51) < tol));  // 16-input loop, then 8
  STATICNN_CHECK((check_dense_float<29, 9>(52) < tol));    // loop, 8, 4 and 1 left
  STATICNN_CHECK((check_dense_float<13, 6>(53) < tol));    // no loop: 8, 4 and 1 left
}

// The 4-channel float conv (arm::conv_mve_channels) against a double-precision sum written out
// here, as check_conv_float: channels [oc, oc + G) of OC, rows [oy0, oy0 + rows), on shapes it was
// not tuned for (odd C, K = 1, 3, 7, 10, strides 2 and 3, OW not a multiple of the block, G = 5
// and 9 where the last group of 4 overlaps, an input plane past 4 KB); nothing written past the
// G planes. Then conv2d_layer with padding (its window path hands the kernel channel_group
// channels) and rectangular kernels and strides against the same sum over the zero-padded input.
namespace {
std::array<float, 1400> conv_channels_y;  // the largest G x rows x OW below is 1,323

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t OC>
double check_conv_channels(std::uint32_t seed, std::size_t oc, std::size_t G, std::size_t oy0, std::size_t rows) {
  if constexpr (!kernels::target::arm_mve) {
    return 1.0;
  } else {
    static_assert(kernels::arm::conv_mve4_fits<C, H, W, K, S, OC>);
    constexpr std::size_t OW = (W - K) / S + 1;
    lcg_state = seed;
    static std::array<float, C * H * W> x{};
    static std::array<float, OC * C * K * K> w{};
    static std::array<float, OC> b{};
    auto& y = conv_channels_y;
    for (auto& v : x) v = frand();
    for (auto& v : w) v = frand();
    for (auto& v : b) v = frand();
    y.fill(1e30f);
    const std::size_t plane = rows * OW;
    kernels::arm::conv_mve_channels<C, H, W, K, S, OC>(x.data() + oy0 * S * W, w.data(), b.data(), y.data(), oc, G,
                                                        plane, rows);
    double worst = 0;
    for (std::size_t g = 0; g < G; ++g)
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          const std::size_t o = oc + g, oy = oy0 + r;
          double sum = b[o], mag = b[o] < 0 ? -b[o] : b[o];
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t ky = 0; ky < K; ++ky)
              for (std::size_t kx = 0; kx < K; ++kx) {
                const double p = double{w[((o * C + c) * K + ky) * K + kx]} * x[(c * H + oy * S + ky) * W + ox * S + kx];
                sum += p, mag += p < 0 ? -p : p;
              }
          const double e = (y[g * plane + r * OW + ox] - sum) / mag;
          worst = e < 0 ? (-e > worst ? -e : worst) : (e > worst ? e : worst);
        }
    for (std::size_t i = G * plane; i < y.size(); ++i)
      if (y[i] != 1e30f) worst = 1.0;
    return worst;
  }
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t OC, std::size_t K, std::size_t S, std::size_t Pad,
          std::size_t KW = K, std::size_t SW = S, std::size_t PadL = Pad>
double check_conv_layer(std::uint32_t seed) {
  using layer = conv2d_layer<shape<C, H, W>, OC, K, S, Pad, float, KW, SW, PadL>;
  static_assert(!kernels::target::arm_mve || layer::channel_group == kernels::arm::conv_mve4_group(OC));
  constexpr std::size_t OH = layer::out_shape::height, OW = layer::out_shape::width;
  lcg_state = seed;
  static layer l;
  static std::array<float, C * H * W> x{};
  static std::array<float, OC * OH * OW> y{};
  for (auto& v : l.params) v = frand();
  for (auto& v : x) v = frand();
  l.forward(cview<float, C * H * W>(x), view<float, OC * OH * OW>(y));
  double worst = 0;
  for (std::size_t o = 0; o < OC; ++o)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox) {
        const float bias = l.params[layer::weight_count + o];
        double sum = bias, mag = bias < 0 ? -bias : bias;
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t ky = 0; ky < K; ++ky)
            for (std::size_t kx = 0; kx < KW; ++kx) {
              const std::size_t iy = oy * S + ky, ix = ox * SW + kx;
              if (iy < Pad || iy >= H + Pad || ix < PadL || ix >= W + PadL) continue;
              const double p =
                  double{l.params[((o * C + c) * K + ky) * KW + kx]} * x[(c * H + iy - Pad) * W + ix - PadL];
              sum += p, mag += p < 0 ? -p : p;
            }
        const double e = (y[(o * OH + oy) * OW + ox] - sum) / (mag > 0 ? mag : 1.0);
        worst = e < 0 ? (-e > worst ? -e : worst) : (e > worst ? e : worst);
      }
  return worst;
}
}  // namespace

STATICNN_TEST(float_conv_channels_any_shape) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium float kernels on this target");
  constexpr double tol = 1e-5;  // fan-in <= 200: 200 x 2^-24 < 1.2e-5, and the sums stay far below
  STATICNN_CHECK((check_conv_channels<1, 28, 28, 5, 1, 6>(71, 0, 6, 3, 2) < tol));    // LeNet conv1: G = 6
  STATICNN_CHECK((check_conv_channels<3, 11, 13, 3, 2, 5>(72, 0, 5, 0, 5) < tol));    // stride 2, OW 6, G = 5
  STATICNN_CHECK((check_conv_channels<7, 12, 15, 7, 1, 8>(73, 4, 4, 1, 4) < tol));    // K = 7, OW 9, second group
  STATICNN_CHECK((check_conv_channels<2, 5, 9, 1, 1, 4>(74, 0, 4, 2, 3) < tol));      // K = 1
  STATICNN_CHECK((check_conv_channels<5, 9, 23, 3, 1, 9>(75, 0, 9, 0, 7) < tol));     // OW 21, G = 9
  STATICNN_CHECK((check_conv_channels<2, 40, 40, 5, 3, 4>(76, 0, 4, 5, 2) < tol));    // 6,400 B planes, stride 3
  STATICNN_CHECK((check_conv_channels<3, 12, 13, 10, 1, 12>(77, 8, 4, 0, 3) < tol));  // K = 10: blocks of 1
  STATICNN_CHECK((check_conv_channels<16, 4, 16, 3, 1, 32>(78, 28, 4, 0, 2) < tol));  // C = 16, the last group
  STATICNN_CHECK((check_conv_layer<3, 9, 10, 6, 3, 1, 1>(79) < tol));                 // padded, G = 6
  STATICNN_CHECK((check_conv_layer<4, 11, 11, 8, 5, 2, 2>(80) < tol));                // padded, stride 2
  STATICNN_CHECK((check_conv_layer<1, 7, 9, 5, 3, 1, 0>(81) < tol));                  // unpadded forward, G = 5
  STATICNN_CHECK((check_conv_layer<1, 25, 10, 8, 10, 2, 4, 4, 2, 1>(82) < tol));      // DS-CNN's 10 x 4, strides 2
  STATICNN_CHECK((check_conv_layer<3, 9, 11, 4, 1, 1, 0, 3, 2, 0>(83) < tol));        // 1 x 3, column stride 2
  STATICNN_CHECK((check_conv_layer<2, 12, 7, 6, 5, 3, 0, 2, 1, 0>(84) < tol));        // 5 x 2, row stride 3
  STATICNN_CHECK((check_conv_layer<2, 6, 30, 5, 1, 2, 0, 3, 1, 0>(85) < tol));       // 1 x 3, row stride 2, OW 28
}

// The 2x2 pooling row kernels (kernels/arm/pool_mve.hpp, through pool_layer::reduce_row and
// reduce_row_then with ReLU) against pool_layer::reduce window by window: average equal in value
// (a zero's sign may differ), ReLU of the maximum bit for bit; widths with 1-3 outputs left after
// the steps, a dropped column, ties and zeros of both signs; nothing written past the row.
namespace {
template <std::size_t W>
std::size_t pool2_mve_wrong(std::uint32_t seed) {
  constexpr std::size_t OW = W / 2;
  using avg = pool_layer<shape<1, 2, W>, 2, avg_pool_op, float>;
  using max = pool_layer<shape<1, 2, W>, 2, max_pool_op, float>;
  using relu_layer = activation_layer<shape<OW>, relu_op, float>;
  static_assert(avg::avg_row_mve == kernels::target::arm_mve);
  static_assert(!kernels::target::arm_mve || max::template fuses_row_then<relu_layer>);
  lcg_state = seed;
  std::array<float, 2 * W> rows;
  for (auto& v : rows) v = frand();
  rows[1] = rows[0], rows[W + 2] = -0.0f, rows[4] = 0.0f, rows[5] = -0.0f, rows[W + 4] = -0.0f, rows[W + 5] = -1.0f;
  constexpr float canary = 777.0f;
  std::array<float, OW + 3> y;
  std::size_t wrong = 0;
  y.fill(canary);
  avg::reduce_row(rows.data(), y.data());
  for (std::size_t px = 0; px < OW; ++px) wrong += !(y[px] == avg::reduce(rows.data() + 2 * px, W));
  for (std::size_t i = OW; i < y.size(); ++i) wrong += y[i] != canary;
  if constexpr (max::template fuses_row_then<relu_layer>) {  // where the image runs (MVE), always
    y.fill(canary);
    max::reduce_row_then(rows.data(), y.data(), relu_layer{});
    for (std::size_t px = 0; px < OW; ++px)
      wrong += std::bit_cast<std::uint32_t>(y[px]) != std::bit_cast<std::uint32_t>(relu_op::f(max::reduce(rows.data() + 2 * px, W)));
    for (std::size_t i = OW; i < y.size(); ++i) wrong += y[i] != canary;
  }
  return wrong;
}
}  // namespace

STATICNN_TEST(float_pool2_rows) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium float kernels on this target");
  STATICNN_CHECK(pool2_mve_wrong<24>(91) == 0);  // 12: three steps
  STATICNN_CHECK(pool2_mve_wrong<9>(92) == 0);   // 4 and a dropped column
  STATICNN_CHECK(pool2_mve_wrong<22>(93) == 0);  // 11: two steps and 3
  STATICNN_CHECK(pool2_mve_wrong<6>(94) == 0);   // 3: no step
  STATICNN_CHECK(pool2_mve_wrong<19>(95) == 0);  // 9: two steps and 1
}

// The vector sigmoid and tanh (kernels/arm/sigmoid_mve.hpp) against the VFP kernel they give the
// values of, bit for bit: values across [-20, 20] and [-2, 2], zeros of both signs, tiny values,
// infinities and NaN, lengths 0 to 13 (the vectors and the VFP tail), in place and not, with
// nothing written past n.
STATICNN_TEST(float_sigmoid_tanh_match_vfp) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium float kernels on this target");
#ifdef STATICNN_ARM_MVE
  std::size_t wrong = 0, checked = 0;
  constexpr float canary = 12345.0f;
  for (int form = 0; form < 2; ++form)
    for (std::size_t n = 0; n < 14; ++n) {
      lcg_state = 60 + static_cast<std::uint32_t>(n);
      std::array<float, 16> x, y, z, want;
      for (auto& v : x) v = frand() * (n % 2 == 0 ? 20.0f : 2.0f);
      x[1] = -0.0f, x[2] = 0.0f, x[3] = -__builtin_inff(), x[5] = __builtin_inff(), x[6] = 0x1p-21f;
      x[9] = __builtin_nanf(""), x[10] = 1e-40f;
      y.fill(canary), want.fill(canary), z = x;
      if (form == 0) {
        kernels::arm::sigmoid_mve(x.data(), y.data(), n);
        kernels::arm::sigmoid_mve(z.data(), z.data(), n);
        kernels::arm::sigmoid(x.data(), want.data(), n);
      } else {
        kernels::arm::tanh_mve(x.data(), y.data(), n);
        kernels::arm::tanh_mve(z.data(), z.data(), n);
        kernels::arm::tanh(x.data(), want.data(), n);
      }
      for (std::size_t i = 0; i < y.size(); ++i, ++checked) {
        wrong += std::bit_cast<std::uint32_t>(y[i]) != std::bit_cast<std::uint32_t>(want[i]);
        wrong += std::bit_cast<std::uint32_t>(z[i]) != std::bit_cast<std::uint32_t>(i < n ? want[i] : x[i]);
      }
    }
  STATICNN_CHECK(checked == 2 * 14 * 16);
  STATICNN_CHECK(wrong == 0);
#endif
}

// QEMU counts an MVE instruction as one instruction (its beats are not counted apart), so the
// figures per MAC below and in the firmware report compare with the other cores': a loop of
// `iterations` x (4 VMLADAVA + 2 VLDRB + SUBS + BNE) must count 8 per iteration, within the
// measurement's few ticks of overhead.
STATICNN_TEST(qemu_counts_one_per_mve_instruction) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE on this target");
#ifdef STATICNN_ARM_MVE
  namespace ic = fw::instruction_counter;
  constexpr unsigned iterations = 20000, per_iteration = 8;
  alignas(16) static std::int8_t data[32] = {};
  unsigned n = iterations;
  std::int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  int8x16_t q0, q1;
  const std::int8_t* p = data;
  ic::start();
  asm volatile(
      "1:\n"
      "vldrb.u8 %q[q0], [%[p]]\n"
      "vldrb.u8 %q[q1], [%[p], #16]\n"
      "vmladava.s8 %[a0], %q[q0], %q[q1]\n"
      "vmladava.s8 %[a1], %q[q1], %q[q0]\n"
      "vmladava.s8 %[a2], %q[q0], %q[q0]\n"
      "vmladava.s8 %[a3], %q[q1], %q[q1]\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      : [a0] "+Te"(a0), [a1] "+Te"(a1), [a2] "+Te"(a2), [a3] "+Te"(a3), [q0] "=&w"(q0), [q1] "=&w"(q1), [n] "+r"(n)
      : [p] "r"(p)
      : "cc", "memory");
  const std::uint64_t counted = ic::stop();
  const std::uint64_t expected = std::uint64_t{iterations} * per_iteration;
  fw::console::print("qemu: ", counted, " instructions counted for ", expected, " executed\n");
  STATICNN_CHECK(counted >= expected && counted <= expected + 200);
#endif
}

// Instructions per MAC on shapes of the usual CNNs (a printed figure, no assertion).
namespace {
constexpr std::size_t bench_arena_bytes = 24 * 1024;
alignas(4) std::array<std::int8_t, bench_arena_bytes> bench_arena;
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
void bench_conv_rows(const char* what, std::size_t rows) {
  if constexpr (kernels::target::arm_mve) {
    namespace ic = fw::instruction_counter;
    constexpr std::size_t OW = (W - K) / S + 1;
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
    kernels::arm::conv2d_s8_rows_mve<C, H, W, K, S, G>(x.data(), w.data(), q, y.data(), 0, rows);
    const std::uint64_t n = ic::stop();
    const std::uint64_t macs = std::uint64_t{G} * rows * OW * C * K * K;
    fw::console::print("conv_rows ", what, ": ", n, " instructions, ", macs, " MACs, ",
                       fw::console::fixed{static_cast<double>(n) / static_cast<double>(macs), 3}, " per MAC\n");
  }
}
}  // namespace

STATICNN_TEST(int8_conv_rows_instructions_per_mac) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE: no Helium conv kernel on this target");
  bench_conv_rows<1, 28, 28, 5, 1, 6>("C=1 K=5 28x28 -> 6, 24 rows (LeNet conv1)", 24);
  bench_conv_rows<6, 12, 12, 5, 1, 16>("C=6 K=5 12x12 -> 16, 8 rows (LeNet conv2)", 8);
  bench_conv_rows<1, 30, 30, 3, 1, 16>("C=1 K=3 30x30 -> 16, 28 rows", 28);
  bench_conv_rows<16, 16, 16, 3, 1, 32>("C=16 K=3 16x16 -> 32, 14 rows", 14);
  bench_conv_rows<16, 14, 14, 1, 1, 32>("C=16 K=1 14x14 -> 32, 14 rows", 14);
}

// Float conv: instructions per MAC of the MVE kernel and of the VFP kernel on the same core, all
// output rows of one channel (printed).
namespace {
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K>
void bench_conv_float(const char* what) {
  if constexpr (kernels::target::arm_mve) {
    namespace ic = fw::instruction_counter;
    constexpr std::size_t OW = W - K + 1, OH = H - K + 1;
    static std::array<float, C * H * W> x{};
    static std::array<float, C * K * K> w{};
    static std::array<float, OH * OW> y{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) * 0.25f;
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 5) * 0.5f;
    ic::start();
    kernels::arm::conv_mve_rows<C, H, W, K, 1>(x.data(), w.data(), 0.5f, y.data(), OH);
    const std::uint64_t mve = ic::stop();
    std::uint64_t vfp = 0;
    if constexpr (kernels::arm::conv_vfp_fits<C, H, W, K, 1>) {
      ic::start();
      kernels::arm::conv_vfp_rows<C, H, W, K, 1>(x.data(), w.data(), 0.5f, y.data(), OH);
      vfp = ic::stop();
    }
    const double macs = static_cast<double>(OH * OW * C * K * K);
    fw::console::print("conv float ", what, ": mve ", fw::console::fixed{static_cast<double>(mve) / macs, 3},
                       " per MAC, vfp ", fw::console::fixed{static_cast<double>(vfp) / macs, 3}, " per MAC\n");
  }
}
}  // namespace

STATICNN_TEST(float_conv_instructions_per_mac) {
  if (!kernels::target::arm_mve) STATICNN_SKIP("no MVE on this target");
  bench_conv_float<1, 28, 28, 5>("C=1 K=5 28x28 (LeNet conv1)");
  bench_conv_float<6, 12, 12, 5>("C=6 K=5 12x12 (LeNet conv2)");
  bench_conv_float<1, 30, 30, 3>("C=1 K=3 30x30");
  bench_conv_float<16, 16, 16, 3>("C=16 K=3 16x16");
  bench_conv_float<16, 4, 16, 3>("C=16 K=3 4x16 (2 rows)");
}

int main() { return staticnn::fw_test::run_all("kernels_mve"); }
