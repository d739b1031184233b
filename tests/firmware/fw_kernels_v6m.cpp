// The ARMv6-M int8 kernels (kernels/arm/conv2d_s8_v6m.hpp, dense_s8_v6m.hpp, rescale_v6m.hpp)
// against independent arithmetic, bit for bit: the rescale against fixed_point.hpp's 64-bit
// requantize on random and edge accumulators; the convolution and the dense layer against the
// portable kernels on shapes they were not tuned for (odd sizes, K 1 to 7, strides 1 to 3, row
// tails, channels whose rescale leaves the three-product form, clamps, a padded window, the
// extremes of the convolution's 16-bit lanes). Then instructions per MAC
// of BN-LeNet's layers through each kernel alone (printed):
//   fw: v6m <kernel> <shape> instructions <n> macs <m> per_mac <n/m>
// Built for ARMv6-M targets only (tests/firmware/CMakeLists.txt); at -Os or -O0 the kernels'
// inner loops are C++ instead of asm (kernels/target.hpp), with the same results.
#include <array>
#include <cstdint>

#include "harness.hpp"
#include "instruction_counter.hpp"
#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using fw::console::print;

namespace {

std::uint32_t lcg = 12345;
std::int32_t next() { return static_cast<std::int32_t>((lcg = lcg * 1664525u + 1013904223u) >> 8); }

// 16 KiB of RAM: every test takes its buffers from one arena, in turn.
alignas(4) std::array<std::int8_t, 9 * 1024> arena;
struct buffers {
  std::size_t used = 0;
  std::int8_t* take(std::size_t n) {
    std::int8_t* p = arena.data() + used;
    used += (n + 3) & ~std::size_t{3};
    if (used > arena.size()) fw::panic("fw_kernels_v6m: arena too small");
    return p;
  }
};
// Weights in flash (a 256 x 120 layer does not fit the RAM): a fixed pseudo-random pattern.
template <std::size_t N>
constexpr std::array<std::int8_t, N> flash_weights(std::uint32_t seed) {
  std::array<std::int8_t, N> w{};
  for (auto& v : w) v = static_cast<std::int8_t>(static_cast<std::int32_t>((seed = seed * 1664525u + 1013904223u) >> 8) % 255 - 127);
  return w;
}

// Per-channel rescales: most in the three-product form, some outside it (a left shift, shift 0,
// a bias that lifts |acc| to 2^29), some with a bias near that bound.
template <std::size_t N>
struct rescales {
  std::array<std::int32_t, N> bias{}, mult{};
  std::array<std::int8_t, N> shift{};
  kernels::channel_rescale q{};
  void fill(std::int32_t act_min, std::int32_t act_max) {
    for (std::size_t o = 0; o < N; ++o) {
      bias[o] = next() % 40001 - 20000;
      mult[o] = (1 << 30) + next() % (1 << 30);
      shift[o] = static_cast<std::int8_t>(-6 - next() % 6);
      switch (o % 6) {
        case 1: shift[o] = 1, mult[o] = 1 << 20; break;                        // left shift: general
        case 2: shift[o] = 0, mult[o] = 1 << 24; break;                        // no shift: general
        case 3: bias[o] = (1 << 28) - 5, shift[o] = -22; break;                // split, |acc| near 2^28
        case 4: bias[o] = -(1 << 29), shift[o] = -25; break;                   // bound >= 2^29: general
        default: break;
      }
    }
    q = {bias.data(), mult.data(), shift.data(), next() % 21 - 10, act_min, act_max};
  }
};

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
std::size_t conv_wrong(std::int32_t act_min, std::int32_t act_max, std::size_t oy0, std::size_t rows) {
  static_assert(kernels::conv2d_s8_runs_v6m<C, H, W, K, S>, "the test is for shapes the ARMv6-M kernel takes");
  constexpr std::size_t OW = (W - K) / S + 1;
  buffers b;
  std::int8_t* x = b.take(C * H * W);
  std::int8_t* w = b.take(G * C * K * K);
  const std::size_t out = G * rows * OW;
  std::int8_t *got = b.take(out + 8), *want = b.take(out + 8);
  for (std::size_t i = 0; i < C * H * W; ++i) x[i] = static_cast<std::int8_t>((next() & 0xff) - 128);
  for (std::size_t i = 0; i < G * C * K * K; ++i) w[i] = static_cast<std::int8_t>(next() % 255 - 127);
  rescales<G> r;
  r.fill(act_min, act_max);
  for (std::size_t i = 0; i < out + 8; ++i) got[i] = want[i] = 0x5a;
  kernels::conv2d_s8_rows<C, H, W, K, S, G>(x, w, r.q, got, oy0, rows);
  kernels::conv2d_s8_rows_portable<C, H, W, K, S, G>(x, w, r.q, want, oy0, rows);
  std::size_t n = 0;
  for (std::size_t i = 0; i < out + 8; ++i) n += got[i] != want[i];  // and nothing written past y
  return n;
}

template <std::size_t M, std::size_t N>
std::size_t dense_wrong(std::int32_t act_min, std::int32_t act_max, bool table, std::uint32_t seed) {
  static constexpr std::array<std::int8_t, N * M> w = flash_weights<N * M>(M * 977u + N);
  buffers b;
  std::int8_t* x = b.take(M);
  std::int8_t *got = b.take(N + 4), *want = b.take(N + 4), *lookup = b.take(256);
  std::int8_t* scratch = b.take(kernels::dense_s8_scratch_bytes<M> + 4);
  lcg += seed;
  for (std::size_t i = 0; i < M; ++i) x[i] = static_cast<std::int8_t>((next() & 0xff) - 128);
  for (std::size_t i = 0; i < 256; ++i) lookup[i] = static_cast<std::int8_t>(next() & 0xff);
  rescales<N> r;
  r.fill(act_min, act_max);
  for (std::size_t i = 0; i < N + 4; ++i) got[i] = want[i] = 0x5a;
  const std::int8_t* t = table ? lookup + 128 : nullptr;
  kernels::dense_s8<M, N>(w.data(), r.q, x, got, t, scratch + 1);  // unaligned scratch
  kernels::dense_s8_portable<M, N>(w.data(), r.q, x, want, t);
  std::size_t n = 0;
  for (std::size_t i = 0; i < N + 4; ++i) n += got[i] != want[i];
  // The layer's contract: the scratch may overlap y.
  for (std::size_t i = 0; i < N; ++i) got[i] = 0x5a;
  kernels::dense_s8<M, N>(w.data(), r.q, x, scratch + 2, t, scratch + 2);
  for (std::size_t i = 0; i < N; ++i) n += scratch[2 + i] != want[i];
  return n;
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t G>
void conv_speed(const char* shape) {
  constexpr std::size_t OH = H - K + 1, OW = W - K + 1;
  static constexpr std::array<std::int8_t, G * C * K * K> w = flash_weights<G * C * K * K>(7);
  buffers b;
  std::int8_t *x = b.take(C * H * W), *y = b.take(G * OH * OW);
  rescales<G> r;
  r.fill(-128, 127);
  for (std::size_t o = 0; o < G; ++o) r.bias[o] = 100, r.mult[o] = 1 << 30, r.shift[o] = -8;  // split form
  fw::instruction_counter::start();
  kernels::conv2d_s8_rows<C, H, W, K, 1, G>(x, w.data(), r.q, y, 0, OH);
  const std::uint64_t n = fw::instruction_counter::stop();
  const std::uint64_t macs = std::uint64_t{G} * OH * OW * C * K * K;
  print("fw: v6m conv ", shape, " instructions ", n, " macs ", macs, " per_mac ",
        fw::console::fixed{static_cast<double>(n) / static_cast<double>(macs), 3}, '\n');
}

template <std::size_t M, std::size_t N>
void dense_speed(const char* shape) {
  static constexpr std::array<std::int8_t, N * M> w = flash_weights<N * M>(M * 977u + N);
  buffers b;
  std::int8_t *x = b.take(M), *y = b.take(N), *scratch = b.take(kernels::dense_s8_scratch_bytes<M>);
  rescales<N> r;
  r.fill(-128, 127);
  for (std::size_t o = 0; o < N; ++o) r.bias[o] = 100, r.mult[o] = 1 << 30, r.shift[o] = -8;
  fw::instruction_counter::start();
  kernels::dense_s8<M, N>(w.data(), r.q, x, y, nullptr, scratch);
  const std::uint64_t n = fw::instruction_counter::stop();
  print("fw: v6m dense ", shape, " instructions ", n, " macs ", M * N, " per_mac ",
        fw::console::fixed{static_cast<double>(n) / static_cast<double>(M * N), 3}, '\n');
}

}  // namespace

STATICNN_TEST(rescale_matches_requantize) {
  std::size_t wrong = 0, split = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::int32_t bound = i % 4 == 0 ? (1 << 29) - 1 : (i % 4 == 1 ? 40000 : (1 << 20));
    std::int32_t acc = next() % bound;
    if (next() & 1) acc = -acc;
    const std::int32_t mult = i % 7 == 0 ? next() % 65536 : (1 << 30) + next() % (1 << 30);
    const std::int32_t shift = i % 11 == 0 ? next() % 3 : -1 - next() % 31;
    const std::int32_t zp = next() % 256 - 128;
    const auto r = kernels::arm::rescale_v6m::make(mult, shift, zp, static_cast<std::uint32_t>(bound));
    split += r.split;
    std::int8_t y = 0;
    r.store(&acc, &y, 1);
    wrong += y != kernels::requantize(acc, mult, shift, zp) || r(acc) != y;
    // The negated form (the convolution's): the same output from -acc, by store_n and operator().
    const auto rn = kernels::arm::rescale_v6m::make(mult, shift, zp, static_cast<std::uint32_t>(bound), true);
    const std::int32_t neg = static_cast<std::int32_t>(0u - static_cast<std::uint32_t>(acc));
    std::int8_t yn = 0;
    rn.store_n<1>(&neg, &yn);
    wrong += yn != y || rn(neg) != y;
  }
  print("rescale: ", split, " of 20000 in the three-product form\n");
  STATICNN_CHECK(wrong == 0);
  STATICNN_CHECK(split > 10000 && split < 20000);  // both paths taken
}

