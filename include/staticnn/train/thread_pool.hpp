#pragma once
// A persistent pool of worker threads, created once. parallel_for(count, f) splits [0, count)
// into one contiguous chunk per thread, runs chunk 0 on the caller and returns when all are
// done. A call allocates nothing: f is passed as a pointer and a trampoline.
// Waiting spins (with a CPU pause) for a short while before sleeping: a training step is many
// short calls back to back, and waking a sleeping thread costs tens of microseconds (more in a
// virtual machine), as much as a whole call's work.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

namespace staticnn::train {

namespace detail {
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins (yielding now and then) until done() or about `budget` has passed; returns done().
template <class Done>
bool spin_until(Done&& done, std::chrono::microseconds budget) {
  const auto until = std::chrono::steady_clock::now() + budget;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= until) return done();
    std::this_thread::yield();  // on a busy machine, let the thread we wait for run
  }
}
}  // namespace detail

class thread_pool {
 public:
  // How long a waiting thread spins before it sleeps.
  static constexpr std::chrono::microseconds spin_budget{50};

  explicit thread_pool(std::size_t threads) : size_(std::max<std::size_t>(1, threads)) {
    workers_.reserve(size_ - 1);
    for (std::size_t i = 1; i < size_; ++i) workers_.emplace_back([this, i] { work(i); });
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() {
    stop_.store(true);
    generation_.fetch_add(1);
    generation_.notify_all();
    for (auto& w : workers_) w.join();
  }

  std::size_t size() const { return size_; }

  template <class F>
  void parallel_for(std::size_t count, F&& f) {
    if (count == 0) return;
    const std::size_t used = std::min(size_, count);
    if (used == 1) {
      f(std::size_t{0}, count);
      return;
    }
    count_ = count;
    used_ = used;
    ctx_ = &f;
    call_ = [](void* ctx, std::size_t b, std::size_t e) { (*static_cast<std::remove_reference_t<F>*>(ctx))(b, e); };
    pending_.store(size_ - 1);  // every worker reports back, so none can lag into the next call
    generation_.fetch_add(1);
    if (sleepers_.load() != 0) generation_.notify_all();
    run_chunk(0);
    if (detail::spin_until([&] { return pending_.load() == 0; }, spin_budget)) return;
    for (std::size_t left = pending_.load(); left != 0; left = pending_.load()) pending_.wait(left);
  }

 private:
  void run_chunk(std::size_t i) {
    const std::size_t begin = count_ * i / used_, end = count_ * (i + 1) / used_;
    if (begin < end) call_(ctx_, begin, end);
  }
  void work(std::size_t i) {
    std::uint64_t seen = 0;
    for (;;) {
      if (!detail::spin_until([&] { return generation_.load() != seen; }, spin_budget)) {
        sleepers_.fetch_add(1);
        generation_.wait(seen);
        sleepers_.fetch_sub(1);
      }
      seen = generation_.load();
      if (stop_.load()) return;
      if (i < used_) run_chunk(i);
      if (pending_.fetch_sub(1) == 1) pending_.notify_one();
    }
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::size_t> pending_{0}, sleepers_{0};
  std::atomic<bool> stop_{false};
  std::size_t count_ = 0, used_ = 1;
  void* ctx_ = nullptr;
  void (*call_)(void*, std::size_t, std::size_t) = nullptr;
};

}  // namespace staticnn::train
