#include "stack_usage.hpp"

extern "C" std::uint32_t __stack_bottom[];
extern "C" std::uint32_t __stack_top[];

namespace staticnn::fw {

std::size_t stack_size() {
  return static_cast<std::size_t>(__stack_top - __stack_bottom) * sizeof(std::uint32_t);
}

std::size_t stack_usage() {
  const volatile std::uint32_t* p = __stack_bottom;
  while (p < __stack_top && *p == stack_paint) ++p;
  return static_cast<std::size_t>(__stack_top - p) * sizeof(std::uint32_t);
}

bool stack_overflowed() { return *static_cast<const volatile std::uint32_t*>(__stack_bottom) != stack_paint; }

}  // namespace staticnn::fw
