// staticnn: one int8 convolution output computed directly from its input window with the general
// (fixed_point.hpp) rescale: the fallback of the fast int8 kernels (kernels/arm/*_dsp.hpp) for a
// channel whose rescale does not take their short ("doubled") form, or an empty clamp range.
//
// Contract, shared by every caller: the accumulator is bias + the sum of the window's products,
// each product and each addition wrapping modulo 2^32 exactly as the portable kernel's int32 sum
// (conv2d_s8.hpp; the sum is taken in uint32 so that no overflow is undefined), then
// clamp(requantize(acc)) of that channel. Pooled outputs are formed from those clamped outputs as
// quant/pool.hpp forms them: the maximum, or the average rounded half away from zero. The geometry
// is a run-time argument, so one copy of each routine serves every kernel and shape of an image.
#pragma once

#include <cstddef>
#include <cstdint>

#include "fixed_point.hpp"

namespace staticnn::kernels {

// The input a window reads: `channels` planes of `height` rows, a row `row` bytes apart (of which
// `width` are inside), a plane height * row bytes; an input at a row >= height or a column >= width
// (a window's origin may wrap below zero: it is unsigned) reads `pad` (the input zero point).
// Weights: channels x kernel_h x kernel_w, contiguous.
struct conv_window_s8 {
  const std::int8_t* x;
  std::size_t channels, height, width, row;
  std::size_t kernel_h, kernel_w;
  std::int32_t pad = 0;
};

// The wrapping int32 accumulator of the window at input row iy0, column ix0 (the window's top-left,
// padding included: oy * stride - pad, wrapping below zero) with weights w and bias.
[[gnu::noinline]] inline std::int32_t conv_window_acc(const conv_window_s8& g, const std::int8_t* w, std::int32_t bias,
                                                      std::size_t iy0, std::size_t ix0) {
  auto a = static_cast<std::uint32_t>(bias);
  for (std::size_t c = 0; c < g.channels; ++c)
    for (std::size_t ky = 0; ky < g.kernel_h; ++ky) {
      const std::size_t iy = iy0 + ky;
      for (std::size_t kx = 0; kx < g.kernel_w; ++kx, ++w) {
        const std::size_t ix = ix0 + kx;
        const std::int32_t v = iy < g.height && ix < g.width ? g.x[(c * g.height + iy) * g.row + ix] : g.pad;
        a += static_cast<std::uint32_t>(v * *w);
      }
    }
  return static_cast<std::int32_t>(a);
}

// Channel o's output (clamped, requantized) of the window at iy0, ix0 (weights w: channel o's).
[[gnu::noinline]] inline std::int8_t conv_window_output(const conv_window_s8& g, const std::int8_t* w,
                                                        const channel_rescale& q, std::size_t o, std::size_t iy0,
                                                        std::size_t ix0) {
  return q.clamp(
      requantize_out_of_line(conv_window_acc(g, w, q.bias[o], iy0, ix0), q.multiplier[o], q.shift[o], q.zero_point));
}

// Channel o's pool x pool block of outputs pooled: output (dy, dx) is the window at
// iy0 + dy * sy, ix0 + dx * sx (sy, sx: the conv's strides); their maximum, or (avg) their
// average rounded half away from zero ((sum +- n / 2) / n, n = pool * pool, as quant/pool.hpp).
[[gnu::noinline]] inline std::int8_t conv_window_pooled(const conv_window_s8& g, const std::int8_t* w,
                                                        const channel_rescale& q, std::size_t o, std::size_t iy0,
                                                        std::size_t ix0, std::size_t sy, std::size_t sx,
                                                        std::size_t pool, bool avg) {
  std::int32_t best = -128, sum = 0;
  for (std::size_t dy = 0; dy < pool; ++dy)
    for (std::size_t dx = 0; dx < pool; ++dx) {
      const std::int32_t v = conv_window_output(g, w, q, o, iy0 + dy * sy, ix0 + dx * sx);
      best = v > best ? v : best;
      sum += v;
    }
  if (!avg) return static_cast<std::int8_t>(best);
  const auto n = static_cast<std::int32_t>(pool * pool);
  return static_cast<std::int8_t>(sum >= 0 ? (sum + n / 2) / n : (sum - n / 2) / n);
}

}  // namespace staticnn::kernels
