#pragma once
// A seeded synthetic dataset of 3 x 32 x 32 colour images in 4 classes, CIFAR-sized: one Gaussian
// blob per image whose colour says the class (red, green, blue, yellow, each jittered), at a
// random place and size, on a randomly tinted, noisy background. Pixels are bytes, as a camera
// or an IDX file gives them; the networks see byte / 255.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <staticnn/train/rng.hpp>

namespace cifar_like {

struct byte_images {
  static constexpr std::size_t channels = 3, rows = 32, cols = 32, size = channels * rows * cols;
  std::vector<std::uint8_t> pixels;  // count x 3 x 32 x 32, CHW per image
  std::vector<std::uint8_t> labels;
  std::size_t count() const { return labels.size(); }
};

inline byte_images make_blobs(std::size_t count, std::uint64_t seed) {
  constexpr std::array<std::array<double, 3>, 4> palette{
      {{220, 50, 40}, {40, 200, 60}, {40, 80, 220}, {220, 210, 40}}};
  staticnn::train::rng g(seed);
  byte_images d;
  d.pixels.resize(count * byte_images::size);
  d.labels.resize(count);
  for (std::size_t n = 0; n < count; ++n) {
    const auto label = static_cast<std::uint8_t>(g.below(palette.size()));
    d.labels[n] = label;
    std::array<double, 3> blob{}, tint{};
    for (std::size_t c = 0; c < 3; ++c) {
      blob[c] = palette[label][c] + g.uniform(-25, 25);
      tint[c] = g.uniform(20, 70);
    }
    const double cx = g.uniform(8, 24), cy = g.uniform(8, 24), sigma = g.uniform(3, 6);
    std::uint8_t* img = d.pixels.data() + n * byte_images::size;
    for (std::size_t y = 0; y < byte_images::rows; ++y)
      for (std::size_t x = 0; x < byte_images::cols; ++x) {
        const double dx = static_cast<double>(x) - cx, dy = static_cast<double>(y) - cy;
        const double w = std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
        for (std::size_t c = 0; c < 3; ++c) {
          const double v = tint[c] + (blob[c] - tint[c]) * w + g.uniform(-15, 15);
          img[(c * byte_images::rows + y) * byte_images::cols + x] =
              static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
        }
      }
  }
  return d;
}

// The networks' input: byte / 255.0f, exactly what the firmware computes from the same bytes.
inline std::vector<float> to_floats(const byte_images& d) {
  std::vector<float> f(d.pixels.size());
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(d.pixels[i]) / 255.0f;
  return f;
}

}  // namespace cifar_like
