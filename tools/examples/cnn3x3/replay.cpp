// Checks what the cnn3x3 program wrote, with its exported headers compiled in (the ones the
// firmware is built from): each header holds exactly the expected model type (folded float,
// int8 with its padded convolutions spelled out) and computes the reference logits on every test
// image, read back from test-images.idx as the firmware reads it: int8 bit for bit, float exactly.
//   cnn3x3_replay <dir written by cnn3x3>        exit 0: pass, 1: a logit differs, 2: bad files
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <staticnn/staticnn.hpp>

#include "float.hpp"
#include "int8.hpp"

namespace {
namespace sn = staticnn;
using float_model = sn::folded_t<sn::models::cnn3x3>;
using int8_model = sn::quant::quantized_t<float_model>;
constexpr std::size_t D = 784, K = 10, header = 16;

std::vector<char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string dir = argv[1];
  const auto images = read_file(dir + "/test-images.idx"), ref_f = read_file(dir + "/float-reference.bin"),
             ref_q = read_file(dir + "/int8-reference.bin");
  const std::size_t n = images.size() > header ? (images.size() - header) / D : 0;
  if (n == 0 || ref_f.size() != n * K * sizeof(float) || ref_q.size() != n * K) {
    std::printf("cnn3x3_replay: missing or malformed files in %s\n", dir.c_str());
    return 2;
  }
  const auto& fnet = cnn3x3_float::get<float_model>();
  const auto& qnet = cnn3x3_int8::get<int8_model>();
  std::size_t diff_f = 0, diff_q = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::array<float, D> x{};
    for (std::size_t k = 0; k < D; ++k) x[k] = static_cast<float>(static_cast<std::uint8_t>(images[header + i * D + k])) / 255.0f;
    std::array<float, K> yf{};
    std::array<std::int8_t, D> xq{};
    std::array<std::int8_t, K> yq{};
    fnet.forward(x, yf);
    qnet.quantize_input(x, xq);
    qnet.forward(xq, yq);
    diff_f += std::memcmp(yf.data(), ref_f.data() + i * K * sizeof(float), sizeof(yf)) != 0;
    diff_q += std::memcmp(yq.data(), ref_q.data() + i * K, K) != 0;
  }
  std::printf("cnn3x3_replay: %zu images, float mismatches %zu, int8 mismatches %zu %s\n", n, diff_f, diff_q,
              diff_f + diff_q == 0 ? "PASS" : "FAIL");
  return diff_f + diff_q == 0 ? 0 : 1;
}
