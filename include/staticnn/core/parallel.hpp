#pragma once
// Executors run `f(begin, end)` over [0, count), possibly split across threads. Layers split work
// so that each output value is computed by one call in a fixed order: results are bit-identical
// whatever the executor and thread count.
#include <concepts>
#include <cstddef>
#include <span>

namespace staticnn {

// Parameter gradients are summed over a minibatch in this many fixed shards of samples
// (shard s holds samples [s n / grad_shards, (s + 1) n / grad_shards)), then the shards in order:
// up to grad_shards threads share the work and the sum never depends on how many there are.
inline constexpr std::size_t grad_shards = 8;
constexpr std::size_t shard_begin(std::size_t s, std::size_t n) { return s * n / grad_shards; }

// grad[i] = the sum over shards s (in order) of partial[s * N + i].
template <class E, class T, std::size_t N>
void sum_shards(E& ex, const T* partial, std::span<T, N> grad) {
  ex.parallel_for(N, [&](std::size_t i0, std::size_t i1) {
    for (std::size_t i = i0; i < i1; ++i) {
      T g = partial[i];
      for (std::size_t s = 1; s < grad_shards; ++s) g += partial[s * N + i];
      grad[i] = g;
    }
  });
}

struct serial_executor {
  template <class F>
  void parallel_for(std::size_t count, F&& f) const {
    if (count > 0) f(std::size_t{0}, count);
  }
};

template <class E>
concept Executor = requires(E& e) {
  e.parallel_for(std::size_t{1}, [](std::size_t, std::size_t) {});
};

}  // namespace staticnn
