// The separable example (models.hpp: depthwise-separable blocks, ReLU6, global average pooling)
// with seeded random parameters and running statistics (no training: parity and instruction
// counts do not depend on what the weights learned), folded, calibrated and quantized to int8.
// Writes into --out:
//   float.hpp, int8.hpp           the folded and the int8 network as headers (namespaces
//                                 separable_float, separable_int8)
//   float-reference.bin           the folded network's float32 logits on every test image
//   int8-reference.bin            the int8 network's logits (what firmware must equal bit for bit)
//   test-images.idx, test-labels.idx   N x 3 x 32 x 32 seeded pixels; labels = the float prediction
//   separable --out DIR [--images N]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <staticnn/export/header.hpp>
#include <staticnn/export/int8_header.hpp>
#include <staticnn/io/atomic_file.hpp>
#include <staticnn/quant/quantize.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/rng.hpp>

#include "models.hpp"

namespace {

namespace sn = staticnn;
constexpr std::size_t D = separable::net::in_shape::size, K = separable::net::out_shape::size;

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16 & 0xff), static_cast<char>(v >> 8 & 0xff),
          static_cast<char>(v & 0xff)};
}

// A coloured blob (its own level per channel) on noise.
std::vector<std::uint8_t> make_images(std::size_t n, sn::train::rng& g) {
  std::vector<std::uint8_t> px(n * D);
  for (std::size_t i = 0; i < n; ++i) {
    const double cy = g.uniform(6, 26), cx = g.uniform(6, 26), r = g.uniform(3, 12);
    for (std::size_t c = 0; c < 3; ++c) {
      const double level = g.uniform(0.2, 1.0);
      for (std::size_t y = 0; y < 32; ++y)
        for (std::size_t x = 0; x < 32; ++x) {
          const double d2 = ((double(y) - cy) * (double(y) - cy) + (double(x) - cx) * (double(x) - cx)) / (r * r);
          const double v = level * std::exp(-d2) + g.uniform(0, 0.2);
          px[i * D + (c * 32 + y) * 32 + x] = static_cast<std::uint8_t>(std::min(255.0, std::floor(v * 255.0)));
        }
    }
  }
  return px;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  std::size_t n = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--out") == 0) out = argv[i + 1];
    else if (std::strcmp(argv[i], "--images") == 0) n = std::stoul(argv[i + 1]);
  }
  if (out.empty() || n == 0) {
    std::fprintf(stderr, "usage: separable --out DIR [--images N]\n");
    return 2;
  }
  sn::train::rng g(15);
  auto net = std::make_unique<separable::net>();
  sn::train::init_parameters(*net, g);
  net->for_each_layer([&](auto, auto& l) {  // BatchNorm: random affine and running statistics
    if constexpr (requires { l.running_var(); }) {
      for (auto& v : l.gamma()) v = static_cast<float>(g.uniform(0.5, 1.5));
      for (auto& v : l.beta()) v = static_cast<float>(g.uniform(-0.1, 0.5));
      for (auto& v : l.running_mean()) v = static_cast<float>(g.uniform(-0.2, 0.2));
      for (auto& v : l.running_var()) v = static_cast<float>(g.uniform(0.5, 2.0));
    }
  });
  const auto folded = std::make_unique<separable::folded>(sn::fold_batchnorm(*net));
  const std::vector<std::uint8_t> px = make_images(n, g);
  std::vector<float> x(n * D);  // as the firmware converts them
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(px[k]) / 255.0f;
  const auto q =
      std::make_unique<separable::int8>(sn::quant::quantize(*folded, sn::quant::calibrate(*folded, x.data(), n)));

  std::string ref_f, ref_q, labels = be32(0x00000801) + be32(static_cast<std::uint32_t>(n));
  std::size_t agree = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const sn::cview<float, D> xi(x.data() + i * D, D);
    std::array<float, K> yf{};
    std::array<std::int8_t, D> xq{};
    std::array<std::int8_t, K> yq{};
    folded->forward(xi, yf);
    q->quantize_input(xi, xq);
    q->forward(xq, yq);
    ref_f.append(reinterpret_cast<const char*>(yf.data()), sizeof(yf));
    ref_q.append(reinterpret_cast<const char*>(yq.data()), sizeof(yq));
    const auto pf = static_cast<std::size_t>(std::max_element(yf.begin(), yf.end()) - yf.begin());
    agree += pf == static_cast<std::size_t>(std::max_element(yq.begin(), yq.end()) - yq.begin());
    labels += static_cast<char>(pf);
  }
  std::string images = be32(0x00000804) + be32(static_cast<std::uint32_t>(n)) + be32(3) + be32(32) + be32(32);
  images.append(reinterpret_cast<const char*>(px.data()), px.size());
  const std::string origin = "separable example: seeded random parameters, batchnorm folded";
  sn::io::write_file_atomically(out + "/float.hpp", sn::exporter::header(*folded, "separable_float", origin));
  sn::io::write_file_atomically(
      out + "/int8.hpp", sn::exporter::int8_header(*q, "separable_int8", origin + ", int8 from " + std::to_string(n) + " images"));
  sn::io::write_file_atomically(out + "/float-reference.bin", ref_f);
  sn::io::write_file_atomically(out + "/int8-reference.bin", ref_q);
  sn::io::write_file_atomically(out + "/test-images.idx", images);
  sn::io::write_file_atomically(out + "/test-labels.idx", labels);
  std::printf("separable: wrote %s/{float,int8}.hpp and the logits of %zu images; int8 argmax = float argmax on %zu\n",
              out.c_str(), n, agree);
  return 0;
}
