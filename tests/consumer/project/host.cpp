// The host half of a project that uses staticnn as a package: trains its own network for a few
// steps on made-up data, folds it and writes model.hpp (the exported network) and expected.hpp
// (one input and the folded network's logits for it) for the firmware half.
//   consumer_host <out-dir>
#include <cstdio>
#include <memory>
#include <string>

#include <staticnn/export/header.hpp>
#include <staticnn/io/atomic_file.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/trainer.hpp>

#include "net.hpp"

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
  // Class = the brightest of three input regions (left half of channel 0, right half, channel 1).
  double first = 0, last = 0;
  for (int step = 0; step < 30; ++step) {
    for (std::size_t b = 0; b < B; ++b) {
      const std::size_t label = g.below(3);
      for (std::size_t i = 0; i < D; ++i) {
        const std::size_t region = i >= 64 ? 2 : (i % 8 < 4 ? 0 : 1);
        tr->input[b * D + i] = static_cast<float>(g.uniform() + (region == label ? 1.0 : 0.0));
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
  return last < first ? 0 : 1;
}
