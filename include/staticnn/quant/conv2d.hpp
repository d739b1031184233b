#pragma once
// qconv2d_layer<In, OutC, K, Stride, Pad, Clamp, KW, SW, PadL, PadB, PadR>: int8 conv2d (TFLite int8
// arithmetic, see arithmetic.hpp); the window as conv2d_layer's (K, Stride, Pad: kernel height,
// vertical stride, padding above; the trailing five default to a square window). Weights OIHW, symmetric per output channel (zero point 0, [-127, 127]); bias
// int32 at scale s_in * s_w[o] with the input zero point folded in (bias - z_in * sum w[o]);
// multiplier/shift rescale each channel's accumulator to the output's scale and zero point.
// Padding holds the input zero point (TFLite), real value 0: a padded tap adds w * z_in, which
// the folded bias takes away again, so the fold is exact at the borders too.
// Clamp: outputs are clamped to [act_min, act_max], a fused ReLU (TFLite's fused activation;
// quantize() sets [zero_point, 127]); without it the clamp is the whole int8 range.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../kernels/arm/conv2d_s8_3x3_pool_dsp.hpp"
#include "../kernels/arm/conv2d_s8_stage_dsp.hpp"
#include "../kernels/conv2d_s8.hpp"
#include "../kernels/target.hpp"
#include "../kernels/pad_rows.hpp"
#include "../layers/conv_rows.hpp"
#include "../layers/pool.hpp"
#include "arithmetic.hpp"

namespace staticnn::quant {

template <Shape In, std::size_t OutC, std::size_t K, std::size_t Stride, std::size_t Pad = 0, bool Clamp = false,
          std::size_t KW = K, std::size_t SW = Stride, std::size_t PadL = Pad, std::size_t PadB = Pad,
          std::size_t PadR = PadL>
struct qconv2d_layer {
  static_assert(In::rank == 3 && K <= In::height + Pad + PadB && KW <= In::width + PadL + PadR,
                "qconv2d: needs a C x H x W map at least K x KW (padded)");
  static constexpr std::size_t C = In::channels, H = Pad + In::height + PadB, W = PadL + In::width + PadR;  // padded
  using value_type = std::int8_t;
  static constexpr const char* name = "qconv2d";
  using in_shape = In;
  using out_shape = shape<OutC, (H - K) / Stride + 1, (W - KW) / SW + 1>;
  static constexpr std::size_t kernel_h = K, kernel_w = KW, stride_h = Stride, stride_w = SW;
  static constexpr std::size_t pad_top = Pad, pad_left = PadL, pad_bottom = PadB, pad_right = PadR;
  // conv2d_layer::square: only square windows take the DSP kernels and the streamed stages.
  static constexpr bool square = K == KW && Stride == SW && Pad == PadL && Pad == PadB && Pad == PadR;
  static constexpr bool unpadded = H == In::height && W == In::width;
  static constexpr std::size_t out_channels = OutC, kernel = K, stride = Stride, padding = Pad, fan_in = C * K * KW;
  static constexpr std::size_t weight_count = OutC * fan_in, param_count = 0, state_count = 0;
  static constexpr bool clamped = Clamp;

  std::array<std::int8_t, weight_count> weights{};
  std::array<std::int32_t, OutC> bias{}, multiplier{};
  std::array<std::int8_t, OutC> shift{};  // in [-31, 31]: int8 keeps it small in flash
  std::int32_t zero_point = 0;  // of the output
  std::int32_t act_min = -128, act_max = 127;  // the fused activation's clamp (ReLU: [zero_point, 127])
  std::int32_t input_zero_point = 0;  // the value of the padding

  constexpr kernels::channel_rescale rescale() const {
    return {bias.data(), multiplier.data(), shift.data(), zero_point, act_min, act_max};
  }

