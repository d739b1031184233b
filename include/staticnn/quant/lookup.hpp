#pragma once
// qlookup_layer<In>: an elementwise int8 function as a 256-entry table, y = table[x + 128]
// (how int8 sigmoid, tanh and relu run: the table is computed at export in double precision).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/elementwise_s8_mve.hpp"
#include "../kernels/target.hpp"

namespace staticnn::quant {

template <Shape In>
struct qlookup_layer {
  using value_type = std::int8_t;
  static constexpr const char* name = "qlookup";
  static constexpr const char* kernel_name =
      kernels::target::arm_mve ? "arm_mve table (byte gather, 16 a step)" : "table (4 per word)";
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 0, state_count = 0;

  std::array<std::int8_t, 256> table{};

  // Whether the table is non-decreasing (a sigmoid's or tanh's is, as quantize() computes it:
  // rounding keeps a non-decreasing function's order): it then commutes with a max pool, and a
  // conv -> table -> max pool stage may apply it to the pooled values (core/sequential.hpp).
  constexpr bool non_decreasing_table() const {
    for (std::size_t i = 1; i < table.size(); ++i)
      if (table[i] < table[i - 1]) return false;
    return true;
  }

  constexpr void apply(std::int8_t* p, std::size_t n) const { run(p, p, n); }
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, In::size> y) const {
    run(x.data(), y.data(), In::size);
  }

 private:
  constexpr void run(const std::int8_t* x, std::int8_t* y, std::size_t n) const {
    const std::int8_t* mid = table.data() + 128;  // indexed by the int8 value itself: one LDRB
    std::size_t i = 0;
    if constexpr (kernels::target::arm_mve) {  // kernels/arm/elementwise_s8_mve.hpp
      if (!std::is_constant_evaluated()) i = kernels::arm::lookup_s8_mve(x, y, n, table.data());
    }
    if (!std::is_constant_evaluated())
      for (; i + 4 <= n; i += 4) {  // four values per word load and store (x == y allowed)
        std::uint32_t v;
        std::memcpy(&v, x + i, 4);
        auto at = [&](int s) { return std::uint32_t{static_cast<std::uint8_t>(mid[static_cast<std::int8_t>(v >> s)])} << s; };
        const std::uint32_t o = at(0) | at(8) | at(16) | at(24);
        std::memcpy(y + i, &o, 4);
      }
    for (; i < n; ++i) y[i] = mid[x[i]];
  }
};

}  // namespace staticnn::quant
