// Fuzz target: inference on any input, NaN, infinities, huge and subnormal values included
// (the bytes, repeated, are the image's float32 bit patterns). Inference must return, and the
// predicted class is defined by one rule, the same on the host (train::argmax) and in the
// firmware (targets/firmware/main.cpp): start at class 0 and move to class k only when
// z[k] > z[best]. A comparison with NaN is false, so a NaN logit is never moved to; if z[0] is
// NaN the answer stays 0. With finite inputs of magnitude up to 1e30 every logit is finite
// (sigmoid bounds the hidden activations), for the network as trained and as exported (folded).
// The same holds for the batched host inference (train/eval.hpp: GEMMs, the vectorised sigmoid),
// run here on a batch of three copies of the image: every copy gets the same logits.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include <staticnn/fold/fold.hpp>
#include <staticnn/models/lenet.hpp>
#include <staticnn/core/parallel.hpp>
#include <staticnn/train/eval.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/loss.hpp>

#include "fuzz.hpp"

namespace {

using net_type = staticnn::models::bn_lenet;
using folded_type = staticnn::folded_t<net_type>;
constexpr std::size_t D = net_type::in_shape::size, K = net_type::out_shape::size;

struct models {
  net_type net;
  folded_type folded;
};

const models& get() {
  static const std::unique_ptr<models> m = [] {
    auto p = std::make_unique<models>();
    staticnn::train::rng gen(0);
    staticnn::train::init_parameters(p->net, gen);
    p->folded = staticnn::fold_batchnorm(p->net);
    return p;
  }();
  return *m;
}

std::size_t rule(const std::array<float, K>& z) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < K; ++k)
    if (z[k] > z[best]) best = k;
  return best;
}

template <class Net>
void check(const Net& net, const std::array<float, D>& x, bool moderate) {
  std::array<float, K> z;
  net.forward(x, z);
  const std::size_t predicted = staticnn::train::argmax<float, K>(z);
  STATICNN_FUZZ_CHECK(predicted < K);
  STATICNN_FUZZ_CHECK(predicted == rule(z));
  if (moderate)
    for (float v : z) STATICNN_FUZZ_CHECK(std::isfinite(v));

  constexpr std::size_t n = 3;
  std::array<float, n * D> xs;
  std::array<float, n * K> zs;
  for (std::size_t b = 0; b < n; ++b) std::memcpy(xs.data() + b * D, x.data(), sizeof x);
  staticnn::serial_executor ex;
  staticnn::train::eval_logits(net, xs.data(), n, zs.data(), ex);
  std::array<float, K> zb;
  std::memcpy(zb.data(), zs.data(), sizeof zb);
  STATICNN_FUZZ_CHECK((staticnn::train::argmax<float, K>(zb)) == rule(zb));
  for (std::size_t b = 1; b < n; ++b) STATICNN_FUZZ_CHECK(std::memcmp(zs.data() + b * K, zb.data(), sizeof zb) == 0);
  if (moderate)
    for (float v : zb) STATICNN_FUZZ_CHECK(std::isfinite(v));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::array<float, D> x{};
  if (size > 0) {
    std::array<std::uint8_t, sizeof x> bytes;
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = data[i % size];
    std::memcpy(x.data(), bytes.data(), sizeof x);
  }
  bool moderate = true;
  for (float v : x) moderate = moderate && std::isfinite(v) && std::fabs(v) <= 1e30f;
  check(get().net, x, moderate);
  check(get().folded, x, moderate);
  return 0;
}
