// CNNs of the kind users bring (3x3 convs with padding, ReLU, max pooling, strides, 1x1 and 7x7
// kernels, 3-channel inputs, depthwise-separable blocks with ReLU6 and global average pooling) that no kernel was tuned for, float and int8, with deterministic
// random parameters in flash (compile-time constants, as an exported header's). For each: the
// plan's stages with their kernels, instructions per stage and per multiply-accumulate on this
// core (printed figures, not assertions), and the check that the planned inference
// (forward_constant: streamed stages, fused kernels) equals running the layers one by one
// through their own forward (int8 bit for bit, float within rounding).
//   fw: family <net> <float|int8> macs <m> instructions <n> per_mac <n/m>
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "harness.hpp"
#include "instruction_counter.hpp"
#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;
using fw::console::print;

namespace {

namespace family {
// The network of issue 14's user report, 1,117,056 MACs.
using cnn3x3 = sequential<shape<1, 28, 28>, conv2d<16, 3, 1, 1>, relu, max_pool<2>, conv2d<32, 3, 1, 1>, relu,
                          max_pool<2>, flatten, dense<64>, relu, dense<10>>;
// Colour input, a 1x1 conv.
using rgb32 = sequential<shape<3, 32, 32>, conv2d<16, 3, 1, 1>, relu, max_pool<2>, conv2d<32, 3, 1, 1>, relu,
                         max_pool<2>, conv2d<64, 1>, relu, max_pool<2>, flatten, dense<10>>;
// A 7x7 stride-2 stem, then an odd map (7x7) pooled to 3x3.
using stem7 = sequential<shape<1, 28, 28>, conv2d<12, 7, 2, 3>, relu, max_pool<2>, conv2d<24, 3, 1, 1>, relu,
                         max_pool<2>, flatten, dense<10>>;
// Unpadded 5x5 with channel counts that are not multiples of 4 or 8.
using wide5 = sequential<shape<1, 28, 28>, conv2d<10, 5>, relu, max_pool<2>, conv2d<20, 5>, relu, max_pool<2>,
                         flatten, dense<50>, relu, dense<10>>;
// Strided convs back to back, no pooling between them.
using strided = sequential<shape<1, 28, 28>, conv2d<24, 3, 2, 1>, relu, conv2d<48, 3, 2, 1>, relu, max_pool<2>,
                           flatten, dense<10>>;
// A 7x7 stride-2 stem on a colour input.
using rgb7 = sequential<shape<3, 32, 32>, conv2d<16, 7, 2, 3>, relu, max_pool<2>, conv2d<32, 3, 1, 1>, relu,
                        max_pool<2>, flatten, dense<10>>;
// Few channels (6, 12, 24), three pooled 3x3 stages down to an odd 3x3 map.
using narrow = sequential<shape<1, 28, 28>, conv2d<6, 3, 1, 1>, relu, max_pool<2>, conv2d<12, 3, 1, 1>, relu,
                          max_pool<2>, conv2d<24, 3, 1, 1>, relu, max_pool<2>, flatten, dense<10>>;
// Pointwise (1x1) convolutions, and convolutions not followed by pooling.
using pointwise = sequential<shape<3, 32, 32>, conv2d<8, 3, 1, 1>, relu, conv2d<32, 1>, relu, max_pool<2>,
                             conv2d<16, 1>, relu, max_pool<2>, flatten, dense<10>>;
// Average pooling, two dense layers.
using avgpool = sequential<shape<1, 28, 28>, conv2d<8, 3, 1, 1>, relu, avg_pool<2>, conv2d<16, 3, 1, 1>, relu,
                           avg_pool<2>, flatten, dense<32>, relu, dense<10>>;
// 5x5 with padding 2 on a colour input.
using rgb5 = sequential<shape<3, 32, 32>, conv2d<12, 5, 1, 2>, relu, max_pool<2>, conv2d<24, 5, 1, 2>, relu,
                        max_pool<2>, flatten, dense<10>>;
// Table activations (sigmoid, tanh) after padded 3x3 convolutions.
using tables = sequential<shape<1, 28, 28>, conv2d<8, 3, 1, 1>, sigmoid, max_pool<2>, conv2d<16, 3, 1, 1>, htan,
                          max_pool<2>, flatten, dense<10>>;
// Dense only.
using mlp = sequential<shape<1, 28, 28>, flatten, dense<128>, relu, dense<64>, relu, dense<10>>;
// Depthwise-separable blocks (MobileNet, folded: no batchnorm), ReLU6, global average pooling.
using separable = sequential<shape<3, 32, 32>, conv2d<8, 3, 2, 1>, relu6, depthwise_conv2d<3, 1, 1>, relu6,
                             conv2d<16, 1>, relu6, depthwise_conv2d<3, 2, 1>, relu6, conv2d<32, 1>, relu6,
                             global_avg_pool, dense<10>>;
// Two convs before a pool (VGG style): a one-channel 3x3 conv whose outputs are all stored.
using vgg = sequential<shape<1, 28, 28>, conv2d<8, 3, 1, 1>, relu, conv2d<8, 3, 1, 1>, relu, max_pool<2>, flatten,
                       dense<10>>;
// A flatten of an odd map with a channel count not a multiple of 4 (250 inputs: dense rows that
// are not whole words).
using odd10 = sequential<shape<1, 28, 28>, conv2d<6, 5>, relu, max_pool<2>, conv2d<10, 3>, relu, max_pool<2>,
                         flatten, dense<64>, relu, dense<10>>;
}  // namespace family

struct lcg {
  std::uint32_t s;
  constexpr std::uint32_t next() { return (s = s * 1664525u + 1013904223u) >> 8; }  // 24 bits
  constexpr float uniform() { return static_cast<float>(next()) / 8388608.0f - 1.0f; }  // [-1, 1)
};

// Float: weights uniform in +-1/sqrt(fan_in) (He-like magnitudes keep activations in range), bias small.
template <class Net>
constexpr Net random_float(std::uint32_t seed) {
  Net net{};
  lcg r{seed};
  net.for_each_layer([&](auto, auto& l) {
    using L = std::remove_cvref_t<decltype(l)>;
    if constexpr (L::param_count > 0) {
      float bound = 1.0f;
      while (bound * bound * static_cast<float>(L::fan_in) > 3.0f) bound *= 0.5f;
      for (auto& p : l.params) p = r.uniform() * bound;
    }
  });
  return net;
}

// int8: weights in [-127, 127], bias within a few products, multipliers in [2^30, 2^31) with a
// right shift that maps a typical accumulator (sqrt(fan_in) * 127 * 64) to tens of steps; tables
// random and sorted (non-decreasing, as quantize() makes a sigmoid's or tanh's). A layer with a
// fused ReLU or ReLU6 (clamped) gets the output grid and clamp quantize() gives it: the ReLU's
// range starts at 0, so zero point -128 and clamp [-128, 127] (ReLU6: its range at most 6 wide);
// any other layer a zero point in [-10, 10] and no clamp. The same kernels and rescale forms as a
// calibrated model's.
template <class Q>
constexpr Q random_int8(std::uint32_t seed) {
  Q q{};
  lcg r{seed};
  q.net.for_each_layer([&](auto, auto& l) {
    using L = std::remove_cvref_t<decltype(l)>;
    if constexpr (requires { l.multiplier; }) {
      for (auto& w : l.weights) w = static_cast<std::int8_t>(static_cast<std::int32_t>(r.next() % 255) - 127);
      const int log2_fan_in = std::bit_width(L::fan_in) - 1;
      for (std::size_t o = 0; o < l.bias.size(); ++o) {
        l.bias[o] = static_cast<std::int32_t>(r.next() % 20001) - 10000;
        l.multiplier[o] = static_cast<std::int32_t>((1u << 30) + (r.next() << 6));
        l.shift[o] = static_cast<std::int8_t>(-7 - log2_fan_in / 2 - static_cast<int>(o % 2));
      }
      l.zero_point = static_cast<std::int32_t>(r.next() % 21) - 10;
      if constexpr (L::clamped) l.zero_point = -128, l.act_min = -128, l.act_max = 127;
    } else if constexpr (requires { l.table; }) {
      for (auto& t : l.table) t = static_cast<std::int8_t>(static_cast<std::int32_t>(r.next() % 256) - 128);
      std::sort(l.table.begin(), l.table.end());  // non-decreasing, as a sigmoid's or tanh's
    }
  });
  return q;
}


template <class Plan>
struct stage_timer {
  std::array<std::uint64_t, Plan::stage_count>* end;
  void after(std::size_t s) const { (*end)[s] = fw::instruction_counter::elapsed_ticks(); }
};

// The constant network N runs (an int8 qnetwork's net).
template <const auto& N>
constexpr auto constant_plan() {
  if constexpr (requires { N.net; }) return &N.net;
  else return &N;
}

// Runs the constant network N on a seeded input: planned and layer by layer; prints the figures.
template <const auto& N>
void run(const char* name, std::uint32_t seed) {
  using Net = std::remove_cvref_t<decltype(N)>;
  using Plan = planned_network_t<Net>;
  using T = typename Net::value_type;
  constexpr bool int8 = std::is_same_v<T, std::int8_t>;
  constexpr std::size_t D = Net::in_shape::size, K = Net::out_shape::size;
  static std::array<T, Net::workspace_with_input_size> ws;
  static std::array<T, K> y;
  static std::array<T, D> x;
  lcg r{seed};
  for (auto& v : x) {
    if constexpr (int8) v = static_cast<std::int8_t>(static_cast<std::int32_t>(r.next() % 256) - 128);
    else v = (r.uniform() + 1.0f) * 0.5f;
  }
  for (std::size_t i = 0; i < D; ++i) ws[Net::input_offset + i] = x[i];
  std::array<std::uint64_t, Plan::stage_count> end{};
  fw::instruction_counter::start();
  Net::template forward_constant<N>(ws, y, stage_timer<Plan>{&end});
  const std::uint64_t total = fw::instruction_counter::stop();

  // The layers one by one through their own forward, in two buffers of the largest activation.
  constexpr std::size_t largest = [] {
    std::size_t n = D;
    Plan::for_each_layer_type([&](auto t) { n = std::max(n, decltype(t)::type::out_shape::size); });
    return n;
  }();
  static std::array<T, largest> buffer_a, buffer_b;
  T *a = buffer_a.data(), *b = buffer_b.data();
  for (std::size_t i = 0; i < D; ++i) a[i] = x[i];
  const auto& plan = [&]() -> const Plan& {
    if constexpr (int8) return N.net;
    else return N;
  }();
  plan.for_each_layer([&](auto, const auto& l) {
    using L = std::remove_cvref_t<decltype(l)>;
    l.forward(cview<T, L::in_shape::size>(a, L::in_shape::size), view<T, L::out_shape::size>(b, L::out_shape::size));
    std::swap(a, b);
  });
  std::size_t differ = 0;
  float worst = 0;
  for (std::size_t k = 0; k < K; ++k) {
    if constexpr (int8) {
      differ += y[k] != a[k];
    } else {
      const float d = y[k] > a[k] ? y[k] - a[k] : a[k] - y[k];
      const float m = a[k] > 0 ? a[k] : -a[k];
      worst = d / (m > 1.0f ? m : 1.0f) > worst ? d / (m > 1.0f ? m : 1.0f) : worst;
    }
  }
  STATICNN_CHECK(differ == 0);
  STATICNN_CHECK(worst <= 1e-4f);

  std::uint64_t macs = 0;
  for (std::size_t m : Plan::layer_macs) macs += m;
  for (std::size_t s = 0; s < Plan::stage_count; ++s) {
    const auto st = Plan::template stages_constant<constant_plan<N>()>[s];
    std::uint64_t stage_macs = 0;
    for (std::size_t i = st.first; i <= st.last; ++i) stage_macs += Plan::layer_macs[i];
    const std::uint64_t n = fw::instruction_counter::ticks_to_instructions(end[s] - (s > 0 ? end[s - 1] : 0));
    print("fw: stage ", s, " layers ", st.first, '-', st.last, ' ');
    for (std::size_t i = st.first; i <= st.last; ++i) print(i > st.first ? ">" : "", Plan::layer_names[i]);
    print(' ', stage_kind_name(st.kind), " kernel ", st.kernel, " instructions ", n, " macs ", stage_macs);
    if (stage_macs > 0) print(" per_mac ", fw::console::fixed{static_cast<double>(n) / static_cast<double>(stage_macs), 3});
    print('\n');
  }
  print("fw: family ", name, int8 ? " int8" : " float", " macs ", macs, " instructions ", total, " per_mac ",
        fw::console::fixed{static_cast<double>(total) / static_cast<double>(macs), 3}, " ram_workspace ",
        sizeof(ws) + sizeof(y), '\n');
}

#define STATICNN_FAMILY(net, seed)                                                    \
  constexpr auto net##_float = random_float<family::net>(seed);                       \
  constexpr auto net##_int8 = random_int8<quant::quantized_t<family::net>>(seed + 1).packed_for_target(); \
  STATICNN_TEST(family_##net##_float) { run<net##_float>(#net, seed + 2); }           \
  STATICNN_TEST(family_##net##_int8) { run<net##_int8>(#net, seed + 3); }

STATICNN_FAMILY(cnn3x3, 10)
STATICNN_FAMILY(rgb32, 20)
STATICNN_FAMILY(stem7, 30)
STATICNN_FAMILY(wide5, 40)
STATICNN_FAMILY(strided, 50)
STATICNN_FAMILY(rgb7, 60)
STATICNN_FAMILY(narrow, 70)
STATICNN_FAMILY(pointwise, 80)
STATICNN_FAMILY(avgpool, 90)
STATICNN_FAMILY(rgb5, 100)
STATICNN_FAMILY(tables, 110)
STATICNN_FAMILY(mlp, 120)
STATICNN_FAMILY(separable, 130)
STATICNN_FAMILY(vgg, 140)
STATICNN_FAMILY(odd10, 150)

}  // namespace

int main() { return fw_test::run_all("family"); }
