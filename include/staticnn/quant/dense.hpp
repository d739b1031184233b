#pragma once
// qdense_layer<In, N, Clamp>: int8 y = W x + b (TFLite int8 arithmetic, see arithmetic.hpp). Weights
// N x M row-major, symmetric per output (zero point 0, [-127, 127]); bias int32 at scale
// s_in * s_w[o] with the input zero point folded in; multiplier/shift per output. Clamp:
// outputs are clamped to [act_min, act_max], a fused ReLU (quantize() sets [zero_point, 127]);
// without it the clamp is the whole int8 range and not run.
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/dense_s8.hpp"
#include "arithmetic.hpp"

namespace staticnn::quant {

template <Shape In, std::size_t N, bool Clamp = false>
struct qdense_layer {
  static_assert(In::rank == 1, "qdense: input must be flat; put flatten before dense");
  static constexpr std::size_t M = In::size;
  using value_type = std::int8_t;
  static constexpr const char* name = "qdense";
  using in_shape = In;
  using out_shape = shape<N>;
  static constexpr std::size_t fan_in = M, weight_count = N * M, param_count = 0, state_count = 0;
  static constexpr bool clamped = Clamp;
  static constexpr const char* kernel_name = kernels::dense_s8_kernel_name<M, N>();
  // The scratch forward can take instead of its stack (the network plans it in its workspace):
  // null or scratch_bytes bytes that may overlap y but not x.
  static constexpr std::size_t scratch_bytes = kernels::dense_s8_scratch_bytes<M>;

  alignas(4) std::array<std::int8_t, weight_count> weights{};  // rows 4-byte aligned for LDRD when M % 4 == 0
  std::array<std::int32_t, N> bias{}, multiplier{};
  std::array<std::int8_t, N> shift{};  // in [-31, 31]: int8 keeps it small in flash
  std::int32_t zero_point = 0;  // of the output
  std::int32_t act_min = -128, act_max = 127;  // the fused activation's clamp (ReLU: [zero_point, 127])
  // weights in kernels::dense_s8_pack's layout for this target (pack_for_target), else row-major.
  bool packed = false;

  constexpr kernels::channel_rescale rescale() const {
    return {bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
  }

  // AllDoubled: every output's rescale is known to take the short (doubled) form.
  template <bool AllDoubled = false>
  constexpr void forward(cview<std::int8_t, M> x, view<std::int8_t, N> y, std::int8_t* scratch = nullptr) const {
    run_read<AllDoubled>(packed, x, y, nullptr, scratch);
  }
  // Puts the weights in kernels::dense_s8_pack's layout for the target compiled for (nothing
  // where it has none): the same outputs, possibly faster kernels.
  constexpr void pack_for_target() {
    if constexpr (kernels::dense_s8_packs<M, N>) {
      if (packed) return;
      const auto rows = weights;
      kernels::dense_s8_pack<M, N>(rows.data(), weights.data());
      packed = true;
    }
  }
  // As qconv2d_layer's: for a layer that is a compile-time constant (network::forward_constant).
  constexpr bool doubled_rescale() const { return doubled_rescale_all(bias, multiplier, shift, zero_point, M); }
  template <const qdense_layer& Self>
  static void forward_constant(cview<std::int8_t, M> x, view<std::int8_t, N> y, std::int8_t* scratch = nullptr) {
    Self.template run<Self.doubled_rescale(), Self.packed>(x, y, nullptr, scratch);
  }
  // forward, then a table layer (qlookup_layer) on each output as it is written: the network runs
  // the two as one stage. The same results as forward and the table's forward in turn.
  template <bool AllDoubled = false, class Act>
    requires requires(const Act& a) { a.table[0]; }
  constexpr void forward_then(cview<std::int8_t, M> x, view<std::int8_t, N> y, const Act& act,
                              std::int8_t* scratch = nullptr) const {
    run_read<AllDoubled>(packed, x, y, act.table.data() + 128, scratch);
  }
  template <const qdense_layer& Self, class Act>
  static void forward_then_constant(cview<std::int8_t, M> x, view<std::int8_t, N> y, const Act& act,
                                    std::int8_t* scratch = nullptr) {
    Self.template run<Self.doubled_rescale(), Self.packed>(x, y, act.table.data() + 128, scratch);
  }

  // The kernel for the weights' layout: known when the layer is a constant, else read.
  template <bool AllDoubled, bool Packed>
  constexpr void run(cview<std::int8_t, M> x, view<std::int8_t, N> y, const std::int8_t* table,
                     std::int8_t* scratch) const {
    if constexpr (Packed)
      kernels::dense_s8_packed<M, N, AllDoubled>(weights.data(), rescale(), x.data(), y.data(), table, scratch);
    else
      kernels::dense_s8<M, N, AllDoubled>(weights.data(), rescale(), x.data(), y.data(), table, scratch);
  }
  template <bool AllDoubled>
  constexpr void run_read(bool is_packed, cview<std::int8_t, M> x, view<std::int8_t, N> y, const std::int8_t* table,
                     std::int8_t* scratch) const {
    if (kernels::dense_s8_packs<M, N> && is_packed) run<AllDoubled, true>(x, y, table, scratch);
    else run<AllDoubled, false>(x, y, table, scratch);
  }
};

}  // namespace staticnn::quant
