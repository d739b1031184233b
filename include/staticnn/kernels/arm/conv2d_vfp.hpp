#pragma once
// Cortex-M VFP micro-kernel for a K x K convolution at stride S (any C, H, W), one output channel:
// a block of R output rows (1 or 2) by A neighbouring outputs accumulates in s0..s(R*A-1) over
// every input channel. Per input row one VLDM brings the N = (A-1)*S + K inputs the block reads
// from it, then A*K VFMAs per output row that reads it. Weights come in by VLDM: the K*K of a group
// of channels at once where they fit the free registers (always for R = 2, where two output rows
// share each input row), else one kernel row's K before each input row. A is the widest block that
// fits the 32 S registers, narrowed so that the blocks of a row have equal widths (a narrower last
// block where OW does not divide); R = 2 where a count of the instructions (conv_vfp_cost) says it
// pays. Only built where kernels::target::arm_vfp holds; the portable kernel (kernels/conv2d.hpp)
// computes the same sums in another order.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

inline constexpr std::size_t vfp_s_registers = 32;
inline constexpr std::size_t float_bytes = sizeof(float);
// Pointer steps the asm adds as immediates: ADDW takes 0..4095; a step below 2^20 is ADD of its
// bits 12..19 (an 8-bit rotated immediate) then ADDW of its bits 0..11.
inline constexpr std::size_t addw_range = std::size_t{1} << 12,
                             two_add_range = std::size_t{1} << 20;

// The S registers a block of R rows by A outputs takes: sums, one input row, weights.
constexpr std::size_t conv_vfp_registers(std::size_t R, std::size_t A, std::size_t K,
                                         std::size_t S) {
  return R * A + (A - 1) * S + K + (R == 1 ? K : K * K);
}
// The widest block of R rows for kernel K at stride S (0 where not even one output fits).
constexpr std::size_t conv_vfp_max_block(std::size_t R, std::size_t K, std::size_t S) {
  std::size_t a = 0;
  while (a < vfp_s_registers && conv_vfp_registers(R, a + 1, K, S) <= vfp_s_registers) ++a;
  return a;
}

// The blocking of an output row of OW outputs: `count` blocks, all `width` wide but the last,
// `last` wide (1 <= last <= width).
struct conv_vfp_blocking {
  std::size_t count, width, last;
};
constexpr conv_vfp_blocking conv_vfp_blocks(std::size_t OW, std::size_t R, std::size_t K,
                                            std::size_t S) {
  const std::size_t most = conv_vfp_max_block(R, K, S);
  const std::size_t count = (OW + most - 1) / most, width = (OW + count - 1) / count;
  return {count, width, OW - (count - 1) * width};
}

// How a block runs through the C channels. Weights: `grouped`, the K*K of each channel of a group
// of per_pass channels by one VLDM, where they fit beside the sums and an input row (always for
// R = 2); else one kernel row's K before each input row. A loop of passes of one group while more
// than one pass, then the `after` channels written out in groups (the last channel skips the input
// step no channel follows). Groups are as large as registers allow while short (up to
// max_group_channels, group_body_limit instructions), so the loop's CMP+BNE and the weight VLDM
// stay a small share; with per-row weights, two channels a pass where one is shorter than
// short_body.
template <std::size_t C, std::size_t K, std::size_t S, std::size_t R, std::size_t A>
struct conv_vfp_channel_loop {
  static constexpr std::size_t max_group_channels = 4, group_body_limit = 64, short_body = 32;
  static constexpr std::size_t input_rows = (R - 1) * S + K, N = (A - 1) * S + K;
  static constexpr std::size_t free_registers = vfp_s_registers - R * A - N;
  static constexpr bool grouped = R == 2 || free_registers >= K * K;
  static constexpr std::size_t channel_body =
      input_rows * 2 + (grouped ? 0 : K) + R * A * K * K;  // instructions
  static constexpr std::size_t group_size() {
    std::size_t p = 1;
    if constexpr (grouped)
      while (p < max_group_channels && p < C && (p + 1) * K * K <= free_registers &&
             (p + 1) * channel_body <= group_body_limit)
        ++p;
    else if (channel_body < short_body && C >= 2)
      p = 2;
    return p;
  }
  static constexpr std::size_t per_pass = group_size();
  static constexpr bool looped = C / per_pass > 1;
  static constexpr std::size_t loop_channels = looped ? C / per_pass * per_pass : 0,
                               after = C - loop_channels;
  static constexpr std::size_t after_groups = after / per_pass, after_rest = after % per_pass;
  static constexpr std::size_t groups = C / per_pass + (C % per_pass != 0);
};

