#pragma once
// Cortex-M VFP kernel for a float depthwise convolution (channel multiplier 1, square K x K window,
// stride S, zero padding P on every side), any channel count and map size whose padded rows fit the
// registers' immediates (conv2d_vfp.hpp's conv_vfp_fits):
//   y[c][oy][ox] = b[c] + sum_{ky,kx} w[c][ky][kx] * xp[c][oy*S + ky][ox*S + kx],
// xp the input zero-padded. A channel runs as a one-input-channel convolution through
// conv2d_vfp.hpp's register-blocked rows (per input row one VLDM, A*K VFMAs per output row; blocks
// of two output rows where its cost model says they pay) on a window of padded rows on the stack:
// the whole padded channel where it fits max_window_bytes (its border zeroed once per call, its
// rows copied by VLDM/VSTM), else chunks of out_rows output rows in at most chunk_window_bytes,
// each chunk from the in_rows = K + (out_rows - 1)*S padded rows it reads (the P border columns
// zeroed once per call; per chunk the rows inside the map copied in, the rows on padding zeroed).
// Unpadded maps run on the input itself. The portable kernel (layers/depthwise_conv2d.hpp)
// computes the same sums in another order, skipping the taps on padding (adding 0 * w here: equal
// but for a sign of zero and non-finite weights).
#include <cstddef>

#include "../target.hpp"
#include "conv2d_vfp.hpp"
#include "pad_rows_vfp.hpp"