STATICNN_TEST(conv_matches_portable) {
  STATICNN_CHECK((conv_wrong<1, 28, 28, 5, 1, 6>(-128, 127, 0, 5)) == 0);   // BN-LeNet conv1, odd rows
  STATICNN_CHECK((conv_wrong<3, 13, 11, 3, 1, 5>(-128, 127, 0, 11)) == 0);   // OW 9: a tail block
  STATICNN_CHECK((conv_wrong<3, 13, 11, 3, 1, 5>(-3, 127, 1, 3)) == 0);      // ReLU-like clamp, odd rows
  STATICNN_CHECK((conv_wrong<2, 17, 19, 4, 2, 3>(-128, 127, 0, 7)) == 0);    // stride 2, even K
  STATICNN_CHECK((conv_wrong<7, 6, 30, 1, 1, 4>(-128, 127, 0, 6)) == 0);     // K 1
  STATICNN_CHECK((conv_wrong<5, 9, 15, 6, 1, 2>(-20, 40, 2, 2)) == 0);       // K 6, clamp
  STATICNN_CHECK((conv_wrong<2, 11, 26, 3, 3, 3>(-128, 127, 0, 3)) == 0);    // stride 3: one row per band
  STATICNN_CHECK((conv_wrong<6, 12, 12, 5, 1, 16>(-128, 127, 0, 8)) == 0);   // BN-LeNet conv2
  // The pairs kernel's schedule: a second asm group of channels (175 taps: 150 + 25), K 7 in one
  // group of 147 taps, stride 3 with K 7 (no pair straddles a row; a channel step of two ADDS),
  // C 1 K 3 on an odd width (a tail block), stride 2 with pairs straddling rows.
  STATICNN_CHECK((conv_wrong<7, 12, 12, 5, 1, 3>(-128, 127, 0, 8)) == 0);
  STATICNN_CHECK((conv_wrong<3, 14, 20, 7, 1, 2>(-128, 127, 1, 7)) == 0);
  STATICNN_CHECK((conv_wrong<2, 13, 30, 7, 3, 3>(-128, 127, 0, 3)) == 0);
  STATICNN_CHECK((conv_wrong<1, 9, 17, 3, 1, 4>(-128, 127, 2, 5)) == 0);
  STATICNN_CHECK((conv_wrong<3, 15, 21, 5, 2, 2>(-10, 100, 0, 6)) == 0);
}

