#pragma once
// int8 2-D convolution without padding, one output channel at a time, TFLite int8 arithmetic:
//   acc = bias + sum_{c,ky,kx} w[c][ky][kx] * x[c][oy*S+ky][ox*S+kx]   (int32; the input zero
//   point is folded into bias), y = clamp(saturate(zero_point + acc * multiplier * 2^(shift-31)),
//   act_min, act_max): the channel's channel_rescale (q: this channel's view, index 0).
// x: C x H x W int8 (a padded layer passes a window of its padded input), w: this channel's
// C x K x KW int8 weights (K rows, KW columns: KW and SW, the horizontal stride, default to K and
// S), y: rows x OW int8. On Armv7E-M
// DSP targets 5x5 stride-1 rows run through kernels/arm/conv2d_s8_dsp.hpp (SMLAD).
// conv2d_s8_rows: G output channels at once, with the fused clamp; on Armv7E-M DSP targets through
// the kernels/arm/ kernel its traits pick for the shape; on ARMv6-M through kernels/arm/conv2d_s8_v6m.hpp.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fixed_point.hpp"
#include "arm/conv2d_s8_dsp.hpp"
#include "arm/conv2d_s8_few_dsp.hpp"
#include "arm/conv2d_s8_max_pool_dsp.hpp"
#include "arm/conv2d_s8_mve.hpp"
#include "arm/conv2d_s8_pairs_dsp.hpp"
#include "arm/conv2d_s8_pointwise_dsp.hpp"
#include "arm/conv2d_s8_rows_dsp.hpp"
#include "arm/conv2d_s8_v6m.hpp"
#include "arm/conv2d_s8_widened_dsp.hpp"
#include "requantize_s8.hpp"
#include "target.hpp"

