// The cifar_like example: networks of your own, end to end. Generates a seeded synthetic dataset
// (dataset.hpp), trains a CNN and an MLP (models.hpp) with the library's trainer, folds their
// batchnorm layers and writes, for each network <m> (cnn, mlp), into --out:
//   <m>.hpp            the folded network as a C++ header (namespace cifar_like_<m>)
//   <m>-reference.bin  the folded network's float32 logits on every test image (what firmware
//                      must match, as `staticnn export --reference` writes for LeNet)
//   <m>-unfolded.bin   the trained (unfolded) network's logits, to measure what folding changed
// and test-images.idx (N x 3 x 32 x 32 bytes), test-labels.idx, summary.txt.
//   cifar_like --out DIR [--seed N] [--train N] [--test N] [--epochs N] [--threads N]
// Exit status: 0 written, 2 bad arguments or a file that cannot be written. The checks on the
// results are the CTest example.cifar_like (replay.cpp) and the firmware parity tests.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <staticnn/export/header.hpp>
#include <staticnn/io/atomic_file.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/thread_pool.hpp>

#include "dataset.hpp"
#include "models.hpp"

namespace {

namespace sn = staticnn;
constexpr std::size_t max_batch = 32;

struct options {
  std::string out;
  std::uint64_t seed = 1;
  std::size_t train = 1024, test = 512, epochs = 6, threads = 0;
};

struct split {
  cifar_like::byte_images bytes;
  std::vector<float> x;  // bytes / 255
};

std::string bytes_of(const float* v, std::size_t n) {
  static_assert(std::endian::native == std::endian::little, "logits are written little-endian");
  return std::string(reinterpret_cast<const char*>(v), n * sizeof(float));
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16 & 0xff),
          static_cast<char>(v >> 8 & 0xff), static_cast<char>(v & 0xff)};
}

// IDX files of unsigned bytes: magic 0x0000080N, N big-endian sizes, the data.
void write_idx(const std::string& dir, const cifar_like::byte_images& d) {
  using B = cifar_like::byte_images;
  const auto n = static_cast<std::uint32_t>(d.count());
  std::string images =
      be32(0x00000804) + be32(n) + be32(B::channels) + be32(B::rows) + be32(B::cols);
  images.append(reinterpret_cast<const char*>(d.pixels.data()), d.pixels.size());
  sn::io::write_file_atomically(dir + "/test-images.idx", images);
  std::string labels = be32(0x00000801) + be32(n);
  labels.append(reinterpret_cast<const char*>(d.labels.data()), d.labels.size());
  sn::io::write_file_atomically(dir + "/test-labels.idx", labels);
}