// The lanes' extremes: every input and weight -128 (each product 2^14, a lane's two summed 2^15,
// which only the negated packing keeps inside int16), then every input -128 against weights 127.
STATICNN_TEST(conv_lane_extremes) {
  for (const std::int8_t wv : {std::int8_t{-128}, std::int8_t{127}}) {
    constexpr std::size_t C = 1, H = 12, W = 12, K = 5, G = 2, OW = W - K + 1, rows = 2;
    std::array<std::int8_t, C * H * W> x{};
    std::array<std::int8_t, G * C * K * K> w{};
    x.fill(-128);
    w.fill(wv);
    std::array<std::int32_t, G> bias{0, -7}, mult{1 << 30, 1 << 30};
    std::array<std::int8_t, G> shift{-14, -16};
    const kernels::channel_rescale q{bias.data(), mult.data(), shift.data(), 0, -128, 127};
    std::array<std::int8_t, G * rows * OW> got{}, want{};
    kernels::conv2d_s8_rows<C, H, W, K, 1, G>(x.data(), w.data(), q, got.data(), 3, rows);
    kernels::conv2d_s8_rows_portable<C, H, W, K, 1, G>(x.data(), w.data(), q, want.data(), 3, rows);
    STATICNN_CHECK(got == want);
  }
}

