// layer_norm, group_norm and instance_norm at inference on the target, against hand-derived
// values (the same cases as tests/host/layers/test_norms.cpp, in float): per-sample mean and
// biased variance, eps 1e-5, affine per value or per channel, and inside a network.
#include <array>
#include <cmath>
#include <cstring>

#include "harness.hpp"
#include "runtime.hpp"
#define STATICNN_ASSERT_HANDLER(msg, file, line) ::staticnn::fw::assert_failed(msg, file, line)
#include <staticnn/staticnn.hpp>

using namespace staticnn;

namespace {
constexpr double eps = 1e-5;
}

STATICNN_TEST(layer_norm_flat_elementwise_affine) {
  // x = {1 2 3 4}: mean 2.5, var 1.25, r = 1/sqrt(1.25 + eps); gamma {1 2 -1 0.5}, beta {0 1 0 -1}.
  layer_norm_layer<shape<4>, float> l{{1, 2, -1, 0.5f, 0, 1, 0, -1}};
  const std::array<float, 4> x{1, 2, 3, 4};
  std::array<float, 4> y{};
  l.forward(x, y);
  const double r = 1 / std::sqrt(1.25 + eps);
  STATICNN_CHECK_NEAR(y[0], -1.5 * r, 1e-6);
  STATICNN_CHECK_NEAR(y[1], -1.0 * r + 1, 1e-6);
  STATICNN_CHECK_NEAR(y[2], -0.5 * r, 1e-6);
  STATICNN_CHECK_NEAR(y[3], 0.75 * r - 1, 1e-6);
}

STATICNN_TEST(layer_norm_epsilon) {
  // {-1e-3, 1e-3}: var 1e-6 -> y = +-1e-3 / sqrt(1.1e-5) = +-1/sqrt(11).
  layer_norm_layer<shape<2>, float> l{};
  const std::array<float, 2> x{-1e-3f, 1e-3f};
  std::array<float, 2> y{};
  l.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], -1 / std::sqrt(11.0), 1e-4);
  STATICNN_CHECK_NEAR(y[1], 1 / std::sqrt(11.0), 1e-4);
}

STATICNN_TEST(group_norm_two_groups) {
  // 4 x 1 x 2, groups {1 3 | 5 7} (mean 4, var 5) and {0 0 | 2 -2} (mean 0, var 2);
  // gamma {1 2 3 -1}, beta {0 0.5 0 1}.
  group_norm_layer<shape<4, 1, 2>, 2, float> l{{1, 2, 3, -1, 0, 0.5f, 0, 1}};
  const std::array<float, 8> x{1, 3, 5, 7, 0, 0, 2, -2};
  std::array<float, 8> y{};
  l.forward(x, y);
  const double r0 = 1 / std::sqrt(5 + eps), r1 = 1 / std::sqrt(2 + eps);
  const std::array<double, 8> want{-3 * r0, -r0, 2 * r0 + 0.5, 6 * r0 + 0.5,
                                   0,       0,   -2 * r1 + 1,  2 * r1 + 1};
  for (std::size_t i = 0; i < 8; ++i) STATICNN_CHECK_NEAR(y[i], want[i], 1e-6);
}

STATICNN_TEST(group_norm_constant_group_gives_beta) {
  // shape<6>, 3 groups: {1 3} var 1, {-2 2} var 4, {5 5} var 0 -> beta exactly.
  group_norm_layer<shape<6>, 3, float> l{{1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0.25f}};
  const std::array<float, 6> x{1, 3, -2, 2, 5, 5};
  std::array<float, 6> y{};
  l.forward(x, y);
  STATICNN_CHECK_NEAR(y[0], -1 / std::sqrt(1 + eps), 1e-6);
  STATICNN_CHECK_NEAR(y[3], 2 / std::sqrt(4 + eps), 1e-6);
  STATICNN_CHECK_NEAR(y[4], 0, 0);
  STATICNN_CHECK_NEAR(y[5], 0.25, 0);
}

STATICNN_TEST(instance_norm_per_channel) {
  // 2 x 2 x 2: ch0 {1 2 3 4} (mean 2.5, var 1.25), ch1 {-1 -1 1 1} (mean 0, var 1); gamma {2 1},
  // beta {0 -1}.
  instance_norm_layer<shape<2, 2, 2>, float> l{{2, 1, 0, -1}};
  const std::array<float, 8> x{1, 2, 3, 4, -1, -1, 1, 1};
  std::array<float, 8> y{};
  l.forward(x, y);
  const double r0 = 1 / std::sqrt(1.25 + eps), r1 = 1 / std::sqrt(1 + eps);
  const std::array<double, 8> want{-3 * r0, -r0, r0, 3 * r0, -r1 - 1, -r1 - 1, r1 - 1, r1 - 1};
  for (std::size_t i = 0; i < 8; ++i) STATICNN_CHECK_NEAR(y[i], want[i], 1e-6);
}

STATICNN_TEST(norms_in_a_network) {
  // conv 1x1 (weight 2, bias 1) -> instance_norm -> flatten -> layer_norm on x = {1 2 3 4}.
  // The conv gives {3 5 7 9}: mean 6, var 5, so instance_norm gives {-3 -1 1 3} / sqrt(5 + eps),
  // whose mean is 0 and variance v = 5 / (5 + eps); layer_norm divides by sqrt(v + eps).
  using net_t = sequential<shape<1, 2, 2>, conv2d<1, 1>, instance_norm, flatten, layer_norm>;
  static constexpr net_t net{{{net_t::layer_type<0>{{2, 1}}}, {}, {}, {}}};
  const std::array<float, 4> x{1, 2, 3, 4};
  std::array<float, 4> y{};
  net.forward(x, y);
  const double s = 1 / std::sqrt(5 + eps) / std::sqrt(5 / (5 + eps) + eps);
  STATICNN_CHECK_NEAR(y[0], -3 * s, 1e-6);
  STATICNN_CHECK_NEAR(y[1], -1 * s, 1e-6);
  STATICNN_CHECK_NEAR(y[2], 1 * s, 1e-6);
  STATICNN_CHECK_NEAR(y[3], 3 * s, 1e-6);
}

int main() { return staticnn::fw_test::run_all("norms"); }