namespace staticnn::kernels {

// Whether conv2d_s8_channel_rows runs kernels/arm/conv2d_s8_dsp.hpp's 5x5 kernel for this shape.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_conv5x4 = target::arm_dsp && !target::arm_mve && K == 5 && S == 1 && ((W - K) / S + 1) % 4 == 0;

// On MVE targets (Cortex-M55) conv2d_s8_rows runs kernels/arm/conv2d_s8_mve.hpp for every
// shape it takes, before any DSP kernel.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_mve = arm::conv2d_s8_mve_fits<C, H, W, K, S>;

// Which DSP kernel conv2d_s8_rows runs for all output channels at once (H, W: the padded input's),
// in this order: the pointwise kernel (K = 1, stride 1, C >= 2), the one-channel 3x3 kernel (stride
// 1 or 2), the few-taps kernel (fan-in C K K <= 9), the widened-rows kernel (one input channel,
// K >= 4, or 2 to 3 channels K >= 3; stride 1 or 2), the channel-pairs kernel (4 to 12 input
// channels, K 2 to 5, stride 1 or 2), else the rows kernel for the shapes it takes.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_pointwise_dsp =
    !conv2d_s8_runs_mve<C, H, W, K, S> && arm::conv2d_s8_pointwise_dsp_fits<C, H, W, K, S>;
// One input channel, a 3x3 window of stride 1 or 2: kernels/arm/conv2d_s8_max_pool_dsp.hpp's
// conv2d_s8_3x3_rows_dsp (the pooled kernels' pair words, every output stored), before the few-taps
// and the widened-rows kernel.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_3x3_dsp = arm::conv2d_s8_3x3_rows_dsp_fits<C, H, W, K, S>;
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_few_dsp = !conv2d_s8_runs_mve<C, H, W, K, S> &&
                                               !conv2d_s8_runs_3x3_dsp<C, H, W, K, S> &&
                                               !conv2d_s8_runs_pointwise_dsp<C, H, W, K, S> &&
                                               arm::conv2d_s8_few_dsp_fits<C, H, W, K, S> &&
                                               !(C == 1 && K == 3 && S == 2 && arm::conv2d_s8_widened_dsp_fits<C, H, W, K, S>);
// A rectangular window (KW, SW: its width and horizontal stride, K, S: its height and vertical stride)
// runs the widened-rows kernel where it fits, except on MVE targets (the other kernels take square
// windows only).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t KW = K,
          std::size_t SW = S>
inline constexpr bool conv2d_s8_runs_widened_dsp =
    (K == KW && S == SW ? !conv2d_s8_runs_mve<C, H, W, K, S> && !conv2d_s8_runs_few_dsp<C, H, W, K, S> &&
                              !conv2d_s8_runs_3x3_dsp<C, H, W, K, S> &&
                              !conv2d_s8_runs_pointwise_dsp<C, H, W, K, S>
                        : !target::arm_mve) &&
    arm::conv2d_s8_widened_dsp_fits<C, H, W, K, S, KW, SW>;
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_pairs_dsp = !conv2d_s8_runs_mve<C, H, W, K, S> &&
                                                 !conv2d_s8_runs_3x3_dsp<C, H, W, K, S> &&
                                                 !conv2d_s8_runs_few_dsp<C, H, W, K, S> &&
                                                 !conv2d_s8_runs_pointwise_dsp<C, H, W, K, S> &&
                                                 !conv2d_s8_runs_widened_dsp<C, H, W, K, S> &&
                                                 arm::conv2d_s8_pairs_dsp_fits<C, H, W, K, S>;
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_rows_dsp =
    !conv2d_s8_runs_mve<C, H, W, K, S> && !conv2d_s8_runs_few_dsp<C, H, W, K, S> &&
    !conv2d_s8_runs_3x3_dsp<C, H, W, K, S> &&
    !conv2d_s8_runs_pointwise_dsp<C, H, W, K, S> && !conv2d_s8_runs_widened_dsp<C, H, W, K, S> &&
    !conv2d_s8_runs_pairs_dsp<C, H, W, K, S> && arm::conv2d_s8_rows_dsp_fits<C, H, W, K, S>;
// On ARMv6-M: kernels/arm/conv2d_s8_v6m.hpp for the shapes it takes (8 output pixels a row at least).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_runs_v6m = arm::conv2d_s8_v6m_fits<C, H, W, K, S>;
// Whether a layer calls conv2d_s8_rows with every channel at once (quant/conv2d.hpp's channel_group).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv2d_s8_rows_all_channels =
    conv2d_s8_runs_mve<C, H, W, K, S> || conv2d_s8_runs_few_dsp<C, H, W, K, S> ||
    conv2d_s8_runs_3x3_dsp<C, H, W, K, S> || conv2d_s8_runs_pointwise_dsp<C, H, W, K, S> || conv2d_s8_runs_widened_dsp<C, H, W, K, S> ||
    conv2d_s8_runs_pairs_dsp<C, H, W, K, S> || conv2d_s8_runs_rows_dsp<C, H, W, K, S> ||
    conv2d_s8_runs_v6m<C, H, W, K, S>;
// Whether that kernel can also read an unpadded input and fill the padding in itself
// (conv2d_s8_rows_padded): the widened-rows, the channel-pairs and the rows kernel (square windows),
// the widened-rows kernel (rectangular: KW, SW as for conv2d_s8_runs_widened_dsp).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t KW = K,
          std::size_t SW = S>
inline constexpr bool conv2d_s8_pads_itself =
    conv2d_s8_runs_widened_dsp<C, H, W, K, S, KW, SW> ||
    (K == KW && S == SW &&
     (conv2d_s8_runs_pairs_dsp<C, H, W, K, S> || conv2d_s8_runs_rows_dsp<C, H, W, K, S> || conv2d_s8_runs_v6m<C, H, W, K, S>));

// The pointwise kernel of a constant layer (arm::conv_pointwise::known_of): its rescale in the
// halves form, or not.
inline constexpr const char* conv2d_s8_pointwise_plain_name =
    "arm_dsp conv pointwise (int16 channel pairs, 4 pixels x 2 pairs a ldrd, smlad)";
inline constexpr const char* conv2d_s8_pointwise_halves_name =
    "arm_dsp conv pointwise (int16 channel pairs, 4 pixels x 2 pairs a ldrd, smlad; halves rescale: smmla, pkhtb, usat16)";

// The kernel conv2d_s8_rows runs for G channels of this shape (network plans print it); a
// rectangular window (KW, SW): the kernel conv2d_s8_rows_padded runs, else the portable one.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t KW = K,
          std::size_t SW = S>
constexpr const char* conv2d_s8_kernel_name() {
  if constexpr (K != KW || S != SW)
    return conv2d_s8_runs_widened_dsp<C, H, W, K, S, KW, SW>
               ? "arm_dsp conv widened rows (int16 rows once, smlad, 4 pixels x all channels, rectangular window)"
               : "portable";
  else if constexpr (G > 1 && arm::conv2d_s8_cols_mve_fits<C, H, W, K, S>)
    return "arm_mve conv (columns, vmladava 4 pixels x 2 channels, vector rescale)";
  else if constexpr (G > 1 && conv2d_s8_runs_mve<C, H, W, K, S>)
    return "arm_mve conv (patches, vmladava 2 pixels x 2 channels, vector rescale)";
  else if constexpr (G > 1 && conv2d_s8_runs_pointwise_dsp<C, H, W, K, S>)
    return "arm_dsp conv pointwise (int16 channel pairs, 4 pixels x 2 pairs a ldrd, smlad; halves rescale where the shifts allow)";
  else if constexpr (G > 1 && conv2d_s8_runs_3x3_dsp<C, H, W, K, S>)
    return "arm_dsp conv 3x3 one channel (int16 rows once, smlad 4 pixels x 2 taps, word stores)";
  else if constexpr (G > 1 && conv2d_s8_runs_few_dsp<C, H, W, K, S>)
    return "arm_dsp conv few taps (smlad, weights in registers x pixels)";
  else if constexpr (G > 1 && conv2d_s8_runs_widened_dsp<C, H, W, K, S> && arm::conv2d_s8_widened_runs_stem<C, H, W, K, S>)
    return "arm_dsp conv stem (int16 row-pair planes once, smlad, 4 pixels x all channels)";
  else if constexpr (G > 1 && conv2d_s8_runs_widened_dsp<C, H, W, K, S>)
    return "arm_dsp conv widened rows (int16 rows once, smlad, 4 pixels x all channels)";
  else if constexpr (G > 1 && conv2d_s8_runs_pairs_dsp<C, H, W, K, S>)
    return "arm_dsp conv channel pairs (int16 rows once, smlad, 4 channels a pixel)";
  else if constexpr (G > 1 && conv2d_s8_runs_rows_dsp<C, H, W, K, S>) return "arm_dsp conv rows (smlad, 4 pixels x all channels)";
  else if constexpr (G > 1 && conv2d_s8_runs_v6m<C, H, W, K, S>)
    return "arm_v6m conv (pixel pairs in 16-bit lanes: ldr + muls per 2 macs, 8 pixels in registers)";
  else if constexpr (conv2d_s8_runs_conv5x4<C, H, W, K, S>) return "arm_dsp conv5x4 (smlad)";
  else return "portable";
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t KW = K,
          std::size_t SW = S>
constexpr void conv2d_s8_channel_rows(const std::int8_t* x, const std::int8_t* w, const channel_rescale& rescale,
                                      std::int8_t* y, std::size_t oy0, std::size_t rows) {
  constexpr std::size_t OW = (W - KW) / SW + 1;
  const struct {
    std::int32_t bias, multiplier, shift, zero_point;
  } q{rescale.bias[0], rescale.multiplier[0], rescale.shift[0], rescale.zero_point};
  // |acc| <= |bias| + C K KW * 127 * 128 (weights in [-127, 127], inputs int8).
  const std::uint32_t bias_abs = q.bias < 0 ? 0u - static_cast<std::uint32_t>(q.bias) : static_cast<std::uint32_t>(q.bias);
  constexpr std::uint64_t sum_max = std::uint64_t{C * K * KW} * 127u * 128u;
  const std::uint32_t bound =
      bias_abs < (1u << 30) && sum_max < (1u << 30) ? bias_abs + static_cast<std::uint32_t>(sum_max) : ~0u;
  if constexpr (K == KW && S == SW && conv2d_s8_runs_conv5x4<C, H, W, K, S>) {  // kernels/arm/conv2d_s8_dsp.hpp
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t ox = 0; ox < OW; ox += 4) {
        std::int32_t acc[4] = {q.bias, q.bias, q.bias, q.bias};  // stays in registers
        arm::conv5x4_s8<C, H, W>(x + (oy0 + r) * W + ox, w, acc);
        requantize_s8(acc, y + r * OW + ox, 4, q.multiplier, q.shift, q.zero_point, bound);
      }
  } else {
    for (std::size_t r = 0; r < rows; ++r) {
      std::int32_t acc[OW];
      for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] = q.bias;
      for (std::size_t ic = 0; ic < C; ++ic)
        for (std::size_t ky = 0; ky < K; ++ky) {
          const std::int8_t* xr = x + (ic * H + (oy0 + r) * S + ky) * W;
          const std::int8_t* wr = w + (ic * K + ky) * KW;
          for (std::size_t kx = 0; kx < KW; ++kx) {
            const std::int32_t wv = wr[kx];
            for (std::size_t ox = 0; ox < OW; ++ox) acc[ox] += wv * xr[ox * SW + kx];
          }
        }
      requantize_s8(acc, y + r * OW, OW, q.multiplier, q.shift, q.zero_point, bound);
    }
  }
  if (rescale.act_min > -128 || rescale.act_max < 127)  // a fused activation's clamp
    for (std::size_t i = 0; i < rows * OW; ++i) y[i] = rescale.clamp(y[i]);
}