namespace staticnn::kernels::arm {

namespace depthwise_vfp {
// The window of padded rows lives on the stack for the call: a whole padded channel of at most
// max_window_bytes, else chunks in at most chunk_window_bytes. A chunk costs a call of the rows
// kernel and copying again the K - S rows it shares with the one before; chunk_window_bytes holds
// ten padded rows of a 48-wide map, and is half the whole channel's bound so that a chunked stage
// does not become the peak of a network whose peak is elsewhere.
inline constexpr std::size_t max_window_bytes = 4096;
inline constexpr std::size_t chunk_window_bytes = 2048;

// How a padded channel streams through a window of at most WindowBytes (a test's smaller bound
// makes small maps run in chunks): `whole` (the padded channel fits: one chunk of every output
// row), else chunks of out_rows output rows (the last one shorter where out_rows does not divide
// OH) from in_rows padded rows in at most min(WindowBytes, chunk_window_bytes); out_rows even
// where conv2d_vfp.hpp runs two-row blocks, so no chunk but the last ends on a one-row block.
// out_rows = 0: not even K rows fit.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P,
          std::size_t WindowBytes = max_window_bytes>
struct window_plan {
  static constexpr std::size_t PH = H + 2 * P, PW = W + 2 * P;
  static constexpr std::size_t OH = PH >= K ? (PH - K) / S + 1 : 0, OW = PW >= K ? (PW - K) / S + 1 : 0;
  static constexpr std::size_t row_bytes = PW * float_bytes;
  static constexpr bool whole = PH * row_bytes <= WindowBytes;
  static constexpr std::size_t chunk_bytes = WindowBytes < chunk_window_bytes ? WindowBytes : chunk_window_bytes;
  static constexpr std::size_t rows_fit = chunk_bytes / row_bytes;
  static constexpr std::size_t most = rows_fit >= K ? (rows_fit - K) / S + 1 : 0;
  static constexpr bool two_rows = OW >= 1 && conv_vfp_two_rows<1, OW, K, S>;
  static constexpr std::size_t out_rows = whole ? OH : most > 1 && two_rows ? most / 2 * 2 : most;
  static constexpr std::size_t in_rows = whole ? PH : out_rows >= 1 ? K + (out_rows - 1) * S : 0;
};
}  // namespace depthwise_vfp

// The shapes depthwise_f32_vfp takes: those conv2d_vfp.hpp takes as one channel of the map
// (unpadded) or of the window of padded rows, whose window holds at least K rows.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P,
          std::size_t WindowBytes = depthwise_vfp::max_window_bytes>
inline constexpr bool depthwise_f32_vfp_fits = [] {
  using plan = depthwise_vfp::window_plan<H, W, K, S, P, WindowBytes>;
  if constexpr (!target::arm_vfp) return false;
  else if constexpr (P == 0) return conv_vfp_fits<1, H, W, K, S>;
  else if constexpr (plan::out_rows == 0) return false;
  else return conv_vfp_fits<1, plan::in_rows, plan::PW, K, S>;
}();

// The kernel's name in a plan: the window it runs on.
template <std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P>
inline constexpr const char* depthwise_f32_vfp_name =
    P == 0 ? "arm_vfp depthwise (on the input, register-blocked rows)"
    : depthwise_vfp::window_plan<H, W, K, S, P>::whole
        ? "arm_vfp depthwise (padded channel, register-blocked rows)"
        : "arm_vfp depthwise (chunks of padded rows, register-blocked rows)";

#ifdef STATICNN_ARM_VFP

namespace depthwise_vfp {
// Padded rows [iy0, iy0 + n) of one channel xc (H x W) into window rows 0..n-1 (PW apart): the
// W values inside the map of each (its P border columns either side are the caller's, zero), a
// row on padding (above or below the map) W zeros. Out of line: one copy per shape; GCC keeps the
// zero loop a loop (no memset: an image would link newlib's).
template <std::size_t H, std::size_t W, std::size_t P>
[[gnu::noinline, gnu::optimize("no-tree-loop-distribute-patterns")]] void fill_window_rows(const float* xc,
                                                                                         float* window,
                                                                                         std::size_t iy0,
                                                                                         std::size_t n) {
  constexpr std::size_t PW = W + 2 * P;
  // Rows [0, top) above the map, [top, bottom) inside it, [bottom, n) below it.
  const std::size_t top = iy0 >= P ? 0 : P - iy0 < n ? P - iy0 : n;
  const std::size_t bottom = iy0 >= P + H ? top : P + H - iy0 < n ? P + H - iy0 : n;
  float* row = window + P;
  auto zero = [](float* r) {
#pragma GCC unroll 1
    for (std::size_t j = 0; j < W; ++j) r[j] = 0.0f;
  };
  std::size_t r = 0;
#pragma GCC unroll 1
  for (; r < top; ++r, row += PW) zero(row);
  if (r < bottom) {
    const float* src = xc + (iy0 + r - P) * W;
#pragma GCC unroll 1
    for (; r < bottom; ++r, row += PW, src += W) copy_f32<W>(src, row);
  }
#pragma GCC unroll 1
  for (; r < n; ++r, row += PW) zero(row);
}
}  // namespace depthwise_vfp

// Every channel: x C x H x W, w C x K x K, b C, y C x OH x OW. WindowBytes: as window_plan.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P,
          std::size_t WindowBytes = depthwise_vfp::max_window_bytes>
[[gnu::noinline]] void depthwise_f32_vfp(const float* x, const float* w, const float* b, float* y) {
  static_assert(depthwise_f32_vfp_fits<H, W, K, S, P, WindowBytes>, "depthwise_f32_vfp: a shape it does not take");
  using plan = depthwise_vfp::window_plan<H, W, K, S, P, WindowBytes>;
  constexpr std::size_t PH = plan::PH, PW = plan::PW, OH = plan::OH, OW = plan::OW;
  if constexpr (P == 0) {
#pragma GCC unroll 1
    for (std::size_t c = 0; c < C; ++c) conv_vfp_rows<1, H, W, K, S>(x + c * H * W, w + c * K * K, b[c], y + c * OH * OW, OH);
  } else if constexpr (plan::whole) {
    alignas(8) float xp[PH * PW];
    // The border: P rows above and below, P columns either side of the rows between.
    for (std::size_t i = 0; i < P * PW; ++i) xp[i] = 0.0f, xp[(P + H) * PW + i] = 0.0f;
    for (std::size_t r = P; r < P + H; ++r)
      for (std::size_t i = 0; i < P; ++i) xp[r * PW + i] = 0.0f, xp[r * PW + P + W + i] = 0.0f;
#pragma GCC unroll 1
    for (std::size_t c = 0; c < C; ++c) {
      const float* xc = x + c * H * W;
      copy_rows_f32<H, W, PW>(xc, xp + P * PW + P);
      conv_vfp_rows<1, PH, PW, K, S>(xp, w + c * K * K, b[c], y + c * OH * OW, OH);
    }
  } else {
    constexpr std::size_t R = plan::out_rows, RX = plan::in_rows;
    alignas(8) float xp[RX * PW];
    // The border columns, P either side of every window row; fill_window_rows writes between them.
    for (std::size_t r = 0; r < RX; ++r)
      for (std::size_t i = 0; i < P; ++i) xp[r * PW + i] = 0.0f, xp[r * PW + P + W + i] = 0.0f;
#pragma GCC unroll 1
    for (std::size_t c = 0; c < C; ++c) {
      const float* xc = x + c * H * W;
      float* yc = y + c * OH * OW;
#pragma GCC unroll 1
      for (std::size_t oy0 = 0; oy0 < OH; oy0 += R) {
        const std::size_t rows = OH - oy0 < R ? OH - oy0 : R;
        depthwise_vfp::fill_window_rows<H, W, P>(xc, xp, oy0 * S, (rows - 1) * S + K);
        conv_vfp_rows<1, RX, PW, K, S>(xp, w + c * K * K, b[c], yc + oy0 * OW, rows);
      }
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t P,
          std::size_t WindowBytes = depthwise_vfp::max_window_bytes>
void depthwise_f32_vfp(const float* x, const float* w, const float* b, float* y);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
