#pragma once
// What the examples that export a folded network and its int8 form share (cnn3x3, separable):
//   write_float_int8: runs both on the test images and writes, into a folder,
//     float.hpp, int8.hpp           the two networks as headers (namespaces <name>_float, <name>_int8)
//     float-reference.bin           the folded network's float32 logits on every test image
//     int8-reference.bin            the int8 network's logits (what firmware must equal bit for bit)
//     test-images.idx, test-labels.idx   the images as IDX bytes; labels = the float prediction
//   replay: with the exported headers compiled in, checks that they compute those logits on every
//     image, read back from test-images.idx as the firmware reads it (int8 bit for bit, float exactly).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <staticnn/export/header.hpp>
#include <staticnn/fold/fold.hpp>
#include <staticnn/export/int8_header.hpp>
#include <staticnn/io/atomic_file.hpp>
#include <staticnn/quant/quantize.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/rng.hpp>

namespace staticnn::examples {

// The programs' arguments: --out DIR [--images N] (default 64); false, after a usage line, if wrong.
struct arguments {
  std::string out;
  std::size_t images = 64;
};
inline bool parse_arguments(int argc, char** argv, const char* program, arguments& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--out") == 0) a.out = argv[i + 1];
    else if (std::strcmp(argv[i], "--images") == 0) a.images = std::stoul(argv[i + 1]);
  }
  if (a.out.empty() || a.images == 0) {
    std::fprintf(stderr, "usage: %s --out DIR [--images N]\n", program);
    return false;
  }
  return true;
}

// A synthetic 3 x 32 x 32 image into px (bytes): in each channel c a Gaussian blob centred at
// (cy, cx) of radius r and height level(c) (called once per channel, in order), on noise in [0, 0.2).
template <class Level>
void draw_blob(std::uint8_t* px, train::rng& g, double cy, double cx, double r, Level&& level) {
  for (std::size_t c = 0; c < 3; ++c) {
    const double height = level(c);
    for (std::size_t y = 0; y < 32; ++y)
      for (std::size_t x = 0; x < 32; ++x) {
        const double d2 = ((double(y) - cy) * (double(y) - cy) + (double(x) - cx) * (double(x) - cx)) / (r * r);
        const double v = height * std::exp(-d2) + g.uniform(0, 0.2);
        px[(c * 32 + y) * 32 + x] = static_cast<std::uint8_t>(std::min(255.0, std::floor(v * 255.0)));
      }
  }
}

inline std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16 & 0xff), static_cast<char>(v >> 8 & 0xff),
          static_cast<char>(v & 0xff)};
}

// The logits of the float network and of the int8 one (its input quantized) on one image x.
template <class F, class Q>
struct logits {
  std::array<float, F::out_shape::size> f{};
  std::array<std::int8_t, F::out_shape::size> q{};
  logits(const F& fnet, const Q& qnet, cview<float, F::in_shape::size> x) {
    std::array<std::int8_t, F::in_shape::size> xq{};
    fnet.forward(x, f);
    qnet.quantize_input(x, xq);
    qnet.forward(xq, q);
  }
};

// px: n images of bytes, x: the same / 255 (as the firmware converts them), dims: an image's sizes
// (IDX order). Returns on how many images the int8 argmax equals the float one.
template <class Folded, class Q>
std::size_t write_float_int8(const std::string& out, const std::string& name, const std::string& origin,
                             const Folded& folded, const Q& q, const std::vector<std::uint8_t>& px,
                             const std::vector<float>& x, std::size_t n, std::initializer_list<std::uint32_t> dims) {
  constexpr std::size_t D = Folded::in_shape::size;
  std::string ref_f, ref_q, labels = be32(0x00000801) + be32(static_cast<std::uint32_t>(n));
  std::size_t agree = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const logits<Folded, Q> y(folded, q, cview<float, D>(x.data() + i * D, D));
    const auto &yf = y.f, &yq = y.q;
    ref_f.append(reinterpret_cast<const char*>(yf.data()), sizeof(yf));
    ref_q.append(reinterpret_cast<const char*>(yq.data()), sizeof(yq));
    const auto pf = static_cast<std::size_t>(std::max_element(yf.begin(), yf.end()) - yf.begin());
    agree += pf == static_cast<std::size_t>(std::max_element(yq.begin(), yq.end()) - yq.begin());
    labels += static_cast<char>(pf);
  }
  std::string images = be32(0x00000801 + static_cast<std::uint32_t>(dims.size())) + be32(static_cast<std::uint32_t>(n));
  for (const std::uint32_t d : dims) images += be32(d);
  images.append(reinterpret_cast<const char*>(px.data()), px.size());
  io::write_file_atomically(out + "/float.hpp", exporter::header(folded, name + "_float", origin));
  io::write_file_atomically(out + "/int8.hpp", exporter::int8_header(q, name + "_int8",
                                                                      origin + ", int8 from " + std::to_string(n) + " images"));
  io::write_file_atomically(out + "/float-reference.bin", ref_f);
  io::write_file_atomically(out + "/int8-reference.bin", ref_q);
  io::write_file_atomically(out + "/test-images.idx", images);
  io::write_file_atomically(out + "/test-labels.idx", labels);
  return agree;
}

