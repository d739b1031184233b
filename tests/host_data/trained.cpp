#include "trained.hpp"

#include <numeric>
#include <vector>

#include <staticnn/train/fit.hpp>
#include <staticnn/train/init.hpp>

namespace test_support {

const staticnn::io::dataset& test_set() {
  static const staticnn::io::dataset d = staticnn::io::load_dataset(STATICNN_TEST_DATA, "t10k");
  return d;
}

std::unique_ptr<staticnn::models::bn_lenet> trained_net() {
  using namespace staticnn;
  using net_t = models::bn_lenet;
  const io::dataset& d = test_set();
  auto net = std::make_unique<net_t>();
  train::rng g(11);
  train::init_parameters(*net, g);
  auto tr = std::make_unique<train::trainer<net_t, 32>>();
  train::sgd<net_t> opt;
  opt.lr = 0.1;
  std::vector<std::uint32_t> order(2000);
  std::iota(order.begin(), order.end(), 5000u);  // images not used for the comparison below
  serial_executor ex;
  train::train_epoch(*net, *tr, opt, d.images.pixels.data(), d.labels.data(), order, 32, ex,
                     [](std::size_t, std::size_t, const train::epoch_stats&) {});
  return net;
}

}  // namespace test_support