// Output rows [oy0, oy0 + rows) of G output channels, with the fused activation clamp: w the G
// channels' C x K x K weights (contiguous), q the rescale from the first of them, y G x rows x OW.
// Portable: one channel at a time (conv2d_s8_channel_rows).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G>
constexpr void conv2d_s8_rows_portable(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                                       std::size_t oy0, std::size_t rows) {
  constexpr std::size_t OW = (W - K) / S + 1;
  for (std::size_t g = 0; g < G; ++g)
    conv2d_s8_channel_rows<C, H, W, K, S>(x, w + g * C * K * K, q.from(g), y + g * rows * OW, oy0, rows);
}

// conv2d_s8_rows_portable's results; on Armv7E-M DSP targets through the kernel the traits above
// pick: kernels/arm/conv2d_s8_few_dsp.hpp, conv2d_s8_pointwise_dsp.hpp, conv2d_s8_widened_dsp.hpp,
// conv2d_s8_pairs_dsp.hpp or conv2d_s8_rows_dsp.hpp; on MVE targets conv2d_s8_mve.hpp, on ARMv6-M
// conv2d_s8_v6m.hpp. AllDoubled: the caller knows that the clamp range within int8 is not empty
// and every channel's rescale takes the doubled form (doubled_rescale_applies for fan-in C K K): the
// few-taps and rows kernels then have no general path.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, bool AllDoubled = false>
constexpr void conv2d_s8_rows(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                              std::size_t oy0, std::size_t rows) {
  if constexpr (conv2d_s8_runs_mve<C, H, W, K, S>) {
    if (!std::is_constant_evaluated()) return arm::conv2d_s8_rows_mve<C, H, W, K, S, G>(x, w, q, y, oy0, rows);
  } else if constexpr (conv2d_s8_runs_pointwise_dsp<C, H, W, K, S>) {
    if (!std::is_constant_evaluated()) return arm::conv2d_s8_pointwise_dsp<C, H, W, G>(x, w, q, y, oy0, rows);
  } else if constexpr (conv2d_s8_runs_3x3_dsp<C, H, W, K, S>) {
    if (!std::is_constant_evaluated()) return arm::conv2d_s8_3x3_rows_dsp<H, W, S, G, AllDoubled>(x, w, q, y, oy0, rows);
  } else if constexpr (conv2d_s8_runs_few_dsp<C, H, W, K, S>) {
    if (!std::is_constant_evaluated())
      return arm::conv2d_s8_few_dsp<C, H, W, K, S, G, AllDoubled>(x, w, q, y, oy0, rows);
  } else if constexpr (conv2d_s8_runs_widened_dsp<C, H, W, K, S>) {
    if (!std::is_constant_evaluated()) return arm::conv2d_s8_widened_dsp<C, H, W, K, S, G>(x, w, q, y, oy0, rows);
  } else if constexpr (conv2d_s8_runs_pairs_dsp<C, H, W, K, S>) {
    if (!std::is_constant_evaluated())
      return arm::conv2d_s8_pairs_dsp<C, H, W, K, S, G, 0, AllDoubled>(x, w, q, y, oy0, rows);
  } else if constexpr (conv2d_s8_runs_rows_dsp<C, H, W, K, S>) {
    if (!std::is_constant_evaluated())
      return arm::conv2d_s8_rows_dsp<C, H, W, K, S, G, 0, AllDoubled>(x, w, q, y, oy0, rows);
  } else if constexpr (conv2d_s8_runs_v6m<C, H, W, K, S>) {
    if (!std::is_constant_evaluated()) return arm::conv2d_s8_v6m<C, H, W, K, S, G>(x, w, q, y, oy0, rows);
  }
  conv2d_s8_rows_portable<C, H, W, K, S, G>(x, w, q, y, oy0, rows);
}

