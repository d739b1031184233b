#pragma once
// Executors run `f(begin, end)` over [0, count), possibly split across threads. Layers split work
// so that each output value is computed by one call in a fixed order: results are bit-identical
// whatever the executor and thread count.
#include <concepts>
#include <cstddef>

namespace staticnn {

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