  // Row streaming (core/sequential.hpp, detail::row_streamable_conv), as conv2d_layer: output
  // rows [oy0, oy0 + rows) of channels [oc, oc + channel_group) into y (channel_group x rows x OW),
  // from x: Hx rows of the padded input, C x Hx x W (unpadded: the input itself). A rectangular
  // window runs forward, through the portable kernel.
  static constexpr bool row_streamable = square;
  // Every channel in one call where an Armv7E-M DSP rows kernel takes the shape (it copies each
  // block of input windows once for all channels: kernels/arm/conv2d_s8_rows_dsp.hpp, conv2d_s8_few_dsp.hpp).
  static constexpr std::size_t channel_group =
      square && kernels::conv2d_s8_rows_all_channels<C, H, W, K, Stride> ? OutC : 1;
  // A window that is not square (rectangular, strides or paddings unequal) runs the widened-rows DSP
  // kernel where it takes the shape (it pads itself with the four paddings), else the portable one.
  static constexpr bool rect_dsp = !square && kernels::conv2d_s8_runs_widened_dsp<C, H, W, K, Stride, KW, SW>;
  static constexpr const char* kernel_name =
      square ? kernels::conv2d_s8_kernel_name<C, H, W, K, Stride, channel_group>()
             : (rect_dsp ? kernels::conv2d_s8_kernel_name<C, H, W, K, Stride, OutC, KW, SW>() : "portable");
  // The optional last argument: rows_known<Self>() of a layer that is a compile-time constant.
  template <std::size_t Hx = H, bool AllDoubled = false>
  constexpr void forward_channel_rows(const std::int8_t* x, std::int8_t* y, std::size_t oc, std::size_t oy0,
                                      std::size_t rows, std::bool_constant<AllDoubled> = {}) const {
    if constexpr (channel_group > 1)
      kernels::conv2d_s8_rows<C, Hx, W, K, Stride, channel_group, AllDoubled>(x, weights.data() + oc * fan_in,
                                                                              rescale().from(oc), y, oy0, rows);
    else
      kernels::conv2d_s8_channel_rows<C, Hx, W, K, Stride, KW, SW>(x, weights.data() + oc * fan_in,
                                                                   rescale().from(oc), y, oy0, rows);
  }
  // A padded layer whose DSP kernel pads itself (widened rows, rows) reads its unpadded input and takes the
  // padding as the input zero point itself (pads_itself, core/sequential.hpp): output rows
  // [oy0, oy0 + rows) of channels [oc, oc + channel_group) into y (channel_group x rows x OW)
  // from x, the C x H x W input. A conv -> activation -> pool stage then packs no window.
  static constexpr bool pads_itself =
      (square && Pad > 0 && kernels::conv2d_s8_pads_itself<C, H, W, K, Stride>) || (rect_dsp && !unpadded);
  template <bool AllDoubled = false>
  void forward_padded_rows(const std::int8_t* x, std::int8_t* y, std::size_t oc, std::size_t oy0, std::size_t rows,
                           std::bool_constant<AllDoubled> = {}) const
    requires pads_itself
  {
    if constexpr (rect_dsp)
      kernels::conv2d_s8_rows_padded<C, In::height, In::width, K, Stride, OutC, Pad, AllDoubled, KW, SW, PadL, PadB,
                                     PadR>(x, weights.data() + oc * fan_in, rescale().from(oc), y, oy0, rows,
                                           static_cast<std::int8_t>(input_zero_point));
    else
      kernels::conv2d_s8_rows_padded<C, In::height, In::width, K, Stride, channel_group, Pad, AllDoubled>(
          x, weights.data() + oc * fan_in, rescale().from(oc), y, oy0, rows, static_cast<std::int8_t>(input_zero_point));
  }
  // A conv -> non-decreasing activation -> 2x2 max pool stage (core/sequential.hpp,
  // detail::conv_max_pools_itself) of one input channel and a 3x3 stride-1 window pools in the conv
  // kernel (kernels/arm/conv2d_s8_max_pool_dsp.hpp), as do a 1x1 conv and a conv the channel-pairs
  // kernel runs (below): one pooled row of
  // every channel, channel c's at y + c * y_stride, from rows [oy0, oy0 + 4) (1x1: + 2) of x (Hx
  // rows of the padded input, C x Hx x W). The optional last argument: rows_known<Self>().
  static constexpr bool pools_3x3 = kernels::arm::conv2d_s8_max_pool_dsp_fits<C, H, W, K, Stride>;
  // A 1x1 conv of 2 to 120 input channels: kernels/arm/conv2d_s8_pointwise_dsp.hpp's
  // conv2d_s8_pointwise_pool_dsp.
  static constexpr bool pools_pointwise = kernels::arm::conv2d_s8_pointwise_pool_dsp_fits<C, H, W, K, Stride>;
  // A conv of 4 to 12 input channels that runs the channel-pairs kernel (padded or not: it pads
  // itself): kernels/arm/conv2d_s8_pairs_dsp.hpp's conv2d_s8_pairs_max_pool_dsp (x the unpadded
  // input, oy0 a padded input row; conv2d_s8_pairs_avg_pool_dsp for an average pool).
  static constexpr bool pools_pairs = square && kernels::conv2d_s8_runs_pairs_dsp<C, H, W, K, Stride>;
  // A conv of one input channel that runs the widened-rows kernel (K in [4, 11], padded or not: it
  // pads itself): kernels/arm/conv2d_s8_widened_dsp.hpp's conv2d_s8_widened_max_pool_dsp (x the
  // unpadded input, oy0 a padded input row).
  static constexpr bool pools_widened = square && C == 1 && channel_group == OutC && OutC > 1 &&
                                        kernels::conv2d_s8_runs_widened_dsp<C, H, W, K, Stride> &&
                                        kernels::arm::conv2d_s8_widened_max_pool_fits<H, W, K, Stride>;
  // A conv of 2 or 3 input channels with a 3x3 window that runs the stem kernel (stride 1 or 2,
  // padded or not: it pads itself): kernels/arm/conv2d_s8_stem_dsp.hpp's
  // conv2d_s8_stem_max_pool_dsp (x the unpadded input, oy0 a padded input row).
  static constexpr bool pools_stem = square && channel_group == OutC && OutC > 1 &&
                                     kernels::conv2d_s8_runs_widened_dsp<C, H, W, K, Stride> &&
                                     kernels::arm::conv2d_s8_widened_runs_stem<C, H, W, K, Stride> &&
                                     kernels::arm::conv2d_s8_stem_max_pool_fits<C, H, W, Stride>;
  // A 3x3 stride-1 conv of one input channel (padded or not: it pads itself) whose pooled row's
  // layout fits: kernels/arm/conv2d_s8_3x3_pool_dsp.hpp's conv2d_s8_3x3_pool_rows_dsp, every
  // pooled row in one call (x the unpadded input).
  static constexpr bool pools_3x3_rows =
      square && !pads_itself && kernels::arm::conv2d_s8_3x3_pool_rows_fits<C, In::height, In::width, K, Stride, Pad>;
  // With a 3x3 max pool (stride 3): conv2d_s8_3x3_pool_dsp.hpp's conv2d_s8_3x3_max_pool3_rows_dsp,
  // every pooled row a call (forward_max_pooled_rows<3>, x the unpadded input: it pads itself).
  static constexpr bool pools3_3x3_rows =
      square && !pads_itself && kernels::arm::conv2d_s8_3x3_pool3_rows_fits<C, In::height, In::width, K, Stride, Pad>;
  template <std::size_t PoolK>
  static constexpr bool max_pools_itself =
      square && ((PoolK == 2 && ((!pads_itself && (pools_3x3 || pools_pointwise)) || pools_pairs || pools_widened ||
                                 pools_3x3_rows || pools_stem)) ||
                 (PoolK == 3 && pools3_3x3_rows));
  // The kernel name of a stage with a PoolK x PoolK max pool, PoolK != 2 (a table activation after
  // it only where the table is non-decreasing, else the conv's rows kernel).
  template <std::size_t PoolK>
  static constexpr const char* max_pool_kernel_name_k =
      PoolK == 3 ? "arm_dsp conv 3x3 + max pool 3x3 (one input channel, 5-word layout an output shared by all "
                   "channels, 5 smlad an output, max before rescale, 4 outputs a store)"
                 : "portable";
  static constexpr const char* max_pool_kernel_name =
      pools_stem ? "arm_dsp conv stem + max pool 2x2 (int16 row-pair planes once, smlad, 4 pixels of 2 rows, max "
                   "before rescale)"
      : pools_3x3_rows ? "arm_dsp conv 3x3 + max pool 2x2 (one input channel, 14-word layout a pooled pixel shared by "
                       "all channels, 5 smlad an output, max before rescale, 4 outputs a store)"
      : pools_widened ? "arm_dsp conv widened rows + max pool 2x2 (int16 rows once, smlad, 4 pixels of 2 rows, max "
                      "before rescale)"
      : pools_pairs ? "arm_dsp conv channel pairs + max pool 2x2 (int16 rows once, smlad, 4 channels a pixel, max "
                    "before rescale)"
      : pools_3x3 ? "arm_dsp conv 3x3 + max pool 2x2 (one input channel, smlad 2 pixels x 2 taps, max before rescale)"
                : "arm_dsp conv 1x1 + max pool 2x2 (int16 channel pairs, a window x 2 pairs a load, max before rescale)";
  // The same before a table activation (quant/lookup.hpp), which the stage checks is non-decreasing
  // (core/sequential.hpp's act_after_max_pool_if_ordered).
  static constexpr const char* max_pool_kernel_name_if_ordered =
      pools_stem ? "arm_dsp conv stem + max pool 2x2 (int16 row-pair planes once, smlad, 4 pixels of 2 rows, max "
                   "before rescale; table after the max where it is non-decreasing, else the conv's kernel)"
      : pools_3x3_rows ? "arm_dsp conv 3x3 + max pool 2x2 (one input channel, 14-word layout a pooled pixel shared by "
                       "all channels, 5 smlad an output, max before rescale; table after the max where it is "
                       "non-decreasing, else the conv's rows kernel)"
      : pools_widened ? "arm_dsp conv widened rows + max pool 2x2 (int16 rows once, smlad, 4 pixels of 2 rows, max "
                      "before rescale; table after the max where it is non-decreasing, else the conv's kernel)"
      : pools_pairs ? "arm_dsp conv channel pairs + max pool 2x2 (int16 rows once, smlad, 4 channels a pixel, max before "
                    "rescale; table after the max where it is non-decreasing, else the conv's kernel)"
      : pools_3x3 ? "arm_dsp conv 3x3 + max pool 2x2 (one input channel, smlad 2 pixels x 2 taps, max before rescale; "
                  "table after the max where it is non-decreasing, else the conv's rows kernel)"
                : "arm_dsp conv 1x1 + max pool 2x2 (int16 channel pairs, a window x 2 pairs a load, max before rescale; "
                  "table after the max where it is non-decreasing, else the conv's rows kernel)";
  template <std::size_t Hx = H, bool AllDoubled = false>
  void forward_max_pooled_row(const std::int8_t* x, std::int8_t* y, std::size_t y_stride, std::size_t oy0,
                              std::bool_constant<AllDoubled> = {}) const
    requires max_pools_itself<2>
  {
    if constexpr (pools_stem)  // x the unpadded input, oy0 a padded input row (conv row oy0 / Stride)
      kernels::arm::conv2d_s8_stem_max_pool_dsp<C, In::height, In::width, Stride, OutC, Pad, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, oy0 / Stride, static_cast<std::int8_t>(input_zero_point));
    else if constexpr (pools_widened)  // as the stem's
      kernels::arm::conv2d_s8_widened_max_pool_dsp<In::height, In::width, K, Stride, OutC, Pad, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, oy0 / Stride, static_cast<std::int8_t>(input_zero_point));
    else if constexpr (pools_pairs)  // x the unpadded input, oy0 a padded input row (pooled row oy0 / (2 Stride))
      kernels::arm::conv2d_s8_pairs_max_pool_dsp<C, In::height, In::width, K, Stride, OutC, Pad, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, oy0 / Stride, static_cast<std::int8_t>(input_zero_point));
    else if constexpr (pools_3x3)
      kernels::arm::conv2d_s8_max_pool_dsp<Hx, W, OutC, AllDoubled>(x, weights.data(), rescale(), y, y_stride, oy0);
    else
      kernels::arm::conv2d_s8_pointwise_pool_dsp<C, Hx, W, OutC, AllDoubled>(x, weights.data(), rescale(), y, y_stride,
                                                                             oy0);
  }
  // The 1x1 kernel also runs every pooled row in one call (its im2col passes span rows, so each
  // channel is set up once a pass, not once a row): PR pooled rows from input row 0 of x (C x H x W,
  // unpadded), channel c's PR x PW outputs at y + c * y_stride, row after row (core/sequential.hpp
  // takes it where max_pools_rows).
  // So does the widened kernel (each channel's widened weights then widened once a call where they
  // fit: kernels::arm::conv2d_s8_widened_max_pool_keeps).
  // So does the stem kernel (its widened weights kept for the call where they fit).
  // So does the 3x3 pooled-layout kernel (pools_3x3_rows: each channel set up once a call, the
  // layout of a pooled row once for all channels; it pads itself, so a padded stage packs no window).
  static constexpr bool max_pools_rows =
      (pools_pointwise && !pools_3x3 && unpadded) || pools_widened || pools_3x3_rows || pools_stem;
  static constexpr bool max_pools_rows_pads_itself = pools_3x3_rows;
  // PoolK: the max pool's window (3: pools3_3x3_rows).
  template <std::size_t PoolK = 2, bool AllDoubled = false>
  void forward_max_pooled_rows(const std::int8_t* x, std::int8_t* y, std::size_t y_stride, std::size_t pooled_rows,
                               std::bool_constant<AllDoubled> = {}) const
    requires max_pools_itself<PoolK> && (PoolK == 3 || max_pools_rows)
  {
    if constexpr (PoolK == 3)
      kernels::arm::conv2d_s8_3x3_max_pool3_rows_dsp<In::height, In::width, Pad, OutC, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, pooled_rows, static_cast<std::int8_t>(input_zero_point));
    else if constexpr (pools_3x3_rows)
      kernels::arm::conv2d_s8_3x3_pool_rows_dsp<In::height, In::width, Pad, OutC, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, pooled_rows, static_cast<std::int8_t>(input_zero_point));
    else if constexpr (pools_stem)
      kernels::arm::conv2d_s8_stem_max_pool_dsp<C, In::height, In::width, Stride, OutC, Pad, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, 0, static_cast<std::int8_t>(input_zero_point), pooled_rows);
    else if constexpr (pools_widened)
      kernels::arm::conv2d_s8_widened_max_pool_dsp<In::height, In::width, K, Stride, OutC, Pad, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, 0, static_cast<std::int8_t>(input_zero_point), pooled_rows);
    else
      kernels::arm::conv2d_s8_pointwise_pool_dsp<C, H, W, OutC, AllDoubled>(x, weights.data(), rescale(), y, y_stride, 0,
                                                                          pooled_rows);
  }
  // The same conv before an activation that does nothing (a fused ReLU) and a 2x2 average pool
  // (core/sequential.hpp, detail::conv_avg_pools_itself): kernels/arm/conv2d_s8_max_pool_dsp.hpp's
  // conv2d_s8_avg_pool_dsp (3x3, one input channel) or conv2d_s8_pairs_dsp.hpp's
  // conv2d_s8_pairs_avg_pool_dsp (channel pairs), one pooled row of every channel as forward_max_pooled_row.
  template <std::size_t PoolK>
  static constexpr bool avg_pools_itself =
      square && PoolK == 2 && ((!pads_itself && pools_3x3) || pools_pairs || pools_3x3_rows);
  static constexpr const char* avg_pool_kernel_name =
      pools_3x3_rows ? "arm_dsp conv 3x3 + avg pool 2x2 (one input channel, 14-word layout a pooled pixel shared by "
                       "all channels, 5 smlad an output, 4 rescales, usad8 sum)"
      : pools_pairs
          ? "arm_dsp conv channel pairs + avg pool 2x2 (int16 rows once, smlad, 4 channels a pixel, uxtab16 sums)"
          : "arm_dsp conv 3x3 + avg pool 2x2 (one input channel, smlad 2 pixels x 2 taps, 4 rescales, usad8 sum)";
  template <std::size_t Hx = H, bool AllDoubled = false>
  void forward_avg_pooled_row(const std::int8_t* x, std::int8_t* y, std::size_t y_stride, std::size_t oy0,
                              std::bool_constant<AllDoubled> = {}) const
    requires avg_pools_itself<2>
  {
    if constexpr (pools_pairs)  // as forward_max_pooled_row's
      kernels::arm::conv2d_s8_pairs_avg_pool_dsp<C, In::height, In::width, K, Stride, OutC, Pad, AllDoubled>(
          x, weights.data(), rescale(), y, y_stride, oy0 / Stride, static_cast<std::int8_t>(input_zero_point));
    else
      kernels::arm::conv2d_s8_avg_pool_dsp<Hx, W, OutC, AllDoubled>(x, weights.data(), rescale(), y, y_stride, oy0);
  }
  // Every pooled row in one call (x the unpadded input, as forward_max_pooled_rows): the 3x3
  // pooled-layout kernel (pools_3x3_rows).
  static constexpr bool avg_pools_rows = pools_3x3_rows;
  template <bool AllDoubled = false>
  void forward_avg_pooled_rows(const std::int8_t* x, std::int8_t* y, std::size_t y_stride, std::size_t pooled_rows,
                               std::bool_constant<AllDoubled> = {}) const
    requires avg_pools_itself<2> && avg_pools_rows
  {
    kernels::arm::conv2d_s8_3x3_pool_rows_dsp<In::height, In::width, Pad, OutC, AllDoubled, true>(
        x, weights.data(), rescale(), y, y_stride, pooled_rows, static_cast<std::int8_t>(input_zero_point));
  }
  // Rows [iy0, iy0 + R) of the padded input (padding = the input zero point) into window
  // (C x R x W).
  template <std::size_t R>
  constexpr void pack_window(const std::int8_t* x, std::int8_t* window, std::size_t iy0) const {
    kernels::pad_rows<C, In::height, In::width, Pad, R, std::int8_t, PadL, PadR>(
        x, window, iy0, static_cast<std::int8_t>(input_zero_point));
  }
  // conv -> 256-entry lookup -> 2x2 average pool as one stage, on DSP targets for 5x5 stride-1
  // convolutions of 1 or 6 input channels (kernels/arm/conv2d_s8_stage_dsp.hpp): x the C x H x W
  // input, y the pooled OutC x PH x PW output (it may overlap x); scratch: fused_stage_scratch
  // bytes that may overlap x but not y. The network runs it instead of its generic
  // conv -> activation -> pool loop; the results are the same. The stage applies no clamp, so a
  // clamped layer (fused ReLU) never takes it.
  template <class Act, class Pool>
  static constexpr bool has_fused_stage =
      !Clamp && kernels::target::arm_dsp && !kernels::target::arm_mve && square && K == 5 && Stride == 1 && Pad == 0 &&
      Pool::kernel == 2 &&
      std::is_same_v<typename Pool::op, avg_pool_op> && requires(const Act& a) { a.table; } &&
      ((C == 1 && out_shape::width % 4 == 0 && W % 2 == 0 && out_shape::height % 2 == 0 && W <= 340) ||
       (C == 6 && OutC % 4 == 0 && out_shape::width % 2 == 0 && out_shape::height % 2 == 0 && W <= 68));
  // (the W limits: the kernels' row steps are 12-bit immediates)
  static constexpr const char* fused_stage_kernel_name =
      C == 1 ? "arm_dsp conv5x5 c1 -> table -> avg2 (smlad)" : "arm_dsp conv5x5 c6 -> table -> avg2 (smlad)";
  static constexpr std::size_t fused_stage_scratch = C == 6 ? 300 * 4 + 3 : 0;  // 4 channels' int16 weights
  // AllDoubled: every channel's rescale is known to take the doubled form (doubled_rescale()).
  template <bool AllDoubled = false, class Act, class Pool>
  void forward_fused_stage(const std::int8_t* x, std::int8_t* y, const Act& act, const Pool&, std::int8_t* scratch) const
    requires has_fused_stage<Act, Pool>
  {
    if constexpr (C == 1) {
      kernels::arm::conv_lookup_pool_c1<H, W, OutC, AllDoubled>(x, *this, act.table.data(), y);
    } else {
      const auto a = reinterpret_cast<std::uintptr_t>(scratch);
      kernels::arm::conv_lookup_pool_c6<H, W, OutC, AllDoubled>(x, *this, act.table.data(), y,
                                                                reinterpret_cast<std::int32_t*>(scratch + ((0u - a) & 3u)));
    }
  }
  // Whether every channel's rescale takes the short (doubled) form, for any input
  // (quant::doubled_rescale_applies). For a layer that is a compile-time constant (network::
  // forward_constant) the fused stage is then compiled without the check and the general path.
  constexpr bool doubled_rescale() const { return doubled_rescale_all(bias, multiplier, shift, zero_point, fan_in); }
  // For a layer that is a compile-time constant (network::forward_constant), the last argument of
  // its forward_channel_rows and forward_padded_rows: whether its clamp range within int8 is not
  // empty and every channel's rescale takes the doubled form (doubled_rescale()), so the DSP
  // kernels are compiled without the check and the general path.
  template <const qconv2d_layer& Self>
  static constexpr auto rows_known() {
    return std::bool_constant<Self.doubled_rescale() && (Self.act_min > -128 ? Self.act_min : -128) <=
                                                            (Self.act_max < 127 ? Self.act_max : 127)>{};
  }
  // A 1x1 conv the DSP pointwise kernel runs for all its channels at once: for a layer that is a
  // compile-time constant (network::forward_constant) the kernel is told the layer's rescale facts
  // (kernels::arm::conv_pointwise::known_of) and compiles only the path and forms they choose.
  static constexpr bool pointwise_known =
      square && unpadded && channel_group == OutC && kernels::conv2d_s8_runs_pointwise_dsp<C, H, W, K, Stride>;
  template <const qconv2d_layer& Self>
  static constexpr auto pointwise_facts() {
    return kernels::arm::conv_pointwise::known_of<C, OutC>(Self.rescale(), H * W);
  }
  // Framed (small layers): every channel's halves frame made at compile time, in flash.
  template <const qconv2d_layer& Self>
  static constexpr auto pointwise_frames =
      kernels::arm::conv_pointwise::halves_frames<C, OutC>(Self.weights.data(), Self.rescale(), pointwise_facts<Self>().scale);
  template <const qconv2d_layer& Self>
  static void forward_constant(cview<std::int8_t, In::size> x, view<std::int8_t, out_shape::size> y)
    requires pointwise_known
  {
    constexpr auto known = pointwise_facts<Self>();
    const std::int32_t* frames = nullptr;
    if constexpr (known.framed) frames = pointwise_frames<Self>.data();
    kernels::arm::conv2d_s8_pointwise_dsp<C, H, W, OutC, known>(x.data(), Self.weights.data(), Self.rescale(), y.data(), 0,
                                                                H, frames);
  }
  // The kernel a constant layer runs (network::stages_constant): the pointwise kernel says when
  // its constants take the halves rescale.
  template <const qconv2d_layer& Self>
  static constexpr const char* kernel_name_constant() {
    if constexpr (pointwise_known)
      return pointwise_facts<Self>().scale >= 0 ? kernels::conv2d_s8_pointwise_halves_name
                                                : kernels::conv2d_s8_pointwise_plain_name;
    else
      return kernel_name;
  }
  template <const qconv2d_layer& Self, class Act, class Pool>
  static void forward_fused_stage_constant(const std::int8_t* x, std::int8_t* y, const Act& act, const Pool& pool,
                                           std::int8_t* scratch) {
    static_assert(Self.act_min == -128 && Self.act_max == 127, "qconv2d: the fused stage applies no clamp");
    Self.template forward_fused_stage<Self.doubled_rescale()>(x, y, act, pool, scratch);
  }
  // A padded layer runs an output row at a time on a window of its padded input (layers/conv_rows.hpp),
  // or on its input where it pads itself.
  // The scratch forward can take instead of its stack (core/sequential.hpp's scratch_bytes_of): the
  // rectangular DSP kernel's (kernels::conv2d_s8_rows_padded_scratch), 0 for other windows.
  static constexpr std::size_t scratch_bytes =
      rect_dsp ? kernels::conv2d_s8_rows_padded_scratch<C, In::height, In::width, K, Stride, OutC, Pad, KW, SW, PadL,
                                                        PadB, PadR>
               : 0;
  // scratch: null, or scratch_bytes bytes overlapping neither x nor y.
  static constexpr bool scratch_overlaps_output = false;
  // A padded one-channel 3x3 conv of stride 1 or 2 (kernels/arm/conv2d_s8_max_pool_dsp.hpp's
  // conv2d_s8_3x3_rows_dsp) runs bands of output rows, each from one packed window, so that each
  // channel's setup and each input row's widening serve a band, not one row.
  static constexpr bool bands_3x3 = square && !unpadded && channel_group == OutC &&
                                    kernels::conv2d_s8_runs_3x3_dsp<C, H, W, K, Stride>;
  static constexpr std::size_t band_3x3 = [] {
    constexpr std::size_t rows = 1024 / W > K ? (1024 / W - K) / Stride + 1 : 1;  // a window within 1 KiB
    return rows < out_shape::height ? rows : out_shape::height;
  }();
  constexpr void forward(cview<std::int8_t, In::size> x, view<std::int8_t, out_shape::size> y,
                         [[maybe_unused]] std::int8_t* scratch = nullptr) const {
    constexpr std::size_t P = out_shape::height * out_shape::width;
    if constexpr (rect_dsp) {  // every channel at once, padded or not
      if (!std::is_constant_evaluated())
        return kernels::conv2d_s8_rows_padded<C, In::height, In::width, K, Stride, OutC, Pad, false, KW, SW, PadL,
                                              PadB, PadR>(x.data(), weights.data(), rescale(), y.data(), 0,
                                                          out_shape::height, static_cast<std::int8_t>(input_zero_point),
                                                          scratch);
    }
    if constexpr (unpadded) {
      for (std::size_t oc = 0; oc < OutC; oc += channel_group)
        forward_channel_rows(x.data(), y.data() + oc * P, oc, 0, out_shape::height);
    } else if constexpr (pads_itself) {
      if (!std::is_constant_evaluated()) {
        for (std::size_t oc = 0; oc < OutC; oc += channel_group)
          forward_padded_rows(x.data(), y.data() + oc * P, oc, 0, out_shape::height);
        return;
      }
      conv_forward_by_rows(*this, x.data(), y.data());
    } else if constexpr (bands_3x3) {
      if (!std::is_constant_evaluated()) {
        // Bands of up to band_3x3 output rows, each from a window of its (band - 1) Stride + K
        // padded rows (the last band's window may reach past the input: padding rows, not read).
        constexpr std::size_t R = (band_3x3 - 1) * Stride + K;
        std::array<std::int8_t, R * W> window;
        for (std::size_t oy = 0; oy < out_shape::height; oy += band_3x3) {
          const std::size_t n = out_shape::height - oy < band_3x3 ? out_shape::height - oy : band_3x3;
          pack_window<R>(x.data(), window.data(), oy * Stride);
          kernels::arm::conv2d_s8_3x3_rows_dsp<R, W, Stride, OutC>(window.data(), weights.data(), rescale(),
                                                                    y.data() + oy * out_shape::width, 0, n, P);
        }
        return;
      }
      conv_forward_by_rows(*this, x.data(), y.data());
    } else
      conv_forward_by_rows(*this, x.data(), y.data());
  }
};

}  // namespace staticnn::quant
