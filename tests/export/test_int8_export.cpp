// The exported int8 header compiles, names the quantized type, holds every table, weight, bias,
// multiplier, shift and zero point of the network it was exported from, and its network gives
// the same int8 logits. (Its forward_constant, the firmware's path, does not compile under
// GCC 12's -fsanitize=undefined here: `Net != nullptr` in network::run_stage is then not a
// constant expression. The firmware images check that path against the host's logits.)
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "exported_int8_model.hpp"
#include "test_int8_model.hpp"

using export_int8_test::quantized;
static_assert(std::is_same_v<exported_int8::model, quantized>);
constexpr const auto& exported_net = exported_int8::get<quantized>();  // a constant: it lives in .rodata

TEST_CASE("export --int8: every table, weight and rescale round-trips") {
  const auto reference = export_int8_test::make_quantized();
  CHECK(std::bit_cast<std::uint32_t>(reference->input.scale) == std::bit_cast<std::uint32_t>(exported_net.input.scale));
  CHECK(reference->input.zero_point == exported_net.input.zero_point);
  CHECK(std::bit_cast<std::uint32_t>(reference->output.scale) == std::bit_cast<std::uint32_t>(exported_net.output.scale));
  CHECK(reference->output.zero_point == exported_net.output.zero_point);
  std::size_t compared = 0, differ = 0, affine = 0, tables = 0;
  auto compare = [&](const auto& a, const auto& b) {
    compared += a.size();
    for (std::size_t k = 0; k < a.size(); ++k) differ += a[k] != b[k];
  };
  reference->net.for_each_layer([&](auto index, const auto& layer) {
    const auto& exported = exported_net.net.template layer<decltype(index)::value>();
    if constexpr (requires { layer.multiplier; }) {
      compare(layer.weights, exported.weights);
      compare(layer.bias, exported.bias);
      compare(layer.multiplier, exported.multiplier);
      compare(layer.shift, exported.shift);
      differ += layer.zero_point != exported.zero_point;
      differ += layer.act_min != exported.act_min || layer.act_max != exported.act_max;
      ++affine;
    } else if constexpr (requires { layer.table; }) {
      compare(layer.table, exported.table);
      ++tables;
    }
  });
  // conv 4x25 + 3 x 4, conv 6x36 + 3 x 6, dense 9x24 + 3 x 9, dense 7x9 + 3 x 7, dense 5x7 + 3 x 5;
  // two tables (sigmoid, tanh): each relu is the clamp of the layer before, a qidentity_layer.
  CHECK(affine == 5);
  CHECK(tables == 2);
  CHECK(compared == (100 + 12) + (216 + 18) + (216 + 27) + (63 + 21) + (35 + 15) + 2 * 256);
  static_assert(quantized::network_type::layer_type<3>::clamped);
  static_assert(std::is_same_v<quantized::network_type::layer_type<4>,
                               staticnn::quant::qidentity_layer<staticnn::shape<6, 4, 4>>>);
  CHECK(exported_net.net.layer<3>().act_min == exported_net.net.layer<3>().zero_point);
  CHECK(exported_net.net.layer<3>().act_max == 127);
  static_assert(quantized::network_type::layer_type<9>::clamped && !quantized::network_type::layer_type<11>::clamped);
  static_assert(std::is_same_v<quantized::network_type::layer_type<10>,
                               staticnn::quant::qidentity_layer<staticnn::shape<7>>>);
  CHECK(differ == 0);
  // The rescales are not all zero (a header of zeros would also compile).
  CHECK(std::any_of(exported_net.net.layer<0>().multiplier.begin(), exported_net.net.layer<0>().multiplier.end(),
                    [](std::int32_t m) { return m >= (1 << 30); }));
}

TEST_CASE("export --int8: the header's network gives the quantized network's logits bit for bit") {
  const auto reference = export_int8_test::make_quantized();
  constexpr std::size_t D = export_int8_test::image_size, K = quantized::out_shape::size;
  const std::vector<float> images = export_int8_test::images(50, 11);  // not the calibration images
  std::size_t differ = 0, distinct = 0;
  std::array<std::int8_t, K> previous{};
  for (std::size_t i = 0; i < 50; ++i) {
    std::array<std::int8_t, D> xa{}, xb{};
    reference->quantize_input(staticnn::cview<float, D>(images.data() + i * D, D), xa);
    exported_net.quantize_input(staticnn::cview<float, D>(images.data() + i * D, D), xb);
    std::array<std::int8_t, K> ya{}, yb{};
    reference->forward(xa, ya);
    exported_net.forward(xb, yb);
    differ += xa != xb || ya != yb;
    distinct += ya != previous;
    previous = ya;
  }
  CHECK(differ == 0);
  CHECK(distinct > 40);  // the logits depend on the image
}
