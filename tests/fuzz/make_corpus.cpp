// Writes the seed corpora under tests/fuzz/corpus/ (checked in; rerun after a format change):
//   fuzz_make_corpus tests/fuzz/corpus
// A few small valid files of each kind and one file per kind of damage the readers must name.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include <staticnn/io/checkpoint.hpp>
#include <staticnn/io/safetensors.hpp>

#include "fuzz.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = staticnn::io;
using bytes = std::vector<std::uint8_t>;

void write(const fs::path& file, const bytes& b) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!out) std::fprintf(stderr, "%s: cannot write\n", file.c_str()), std::exit(1);
}
bytes of(const std::string& s) { return bytes(s.begin(), s.end()); }

// An IDX file: big-endian magic and dims, then the payload.
bytes idx(std::uint32_t magic, std::initializer_list<std::uint32_t> dims, std::size_t payload) {
  bytes b;
  const auto be32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  };
  be32(magic);
  for (std::uint32_t v : dims) be32(v);
  for (std::size_t i = 0; i < payload; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 % 256));
  return b;
}

void fix_crc(bytes& b) {
  const std::uint32_t crc = io::crc32(b.data(), b.size() - 4);
  for (std::size_t i = 0; i < 4; ++i)
    b[b.size() - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
}

template <class Net>
Net numbered() {
  Net net;
  float v = 0.25f;
  net.for_each_layer([&](auto, auto& l) {
    for (auto& p : param_span(l)) p = v, v = -v * 1.5f + 0.125f;
  });
  return net;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return std::fputs("usage: fuzz_make_corpus CORPUS_DIR\n", stderr), 2;
  const fs::path root = argv[1];
  for (const char* d : {"idx", "checkpoint", "inference", "safetensors"}) fs::create_directories(root / d);

  const fs::path i = root / "idx";
  write(i / "images-3x4x4", idx(0x803, {3, 4, 4}, 48));
  write(i / "labels-5-bytes", idx(0x801, {5}, 5));
  write(i / "labels-truncated", idx(0x801, {5}, 3));
  {
    bytes b = idx(0x801, {5}, 0);
    b.insert(b.end(), {0, 9, 3, 10, 255});
    write(i / "labels-out-of-range", b);
  }
  {
    bytes b = idx(0x801, {4}, 0);
    b.insert(b.end(), {0, 9, 3, 1});
    write(i / "labels-4", b);
  }
  write(i / "images-truncated", idx(0x803, {3, 4, 4}, 40));
  write(i / "images-trailing", idx(0x803, {3, 4, 4}, 49));
  write(i / "images-zero-dim", idx(0x803, {0, 4, 4}, 0));
  write(i / "images-huge-dims", idx(0x803, {0xffffffffu, 0xffffffffu, 0xffffffffu}, 8));
  write(i / "images-float-type", idx(0xd03, {1, 2, 2}, 16));
  write(i / "header-only", idx(0x803, {}, 0));
  write(i / "gzip", bytes{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0});

  const fs::path c = root / "checkpoint";
  using staticnn::fuzz::tiny;
  using staticnn::fuzz::tiny_other;
  const tiny net = numbered<tiny>();
  std::array<float, tiny::param_count> velocity{};
  for (std::size_t k = 0; k < velocity.size(); ++k) velocity[k] = static_cast<float>(k) * 0.01f;
  io::checkpoint_meta meta{
      "tiny", "model=tiny\nepochs=3\nlr=0.1\nrecord=1 0.5 0.75 0.7 1.5 1000\n", 1, 47, {1, 2, 3, 4},
      0};
  const std::string v2 = io::checkpoint_bytes(net, meta, std::span<const float>(velocity));
  write(c / "tiny-v2", of(v2));
  io::checkpoint_meta mid = meta;
  mid.batch = 13, mid.step = 60, mid.meta += "partial=6.5 10 13 0.25 0.3\n";
  write(c / "tiny-v2-mid-epoch-no-velocity", of(io::checkpoint_bytes(net, mid)));
  write(c / "tiny-other-model", of(io::checkpoint_bytes(numbered<tiny_other>(), meta)));
  {  // version 1: no batch field after the epoch
    bytes b = of(io::checkpoint_bytes(net, meta));
    const std::size_t batch_at = 12 + 4 + meta.model.size() + 4 + io::signature<tiny>().size() + 4 +
                                 meta.meta.size() + 3 * 8 + 8;
    b.erase(b.begin() + static_cast<std::ptrdiff_t>(batch_at),
            b.begin() + static_cast<std::ptrdiff_t>(batch_at + 8));
    b[8] = 1;
    fix_crc(b);
    write(c / "tiny-v1", b);
  }
  {
    bytes b = of(v2);
    b[b.size() / 2] ^= 0x10;
    write(c / "bad-crc", b);
    b = of(v2);
    b[8] = 3;
    write(c / "bad-version", b);
    write(c / "truncated", bytes(v2.begin(), v2.begin() + 100));
    b = of(v2);
    b.insert(b.end() - 4, {1, 2, 3, 4});
    fix_crc(b);
    write(c / "extra-numbers", b);
    b = of(v2);
    b[0] = 'X';
    write(c / "bad-magic", b);
  }

  const fs::path f = root / "inference";
  const auto floats = [](std::initializer_list<std::uint32_t> bits) {
    bytes b;
    for (std::uint32_t v : bits)
      for (int s = 0; s < 32; s += 8) b.push_back(static_cast<std::uint8_t>(v >> s));
    return b;
  };
  write(f / "zero", floats({0}));
  write(f / "half", floats({std::bit_cast<std::uint32_t>(0.5f)}));
  write(f / "nan", floats({0x7fc00000u}));
  write(f / "signaling-nan", floats({0x7f800001u}));
  write(f / "plus-inf", floats({0x7f800000u}));
  write(f / "minus-inf", floats({0xff800000u}));
  write(f / "max", floats({0x7f7fffffu}));
  write(f / "huge-1e30", floats({std::bit_cast<std::uint32_t>(1e30f)}));
  write(f / "subnormal", floats({0x00000001u}));
  write(f / "mixed",
        floats({std::bit_cast<std::uint32_t>(0.5f), 0x7fc00000u, 0xff800000u,
                std::bit_cast<std::uint32_t>(1e30f), std::bit_cast<std::uint32_t>(-3.0f)}));
  {
    bytes b;  // an image of pixels in [0, 1] with one NaN pixel
    for (std::size_t k = 0; k < 784; ++k) {
      const float v =
          k == 300 ? std::bit_cast<float>(0x7fc00000u) : static_cast<float>(k % 256) / 255.0f;
      for (int s = 0; s < 32; s += 8)
        b.push_back(static_cast<std::uint8_t>(std::bit_cast<std::uint32_t>(v) >> s));
    }
    write(f / "image-one-nan-pixel", b);
  }
  const fs::path st = root / "safetensors";
  {
    const std::string good = io::safetensors_bytes(net, {{"format", "pt"}});
    write(st / "tiny", of(good));
    write(st / "tiny-other-model", of(io::safetensors_bytes(numbered<tiny_other>())));
    const auto header = [](const std::string& h, std::size_t data_bytes) {
      std::string s;
      for (int k = 0; k < 8; ++k) s += static_cast<char>(std::uint64_t{h.size()} >> (8 * k));
      return of(s + h + std::string(data_bytes, '\x3f'));
    };
    // As PyTorch's state_dict holds it: F64 values, the data in another order than the header,
    // an I64 num_batches_tracked of shape [], escapes in the metadata.
    write(st / "tiny-f64-pytorch-order",
          header(R"({"__metadata__":{"format":"pt","w\u00e9":"a\nb"},)"
                 R"("5.bias":{"dtype":"F64","shape":[3],"data_offsets":[0,24]},)"
                 R"("0.weight":{"dtype":"F64","shape":[2,1,3,3],"data_offsets":[24,168]},)"
                 R"("0.bias":{"dtype":"F64","shape":[2],"data_offsets":[168,184]},)"
                 R"("1.weight":{"dtype":"F32","shape":[2],"data_offsets":[184,192]},)"
                 R"("1.bias":{"dtype":"F32","shape":[2],"data_offsets":[192,200]},)"
                 R"("1.running_mean":{"dtype":"F32","shape":[2],"data_offsets":[200,208]},)"
                 R"("1.running_var":{"dtype":"F32","shape":[2],"data_offsets":[208,216]},)"
                 R"("1.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[216,224]},)"
                 R"("5.weight":{"dtype":"F32","shape":[3,8],"data_offsets":[224,320]}})",
                 320));
    write(st / "truncated", of(good.substr(0, good.size() - 6)));
    write(st / "header-only", header("{}", 0));
    write(st / "short", bytes{1, 0, 0});
    bytes b = of(good);
    b[2] = 0x7f;  // header length past the end
    write(st / "header-too-long", b);
    const auto edit = [&](const std::string& from, const std::string& to) {
      std::string s = good;
      s.replace(s.find(from), from.size(), to);
      std::uint64_t n = 0;  // the header length follows the edit
      for (std::size_t k = 0; k < 8; ++k) n |= std::uint64_t{static_cast<std::uint8_t>(s[k])} << (8 * k);
      n = n + to.size() - from.size();
      for (std::size_t k = 0; k < 8; ++k) s[k] = static_cast<char>(n >> (8 * k));
      return of(s);
    };
    write(st / "unknown-dtype", edit(R"("0.bias":{"dtype":"F32")", R"("0.bias":{"dtype":"Q32")"));
    write(st / "wrong-dtype", edit(R"("0.bias":{"dtype":"F32")", R"("0.bias":{"dtype":"I32")"));
    write(st / "wrong-shape", edit("[2,1,3,3]", "[1,2,3,3]"));
    write(st / "unknown-name", edit(R"("1.bias")", R"("2.bias")"));
    write(st / "duplicate-name", edit(R"("1.bias")", R"("0.bias")"));
    write(st / "overlap", edit("[72,80]", "[68,76]"));
    write(st / "bad-json", edit(R"("shape":[2])", R"("shape":[2,)"));
    write(st / "escape-in-name", edit(R"("0.bias")", R"("0\u002ebias")"));
  }
  std::printf("wrote the seed corpora under %s\n", root.c_str());
  return 0;
}
