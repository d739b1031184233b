// int8 post-training quantization on real Fashion-MNIST images: the int8 network's accuracy stays
// close to the float folded network's, and the fused int8 plan (conv -> table -> pool a row at a
// time) gives exactly the logits of running the int8 layers one by one.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#include <staticnn/fold/fold.hpp>
#include <staticnn/quant/quantize.hpp>
#include <staticnn/train/fit.hpp>

#include "trained.hpp"

using namespace staticnn;

TEST_CASE("quantize: int8 BN-LeNet accuracy within one point of float on 2,000 real test images") {
  const io::dataset& d = test_support::test_set();
  auto net = test_support::trained_net();
  using folded = folded_t<models::bn_lenet>;
  auto f = std::make_unique<folded>(fold_batchnorm(*net));
  // Calibration on images 5000-5999 (the training images of trained_net), evaluation on 0-1999.
  const auto c = quant::calibrate(*f, d.images.pixels.data() + 5000 * 784, 1000);
  using Q = quant::quantized_t<folded>;
  auto q = std::make_unique<Q>(quant::quantize(*f, c));
  static_assert(Q::workspace_size == 6 * 12 * 12 + 16 * 4 * 4, "int8 plan: one byte per value, fused stages");
  std::size_t right8 = 0, right32 = 0, same = 0;
  for (std::size_t i = 0; i < 2000; ++i) {
    const cview<float, 784> x(d.images.pixels.data() + i * 784, 784);
    std::array<std::int8_t, 784> x8;
    std::array<std::int8_t, 10> z8;
    std::array<float, 10> z;
    q->quantize_input(x, x8);
    q->forward(x8, z8);
    f->forward(x, z);
    const auto p8 = static_cast<std::size_t>(std::max_element(z8.begin(), z8.end()) - z8.begin());
    const std::size_t p32 = train::argmax<float, 10>(z);
    right8 += p8 == d.labels[i], right32 += p32 == d.labels[i], same += p8 == p32;
    if (i < 200) {  // the fused plan against the layers one by one
      std::array<std::int8_t, 6 * 24 * 24> a{}, b{};
      std::array<std::int8_t, 10> plain{};
      std::copy(x8.begin(), x8.end(), a.begin());
      q->net.for_each_layer([&](auto, const auto& layer) {
        using L = std::remove_cvref_t<decltype(layer)>;
        layer.forward(cview<std::int8_t, L::in_shape::size>(a.data(), L::in_shape::size),
                      view<std::int8_t, L::out_shape::size>(b.data(), L::out_shape::size));
        std::swap(a, b);
      });
      std::copy_n(a.begin(), 10, plain.begin());
      CHECK(plain == z8);
    }
  }
  const double acc8 = static_cast<double>(right8) / 2000, acc32 = static_cast<double>(right32) / 2000;
  MESSAGE("accuracy int8 " << acc8 << ", float " << acc32 << ", same prediction " << same << " / 2000");
  CHECK(acc32 > 0.5);  // a trained network, else the comparison proves little
  CHECK(std::abs(acc8 - acc32) <= 0.01);
  CHECK(same >= 1940);
}