// Padding: the kernel padding itself (conv2d_s8_rows_padded on the unpadded input, as the layers
// run it on ARMv6-M) and on a padded copy, against the portable kernel on that copy (border = the
// input zero point): 3 x 10 x 10 padded by 1 with K 3 (cnn3x3's shape, 8 channels), then
// 2 x 9 x 9 padded by 2 with K 5 and stride 2, output rows from 1.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t P>
std::size_t padded_wrong(std::size_t oy0) {
  constexpr std::size_t PH = H + 2 * P, PW = W + 2 * P, OW = (PW - K) / S + 1, OH = (PH - K) / S + 1;
  buffers b;
  std::int8_t* x = b.take(C * PH * PW);
  std::int8_t* u = b.take(C * H * W);
  std::int8_t* w = b.take(G * C * K * K);
  const std::size_t rows = OH - oy0, out = G * rows * OW;
  std::int8_t *got = b.take(out), *self = b.take(out), *want = b.take(out);
  const std::int8_t zp = -37;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t i = 0; i < PH; ++i)
      for (std::size_t j = 0; j < PW; ++j) {
        const bool border = i < P || i >= P + H || j < P || j >= P + W;
        const auto v = border ? zp : static_cast<std::int8_t>((next() & 0xff) - 128);
        x[(c * PH + i) * PW + j] = v;
        if (!border) u[(c * H + i - P) * W + j - P] = v;
      }
  for (std::size_t i = 0; i < G * C * K * K; ++i) w[i] = static_cast<std::int8_t>(next() % 255 - 127);
  rescales<G> r;
  r.fill(0, 127);  // a ReLU's clamp
  static_assert(kernels::conv2d_s8_runs_v6m<C, PH, PW, K, S> && kernels::conv2d_s8_pads_itself<C, PH, PW, K, S>);
  kernels::conv2d_s8_rows<C, PH, PW, K, S, G>(x, w, r.q, got, oy0, rows);
  kernels::conv2d_s8_rows_padded<C, H, W, K, S, G, P>(u, w, r.q, self, oy0, rows, zp);
  kernels::conv2d_s8_rows_portable<C, PH, PW, K, S, G>(x, w, r.q, want, oy0, rows);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < out; ++i) wrong += (got[i] != want[i]) + (self[i] != want[i]);
  return wrong;
}

STATICNN_TEST(conv_padded_matches_portable) {
  STATICNN_CHECK((padded_wrong<3, 10, 10, 3, 1, 8, 1>(0)) == 0);
  STATICNN_CHECK((padded_wrong<2, 19, 17, 5, 2, 3, 2>(1)) == 0);
}

STATICNN_TEST(dense_matches_portable) {
  STATICNN_CHECK((dense_wrong<256, 120>(-128, 127, true, 1)) == 0);  // BN-LeNet fc1 with its table
  STATICNN_CHECK((dense_wrong<37, 11>(-128, 127, false, 2)) == 0);   // odd sizes
  STATICNN_CHECK((dense_wrong<1, 3>(-128, 127, false, 3)) == 0);
  STATICNN_CHECK((dense_wrong<64, 7>(-5, 90, false, 4)) == 0);       // clamp
  STATICNN_CHECK((dense_wrong<130, 13>(-128, 127, true, 5)) == 0);
  STATICNN_CHECK((dense_wrong<84, 10>(-128, 127, false, 6)) == 0);   // BN-LeNet fc3: two rows in C++
  STATICNN_CHECK((dense_wrong<9, 8>(-128, 127, false, 7)) == 0);     // one step and a 1-input tail
}

STATICNN_TEST(instructions_per_mac) {
  conv_speed<1, 28, 28, 5, 6>("1x28x28 k5 -> 6");
  conv_speed<6, 12, 12, 5, 16>("6x12x12 k5 -> 16");
  dense_speed<256, 120>("256 -> 120");
  dense_speed<120, 84>("120 -> 84");
}

int main() { return fw_test::run_all("kernels_v6m"); }