// Instructions for R output rows of OW outputs (a model of the code below: per block its channels,
// loop, bias load, stores and the caller's pointer set-up), to choose R. No block fits: the most
// there is.
template <std::size_t C, std::size_t OW, std::size_t K, std::size_t S, std::size_t R>
constexpr std::size_t conv_vfp_cost() {
  if constexpr (conv_vfp_max_block(R, K, S) == 0) {
    return std::size_t(-1) / 4;
  } else {
    constexpr conv_vfp_blocking b = conv_vfp_blocks(OW, R, K, S);
    // Per block besides the channels: the bias VLDM, R stores, the caller's pointer and loop
    // updates.
    constexpr std::size_t block_overhead = 1 + R + 4, loop_branch = 2;  // CMP + BNE
    auto block = [](auto loop) {
      using L = decltype(loop);
      return C * L::channel_body + (L::grouped ? L::groups : 0) +
             (L::looped ? loop_branch * (C / L::per_pass) : 0) + block_overhead;
    };
    return (b.count - 1) * block(conv_vfp_channel_loop<C, K, S, R, b.width>{}) +
           block(conv_vfp_channel_loop<C, K, S, R, b.last>{});
  }
}
// Two rows at a time where the model saves more than the two-row path's own set-up per call.
inline constexpr std::size_t conv_vfp_two_row_setup = 16;  // instructions, measured
template <std::size_t C, std::size_t OW, std::size_t K, std::size_t S>
inline constexpr bool conv_vfp_two_rows = conv_vfp_cost<C, OW, K, S, 2>() + conv_vfp_two_row_setup <
                                          2 * conv_vfp_cost<C, OW, K, S, 1>();

// The shapes the VFP kernel takes: a block of at least one output, strides 1..4, and the pointer
// steps between input rows (below a row) and between channels (below a channel) immediates.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv_vfp_fits = (C >= 1 && K >= 1 && K <= H && K <= W && S >= 1 && S <= 4) &&
                                      (conv_vfp_max_block(1, K, S) >= 1) &&
                                      (W * float_bytes < addw_range) &&
                                      (H * W * float_bytes < two_add_range);

#ifdef STATICNN_ARM_VFP
// For r < R, i < A, then y_r += A:
//   y_r[i] = b[i] + sum_{c,ky,kx} w[(c*K + ky)*K + kx] * x[(c*H + r*S + ky)*W + i*S + kx].
// w_loop: w + (the channels the loop runs)*K*K, where its loop ends.
// Registers: s(r*A + i) the sums, s(R*A)..s(R*A+N-1) one input row, then the weights (K, or K*K
// per channel of a group).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t R,
          std::size_t A>
