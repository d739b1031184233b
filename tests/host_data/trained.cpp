#include "trained.hpp"

#include <numeric>
#include <vector>

#include <staticnn/train/init.hpp>

#include "staticnn/ops.hpp"  // the CLI's compiled training step (tools/staticnn)

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
  using ops = cli::model_ops<net_t>;
  auto tr = std::make_unique<ops::trainer_type>();
  train::sgd<net_t> opt;
  opt.lr = 0.1;
  std::vector<std::uint32_t> order(2000);
  std::iota(order.begin(), order.end(), 5000u);  // images the tests never compare on
  train::thread_pool one(1);
  ops::train_epoch(*net, *tr, opt, d.images.pixels.data(), d.labels.data(), order, 32, one,
                   [](std::size_t, std::size_t, const train::epoch_stats&) {}, 0, {});
  return net;
}

}  // namespace test_support
