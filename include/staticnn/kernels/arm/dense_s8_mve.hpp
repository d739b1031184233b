#pragma once
// Armv8.1-M MVE (Helium) kernel for the int8 dense layer (Cortex-M55), any M and N, as
// dense_s8_portable: four output rows at a time, each 16 inputs one vector load shared by four
// weight loads and four VMLADAVA (64 MACs); the last partial vector loaded with the tail
// predicate (zero lanes, nothing read past a row). The four accumulators are rescaled as one
// vector (requantize_mve: the TFLite arithmetic bit for bit, any shift), clamped, looked up in the
// table if there is one (a gather load) and stored as four bytes; the last group of N % 4 rows
// computes its last row again in the spare lanes and stores only its own (without 32-bit lane
// predicates: the predicated VLDRW/VSTRB.32 intrinsics gave wrong lanes here, not investigated).
#include <cstddef>
#include <cstdint>

#include "../fixed_point.hpp"
#include "../target.hpp"
#include "conv2d_s8_mve.hpp"

namespace staticnn::kernels::arm {

#ifdef STATICNN_ARM_MVE
// Lanes of four rows' rescale: multiplier, shift, as requantize_mve takes them.
inline mve_rescale mve_rescale_lanes(const std::int32_t* multiplier, const std::int8_t* shift8) {
  const int32x4_t shift = vldrbq_s32(shift8);
  const int32x4_t zero = vdupq_n_s32(0);
  return {vldrwq_s32(multiplier), vmaxq_s32(shift, zero), vminq_s32(shift, zero)};
}

// w: N rows of M int8 weights; table: null or the middle (entry 128) of a 256-entry table.
template <std::size_t M, std::size_t N>
void dense_s8_mve(const std::int8_t* w, const channel_rescale& r, const std::int8_t* x, std::int8_t* y,
                  const std::int8_t* table) {
  constexpr std::size_t full = M / mve_bytes, tail = M % mve_bytes;
  const mve_pred16_t tail_lanes = vctp8q(tail);
  const std::int32_t lo = r.act_min > -128 ? r.act_min : -128, hi = r.act_max < 127 ? r.act_max : 127;
  for (std::size_t o = 0; o < N; o += mve_words) {
    const std::size_t left = N - o;
    const std::int8_t* w0 = w + o * M;
    const std::int8_t* w1 = w + (left > 1 ? o + 1 : N - 1) * M;
    const std::int8_t* w2 = w + (left > 2 ? o + 2 : N - 1) * M;
    const std::int8_t* w3 = w + (left > 3 ? o + 3 : N - 1) * M;
    std::int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const std::int8_t* xv = x;
#pragma GCC unroll 2
    for (std::size_t v = 0; v < full; ++v, xv += mve_bytes, w0 += mve_bytes, w1 += mve_bytes, w2 += mve_bytes,
                     w3 += mve_bytes) {
      const int8x16_t xs = vldrbq_s8(xv);
      a0 = vmladavaq_s8(a0, xs, vldrbq_s8(w0)), a1 = vmladavaq_s8(a1, xs, vldrbq_s8(w1));
      a2 = vmladavaq_s8(a2, xs, vldrbq_s8(w2)), a3 = vmladavaq_s8(a3, xs, vldrbq_s8(w3));
    }
    if constexpr (tail != 0) {
      const int8x16_t xs = vldrbq_z_s8(xv, tail_lanes);
      a0 = vmladavaq_s8(a0, xs, vldrbq_z_s8(w0, tail_lanes)), a1 = vmladavaq_s8(a1, xs, vldrbq_z_s8(w1, tail_lanes));
      a2 = vmladavaq_s8(a2, xs, vldrbq_z_s8(w2, tail_lanes)), a3 = vmladavaq_s8(a3, xs, vldrbq_z_s8(w3, tail_lanes));
    }
    int32x4_t acc = vdupq_n_s32(a0);
    acc = vsetq_lane_s32(a1, acc, 1), acc = vsetq_lane_s32(a2, acc, 2), acc = vsetq_lane_s32(a3, acc, 3);
    // The last group of N % 4 rows reads its rescale from a copy padded with its last row's.
    const std::int32_t *bias = r.bias + o, *mult = r.multiplier + o;
    const std::int8_t* shift = r.shift + o;
    std::int32_t pad_bias[mve_words], pad_mult[mve_words];
    std::int8_t pad_shift[mve_words];
    if (left < mve_words) {
      for (std::size_t j = 0; j < mve_words; ++j) {
        const std::size_t k = j < left ? j : left - 1;
        pad_bias[j] = bias[k], pad_mult[j] = mult[k], pad_shift[j] = shift[k];
      }
      bias = pad_bias, mult = pad_mult, shift = pad_shift;
    }
    acc = vaddq_s32(acc, vldrwq_s32(bias));
    int32x4_t out = requantize_mve(acc, mve_rescale_lanes(mult, shift), r.zero_point, lo, hi);
    if (table != nullptr)  // offsets value + 128 from the table's first entry
      out = vldrbq_gather_offset_s32(table - 128, vreinterpretq_u32_s32(vaddq_n_s32(out, 128)));
    if (left >= mve_words) {
      vstrbq_s32(y + o, out);
    } else {
      std::int8_t last[mve_words];
      vstrbq_s32(last, out);
      for (std::size_t j = 0; j < left; ++j) y[o + j] = last[j];
    }
  }
}
#else
template <std::size_t M, std::size_t N>
void dense_s8_mve(const std::int8_t*, const channel_rescale&, const std::int8_t*, std::int8_t*,
                  const std::int8_t*);  // Armv8.1-M MVE only
#endif

}  // namespace staticnn::kernels::arm