[[gnu::always_inline]] inline void conv_vfp_block(const float* x, const float* w,
                                                  const float* w_loop, const float* b, float*& y0,
                                                  float*& y1) {
  constexpr std::size_t N = (A - 1) * S + K;
  static_assert((R == 1 || R == 2) && A >= 1 && conv_vfp_registers(R, A, K, S) <= vfp_s_registers,
                "conv_vfp_block: the block does not fit the S registers");
  static_assert(conv_vfp_fits<C, H, W, K, S>);
  using layout = conv_vfp_channel_loop<C, K, S, R, A>;
  // Byte steps of the input pointer after a row's VLDM: to the next input row of the same channel,
  // and from the last input row to the first of the next channel (in two immediates).
  constexpr std::size_t row_step = (W - N) * float_bytes;
  constexpr std::size_t channel_step = ((H - layout::input_rows + 1) * W - N) * float_bytes;
  constexpr std::size_t channel_step_high = channel_step / addw_range * addw_range;
  constexpr std::size_t channel_step_low = channel_step % addw_range;
  // The macros are named with %= (unique to this asm statement), so every instance defines its own.
  // snn_row (input row .Lsnn_j of a channel): its argument says where the input pointer steps after
  // the row's VLDM: to the next row (0), to the next channel (1), or nowhere (2: the last row of
  // the last channel when no loop follows it). Output row r reads it with kernel row ky = j - r*S.
  asm volatile(
      ".altmacro\n"
      ".macro snn_xfer%= op, p, lo, hi\n.if \\lo == \\hi\n\\op \\p, {s\\lo}\n.else\n\\op \\p, "
      "{s\\lo-s\\hi}\n"
      ".endif\n.endm\n"
      ".macro snn_vfma%= acc, wt, in\nvfma.f32 s\\acc, s\\wt, s\\in\n.endm\n"
      ".macro snn_row%= step\n"
      "snn_xfer%= vldmia, %[x]!, %%(%c[r]*%c[a]), %%(%c[r]*%c[a]+%c[n]-1)\n"
      ".if \\step == 1\n"
      ".if %c[csh]\nadd %[x], %[x], #%c[csh]\n.endif\n"
      ".if %c[csl]\naddw %[x], %[x], #%c[csl]\n.endif\n"
      ".elseif \\step == 0\n"
      ".if %c[rs]\naddw %[x], %[x], #%c[rs]\n.endif\n"
      ".endif\n"
      ".if %c[grouped] == 0\n"
      "snn_xfer%= vldmia, %[w]!, %c[wb], %%(%c[wb]+%c[k]-1)\n"
      ".endif\n"
      ".set .Lsnn_r, 0\n"
      ".rept %c[r]\n"
      ".set .Lsnn_ky, .Lsnn_j-.Lsnn_r*%c[s]\n"
      ".if .Lsnn_ky >= 0\n.if .Lsnn_ky < %c[k]\n"
      ".set .Lsnn_kx, 0\n"
      ".rept %c[k]\n"
      ".set .Lsnn_i, 0\n"
      ".rept %c[a]\n"
      "snn_vfma%= %%(.Lsnn_r*%c[a]+.Lsnn_i), "
      "%%(%c[wb]+%c[grouped]*(.Lsnn_p*%c[k]*%c[k]+.Lsnn_ky*%c[k])+.Lsnn_kx), "
      "%%(%c[r]*%c[a]+.Lsnn_i*%c[s]+.Lsnn_kx)\n"
      ".set .Lsnn_i, .Lsnn_i+1\n"
      ".endr\n"
      ".set .Lsnn_kx, .Lsnn_kx+1\n"
      ".endr\n"
      ".endif\n.endif\n"
      ".set .Lsnn_r, .Lsnn_r+1\n"
      ".endr\n"
      ".endm\n"
      ".macro snn_channel%= step\n"
      ".set .Lsnn_j, 0\n"
      ".rept %c[rows]-1\nsnn_row%= 0\n.set .Lsnn_j, .Lsnn_j+1\n.endr\n"
      "snn_row%= \\step\n"
      ".endm\n"
      // Channel .Lsnn_p of a group of `count`; `final`: the group ends the block.
      ".macro snn_group%= count, final\n"
      ".if %c[grouped]\n"
      "snn_xfer%= vldmia, %[w]!, %c[wb], %%(%c[wb]+\\count*%c[k]*%c[k]-1)\n"
      ".endif\n"
      ".set .Lsnn_p, 0\n"
      ".rept \\count\n"
      ".if \\final\n.if .Lsnn_p == \\count-1\nsnn_channel%= 2\n.else\nsnn_channel%= 1\n.endif\n"
      ".else\nsnn_channel%= 1\n.endif\n"
      ".set .Lsnn_p, .Lsnn_p+1\n"
      ".endr\n"
      ".endm\n"
      "snn_xfer%= vldmia, %[b], 0, %%(%c[a]-1)\n"
      ".if %c[r] == 2\nsnn_xfer%= vldmia, %[b], %c[a], %%(2*%c[a]-1)\n.endif\n"
      ".if %c[looped]\n"
      "1:\n"
      "snn_group%= %c[per_pass], 0\n"
      "cmp %[w], %[w_loop]\n"
      "bne 1b\n"
      ".endif\n"
      ".if %c[after_groups]\n"
      ".rept %c[after_groups]-1\nsnn_group%= %c[per_pass], 0\n.endr\n"
      "snn_group%= %c[per_pass], %c[groups_final]\n"
      ".endif\n"
      ".if %c[after_rest]\nsnn_group%= %c[after_rest], 1\n.endif\n"
      "snn_xfer%= vstmia, %[y0]!, 0, %%(%c[a]-1)\n"
      ".if %c[r] == 2\nsnn_xfer%= vstmia, %[y1]!, %c[a], %%(2*%c[a]-1)\n.endif\n"
      ".purgem snn_group%=\n.purgem snn_channel%=\n.purgem snn_row%=\n.purgem snn_vfma%=\n.purgem "
      "snn_xfer%=\n"
      ".noaltmacro\n"
      : [x] "+r"(x), [w] "+r"(w), [y0] "+r"(y0), [y1] "+r"(y1)
      : [b] "r"(b), [w_loop] "r"(w_loop), [r] "i"(R), [a] "i"(A), [n] "i"(N), [k] "i"(K),
        [s] "i"(S), [rows] "i"(layout::input_rows), [rs] "i"(row_step),
        [csh] "i"(channel_step_high), [csl] "i"(channel_step_low), [wb] "i"(R * A + N),
        [grouped] "i"(layout::grouped), [looped] "i"(layout::looped),
        [per_pass] "i"(layout::per_pass), [after_groups] "i"(layout::after_groups),
        [groups_final] "i"(layout::after_rest == 0), [after_rest] "i"(layout::after_rest)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
        "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24",
        "s25", "s26", "s27", "s28", "s29", "s30", "s31");
}

