// staticnn bench: training and inference throughput of a model (default the first of models.hpp,
// BN-LeNet for `staticnn`) on synthetic data in memory, after warm-up, and the achieved GFLOP/s
// against this machine's measured FMA peak.
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

#include <staticnn/fold/fold.hpp>
#include <staticnn/kernels/dispatch.hpp>
#include <staticnn/models/lenet.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/thread_pool.hpp>

#include "commands.hpp"
#include "models.hpp"
#include "ops.hpp"
#include "report.hpp"

namespace staticnn::cli {
namespace {

// Multiply-adds of one forward pass (network::layer_macs: out_shape size x fan_in per conv and
// dense layer); 281,640 for BN-LeNet.
template <class Net>
constexpr double macs_forward() {
  double macs = 0;
  for (std::size_t m : Net::layer_macs) macs += static_cast<double>(m);
  return macs;
}
static_assert(macs_forward<models::bn_lenet>() == 281640, "bench: BN-LeNet's multiply-adds, counted by hand");

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// FMA peak of one core: independent multiply-add chains that stay in registers.
template <std::size_t VB>
[[gnu::always_inline]] inline double fma_loop(std::size_t iterations) {
  using S = kernels::simd<float, VB>;
  typename S::type acc[12], m = typename S::type{} + 0.999999f, a = typename S::type{} + 1e-7f;
  for (auto& v : acc) v = typename S::type{} + 1.0f;
  for (std::size_t i = 0; i < iterations; ++i)
#pragma GCC unroll 12
    for (auto& v : acc) v = v * m + a;
  float sink = 0;
  for (auto& v : acc) sink += v[0];
  return static_cast<double>(sink) * 0 + 2.0 * 12 * S::width * static_cast<double>(iterations);
}
#ifdef STATICNN_X86_DISPATCH
[[gnu::target("avx512f,fma"), gnu::noinline]] double fma_avx512(std::size_t n) { return fma_loop<64>(n); }
[[gnu::target("avx2,fma"), gnu::noinline]] double fma_avx2(std::size_t n) { return fma_loop<32>(n); }
#endif
[[gnu::noinline]] double fma_baseline(std::size_t n) { return fma_loop<16>(n); }

double fma_peak_gflops(std::size_t threads) {
  auto one = [](std::size_t n) {
#ifdef STATICNN_X86_DISPATCH
    if (kernels::host_isa() == kernels::isa::avx512) return fma_avx512(n);
    if (kernels::host_isa() == kernels::isa::avx2) return fma_avx2(n);
#endif
    return fma_baseline(n);
  };
  const std::size_t n = 20'000'000;
  std::atomic<double> flop{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (std::size_t t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      const double f = one(n);
      double cur = flop.load();
      while (!flop.compare_exchange_weak(cur, cur + f)) {}
    });
  for (auto& t : ts) t.join();
  return flop.load() / seconds_since(t0) / 1e9;
}

struct bench_result {
  double train1 = 0, train2 = 0, eval128 = 0, eval1 = 0, peak = 0;
};

template <class Net>
double train_rate(std::size_t threads, double seconds) {
  using ops = model_ops<Net>;
  constexpr std::size_t classes = Net::out_shape::size;
  auto net = std::make_unique<Net>();
  train::rng g(1);
  train::init_parameters(*net, g);
  auto tr = std::make_unique<typename ops::trainer_type>();  // capacity max_batch, run at 128
  for (std::size_t i = 0; i < 128 * Net::in_shape::size; ++i) tr->input[i] = static_cast<float>(g.uniform());
  for (std::size_t i = 0; i < 128; ++i) tr->labels[i] = static_cast<std::uint8_t>(g.below(classes));
  train::sgd<Net> opt;
  opt.lr = 0.01;
  train::thread_pool pool(threads);
  for (int i = 0; i < 5; ++i) ops::step(*net, *tr, opt, 128, pool);  // warm-up
  std::size_t steps = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (seconds_since(t0) < seconds) ops::step(*net, *tr, opt, 128, pool), ++steps;
  return static_cast<double>(steps * 128) / seconds_since(t0);
}

template <class Net>
bench_result run(double seconds, std::size_t threads) {
  using ops = model_ops<Net>;
  constexpr std::size_t D = Net::in_shape::size;
  bench_result r;
  r.peak = fma_peak_gflops(threads);
  r.train1 = train_rate<Net>(1, seconds);
  r.train2 = train_rate<Net>(threads, seconds);
  auto net = std::make_unique<Net>();
  train::rng g(2);
  train::init_parameters(*net, g);
  const auto folded = std::make_unique<folded_t<Net>>(fold_batchnorm(*net));
  std::vector<float> images(128 * D);
  for (auto& v : images) v = static_cast<float>(g.uniform());
  std::vector<std::uint8_t> out(128);
  {
    train::thread_pool pool(threads);
    ops::predict(*folded, images.data(), 128, out.data(), pool);
    std::size_t batches = 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (seconds_since(t0) < seconds) ops::predict(*folded, images.data(), 128, out.data(), pool), ++batches;
    r.eval128 = static_cast<double>(batches * 128) / seconds_since(t0);
  }
  serial_executor one;
  std::size_t images_done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (seconds_since(t0) < seconds)
    for (int i = 0; i < 100; ++i) ops::predict(*folded, images.data() + (images_done++ % 128) * D, 1, out.data(), one);
  r.eval1 = static_cast<double>(images_done) / seconds_since(t0);
  return r;
}

const char* isa_name() { return kernels::isa_name(kernels::host_isa()); }

// Prints the figures as a table or (json) one JSON object.
int report(const std::string& model, double macs, const bench_result& r, std::size_t threads, bool json) {
  const double train_flop = 3 * 2 * macs;  // forward + backward (input and weight gradients)
  const double gflops = r.train2 * train_flop / 1e9;
  if (json) {
    std::printf("{\"model\": \"%s\", \"isa\": \"%s\", \"threads\": %zu, \"train_images_per_s_1_thread\": %.0f, "
                "\"train_images_per_s\": %.0f, \"eval_images_per_s_batch128\": %.0f, \"eval_images_per_s_batch1\": %.0f, "
                "\"train_gflops\": %.2f, \"fma_peak_gflops\": %.1f, \"share_of_peak\": %.4f}\n",
                model.c_str(), isa_name(), threads, r.train1, r.train2, r.eval128, r.eval1, gflops, r.peak,
                gflops / r.peak);
    return 0;
  }
  std::printf("%s, batch 128, kernels: %s, %zu threads\n", model.c_str(), isa_name(), threads);
  std::printf("  train, 1 thread        %9.0f images/s\n", r.train1);
  std::printf("  train, %zu threads       %9.0f images/s  (%.1f GFLOP/s at %.2f MFLOP/image)\n", threads, r.train2,
              gflops, train_flop / 1e6);
  std::printf("  eval, batch 128        %9.0f images/s\n", r.eval128);
  std::printf("  eval, batch 1          %9.0f images/s\n", r.eval1);
  std::printf("  FMA peak (measured)    %9.1f GFLOP/s on %zu threads; training reaches %.1f%%\n", r.peak, threads,
              100 * gflops / r.peak);
  return 0;
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  args a("bench",
         {{"model", "NAME", "network: " + model_names() + " (default " + default_model() + ")"},
          {"seconds", "S", "measuring time per figure (default 3)"},
          {"threads", "N", "threads for the multi-threaded figures (default " + std::to_string(hw) + ")"},
          {"isa", "NAME",
           std::string("kernel copy: baseline, avx2 or avx512, at most what this CPU runs (default ") +
               kernels::isa_name(kernels::cpu_isa()) + ")"},
          {"json", "", "print one JSON object instead of a table"}},
         argc, argv);
  if (a.help()) return std::fputs(a.usage(program_name).c_str(), stdout), 0;
  if (a.has("isa")) {
    const std::string name = a.text("isa", "");
    const auto copy = kernels::parse_isa(name);
    if (!copy) throw usage_error("--isa must be baseline, avx2 or avx512, got '" + name + "'");
    if (!kernels::limit_isa(*copy))
      throw std::runtime_error(std::string("--isa ") + name + ": this CPU runs at most " +
                               kernels::isa_name(kernels::cpu_isa()));
  }
  const double seconds = a.real("seconds", 3, 0.1, 600);
  const auto threads = static_cast<std::size_t>(a.integer("threads", hw, 1, 256));
  const std::string model = a.text("model", default_model());
  return with_model(model, [&](auto t) {
    using Net = typename decltype(t)::type;
    return report(model, macs_forward<Net>(), run<Net>(seconds, threads), threads, a.has("json"));
  });
}

}  // namespace staticnn::cli