// The scratch conv2d_s8_rows_padded takes (bytes; 0: none), its template arguments but AllDoubled.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad,
          std::size_t KW = K, std::size_t SW = S, std::size_t PadL = Pad, std::size_t PadB = Pad,
          std::size_t PadR = PadL>
inline constexpr std::size_t conv2d_s8_rows_padded_scratch =
    conv2d_s8_runs_widened_dsp<C, Pad + H + PadB, PadL + W + PadR, K, S, KW, SW>
        ? arm::conv2d_s8_widened_dsp_scratch<H, W, K, S, G, Pad, KW, SW, PadL, PadB, PadR>
        : 0;

// conv2d_s8_rows of the C x H x W input x padded with pad, read unpadded, for the shapes whose kernel
// pads itself (conv2d_s8_pads_itself of the padded sizes): G channels, output rows [oy0, oy0 + rows);
// AllDoubled as for conv2d_s8_rows. Pad rows above, PadB below, PadL columns on the left, PadR on the
// right; a rectangular window of K rows and KW columns, vertical stride S and horizontal SW.
// scratch: null, or conv2d_s8_rows_padded_scratch bytes (any alignment) overlapping neither x nor
// y, which a call for all G x OH outputs may run faster with (the kernel's buffers off its stack).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t G, std::size_t Pad,
          bool AllDoubled = false, std::size_t KW = K, std::size_t SW = S, std::size_t PadL = Pad,
          std::size_t PadB = Pad, std::size_t PadR = PadL>
