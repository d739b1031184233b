// staticnn train: SGD on Fashion-MNIST with per-epoch metrics, checkpoint and curves.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <thread>

#include <staticnn/io/checkpoint.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/thread_pool.hpp>

#include "commands.hpp"
#include "data.hpp"
#include "models.hpp"
#include "report.hpp"

namespace staticnn::cli {
namespace {

constexpr std::size_t max_batch = 512;  // the trainer's compile-time capacity; --batch picks n <= it

struct train_options {
  std::string model, data, out;
  std::size_t epochs, batch, threads, limit_train, limit_test;
  std::uint64_t seed;
  double lr, momentum, weight_decay;
};

std::string flags_text(const train_options& o) {
  return "model=" + o.model + "\nepochs=" + std::to_string(o.epochs) + "\nlr=" + fmt("%g", o.lr) +
         "\nbatch=" + std::to_string(o.batch) + "\nseed=" + std::to_string(o.seed) + "\nmomentum=" +
         fmt("%g", o.momentum) + "\nweight_decay=" + fmt("%g", o.weight_decay) + "\n";
}

template <class Net>
int train_model(const train_options& o) {
  using In = typename Net::in_shape;
  const io::dataset train = load_split<In>(o.data, "train", o.limit_train);
  const io::dataset test = load_split<In>(o.data, "t10k", o.limit_test);
  std::filesystem::create_directories(o.out);
  std::printf("training %s: %zu train / %zu test images, %zu epochs, lr %g, batch %zu, seed %llu, %zu threads\n",
              o.model.c_str(), train.images.count, test.images.count, o.epochs, o.lr, o.batch,
              static_cast<unsigned long long>(o.seed), o.threads);

  auto net = std::make_unique<Net>();
  train::rng gen(o.seed);
  train::init_parameters(*net, gen);
  auto tr = std::make_unique<train::trainer<Net, max_batch>>();
  auto opt = std::make_unique<train::sgd<Net>>();
  opt->lr = o.lr, opt->momentum = o.momentum, opt->weight_decay = o.weight_decay;
  train::thread_pool pool(o.threads);
  std::vector<std::uint32_t> order(train.images.count);
  std::vector<std::uint8_t> predicted(test.images.count);
  std::vector<epoch_record> records;
  const bool terminal = ::isatty(::fileno(stderr)) != 0;
  std::uint64_t step = 0;

  for (std::size_t epoch = 1; epoch <= o.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0u);
    gen.shuffle(order.begin(), order.end());
    progress bar(terminal, epoch, o.epochs);
    const auto t0 = std::chrono::steady_clock::now();
    const train::epoch_stats e = train::train_epoch(
        *net, *tr, *opt, train.images.pixels.data(), train.labels.data(), order, o.batch, pool,
        [&](std::size_t done, std::size_t total, const train::epoch_stats& so_far) {
          ++step;
          const double loss = so_far.loss_sum / static_cast<double>(so_far.samples);
          if (!std::isfinite(loss))
            throw std::runtime_error("training diverged: loss is " + fmt("%g", loss) + " at epoch " +
                                     std::to_string(epoch) + ", step " + std::to_string(step) +
                                     "; try a lower learning rate (--lr)");
          bar.update(done, total, so_far.samples, loss);
        });
    const auto t1 = std::chrono::steady_clock::now();
    train::predict(*net, test.images.pixels.data(), test.images.count, predicted.data(), pool);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < test.images.count; ++i) correct += predicted[i] == test.labels[i];
    const auto t2 = std::chrono::steady_clock::now();

    epoch_record r;
    r.epoch = epoch;
    r.train_loss = e.loss_sum / static_cast<double>(e.samples);
    r.train_accuracy = static_cast<double>(e.correct) / static_cast<double>(e.samples);
    r.test_accuracy = static_cast<double>(correct) / static_cast<double>(test.images.count);
    r.seconds = std::chrono::duration<double>(t2 - t0).count();
    r.images_per_s = static_cast<double>(e.samples) / std::chrono::duration<double>(t1 - t0).count();
    records.push_back(r);
    std::printf("epoch %2zu/%zu  train loss %.4f  train acc %.4f  test acc %.4f  %6.2f s  %8.0f img/s\n", epoch,
                o.epochs, r.train_loss, r.train_accuracy, r.test_accuracy, r.seconds, r.images_per_s);
    std::fflush(stdout);

    io::checkpoint_meta meta{o.model, flags_text(o), epoch, step, gen.s};
    io::save_checkpoint(std::filesystem::path(o.out) / "checkpoint.snn", *net, meta,
                        std::span<const float>(opt->velocity));
    io::write_file_atomically(std::filesystem::path(o.out) / "metrics.json", metrics_json(records));
    io::write_file_atomically(std::filesystem::path(o.out) / "curves.svg",
                              curves_svg(records, o.model + ", lr " + fmt("%g", o.lr) + ", batch " +
                                                      std::to_string(o.batch)));
  }
  std::printf("wrote %s/{checkpoint.snn,metrics.json,curves.svg}\n", o.out.c_str());
  return 0;
}

}  // namespace

int cmd_train(int argc, char** argv) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  args a("train",
         {{"model", "NAME", std::string("network: ") + model_names + " (default bn-lenet)"},
          {"epochs", "N", "passes over the training set (default 10)"},
          {"lr", "X", "learning rate (default 0.1)"},
          {"batch", "N", "minibatch size, 2.." + std::to_string(max_batch) + " (default 128)"},
          {"momentum", "X", "SGD momentum in [0, 1) (default 0)"},
          {"weight-decay", "X", "L2 weight decay (default 0)"},
          {"seed", "S", "initialisation and shuffling seed (default 0)"},
          {"threads", "N", "worker threads (default: all cores, " + std::to_string(hw) + ")"},
          {"data", "DIR", "Fashion-MNIST IDX folder (default " + default_data_dir() + ")"},
          {"out", "DIR", "output folder (default out/train)"},
          {"limit-train", "N", "use only the first N training images (default all)"},
          {"limit-test", "N", "use only the first N test images (default all)"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage().c_str(), stdout), 0;
  train_options o;
  o.model = a.text("model", "bn-lenet");
  o.epochs = static_cast<std::size_t>(a.integer("epochs", 10, 1, 100000));
  o.lr = a.real("lr", 0.1, 1e-12, 1e3);
  o.batch = static_cast<std::size_t>(a.integer("batch", 128, 2, max_batch));
  o.momentum = a.real("momentum", 0, 0, 0.999999);
  o.weight_decay = a.real("weight-decay", 0, 0, 1);
  o.seed = static_cast<std::uint64_t>(a.integer("seed", 0, 0, 2147483647));
  o.threads = static_cast<std::size_t>(a.integer("threads", hw, 1, 256));
  o.data = a.text("data", default_data_dir());
  o.out = a.text("out", "out/train");
  o.limit_train = static_cast<std::size_t>(a.integer("limit-train", 0, 2, 100000000));
  o.limit_test = static_cast<std::size_t>(a.integer("limit-test", 0, 1, 100000000));
  return with_model(o.model, [&](auto t) { return train_model<typename decltype(t)::type>(o); });
}

}  // namespace staticnn::cli
