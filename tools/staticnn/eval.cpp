// staticnn eval: test accuracy and confusion matrix of a checkpoint; with --fold, of the network with
// batchnorm folded (as export writes it); with --int8, of the int8 network export --int8 writes
// (folded, calibrated on the first training images, quantized), run with the integer arithmetic
// of the firmware (quant::quantized<...>::forward, the same code and kernels' portable forms).
#include <cstdio>
#include <memory>
#include <thread>

#include <staticnn/fold/fold.hpp>
#include <staticnn/io/checkpoint.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/loss.hpp>
#include <staticnn/train/thread_pool.hpp>

#include "commands.hpp"
#include "data.hpp"
#include "models.hpp"
#include "ops.hpp"

namespace staticnn::cli {
namespace {

struct eval_options {
  std::string checkpoint, dir;
  std::size_t limit = 0, threads = 1;
  bool fold = false;
  std::size_t calibrate = 0;  // > 0: evaluate the int8 network calibrated on this many training images
};

// Predictions of `net` (the model Net or its folded form) on the test images.
template <class Net, class N>
std::vector<std::uint8_t> predictions(const N& net, const io::dataset& test, std::size_t threads) {
  train::thread_pool pool(threads);
  std::vector<std::uint8_t> predicted(test.images.count);
  model_ops<Net>::predict(net, test.images.pixels.data(), test.images.count, predicted.data(), pool);
  return predicted;
}

// Predictions of the int8 network of `folded` (export --int8's): calibrated on the first
// `calibrate` training images, its int8 logits' argmax (the rule of train::argmax, as firmware).
template <class Net>
std::vector<std::uint8_t> int8_predictions(const folded_t<Net>& folded, const eval_options& o, const io::dataset& test) {
  using ops = model_ops<Net>;
  constexpr std::size_t K = ops::classes;
  const io::dataset train = load_calibration<Net>(o.dir, o.calibrate);
  const auto q = ops::quantize(folded, train.images.pixels.data(), o.calibrate);
  const std::size_t n = test.images.count;
  std::vector<std::int8_t> z(n * K);
  ops::int8_logits(*q, test.images.pixels.data(), n, z.data());
  std::vector<std::uint8_t> predicted(n);
  for (std::size_t i = 0; i < n; ++i)
    predicted[i] = static_cast<std::uint8_t>(train::argmax(std::span<const std::int8_t, K>(z.data() + i * K, K)));
  return predicted;
}

template <class Net>
int eval_model(const eval_options& o) {
  auto net = std::make_unique<Net>();
  io::load_checkpoint(o.checkpoint, *net);
  const io::dataset test = load_split<Net>(o.dir, "t10k", o.limit);
  std::vector<std::uint8_t> predicted;
  if (o.calibrate > 0) {
    if constexpr (model_ops<Net>::has_int8) {
      predicted = int8_predictions<Net>(*std::make_unique<folded_t<Net>>(fold_batchnorm(*net)), o, test);
      std::printf("int8: batchnorm folded, quantized with activation ranges from %zu training images\n", o.calibrate);
    } else {
      throw usage_error("--int8: this model has no int8 form (export --int8 names the layer)");
    }
  } else if (o.fold) {
    predicted = predictions<Net>(*std::make_unique<folded_t<Net>>(fold_batchnorm(*net)), test, o.threads);
    std::printf("batchnorm folded: %zu layers instead of %zu\n", folded_t<Net>::depth, Net::depth);
  } else {
    predicted = predictions<Net>(*net, test, o.threads);
  }
  constexpr std::size_t K = Net::out_shape::size;
  std::vector<std::size_t> confusion(K * K);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < test.images.count; ++i) {
    ++confusion[test.labels[i] * K + predicted[i]];
    correct += predicted[i] == test.labels[i];
  }
  std::printf("test accuracy %.4f (%zu / %zu)\n\nconfusion matrix (rows: true class, columns: predicted)\n      ",
              static_cast<double>(correct) / static_cast<double>(test.images.count), correct, test.images.count);
  for (std::size_t j = 0; j < K; ++j) std::printf("%6zu", j);
  std::printf("\n");
  for (std::size_t i = 0; i < K; ++i) {
    std::printf("%6zu", i);
    for (std::size_t j = 0; j < K; ++j) std::printf("%6zu", confusion[i * K + j]);
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  args a("eval",
         {{"checkpoint", "FILE", "checkpoint written by staticnn train (required)"},
          {"data", "DIR", "IDX folder (default " + default_data_dir() + ")"},
          {"limit-test", "N", "use only the first N test images (default all)"},
          {"fold", "", "evaluate the network with batchnorm folded into conv/dense (as exported)"},
          {"int8", "", "evaluate the int8 network (as export --int8 writes it) with the firmware's integer arithmetic"},
          {"calibrate", "N", "with --int8: calibrate activation ranges on the first N training images (default 1000)"},
          {"threads", "N", "worker threads (default " + std::to_string(hw) + "; --int8 runs on one)"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage(program_name).c_str(), stdout), 0;
  if (!a.has("checkpoint")) throw usage_error("--checkpoint FILE is required");
  if (a.has("calibrate") && !a.has("int8")) throw usage_error("--calibrate N needs --int8");
  if (a.has("int8") && a.has("fold")) throw usage_error("--int8 evaluates the folded network already; drop --fold");
  eval_options o;
  o.checkpoint = a.text("checkpoint", "");
  o.dir = a.text("data", default_data_dir());
  o.limit = static_cast<std::size_t>(a.integer("limit-test", 0, 1, 100000000));
  o.threads = static_cast<std::size_t>(a.integer("threads", hw, 1, 256));
  o.fold = a.has("fold");
  if (a.has("int8")) o.calibrate = static_cast<std::size_t>(a.integer("calibrate", 1000, 1, 60000));
  const io::checkpoint_header h = io::read_checkpoint_header(o.checkpoint);
  return with_checkpoint_model(h.meta.model, [&](auto t) { return eval_model<typename decltype(t)::type>(o); });
}

}  // namespace staticnn::cli