// Trains Net, folds it, writes <name>.hpp and the logit files; returns a summary line.
template <class Net, class E>
std::string train_fold_export(const char* name, double lr, const options& o, const split& train,
                              const split& test, E& ex) {
  using Folded = sn::folded_t<Net>;
  constexpr std::size_t D = Net::in_shape::size, K = Net::out_shape::size;
  const auto start = std::chrono::steady_clock::now();
  auto net = std::make_unique<Net>();
  auto tr = std::make_unique<sn::train::trainer<Net, max_batch>>();
  auto opt = std::make_unique<sn::train::sgd<Net>>();
  opt->lr = lr, opt->momentum = 0.9;
  sn::train::rng g(o.seed * 1000 + std::string_view(name).size());
  sn::train::init_parameters(*net, g);
  std::vector<std::uint32_t> order(train.bytes.count());
  std::iota(order.begin(), order.end(), 0u);
  for (std::size_t epoch = 1; epoch <= o.epochs; ++epoch) {
    g.shuffle(order.begin(), order.end());
    const auto e =
        sn::train::train_epoch(*net, *tr, *opt, train.x.data(), train.bytes.labels.data(),
                               std::span<const std::uint32_t>(order), max_batch, ex,
                               [](std::size_t, std::size_t, const auto&) {});
    std::printf("%s: epoch %zu loss %.4f train accuracy %.4f\n", name, epoch,
                e.loss_sum / static_cast<double>(e.samples),
                static_cast<double>(e.correct) / static_cast<double>(e.samples));
  }

  const auto folded = std::make_unique<Folded>(sn::fold_batchnorm(*net));
  std::string reference, unfolded;
  std::size_t correct = 0, correct_folded = 0, flips = 0;
  float worst = 0;
  std::array<float, K> a, b;
  for (std::size_t i = 0; i < test.bytes.count(); ++i) {
    const sn::cview<float, D> x(test.x.data() + i * D, D);
    net->forward(x, a);
    folded->forward(x, b);
    const std::size_t pa = sn::train::argmax<float, K>(a), pb = sn::train::argmax<float, K>(b);
    correct += pa == test.bytes.labels[i], correct_folded += pb == test.bytes.labels[i],
        flips += pa != pb;
    for (std::size_t k = 0; k < K; ++k) worst = std::max(worst, std::abs(a[k] - b[k]));
    unfolded += bytes_of(a.data(), K);
    reference += bytes_of(b.data(), K);
  }
  const std::string base = o.out + "/" + name;
  const std::string origin = std::string("cifar_like example: ") + name + ", seed " +
                             std::to_string(o.seed) + ", " + std::to_string(o.epochs) +
                             " epochs on " + std::to_string(train.bytes.count()) +
                             " images, batchnorm folded.";
  sn::io::write_file_atomically(
      base + ".hpp", sn::exporter::header(*folded, std::string("cifar_like_") + name, origin));
  sn::io::write_file_atomically(base + "-reference.bin", reference);
  sn::io::write_file_atomically(base + "-unfolded.bin", unfolded);
  const double n = static_cast<double>(test.bytes.count());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[320];
  std::snprintf(line, sizeof line,
                "%s: %zu layers (%zu folded), %zu parameters, test accuracy %.4f, folded %.4f, "
                "max |folded - unfolded logit| %.3g, argmax changes %zu, %.1f s\n",
                name, Net::depth, Folded::depth, Folded::param_count,
                static_cast<double>(correct) / n, static_cast<double>(correct_folded) / n,
                static_cast<double>(worst), flips, seconds);
  std::fputs(line, stdout);
  return line;
}

int usage(const char* problem) {
  std::fprintf(
      stderr,
      "cifar_like: %s\nusage: cifar_like --out DIR [--seed N] [--train N] [--test N] [--epochs N] "
      "[--threads N]\n",
      problem);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + std::string(a)).c_str());
    const char* v = argv[++i];
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    const bool number = *v != '\0' && *end == '\0';
    if (a == "--out")
      o.out = v;
    else if (!number)
      return usage((std::string(a) + " needs a number, got '" + v + "'").c_str());
    else if (a == "--seed")
      o.seed = n;
    else if (a == "--train")
      o.train = n;
    else if (a == "--test")
      o.test = n;
    else if (a == "--epochs")
      o.epochs = n;
    else if (a == "--threads")
      o.threads = n;
    else
      return usage(("unknown option " + std::string(a)).c_str());
  }
  if (o.out.empty()) return usage("--out DIR is required");
  if (o.train < 2 || o.test < 1 || o.epochs < 1)
    return usage("--train must be >= 2, --test and --epochs >= 1");
  if (o.threads == 0) o.threads = std::min(4u, std::max(1u, std::thread::hardware_concurrency()));

  try {
    std::filesystem::create_directories(o.out);
    split train{cifar_like::make_blobs(o.train, o.seed), {}},
        test{cifar_like::make_blobs(o.test, o.seed + 1), {}};
    train.x = cifar_like::to_floats(train.bytes);
    test.x = cifar_like::to_floats(test.bytes);
    sn::train::thread_pool pool(o.threads);
    std::string summary = train_fold_export<cifar_like::cnn>("cnn", 0.01, o, train, test, pool);
    summary += train_fold_export<cifar_like::mlp>("mlp", 0.005, o, train, test, pool);
    write_idx(o.out, test.bytes);
    sn::io::write_file_atomically(o.out + "/summary.txt", summary);
    std::printf(
        "cifar_like: wrote %s/{cnn,mlp}.hpp, their logits, test-images.idx, test-labels.idx\n",
        o.out.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cifar_like: %s\n", e.what());
    return 2;
  }
  return 0;
}