// Seeded parameters as an example needs them when it does not train: the layers' default
// initialisation, and every BatchNorm layer given a random affine transform and running statistics
// (so folding changes the weights and the int8 ranges differ per channel).
template <class Net>
void seed_parameters(Net& net, train::rng& g) {
  train::init_parameters(net, g);
  net.for_each_layer([&](auto, auto& l) {
    if constexpr (requires { l.running_var(); }) {
      for (auto& v : l.gamma()) v = static_cast<float>(g.uniform(0.5, 1.5));
      for (auto& v : l.beta()) v = static_cast<float>(g.uniform(-0.1, 0.5));
      for (auto& v : l.running_mean()) v = static_cast<float>(g.uniform(-0.2, 0.2));
      for (auto& v : l.running_var()) v = static_cast<float>(g.uniform(0.5, 2.0));
    }
  });
}

// Folds net, calibrates the int8 network on the images px (as bytes; the networks see px / 255, as
// the firmware converts them), writes what write_float_int8 lists into args.out and prints a line.
// Folded and Q: the example's folded and int8 types.
template <class Folded, class Q, class Net>
void fold_quantize_write(const arguments& args, const std::string& name, const std::string& origin, const Net& net,
                         const std::vector<std::uint8_t>& px, std::initializer_list<std::uint32_t> dims) {
  const std::size_t n = args.images;
  const auto folded = std::make_unique<Folded>(fold_batchnorm(net));
  std::vector<float> x(px.size());
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(px[k]) / 255.0f;
  const auto q = std::make_unique<Q>(quant::quantize(*folded, quant::calibrate(*folded, x.data(), n)));
  const std::size_t agree = write_float_int8(args.out, name, origin, *folded, *q, px, x, n, dims);
  std::printf("%s: wrote %s/{float,int8}.hpp and the logits of %zu images; int8 argmax = float argmax on %zu\n",
              name.c_str(), args.out.c_str(), n, agree);
}

inline std::vector<char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Exit status: 0 pass, 1 a logit differs, 2 missing or malformed files. dims: as written.
template <class F, class Q>
int replay(const std::string& name, const std::string& dir, const F& fnet, const Q& qnet, std::size_t dims) {
  constexpr std::size_t D = F::in_shape::size, K = F::out_shape::size;
  const std::size_t header = 8 + 4 * dims;
  const auto images = read_file(dir + "/test-images.idx"), ref_f = read_file(dir + "/float-reference.bin"),
             ref_q = read_file(dir + "/int8-reference.bin");
  const std::size_t n = images.size() > header ? (images.size() - header) / D : 0;
  if (n == 0 || ref_f.size() != n * K * sizeof(float) || ref_q.size() != n * K) {
    std::printf("%s_replay: missing or malformed files in %s\n", name.c_str(), dir.c_str());
    return 2;
  }
  std::size_t diff_f = 0, diff_q = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::array<float, D> x{};
    for (std::size_t k = 0; k < D; ++k) x[k] = static_cast<float>(static_cast<std::uint8_t>(images[header + i * D + k])) / 255.0f;
    const logits<F, Q> y(fnet, qnet, x);
    const auto &yf = y.f, &yq = y.q;
    diff_f += std::memcmp(yf.data(), ref_f.data() + i * K * sizeof(float), sizeof(yf)) != 0;
    diff_q += std::memcmp(yq.data(), ref_q.data() + i * K, K) != 0;
  }
  std::printf("%s_replay: %zu images, float mismatches %zu, int8 mismatches %zu %s\n", name.c_str(), n, diff_f, diff_q,
              diff_f + diff_q == 0 ? "PASS" : "FAIL");
  return diff_f + diff_q == 0 ? 0 : 1;
}

}  // namespace staticnn::examples