void conv2d_s8_rows_padded(const std::int8_t* x, const std::int8_t* w, channel_rescale q, std::int8_t* y,
                           std::size_t oy0, std::size_t rows, std::int8_t pad,
                           [[maybe_unused]] std::int8_t* scratch = nullptr) {
  constexpr std::size_t PH = Pad + H + PadB, PW = PadL + W + PadR;
  static_assert(conv2d_s8_pads_itself<C, PH, PW, K, S, KW, SW>, "conv2d_s8_rows_padded: no kernel pads itself");
  if constexpr (conv2d_s8_runs_widened_dsp<C, PH, PW, K, S, KW, SW>)
    arm::conv2d_s8_widened_dsp<C, H, W, K, S, G, Pad, KW, SW, PadL, PadB, PadR>(x, w, q, y, oy0, rows, pad, scratch);
  else if constexpr (K == KW && S == SW && conv2d_s8_runs_pairs_dsp<C, PH, PW, K, S>) {
    static_assert(PadL == Pad && PadB == Pad && PadR == Pad, "conv2d_s8_rows_padded: the pairs kernel pads evenly");
    arm::conv2d_s8_pairs_dsp<C, H, W, K, S, G, Pad, AllDoubled>(x, w, q, y, oy0, rows, pad);
  } else if constexpr (K == KW && S == SW && conv2d_s8_runs_v6m<C, PH, PW, K, S>) {
    static_assert(PadL == Pad && PadB == Pad && PadR == Pad, "conv2d_s8_rows_padded: the ARMv6-M kernel pads evenly");
    arm::conv2d_s8_v6m<C, H, W, K, S, G, Pad>(x, w, q, y, oy0, rows, pad);
  } else {
    static_assert(PadL == Pad && PadB == Pad && PadR == Pad, "conv2d_s8_rows_padded: the rows kernel pads evenly");
    arm::conv2d_s8_rows_dsp<C, H, W, K, S, G, Pad, AllDoubled>(x, w, q, y, oy0, rows, pad);
  }
}

}  // namespace staticnn::kernels
