// The host half of a project that uses staticnn as a package: trains its own network for a few
// steps on made-up data, folds it and writes model.hpp (the exported network) and expected.hpp
// (one input and the folded network's logits for it) for the firmware half, and data/, IDX files
// of the same task (idx4, 2 x 8 x 8) for the CLI staticnn_add_model built (staticnn-small).
//   consumer_host <out-dir>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <staticnn/export/header.hpp>
#include <staticnn/io/atomic_file.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/trainer.hpp>

#include "net.hpp"

namespace {

// Class = the brightest of three input regions (left half of channel 0, right half, channel 1).
std::size_t region(std::size_t i) { return i >= 64 ? 2 : (i % 8 < 4 ? 0 : 1); }

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// <dir>/<split>-images-idx4-ubyte (n x 2 x 8 x 8 bytes: 128 + noise in the class's region, noise
// elsewhere) and <split>-labels-idx1-ubyte.
void write_idx(const std::string& dir, const char* split, std::size_t n, staticnn::train::rng& g) {
  std::string images = be32(0x804) + be32(static_cast<std::uint32_t>(n)) + be32(2) + be32(8) + be32(8);
  std::string labels = be32(0x801) + be32(static_cast<std::uint32_t>(n));
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t label = g.below(3);
    for (std::size_t i = 0; i < 128; ++i)
      images += static_cast<char>((region(i) == label ? 128 : 0) + g.below(128));
    labels += static_cast<char>(label);
  }
  staticnn::io::write_file_atomically(dir + "/" + split + "-images-idx4-ubyte", images);
  staticnn::io::write_file_atomically(dir + "/" + split + "-labels-idx1-ubyte", labels);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return std::fputs("usage: consumer_host <out-dir>\n", stderr), 2;
  namespace sn = staticnn;
  constexpr std::size_t B = 8, D = consumer::net::in_shape::size;
  auto net = std::make_unique<consumer::net>();
  auto tr = std::make_unique<sn::train::trainer<consumer::net, B>>();
  sn::train::sgd<consumer::net> opt;
  opt.lr = 0.05;
  sn::train::rng g(1);
  sn::train::init_parameters(*net, g);
  sn::serial_executor ex;
  double first = 0, last = 0;
  for (int step = 0; step < 30; ++step) {
    for (std::size_t b = 0; b < B; ++b) {
      const std::size_t label = g.below(3);
      for (std::size_t i = 0; i < D; ++i) {
        tr->input[b * D + i] = static_cast<float>(g.uniform() + (region(i) == label ? 1.0 : 0.0));
      }
      tr->labels[b] = static_cast<std::uint8_t>(label);
    }
    const double loss = tr->step(*net, opt, B, ex).loss;
    (step == 0 ? first : last) = loss;
  }
  std::printf("consumer_host: loss %.3f -> %.3f\n", first, last);

  const auto folded = std::make_unique<consumer::folded>(sn::fold_batchnorm(*net));
  sn::tensor<consumer::net::in_shape> x;
  for (auto& v : x.data) v = static_cast<float>(g.uniform());
  sn::tensor<consumer::net::out_shape> y;
  folded->forward(x, y);
  std::string expected =
      "// Written by consumer_host: an input and the folded network's logits.\n#pragma once\n"
      "namespace consumer_expected {\ninline constexpr float input[] = {";
  for (float v : x.data) expected += sn::exporter::hex_float(v) + ", ";
  expected += "};\ninline constexpr float logits[] = {";
  for (float v : y.data) expected += sn::exporter::hex_float(v) + ", ";
  expected += "};\n}  // namespace consumer_expected\n";
  const std::string dir = argv[1];
  sn::io::write_file_atomically(dir + "/model.hpp",
                                sn::exporter::header(*folded, "consumer_model", "consumer test"));
  sn::io::write_file_atomically(dir + "/expected.hpp", expected);
  std::printf("consumer_host: wrote %s/model.hpp and expected.hpp (%zu parameters)\n", dir.c_str(),
              consumer::folded::param_count);
  std::filesystem::create_directories(dir + "/data");
  write_idx(dir + "/data", "train", 192, g);
  write_idx(dir + "/data", "t10k", 64, g);
  std::printf("consumer_host: wrote %s/data: 192 training and 64 test images, idx4 2 x 8 x 8\n", dir.c_str());
  return last < first ? 0 : 1;
}
