#pragma once
// The heavy part of the CLI: a model's training step, epoch, batchnorm recalibration and batched
// inference, which a portable x86-64 build compiles once per instruction set. Declared here for
// every command; defined in ops_impl.hpp and compiled once per model (ops_model.cpp), so the
// commands that train, evaluate or benchmark a model share one copy instead of each compiling
// their own.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <type_traits>

#include <staticnn/core/parallel.hpp>
#include <staticnn/fold/fold.hpp>
#include <staticnn/quant/quantize.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/sgd.hpp>
#include <staticnn/train/thread_pool.hpp>
#include <staticnn/train/trainer.hpp>

namespace staticnn::cli {

inline constexpr std::size_t max_batch = 512;  // the trainer's compile-time capacity; --batch picks n <= it

template <class Net>
struct model_ops {
  using trainer_type = train::trainer<Net, max_batch>;
  using folded_type = folded_t<Net>;
  using on_batch_fn = std::function<void(std::size_t done, std::size_t total, const train::epoch_stats& so_far)>;

  // train::train_epoch, train::recalibrate_batchnorm and one trainer step on the pool.
  static train::epoch_stats train_epoch(Net& net, trainer_type& tr, train::sgd<Net>& opt, const float* images,
                                        const std::uint8_t* labels, std::span<const std::uint32_t> order,
                                        std::size_t batch, train::thread_pool& pool, const on_batch_fn& on_batch,
                                        std::size_t from, train::epoch_stats so_far);
  static std::size_t recalibrate_batchnorm(Net& net, trainer_type& tr, const float* images,
                                           const std::uint8_t* labels, std::span<const std::uint32_t> order,
                                           std::size_t batch, std::size_t batches, train::thread_pool& pool);
  static train::step_stats step(Net& net, trainer_type& tr, train::sgd<Net>& opt, std::size_t n,
                                train::thread_pool& pool);

  // train::predict of the network, and of its folded form on the pool or on the calling thread.
  static void predict(const Net& net, const float* images, std::size_t count, std::uint8_t* out,
                      train::thread_pool& pool);
  static void predict(const folded_type& net, const float* images, std::size_t count, std::uint8_t* out,
                      train::thread_pool& pool)
    requires(!std::is_same_v<Net, folded_type>);
  static void predict(const folded_type& net, const float* images, std::size_t count, std::uint8_t* out,
                      serial_executor& one);

  // What export writes: the folded network's logits by the one-sample forward (the firmware's
  // arithmetic), and, if every folded layer has an int8 form (quant::Quantizable), the int8
  // network calibrated on `count` images and its int8 logits.
  static constexpr bool has_int8 = quant::Quantizable<folded_type>;
  using quantized_type =
      typename std::conditional_t<has_int8, quant::quantized<folded_type>, std::type_identity<void>>::type;
  static constexpr std::size_t classes = Net::out_shape::size;
  static void folded_logits(const folded_type& net, const float* images, std::size_t count, float* logits);
  static std::unique_ptr<quantized_type> quantize(const folded_type& net, const float* images, std::size_t count)
    requires has_int8;
  static void int8_logits(const quantized_type& q, const float* images, std::size_t count, std::int8_t* logits)
    requires has_int8;
};

}  // namespace staticnn::cli
