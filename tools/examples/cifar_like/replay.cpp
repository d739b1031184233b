// Checks what the cifar_like program wrote, with its exported headers compiled in (the same
// headers the firmware is built from):
//   - each header holds exactly the folded model type, and computes the reference logits bit
//     for bit on every test image (read back from test-images.idx as the firmware reads it);
//   - folding moved no logit by more than 1e-4 and changed no prediction;
//   - both networks classify at least 95% of the test images (the classes are easy).
//   cifar_like_replay <dir written by cifar_like>
// Exit status: 0 all checks pass, 1 a check fails, 2 missing or malformed files.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cnn.hpp"
#include "mlp.hpp"
#include "models.hpp"

namespace {

namespace sn = staticnn;

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// The payload of an IDX file with the given magic and item size; count items.
std::vector<std::uint8_t> read_idx(const std::string& path, std::uint32_t magic, std::size_t item,
                                   std::size_t& count) {
  std::vector<std::uint8_t> b = read_file(path);
  const std::size_t dims = magic & 0xff, header = 4 + 4 * dims;
  if (b.size() < header || be32(b.data()) != magic)
    throw std::runtime_error(path + ": not the expected IDX kind");
  count = be32(b.data() + 4);
  std::size_t size = 1;
  for (std::size_t k = 1; k < dims; ++k) size *= be32(b.data() + 4 + 4 * k);
  if (size != item || b.size() != header + count * item)
    throw std::runtime_error(path + ": wrong item size or length");
  return {b.begin() + static_cast<std::ptrdiff_t>(header), b.end()};
}

std::vector<float> read_logits(const std::string& path, std::size_t count) {
  const std::vector<std::uint8_t> b = read_file(path);
  if (b.size() != count * cifar_like::classes * sizeof(float))
    throw std::runtime_error(path + ": wrong length");
  std::vector<float> v(b.size() / sizeof(float));
  std::memcpy(v.data(), b.data(), b.size());
  return v;
}

template <class Folded>
bool check(const char* name, const Folded& net, const std::string& dir,
           const std::vector<std::uint8_t>& pixels, const std::vector<std::uint8_t>& labels) {
  constexpr std::size_t D = Folded::in_shape::size, K = Folded::out_shape::size;
  const std::size_t n = labels.size();
  const std::vector<float> reference = read_logits(dir + "/" + name + "-reference.bin", n);
  const std::vector<float> unfolded = read_logits(dir + "/" + name + "-unfolded.bin", n);
  std::size_t bit_differences = 0, flips = 0, correct = 0;
  float fold_diff = 0;
  std::array<float, D> x;
  std::array<float, K> y;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < D; ++k) x[k] = static_cast<float>(pixels[i * D + k]) / 255.0f;
    net.forward(x, y);
    const float* ref = reference.data() + i * K;
    const float* unf = unfolded.data() + i * K;
    std::size_t p = 0, pu = 0;
    for (std::size_t k = 0; k < K; ++k) {
      bit_differences += std::bit_cast<std::uint32_t>(y[k]) != std::bit_cast<std::uint32_t>(ref[k]);
      fold_diff = std::fmax(fold_diff, std::fabs(ref[k] - unf[k]));
      if (y[k] > y[p]) p = k;
      if (unf[k] > unf[pu]) pu = k;
    }
    flips += p != pu;
    correct += p == labels[i];
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(n);
  const bool ok = bit_differences == 0 && fold_diff <= 1e-4f && flips == 0 && accuracy >= 0.95;
  std::printf(
      "%s: %zu images, exported vs reference: %zu logits differ; folded vs unfolded: max %.3g, "
      "%zu argmax changes; accuracy %.4f: %s\n",
      name, n, bit_differences, static_cast<double>(fold_diff), flips, accuracy,
      ok ? "PASS" : "FAIL");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2)
    return std::fputs("usage: cifar_like_replay <dir written by cifar_like>\n", stderr), 2;
  const std::string dir = argv[1];
  // A header exported for another model type would not compile here.
  constexpr const auto& cnn = cifar_like_cnn::get<cifar_like::folded_cnn>();
  constexpr const auto& mlp = cifar_like_mlp::get<cifar_like::folded_mlp>();
  try {
    std::size_t images = 0, count = 0;
    const auto pixels =
        read_idx(dir + "/test-images.idx", 0x00000804, cifar_like::image::size, images);
    const auto labels = read_idx(dir + "/test-labels.idx", 0x00000801, 1, count);
    if (images != count) throw std::runtime_error(dir + ": image and label counts differ");
    const bool a = check("cnn", cnn, dir, pixels, labels);
    const bool b = check("mlp", mlp, dir, pixels, labels);
    return a && b ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cifar_like_replay: %s\n", e.what());
    return 2;
  }
}
