#pragma once
// Epoch-level helpers on in-memory data (images back to back, In::size floats each):
// train_epoch runs SGD over the samples in `order` in minibatches of `batch` (a last batch of one
// sample is skipped: batchnorm needs two); recalibrate_batchnorm re-estimates running statistics
// with the weights frozen; predict runs eval-mode inference (train/eval.hpp).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/assert.hpp"
#include "../core/parallel.hpp"
#include "eval.hpp"
#include "trainer.hpp"

namespace staticnn::train {

struct epoch_stats {
  double loss_sum = 0;
  std::size_t correct = 0, samples = 0;
};

namespace detail {
// Copies samples order[first, first + n) into the trainer's input and label arrays.
template <class Net, std::size_t B>
void load_batch(trainer<Net, B>& tr, const typename Net::value_type* images, const std::uint8_t* labels,
                std::span<const std::uint32_t> order, std::size_t first, std::size_t n) {
  constexpr std::size_t D = Net::in_shape::size;
  for (std::size_t b = 0; b < n; ++b) {
    const std::uint32_t i = order[first + b];
    std::copy_n(images + std::size_t{i} * D, D, tr.input.data() + b * D);
    tr.labels[b] = labels[i];
  }
}
}  // namespace detail

// on_batch(batches_done, batches_total, stats so far) is called after every step. To resume an
// epoch, pass the minibatches already done (`from`, with the same order and batch) and their
// stats (`so_far`): the remaining steps and the sums then match an uninterrupted epoch's exactly.
template <Network Net, std::size_t B, Executor E, class OnBatch>
epoch_stats train_epoch(Net& net, trainer<Net, B>& tr, sgd<Net>& opt, const typename Net::value_type* images,
                        const std::uint8_t* labels, std::span<const std::uint32_t> order, std::size_t batch,
                        E& ex, OnBatch&& on_batch, std::size_t from = 0, epoch_stats so_far = {}) {
  STATICNN_ASSERT(batch >= 2 && batch <= B, "train_epoch: batch must be in [2, B]");
  // Batches that run: a trailing batch of one sample is skipped (batchnorm needs two).
  const std::size_t total = order.size() / batch + (order.size() % batch >= 2 ? 1 : 0);
  epoch_stats e = so_far;
  for (std::size_t k = from; k < total; ++k) {
    const std::size_t first = k * batch, n = std::min(batch, order.size() - first);
    detail::load_batch(tr, images, labels, order, first, n);
    const step_stats s = tr.step(net, opt, n, ex);
    e.loss_sum += s.loss_sum, e.correct += s.correct, e.samples += n;
    on_batch(k + 1, total, e);
  }
  return e;
}

// Sets every batchnorm layer's running statistics to the mean of the batch statistics (mean and
// unbiased variance) of the first `batches` full minibatches of `order`, the weights frozen: what
// PyTorch's torch.optim.swa_utils.update_bn does. During training the running statistics are a
// moving average over the last ~10 steps, taken while the weights moved; at a high learning rate
// they can lag the final weights by enough to cost eval-mode accuracy. Only training-mode
// forwards run: parameters and the trainer's gradients are untouched. Returns the batches used.
template <Network Net, std::size_t B, Executor E>
std::size_t recalibrate_batchnorm(Net& net, trainer<Net, B>& tr, const typename Net::value_type* images,
                                  const std::uint8_t* labels, std::span<const std::uint32_t> order,
                                  std::size_t batch, std::size_t batches, E& ex) {
  STATICNN_ASSERT(batch >= 2 && batch <= B, "recalibrate_batchnorm: batch must be in [2, B]");
  if constexpr (trainer<Net, B>::running_statistics_layers == 0) {
    return 0;
  } else {
    const std::size_t n = std::min(batch, order.size());
    const std::size_t count = n < 2 ? 0 : std::min(batches, order.size() / n);
    for (std::size_t k = 0; k < count; ++k) {
      detail::load_batch(tr, images, labels, order, k * n, n);
      tr.set_running_momentum(1.0 / static_cast<double>(k + 1));  // k = 0 replaces the old values
      tr.forward(net, n, ex);
    }
    tr.reset_running_momentum();
    return count;
  }
}

// Eval-mode predictions (argmax of the logits) of `count` images into `out`, through the batched
// inference of train/eval.hpp.
template <Network Net, Executor E>
void predict(const Net& net, const typename Net::value_type* images, std::size_t count, std::uint8_t* out, E& ex) {
  using T = typename Net::value_type;
  constexpr std::size_t K = Net::out_shape::size;
  detail::eval_chunks(net, images, count, ex, [&](std::size_t first, std::size_t m, const T* z) {
    for (std::size_t b = 0; b < m; ++b)
      out[first + b] = static_cast<std::uint8_t>(argmax<T, K>(std::span<const T, K>(z + b * K, K)));
  });
}

}  // namespace staticnn::train
