// A conv layer whose row interface is misspelt (forward_channel_row) cannot stream with the
// activation and pool after it: the plan runs three single-layer stages, and a user's plan check
// says so at compile time instead of the network running the slower path silently.
// expect: static assertion failed: plan: stage S runs as Actual, not as the Expected kind
// first-line: check_stage<0, staticnn::stage_kind::conv_act_pool, staticnn::stage_kind::layer>
#include <staticnn/staticnn.hpp>

using namespace staticnn;
struct misspelt_conv {
  using value_type = float;
  static constexpr const char* name = "misspelt_conv";
  using in_shape = shape<1, 8, 8>;
  using out_shape = shape<2, 6, 6>;
  static constexpr std::size_t param_count = 0, state_count = 0;
  static constexpr bool row_streamable = true;
  static constexpr std::size_t kernel = 3, stride = 1, padding = 0, channel_group = 1;
  void forward(cview<float, in_shape::size>, view<float, out_shape::size>) const {}
  template <std::size_t Hx = 8>
  void forward_channel_row(const float*, float*, std::size_t, std::size_t, std::size_t) const {}
  template <std::size_t R>
  void pack_window(const float*, float*, std::size_t) const {}
};
using net = network<misspelt_conv, activation_layer<shape<2, 6, 6>, relu_op, float>,
                    pool_layer<shape<2, 6, 6>, 2, max_pool_op, float>>;
static_assert(expect_stage<net, 0, stage_kind::conv_act_pool>);
