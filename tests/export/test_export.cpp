// The exported header compiles, names the folded type, and holds every weight bit for bit.
#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "exported_model.hpp"
#include "test_model.hpp"

using folded = staticnn::folded_t<export_test::net>;
static_assert(std::is_same_v<exported::model, folded>);
constexpr const auto& exported_net = exported::get<folded>();  // a constant: it lives in .rodata

TEST_CASE("export: every parameter round-trips bit for bit") {
  const folded reference = staticnn::fold_batchnorm(export_test::make_net());
  std::size_t compared = 0, differ = 0;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          std::vector<float> a, b;  // the layer's parameters in order (a residual's runs in turn)
          staticnn::for_each_param_span(reference.layer<I>(), [&](auto s) { a.insert(a.end(), s.begin(), s.end()); });
          staticnn::for_each_param_span(exported_net.layer<I>(), [&](auto s) { b.insert(b.end(), s.begin(), s.end()); });
          REQUIRE(a.size() == b.size());
          for (std::size_t k = 0; k < a.size(); ++k, ++compared)
            differ += std::bit_cast<std::uint32_t>(a[k]) != std::bit_cast<std::uint32_t>(b[k]);
        }(),
        ...);
  }(std::make_index_sequence<folded::depth>{});
  CHECK(compared == folded::param_count);
  CHECK(differ == 0);
}

TEST_CASE("export: the header's network computes what the folded network computes") {
  const folded reference = staticnn::fold_batchnorm(export_test::make_net());
  staticnn::train::rng g(5);
  for (int trial = 0; trial < 20; ++trial) {
    staticnn::tensor<staticnn::shape<2, 9, 9>> x;
    for (auto& v : x.data) v = static_cast<float>(g.uniform(-1, 2));
    staticnn::tensor<staticnn::shape<5>> ya, yb;
    reference.forward(x, ya);
    exported_net.forward(x, yb);
    for (std::size_t k = 0; k < 5; ++k) CHECK(std::bit_cast<std::uint32_t>(ya[k]) == std::bit_cast<std::uint32_t>(yb[k]));
  }
}
