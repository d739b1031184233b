#pragma once
// Cortex-M VFP micro-kernel for a K x K convolution at stride S (any C, H, W), one output channel:
// A neighbouring outputs of one output row accumulate in s0..s(A-1) over every input channel and
// kernel row. Per kernel row one VLDM brings the N = (A-1)*S + K inputs the A outputs read, one
// VLDM the row's K weights, then A*K VFMAs. A is the widest block that fits the 32 S registers
// (A + N + K <= 32), narrowed so that the blocks of a row have equal widths (a narrower last block
// where OW does not divide). Only built where kernels::target::arm_vfp holds; the portable kernel
// (kernels/conv2d.hpp) computes the same sums in another order.
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

// The widest register block for kernel K at stride S (0 where not even one output fits).
constexpr std::size_t conv_vfp_max_block(std::size_t K, std::size_t S) {
  constexpr std::size_t s_registers = 32;
  return s_registers + S >= 2 * K + 1 + S ? (s_registers + S - 2 * K) / (1 + S) : 0;
}

// The blocking of an output row of OW outputs: `count` blocks, all `width` wide but the last,
// `last` wide (1 <= last <= width).
struct conv_vfp_blocking {
  std::size_t count, width, last;
};
constexpr conv_vfp_blocking conv_vfp_blocks(std::size_t OW, std::size_t K, std::size_t S) {
  const std::size_t most = conv_vfp_max_block(K, S);
  const std::size_t count = (OW + most - 1) / most, width = (OW + count - 1) / count;
  return {count, width, OW - (count - 1) * width};
}

// The shapes the VFP kernel takes: a block of at least one output, strides 1..4, and the pointer
// steps between kernel rows (ADDW: 12 bits) and between channels (an 8-bit rotated immediate plus
// ADDW: 20 bits) encodable as immediates.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv_vfp_fits = C >= 1 && K >= 1 && K <= H && K <= W && S >= 1 && S <= 4 &&
                                      conv_vfp_max_block(K, S) >= 1 && W * 4 < (std::size_t{1} << 12) &&
                                      H * W * 4 < (std::size_t{1} << 20);

// How a block runs through the C channels: a loop of passes of per_pass channels (two where one
// channel's body is short, so the loop's CMP+BNE stays a small share) while more than one pass,
// then `after` channels written out (the last of which skips the input step no channel follows).
template <std::size_t C, std::size_t K, std::size_t A>
struct conv_vfp_channel_loop {
  static constexpr std::size_t per_pass = K * (A * K + 3) < 32 && C >= 2 ? 2 : 1;
  static constexpr bool looped = C / per_pass > 1;
  static constexpr std::size_t loop_channels = looped ? C / per_pass * per_pass : 0, after = C - loop_channels;
};

