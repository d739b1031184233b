// Checks what the separable program wrote, with its exported headers compiled in (the ones the
// firmware is built from): each header holds exactly the expected model type and computes the
// reference logits on every test image, read back from test-images.idx as the firmware reads it:
// int8 bit for bit, float exactly.
//   separable_replay <dir written by separable>        exit 0: pass, 1: a logit differs, 2: bad files
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "float.hpp"
#include "int8.hpp"
#include "models.hpp"

namespace {
constexpr std::size_t D = separable::net::in_shape::size, K = separable::net::out_shape::size, header = 20;

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
    std::printf("separable_replay: missing or malformed files in %s\n", dir.c_str());
    return 2;
  }
  const auto& fnet = separable_float::get<separable::folded>();
  const auto& qnet = separable_int8::get<separable::int8>();
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
  std::printf("separable_replay: %zu images, float mismatches %zu, int8 mismatches %zu %s\n", n, diff_f, diff_q,
              diff_f + diff_q == 0 ? "PASS" : "FAIL");
  return diff_f + diff_q == 0 ? 0 : 1;
}
