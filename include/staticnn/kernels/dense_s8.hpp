#pragma once
// int8 dense layer, TFLite int8 arithmetic: acc = bias[o] + sum_i w[o][i] * x[i] (int32; the
// input zero point folded into bias), y[o] = r(o, acc) = clamp(saturate(zero_point + acc *
// multiplier[o] * 2^(shift[o]-31)), act_min, act_max) (channel_rescale, fixed_point.hpp).
// On MVE targets through kernels/arm/dense_s8_mve.hpp (VMLADAVA), on other Armv7E-M DSP targets
// through kernels/arm/dense_s8_dsp.hpp (SMLAD), both for any M and N, on ARMv6-M through
// kernels/arm/dense_s8_v6m.hpp; every path
// gives the same int32 sums, so the same outputs.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fixed_point.hpp"
#include "arm/dense_s8_dsp.hpp"
#include "arm/dense_s8_mve.hpp"
#include "arm/dense_s8_v6m.hpp"
#include "target.hpp"

namespace staticnn::kernels {

// The portable loop: every target, constant evaluation, and the reference the DSP kernel is
// tested against. Arguments as dense_s8's.
template <std::size_t M, std::size_t N>
constexpr void dense_s8_portable(const std::int8_t* w, const channel_rescale& r, const std::int8_t* x, std::int8_t* y,
                                 const std::int8_t* table = nullptr) {
  const bool clamped = r.act_min > -128 || r.act_max < 127;  // else the clamp is the saturation's identity
  for (std::size_t o = 0; o < N; ++o) {
    std::int32_t acc = r.bias[o];
    const std::int8_t* wr = w + o * M;
    for (std::size_t i = 0; i < M; ++i) acc += std::int32_t{wr[i]} * x[i];
    std::int8_t v = requantize_out_of_line(acc, r.multiplier[o], r.shift[o], r.zero_point);
    if (clamped) v = r.clamp(v);
    y[o] = table != nullptr ? table[v] : v;
  }
}

// The kernel dense_s8 runs for this shape (network plans print it).
template <std::size_t M, std::size_t N>
constexpr const char* dense_s8_kernel_name() {
  if constexpr (target::arm_mve) return "arm_mve dense 4 rows (vmladava, vector rescale)";
  else if constexpr (target::arm_v6m) return "arm_v6m dense 4 rows (ldrsb at one index: x, then per row ldrsb/muls/add)";
  else if constexpr (!target::arm_dsp) return "portable";
  else if constexpr (arm::dense_pairs_s8_rows<M, N> > 0)  // row pairs where the layer was packed for the target
    return arm::dense_rows_s8_groups<M, N> > 0 ? "arm_dsp dense 4 rows (smlad; row pairs if packed_for_target)"
                                               : "arm_dsp dense rows (smlad; row pairs if packed_for_target)";
  else if constexpr (arm::dense_rows_s8_groups<M, N> > 0) return "arm_dsp dense 4 rows (smlad)";
  else return "arm_dsp dense rows (smlad)";
}

// Whether dense_s8_packed has a layout of its own for this shape on this target: the Armv7E-M DSP
// kernel's row pairs (kernels/arm/dense_s8_dsp.hpp), a word of inputs and two rows at least.
template <std::size_t M, std::size_t N>
inline constexpr bool dense_s8_packs = target::arm_dsp && !target::arm_mve && arm::dense_pairs_s8_rows<M, N> > 0;
// The weights w (N rows of M, row-major) into p (M N bytes, not overlapping w) in
// dense_s8_packed's layout: a copy where dense_s8_packs is false.
template <std::size_t M, std::size_t N>
constexpr void dense_s8_pack(const std::int8_t* w, std::int8_t* p) {
  if constexpr (dense_s8_packs<M, N>) arm::dense_s8_pack_pairs<M, N>(w, p);
  else for (std::size_t i = 0; i < M * N; ++i) p[i] = w[i];
}
// The kernel dense_s8_packed runs for this shape.
template <std::size_t M, std::size_t N>
constexpr const char* dense_s8_packed_kernel_name() {
  if constexpr (dense_s8_packs<M, N>) return "arm_dsp dense row pairs (smlad of the raw word, 4 rows)";
  else return dense_s8_kernel_name<M, N>();
}

// Bytes of scratch dense_s8 can use instead of its stack (0: it needs none).
template <std::size_t M>
inline constexpr std::size_t dense_s8_scratch_bytes =
    target::arm_dsp && !target::arm_mve ? arm::dense_rows_s8_scratch<M>
    : target::arm_v6m                    ? arm::dense_s8_v6m_scratch<M>
                                         : 0;

// w: N rows of M int8 weights, row-major, 4-byte aligned. AllDoubled: every output's rescale is
// known to take the short form (doubled_rescale_applies), so the DSP kernel rescales inline with
// no general path. table: null, or the middle (entry 128) of a 256-entry table every output then
// goes through after the clamp, y = table[y] (dense -> lookup as one stage). scratch: null, or
// dense_s8_scratch_bytes<M> bytes at any alignment that may overlap y but not x (the DSP kernel's
// widened input, else on its stack).
template <std::size_t M, std::size_t N, bool AllDoubled = false>
constexpr void dense_s8(const std::int8_t* w, const channel_rescale& r, const std::int8_t* x, std::int8_t* y,
                        const std::int8_t* table = nullptr, [[maybe_unused]] std::int8_t* scratch = nullptr) {
  static_assert(M >= 1 && N >= 1, "dense_s8: at least one input and one output");
  if constexpr (target::arm_mve) {  // kernels/arm/dense_s8_mve.hpp
    if (!std::is_constant_evaluated()) return arm::dense_s8_mve<M, N>(w, r, x, y, table);
  } else if constexpr (target::arm_dsp) {  // kernels/arm/dense_s8_dsp.hpp
    if (!std::is_constant_evaluated()) {
      if (scratch == nullptr) return arm::dense_rows_s8<M, N, AllDoubled>({w, y, table, r}, x);
      const auto a = reinterpret_cast<std::uintptr_t>(scratch);
      return arm::dense_rows_s8<M, N, AllDoubled>({w, y, table, r}, x,
                                                  reinterpret_cast<std::int32_t*>(scratch + ((0u - a) & 3u)));
    }
  }
  if constexpr (target::arm_v6m) {  // kernels/arm/dense_s8_v6m.hpp
    if (!std::is_constant_evaluated()) return arm::dense_s8_v6m<M, N>(w, r, x, y, table);
  }
  dense_s8_portable<M, N>(w, r, x, y, table);
}

// dense_s8 on weights in dense_s8_pack's layout (dense_s8 itself where dense_s8_packs is false);
// the same outputs. Arguments as dense_s8's.
template <std::size_t M, std::size_t N, bool AllDoubled = false>
constexpr void dense_s8_packed(const std::int8_t* w, const channel_rescale& r, const std::int8_t* x, std::int8_t* y,
                               const std::int8_t* table = nullptr, [[maybe_unused]] std::int8_t* scratch = nullptr) {
  if constexpr (dense_s8_packs<M, N>) {
    if (!std::is_constant_evaluated()) {
      if (scratch == nullptr) return arm::dense_pairs_s8<M, N, AllDoubled>({w, y, table, r}, x);
      const auto a = reinterpret_cast<std::uintptr_t>(scratch);
      return arm::dense_pairs_s8<M, N, AllDoubled>({w, y, table, r}, x,
                                                   reinterpret_cast<std::int32_t*>(scratch + ((0u - a) & 3u)));
    }
    // Constant evaluation: the portable loop's arithmetic, each weight read where the layout keeps it.
    const bool clamped = r.act_min > -128 || r.act_max < 127;
    for (std::size_t o = 0; o < N; ++o) {
      std::int32_t acc = r.bias[o];
      for (std::size_t i = 0; i < M; ++i) acc += std::int32_t{arm::dense_s8_packed_weight<M, N>(w, o, i)} * x[i];
      std::int8_t v = requantize_out_of_line(acc, r.multiplier[o], r.shift[o], r.zero_point);
      if (clamped) v = r.clamp(v);
      y[o] = table != nullptr ? table[v] : v;
    }
  } else {
    dense_s8<M, N, AllDoubled>(w, r, x, y, table, scratch);
  }
}

}  // namespace staticnn::kernels
