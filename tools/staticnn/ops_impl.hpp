#pragma once
// model_ops' definitions: included only by ops_model.cpp, which instantiates them for one model.
#include <array>

#include "ops.hpp"

namespace staticnn::cli {

template <class Net>
train::epoch_stats model_ops<Net>::train_epoch(Net& net, trainer_type& tr, train::sgd<Net>& opt, const float* images,
                                               const std::uint8_t* labels, std::span<const std::uint32_t> order,
                                               std::size_t batch, train::thread_pool& pool,
                                               const on_batch_fn& on_batch, std::size_t from,
                                               train::epoch_stats so_far) {
  return train::train_epoch(net, tr, opt, images, labels, order, batch, pool, on_batch, from, so_far);
}

template <class Net>
std::size_t model_ops<Net>::recalibrate_batchnorm(Net& net, trainer_type& tr, const float* images,
                                                  const std::uint8_t* labels, std::span<const std::uint32_t> order,
                                                  std::size_t batch, std::size_t batches, train::thread_pool& pool) {
  return train::recalibrate_batchnorm(net, tr, images, labels, order, batch, batches, pool);
}

template <class Net>
train::step_stats model_ops<Net>::step(Net& net, trainer_type& tr, train::sgd<Net>& opt, std::size_t n,
                                       train::thread_pool& pool) {
  return tr.step(net, opt, n, pool);
}

template <class Net>
void model_ops<Net>::predict(const Net& net, const float* images, std::size_t count, std::uint8_t* out,
                             train::thread_pool& pool) {
  train::predict(net, images, count, out, pool);
}

template <class Net>
void model_ops<Net>::predict(const folded_type& net, const float* images, std::size_t count, std::uint8_t* out,
                             train::thread_pool& pool)
  requires(!std::is_same_v<Net, folded_type>)
{
  train::predict(net, images, count, out, pool);
}

template <class Net>
void model_ops<Net>::predict(const folded_type& net, const float* images, std::size_t count, std::uint8_t* out,
                             serial_executor& one) {
  train::predict(net, images, count, out, one);
}

template <class Net>
void model_ops<Net>::folded_logits(const folded_type& net, const float* images, std::size_t count, float* logits) {
  constexpr std::size_t D = Net::in_shape::size;
  for (std::size_t i = 0; i < count; ++i)
    net.forward(cview<float, D>(images + i * D, D), view<float, classes>(logits + i * classes, classes));
}

template <class Net>
auto model_ops<Net>::quantize(const folded_type& net, const float* images, std::size_t count)
    -> std::unique_ptr<quantized_type>
  requires has_int8
{
  return std::make_unique<quantized_type>(quant::quantize(net, quant::calibrate(net, images, count)));
}

template <class Net>
void model_ops<Net>::int8_logits(const quantized_type& q, const float* images, std::size_t count,
                                 std::int8_t* logits)
  requires has_int8
{
  constexpr std::size_t D = Net::in_shape::size;
  std::array<std::int8_t, D> x;
  for (std::size_t i = 0; i < count; ++i) {
    q.quantize_input(cview<float, D>(images + i * D, D), x);
    q.forward(x, view<std::int8_t, classes>(logits + i * classes, classes));
  }
}

}  // namespace staticnn::cli