#ifdef STATICNN_ARM_VFP
// y[0..A) = b[0..A) + sum_{c,ky,kx} w[(c*K + ky)*K + kx] * x[(c*H + ky)*W + i*S + kx] (i < A), and
// y += A. w_loop: w + (the channels the loop runs)*K*K, where its loop ends (see below).
// Registers: s0..s(A-1) the sums, s(A)..s(A+N-1) one kernel row's inputs, the next K its weights.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t A>
[[gnu::always_inline]] inline void conv_vfp_block(const float* x, const float* w, const float* w_loop,
                                                  const float* b, float*& y) {
  constexpr std::size_t N = (A - 1) * S + K;
  static_assert(A >= 1 && A + N + K <= 32, "conv_vfp_block: the block does not fit the S registers");
  static_assert(conv_vfp_fits<C, H, W, K, S>);
  // Byte steps of the input pointer after a row's VLDM: to the next kernel row of the same channel,
  // and from the last kernel row to the first of the next channel (split in bits 12.. and 0..11).
  constexpr std::size_t row_step = (W - N) * 4, channel_step = ((H - K + 1) * W - N) * 4;
  constexpr std::size_t channel_step_high = channel_step & ~std::size_t{0xfff}, channel_step_low = channel_step & 0xfff;
  using layout = conv_vfp_channel_loop<C, K, A>;
  // The macros are named with %= (unique to this asm statement), so every instance defines its own.
  // snn_row's argument: after the row's inputs step to the next row (0), to the next channel (1),
  // or nowhere (2: the last row of the last channel when no loop follows it).
  asm volatile(
      ".altmacro\n"
      ".macro snn_xfer%= op, p, lo, hi\n.if \\lo == \\hi\n\\op \\p, {s\\lo}\n.else\n\\op \\p, {s\\lo-s\\hi}\n"
      ".endif\n.endm\n"
      ".macro snn_vfma%= acc, wt, in\nvfma.f32 s\\acc, s\\wt, s\\in\n.endm\n"
      // One kernel row: its inputs, the pointer step, its weights, then column kx of the weights
      // against inputs i*S + kx for every output i.
      ".macro snn_row%= step\n"
      "snn_xfer%= vldmia, %[x]!, %%(%c[a]), %%(%c[a]+%c[n]-1)\n"
      ".if \\step == 1\n"
      ".if %c[csh]\nadd %[x], %[x], #%c[csh]\n.endif\n"
      ".if %c[csl]\naddw %[x], %[x], #%c[csl]\n.endif\n"
      ".elseif \\step == 0\n"
      ".if %c[rs]\naddw %[x], %[x], #%c[rs]\n.endif\n"
      ".endif\n"
      "snn_xfer%= vldmia, %[w]!, %%(%c[a]+%c[n]), %%(%c[a]+%c[n]+%c[k]-1)\n"
      ".set .Lsnn_kx, 0\n"
      ".rept %c[k]\n"
      ".set .Lsnn_i, 0\n"
      ".rept %c[a]\n"
      "snn_vfma%= %%(.Lsnn_i), %%(%c[a]+%c[n]+.Lsnn_kx), %%(%c[a]+.Lsnn_i*%c[s]+.Lsnn_kx)\n"
      ".set .Lsnn_i, .Lsnn_i+1\n"
      ".endr\n"
      ".set .Lsnn_kx, .Lsnn_kx+1\n"
      ".endr\n"
      ".endm\n"
      ".macro snn_channel%= step\n"
      ".rept %c[k]-1\nsnn_row%= 0\n.endr\n"
      "snn_row%= \\step\n"
      ".endm\n"
      "snn_xfer%= vldmia, %[b], 0, %%(%c[a]-1)\n"
      ".if %c[looped]\n"
      "1:\n"
      ".rept %c[per_pass]\nsnn_channel%= 1\n.endr\n"
      "cmp %[w], %[w_loop]\n"
      "bne 1b\n"
      ".endif\n"
      ".if %c[after]\n"
      ".rept %c[after]-1\nsnn_channel%= 1\n.endr\n"
      "snn_channel%= 2\n"
      ".endif\n"
      "snn_xfer%= vstmia, %[y]!, 0, %%(%c[a]-1)\n"
      ".purgem snn_channel%=\n.purgem snn_row%=\n.purgem snn_vfma%=\n.purgem snn_xfer%=\n"
      ".noaltmacro\n"
      : [x] "+r"(x), [w] "+r"(w), [y] "+r"(y)
      : [b] "r"(b), [w_loop] "r"(w_loop), [a] "i"(A), [n] "i"(N), [k] "i"(K), [s] "i"(S), [rs] "i"(row_step),
        [csh] "i"(channel_step_high), [csl] "i"(channel_step_low), [looped] "i"(layout::looped),
        [per_pass] "i"(layout::per_pass), [after] "i"(layout::after)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30",
        "s31");
}

// Output rows [0, rows) of one output channel: x points at the first input row they read (channel 0),
// w at the channel's C*K*K weights, y at rows x OW outputs. Out of line: one copy per shape, and its
// register use does not depend on the caller.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
[[gnu::noinline]] void conv_vfp_rows(const float* x, const float* w, float bias, float* y, std::size_t rows) {
  constexpr std::size_t OW = (W - K) / S + 1;
  constexpr conv_vfp_blocking blocks = conv_vfp_blocks(OW, K, S);
  constexpr std::size_t A = blocks.width, full = blocks.last == A ? blocks.count : blocks.count - 1;
  const float* w_loop = w + conv_vfp_channel_loop<C, K, A>::loop_channels * K * K;
  float b[A];
  for (float& v : b) v = bias;
  // Loops kept rolled: GCC sizes the asm by its few lines, not by the hundreds of instructions
  // its .rept expand to, and would copy a block per unrolled iteration (or per row where it knows
  // `rows`: hidden from it by the empty asm).
  asm("" : "+r"(rows));
#pragma GCC unroll 1
  for (std::size_t r = 0; r < rows; ++r, x += S * W) {
#pragma GCC unroll 1
    for (std::size_t i = 0; i < full; ++i) conv_vfp_block<C, H, W, K, S, A>(x + i * A * S, w, w_loop, b, y);
    if constexpr (full != blocks.count)
      conv_vfp_block<C, H, W, K, S, blocks.last>(x + full * A * S, w, w_loop, b, y);
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
void conv_vfp_rows(const float* x, const float* w, float bias, float* y, std::size_t rows);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
