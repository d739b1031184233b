#pragma once
// Epoch-level helpers on in-memory data (images back to back, In::size floats each):
// train_epoch runs SGD over the samples in `order` in minibatches of `batch` (a last batch of one
// sample is skipped: batchnorm needs two); predict runs eval-mode inference.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/assert.hpp"
#include "../core/parallel.hpp"
#include "trainer.hpp"

namespace staticnn::train {

struct epoch_stats {
  double loss_sum = 0;
  std::size_t correct = 0, samples = 0;
};

// on_batch(batches_done, batches_total, stats so far) is called after every step. To resume an
// epoch, pass the minibatches already done (`from`, with the same order and batch) and their
// stats (`so_far`): the remaining steps and the sums then match an uninterrupted epoch's exactly.
template <Network Net, std::size_t B, Executor E, class OnBatch>
epoch_stats train_epoch(Net& net, trainer<Net, B>& tr, sgd<Net>& opt, const typename Net::value_type* images,
                        const std::uint8_t* labels, std::span<const std::uint32_t> order, std::size_t batch,
                        E& ex, OnBatch&& on_batch, std::size_t from = 0, epoch_stats so_far = {}) {
  STATICNN_ASSERT(batch >= 2 && batch <= B, "train_epoch: batch must be in [2, B]");
  constexpr std::size_t D = Net::in_shape::size;
  // Batches that run: a trailing batch of one sample is skipped (batchnorm needs two).
  const std::size_t total = order.size() / batch + (order.size() % batch >= 2 ? 1 : 0);
  epoch_stats e = so_far;
  for (std::size_t k = from; k < total; ++k) {
    const std::size_t first = k * batch, n = std::min(batch, order.size() - first);
    for (std::size_t b = 0; b < n; ++b) {
      const std::uint32_t i = order[first + b];
      std::copy_n(images + std::size_t{i} * D, D, tr.input.data() + b * D);
      tr.labels[b] = labels[i];
    }
    const step_stats s = tr.step(net, opt, n, ex);
    e.loss_sum += s.loss_sum, e.correct += s.correct, e.samples += n;
    on_batch(k + 1, total, e);
  }
  return e;
}

// Eval-mode predictions (argmax) of `count` images into `out`.
template <Network Net, Executor E>
void predict(const Net& net, const typename Net::value_type* images, std::size_t count, std::uint8_t* out, E& ex) {
  using T = typename Net::value_type;
  constexpr std::size_t D = Net::in_shape::size, K = Net::out_shape::size;
  ex.parallel_for(count, [&](std::size_t b0, std::size_t b1) {
    std::array<T, K> z;
    for (std::size_t b = b0; b < b1; ++b) {
      net.forward(cview<T, D>(images + b * D, D), z);
      out[b] = static_cast<std::uint8_t>(argmax<T, K>(z));
    }
  });
}

}  // namespace staticnn::train
