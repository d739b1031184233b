#pragma once
// qlookup_layer<In>: an elementwise int8 function as a 256-entry table, y = table[x + 128]
// (how int8 sigmoid, tanh and relu run: the table is computed at export in double precision).
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"

namespace staticnn::quant {

template <Shape In>
struct qlookup_layer {
  using value_type = std::int8_t;
  static constexpr const char* name = "qlookup";
  using in_shape = In;
  using out_shape = In;
  static constexpr std::size_t param_count = 0, state_count = 0;

  std::array<std::int8_t, 256> table{};

  constexpr void apply(std::int8_t* p, std::size_t n) const { run(p, p, n); }
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, In::size> y) const {
    run(x.data(), y.data(), In::size);
  }

 private:
  constexpr void run(const std::int8_t* x, std::int8_t* y, std::size_t n) const {
    const std::int8_t* mid = table.data() + 128;  // indexed by the int8 value itself: one LDRB
    for (std::size_t i = 0; i < n; ++i) y[i] = mid[x[i]];
  }
};

}  // namespace staticnn::quant