// The blocks of one output row (R = 1) or two (R = 2: y1 = y0 + OW) from input row x (channel 0).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t R>
[[gnu::always_inline]] inline void conv_vfp_block_row(const float* x, const float* w,
                                                      const float* b, float*& y0, float*& y1) {
  constexpr conv_vfp_blocking blocks = conv_vfp_blocks((W - K) / S + 1, R, K, S);
  constexpr std::size_t A = blocks.width, full = blocks.last == A ? blocks.count : blocks.count - 1;
  const float* w_loop = w + conv_vfp_channel_loop<C, K, S, R, A>::loop_channels * K * K;
#pragma GCC unroll 1
  for (std::size_t i = 0; i < full; ++i)
    conv_vfp_block<C, H, W, K, S, R, A>(x + i * A * S, w, w_loop, b, y0, y1);
  if constexpr (full != blocks.count) {
    const float* last_loop =
        w + conv_vfp_channel_loop<C, K, S, R, blocks.last>::loop_channels * K * K;
    conv_vfp_block<C, H, W, K, S, R, blocks.last>(x + full * A * S, w, last_loop, b, y0, y1);
  }
}

// Output rows [0, rows) of one output channel: x points at the first input row they read (channel
// 0), w at the channel's C*K*K weights, y at rows x OW outputs. Out of line: one copy per shape,
// and its register use does not depend on the caller.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
[[gnu::noinline]] void conv_vfp_rows(const float* x, const float* w, float bias, float* y,
                                     std::size_t rows) {
  constexpr std::size_t OW = (W - K) / S + 1;
  constexpr bool two = conv_vfp_two_rows<C, OW, K, S>;
  constexpr std::size_t widest = conv_vfp_blocks(OW, 1, K, S).width;
  float b[two && 2 * conv_vfp_blocks(OW, 2, K, S).width > widest
              ? 2 * conv_vfp_blocks(OW, 2, K, S).width
              : widest];
  for (float& v : b) v = bias;
  float* y1 = y + OW;
  // Loops kept rolled: GCC sizes the asm by its few lines, not by the hundreds of instructions
  // its .rept expand to, and would copy a block per unrolled iteration (or per row where it knows
  // `rows`: hidden from it by the empty asm).
  asm("" : "+r"(rows));
  if constexpr (two) {
#pragma GCC unroll 1
    for (; rows >= 2; rows -= 2, x += 2 * S * W, y += OW, y1 += OW)
      conv_vfp_block_row<C, H, W, K, S, 2>(x, w, b, y, y1);
  }
#pragma GCC unroll 1
  for (; rows > 0; --rows, x += S * W) conv_vfp_block_row<C, H, W, K, S, 1>(x, w, b, y, y1);
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
void conv_vfp_rows(const float* x, const float* w, float bias, float* y,
                   std::size_t rows);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
