#pragma once
// Armv8.1-M MVE (Helium) kernels for float convolution and dense layers (Cortex-M55).
//   conv_mve_rows: a K x K convolution at stride 1 (any C, H, W with OW >= 4), one output channel:
//     a block of up to 16 neighbouring outputs of a row sums in four vectors of 4 over every input
//     channel and tap: per tap one scalar weight and, per vector, one load of the 4 inputs at that
//     tap's offset and one VFMA (vector x scalar). A row is blocks of 16 and one block of the
//     vectors that remain, whose last vector ends at the row's end (where OW % 4 != 0 it
//     recomputes up to 3 outputs of the vector before it, with the same sums).
//   dense_mve_rows4: four dot products that share their input, 4 lanes each: per 8 inputs one
//     VLDM of the inputs, one of each row and eight VFMA (vector x vector); lane sums at the end,
//     the M % 4 inputs left added one by one.
//   conv_mve_channels: a K x KW convolution at strides S (rows) and SW (columns), any C, H, W, 4
//     output channels a vector: see below.
// Sums in another order than the portable kernels: results agree to rounding.
#include <cstddef>
#include <cstdint>

#include "conv2d_vfp.hpp"

#include "../target.hpp"
#ifdef STATICNN_ARM_MVE
#include <arm_mve.h>
#endif

namespace staticnn::kernels::arm {

inline constexpr std::size_t mve_floats = 4, conv_mve_block_vectors = 4;

template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv_mve_fits = target::arm_mve && S == 1 && K <= H && K <= W && W - K + 1 >= mve_floats;
// Where conv2d_channel_rows takes it before the VFP kernel: up to 8 input channels. With more the
// VFP kernel measured faster (fw_kernels_mve: C=16 K=3 OW=14 1.31 against 1.09 per MAC; C=1-6:
// 0.71-0.89 against 1.07-1.13; cifar_like's C=3 K=3 OW=30 stage 1.11 against 1.28).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
inline constexpr bool conv_mve_preferred = conv_mve_fits<C, H, W, K, S> && C <= 8;

// conv_mve_channels: output channels in the 4 lanes of a vector, P neighbouring output pixels of a
// row in P accumulators (q0..q(P-1)). Per input channel and kernel row: one LDM brings the
// N = (P - 1) S + K inputs the block reads into r0..r(N-1); per tap one VLDRW gathers the 4
// channels' weights (q7, through q6: the 4 channels' weight addresses, written back +4 bytes a
// tap, as OIHW stores each channel's taps in the order the loops take them) and P VFMAs (vector x
// scalar: weights x one input) add them. The accumulators start from the bias and leave by
// scatter stores to the 4 channel planes. So an input is loaded once for 4 channels and a weight
// vector once for P pixels.
inline constexpr std::size_t conv_mve4_input_registers = 10;  // r0-r9
inline constexpr std::size_t conv_mve4_max_pixels = 6;        // q0-q5; q6, q7 the weights
inline constexpr std::size_t conv_mve4_lanes = 4;
// The context a block reads (one 16-byte vector each): the bias of the 4 channels, their output
// addresses (less 4 P bytes: the first store writes back +4 P), their weight addresses less 4
// bytes (the loads write back +4 first).
inline constexpr std::size_t conv_mve4_ctx_bias = 0, conv_mve4_ctx_y = 16, conv_mve4_ctx_w = 32;

// The widest block of pixels whose inputs fit r0-r9 and whose sums fit q0-q5 (0: none), for a
// kernel KW wide at column stride SW.
constexpr std::size_t conv_mve4_max_block(std::size_t KW, std::size_t SW) {
  std::size_t p = 0;
  while (p < conv_mve4_max_pixels && p * SW + KW <= conv_mve4_input_registers) ++p;
  return p;
}
// Instructions for one output row of 4 channels in blocks of P (the last block overlapping the
// one before it where P does not divide OW): per block the channels' LDMs, pointer steps and
// taps, the channel loop, bias loads, stores and the caller's set-up (a model of the code below).
constexpr std::size_t conv_mve4_row_cost(std::size_t C, std::size_t OW, std::size_t K, std::size_t KW, std::size_t P) {
  const std::size_t blocks = (OW + P - 1) / P, loop = C > 1 ? 2 : 0, setup = 8;
  return blocks * (C * (K * (2 + KW * (1 + P)) + 1 + loop) + 2 * P + setup);
}
constexpr std::size_t conv_mve4_block(std::size_t C, std::size_t OW, std::size_t K, std::size_t KW, std::size_t SW) {
  std::size_t best = 0;
  for (std::size_t p = 1; p <= conv_mve4_max_block(KW, SW) && p <= OW; ++p)
    if (best == 0 || conv_mve4_row_cost(C, OW, K, KW, p) < conv_mve4_row_cost(C, OW, K, KW, best)) best = p;
  return best;
}
// The shapes conv_mve_channels takes: at least 4 output channels, a block of one pixel or more,
// and the input row and channel steps within the ADDW / two-add immediates (conv2d_vfp.hpp's).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t OC,
          std::size_t KW = K, std::size_t SW = S>
inline constexpr bool conv_mve4_fits = target::arm_mve && OC >= conv_mve4_lanes && C >= 1 && K >= 1 && S >= 1 &&
                                       KW >= 1 && SW >= 1 && K <= H && KW <= W && conv_mve4_max_block(KW, SW) >= 1 &&
                                       W * float_bytes < addw_range && H * W * float_bytes < two_add_range;
// The channels a layer hands the kernel at once: 4, or where 4 does not divide OC the least
// divisor of OC above 4 (the kernel's last group of 4 then overlaps the one before: its lanes
// recompute the same sums).
constexpr std::size_t conv_mve4_group(std::size_t OC) {
  if (OC % conv_mve4_lanes == 0) return conv_mve4_lanes;
  std::size_t g = conv_mve4_lanes + 1;
  while (OC % g != 0) ++g;
  return g;
}

#ifdef STATICNN_ARM_MVE
struct alignas(16) conv_mve4_context {
  float bias[4];
  std::uintptr_t y[4], w[4];  // 32-bit addresses
};
static_assert(offsetof(conv_mve4_context, y) == conv_mve4_ctx_y && offsetof(conv_mve4_context, w) == conv_mve4_ctx_w);

// One block of P pixels of one output row, 4 channels, over all C input channels: x the block's
// first input (channel 0, the first of the K kernel rows), ctx as above (its y written back for the
// next block of the row).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t KW, std::size_t SW,
          std::size_t P>
[[gnu::always_inline]] inline void conv_mve4_block_run(const float* x, conv_mve4_context* ctx) {
  constexpr std::size_t N = (P - 1) * SW + KW;
  static_assert(P >= 1 && P <= conv_mve4_max_pixels && N <= conv_mve4_input_registers);
  constexpr std::size_t row_step = W * float_bytes;
  constexpr std::size_t channel_step = (H - K + 1) * W * float_bytes;  // from the last kernel row
  constexpr std::size_t channel_step_high = channel_step / addw_range * addw_range;
  constexpr std::size_t channel_step_low = channel_step % addw_range;
  register const float* xr asm("r12") = x;
  register conv_mve4_context* cr asm("r11") = ctx;
  register std::size_t n asm("r10") = C;
  asm volatile(
      ".altmacro\n"
      ".macro snn_init%= p\nvldrw.u32 q\\p, [%[ctx], #%c[cb]]\n.endm\n"
      ".macro snn_fma%= p, i\nvfma.f32 q\\p, q7, r\\i\n.endm\n"
      ".macro snn_store%= p, off\nvstrw.32 q\\p, [q7, #\\off]\n.endm\n"
      ".macro snn_row%= last\n"
      ".if %c[top]\nldm %[x], {r0-r%c[top]}\n.else\nldr r0, [%[x]]\n.endif\n"
      ".if \\last\n"
      ".if %c[csh]\nadd %[x], %[x], #%c[csh]\n.endif\n"
      ".if %c[csl]\naddw %[x], %[x], #%c[csl]\n.endif\n"
      ".else\n"
      "addw %[x], %[x], #%c[rs]\n"
      ".endif\n"
      ".set .Lsnn_kx, 0\n"
      ".rept %c[kw]\n"
      "vldrw.u32 q7, [q6, #4]!\n"
      ".set .Lsnn_p, 0\n"
      ".rept %c[p]\n"
      "snn_fma%= %%(.Lsnn_p), %%(.Lsnn_p*%c[sw]+.Lsnn_kx)\n"
      ".set .Lsnn_p, .Lsnn_p+1\n"
      ".endr\n"
      ".set .Lsnn_kx, .Lsnn_kx+1\n"
      ".endr\n"
      ".endm\n"
      ".set .Lsnn_p, 0\n"
      ".rept %c[p]\nsnn_init%= %%(.Lsnn_p)\n.set .Lsnn_p, .Lsnn_p+1\n.endr\n"
      "vldrw.u32 q6, [%[ctx], #%c[cw]]\n"
      "1:\n"
      ".rept %c[k]-1\nsnn_row%= 0\n.endr\n"
      "snn_row%= 1\n"
      ".if %c[c] > 1\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".endif\n"
      "vldrw.u32 q7, [%[ctx], #%c[cy]]\n"
      "vstrw.32 q0, [q7, #%c[pb]]!\n"
      ".set .Lsnn_p, 1\n"
      ".rept %c[p]-1\nsnn_store%= %%(.Lsnn_p), %%(.Lsnn_p*%c[fb])\n.set .Lsnn_p, .Lsnn_p+1\n.endr\n"
      "vstrw.32 q7, [%[ctx], #%c[cy]]\n"
      ".purgem snn_row%=\n.purgem snn_store%=\n.purgem snn_fma%=\n.purgem snn_init%=\n"
      ".noaltmacro\n"
      : [x] "+r"(xr), [n] "+r"(n)
      : [ctx] "r"(cr), [top] "i"(N - 1), [k] "i"(K), [p] "i"(P), [kw] "i"(KW), [sw] "i"(SW), [c] "i"(C), [rs] "i"(row_step),
        [csh] "i"(channel_step_high), [csl] "i"(channel_step_low), [cb] "i"(conv_mve4_ctx_bias),
        [cy] "i"(conv_mve4_ctx_y), [cw] "i"(conv_mve4_ctx_w), [pb] "i"(P * float_bytes), [fb] "i"(float_bytes)
      : "cc", "memory", "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "d0", "d1", "d2", "d3", "d4",
        "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");
}

// One output row of 4 channels: blocks of P from x (the row's first input, channel 0), the last
// P outputs overlapping the block before where P does not divide OW. Out of line and without
// constants of its own: GCC sizes the asm by its lines, not by what its .rept expand to, and would
// place a literal pool out of reach.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t KW, std::size_t SW,
          std::size_t P>
[[gnu::noinline]] void conv_mve4_row(const float* x, conv_mve4_context* ctx) {
  constexpr std::size_t OW = (W - KW) / SW + 1, blocks = OW / P, rest = OW % P;
  const float* xb = x;
#pragma GCC unroll 1
  for (std::size_t b = 0; b < blocks; ++b, xb += P * SW) conv_mve4_block_run<C, H, W, K, S, KW, SW, P>(xb, ctx);
  if constexpr (rest != 0) {
    for (std::size_t j = 0; j < conv_mve4_lanes; ++j) ctx->y[j] -= (P - rest) * float_bytes;
    conv_mve4_block_run<C, H, W, K, S, KW, SW, P>(x + (OW - P) * SW, ctx);
  }
}

// Output rows [0, rows) of channels [oc, oc + G) (G >= 4) from x (the first input row they
// read, channel 0), weights w (all OC x C x K x K), bias (all OC): into y, G planes `plane`
// floats apart, each rows x OW. Groups of 4 channels, the last one ending at channel oc + G.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t OC,
          std::size_t KW = K, std::size_t SW = S>
[[gnu::noinline]] void conv_mve_channels(const float* x, const float* w, const float* bias, float* y,
                                         std::size_t oc, std::size_t G, std::size_t plane, std::size_t rows) {
  static_assert(conv_mve4_fits<C, H, W, K, S, OC, KW, SW>, "conv_mve_channels: the shape does not fit the kernel");
  constexpr std::size_t OW = (W - KW) / SW + 1, P = conv_mve4_block(C, OW, K, KW, SW), CKK = C * K * KW;
  conv_mve4_context ctx;
  for (std::size_t g = 0; g < G; g += conv_mve4_lanes) {
    const std::size_t g0 = g + conv_mve4_lanes <= G ? g : G - conv_mve4_lanes;
    for (std::size_t j = 0; j < conv_mve4_lanes; ++j) {
      ctx.bias[j] = bias[oc + g0 + j];
      ctx.w[j] = reinterpret_cast<std::uintptr_t>(w + (oc + g0 + j) * CKK) - float_bytes;
    }
    const float* xr = x;
    asm("" : "+r"(rows));  // keep the row loop rolled (see conv_vfp_rows)
#pragma GCC unroll 1
    for (std::size_t r = 0; r < rows; ++r, xr += S * W) {
      for (std::size_t j = 0; j < conv_mve4_lanes; ++j)
        ctx.y[j] = reinterpret_cast<std::uintptr_t>(y + (g0 + j) * plane + r * OW) - P * float_bytes;
      conv_mve4_row<C, H, W, K, S, KW, SW, P>(xr, &ctx);
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S, std::size_t OC,
          std::size_t KW = K, std::size_t SW = S>
void conv_mve_channels(const float*, const float*, const float*, float*, std::size_t, std::size_t, std::size_t,
                       std::size_t);  // Armv8.1-M MVE only
#endif

#ifdef STATICNN_ARM_MVE
// Outputs of the output row whose first input row is x (C x H x W): V vectors of 4 at offsets
// 0, 4, .., 4 (V - 2) and Last (the last vector's, <= 4 (V - 1)); channel weights w (C x K x K),
// into y at the same offsets.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t V, std::size_t Last>
[[gnu::always_inline]] inline void conv_mve_block(const float* x, const float* w, float bias, float* y) {
  constexpr auto at = [](std::size_t v) { return v + 1 == V ? Last : v * mve_floats; };
  float32x4_t acc[V];
  for (std::size_t v = 0; v < V; ++v) acc[v] = vdupq_n_f32(bias);
#pragma GCC unroll 1
  for (std::size_t c = 0; c < C; ++c) {
#pragma GCC unroll 1
    for (std::size_t ky = 0; ky < K; ++ky, x += W, w += K)
      for (std::size_t kx = 0; kx < K; ++kx) {
        const float wv = w[kx];
        for (std::size_t v = 0; v < V; ++v) acc[v] = vfmaq_n_f32(acc[v], vldrwq_f32(x + kx + at(v)), wv);
      }
    x += (H - K) * W;
  }
  for (std::size_t v = 0; v < V; ++v) vstrwq_f32(y + at(v), acc[v]);
}

// Output rows [0, rows) from x (their first input row), one channel: weights w, bias, y rows x OW.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
void conv_mve_rows(const float* x, const float* w, float bias, float* y, std::size_t rows) {
  static_assert(conv_mve_fits<C, H, W, K, S>, "conv_mve_rows: stride 1 and at least 4 outputs a row");
  constexpr std::size_t OW = W - K + 1, block = conv_mve_block_vectors * mve_floats;
  constexpr std::size_t blocks = OW / block, rest = OW % block, rest_vectors = (rest + mve_floats - 1) / mve_floats;
  for (std::size_t r = 0; r < rows; ++r, x += W, y += OW) {
#pragma GCC unroll 1
    for (std::size_t b = 0; b < blocks; ++b)
      conv_mve_block<C, H, W, K, conv_mve_block_vectors, block - mve_floats>(x + b * block, w, bias, y + b * block);
    if constexpr (rest >= mve_floats)  // the rest in one block, its last vector ending at the row's end
      conv_mve_block<C, H, W, K, rest_vectors, rest - mve_floats>(x + blocks * block, w, bias, y + blocks * block);
    else if constexpr (rest > 0)  // 1-3 outputs: one vector ending at the row's end
      conv_mve_block<C, H, W, K, 1, 0>(x + OW - mve_floats, w, bias, y + OW - mve_floats);
  }
}

// a[j] += row j of w (rows M apart) . x over M inputs, j < 4. Sums in q4-q7 (one row each, 4
// lanes); per 8 inputs one VLDM of x into q0-q1 and per row one VLDM of its 8 weights into q2-q3
// and two VFMAs (a loop of 16 inputs, then 8 and 4 left), the lanes added on their S registers,
// then the M % 4 inputs left one by one.
template <std::size_t M>
[[gnu::always_inline]] inline void dense_mve_rows4(const float* w, const float* x, float* a) {
  constexpr std::size_t full = M / mve_floats * mve_floats;
  const float *w0 = w, *w1 = w + M, *w2 = w + 2 * M, *w3 = w + 3 * M, *xv = x;
  if constexpr (full > 0) {
    unsigned n = M / 16;
    // snn_d8: 8 inputs (v = 1: 4 inputs) of the four rows.
    asm volatile(
        ".macro snn_d8%= v\n"
        ".if \\v == 2\n"
        "vldmia %[x]!, {d0-d3}\n"
        "vldmia %[w0]!, {d4-d7}\nvfma.f32 q4, q2, q0\nvfma.f32 q4, q3, q1\n"
        "vldmia %[w1]!, {d4-d7}\nvfma.f32 q5, q2, q0\nvfma.f32 q5, q3, q1\n"
        "vldmia %[w2]!, {d4-d7}\nvfma.f32 q6, q2, q0\nvfma.f32 q6, q3, q1\n"
        "vldmia %[w3]!, {d4-d7}\nvfma.f32 q7, q2, q0\nvfma.f32 q7, q3, q1\n"
        ".else\n"
        "vldmia %[x]!, {d0-d1}\n"
        "vldmia %[w0]!, {d4-d5}\nvfma.f32 q4, q2, q0\n"
        "vldmia %[w1]!, {d4-d5}\nvfma.f32 q5, q2, q0\n"
        "vldmia %[w2]!, {d4-d5}\nvfma.f32 q6, q2, q0\n"
        "vldmia %[w3]!, {d4-d5}\nvfma.f32 q7, q2, q0\n"
        ".endif\n"
        ".endm\n"
        "vmov.i32 q4, #0\nvmov.i32 q5, #0\nvmov.i32 q6, #0\nvmov.i32 q7, #0\n"
        ".if %c[loops]\n"
        "1:\n"
        "snn_d8%= 2\nsnn_d8%= 2\n"
        "subs %[n], %[n], #1\n"
        "bne 1b\n"
        ".endif\n"
        ".if %c[eight]\nsnn_d8%= 2\n.endif\n"
        ".if %c[four]\nsnn_d8%= 1\n.endif\n"
        "vadd.f32 s16, s16, s17\nvadd.f32 s18, s18, s19\nvadd.f32 s16, s16, s18\n"
        "vadd.f32 s20, s20, s21\nvadd.f32 s22, s22, s23\nvadd.f32 s20, s20, s22\n"
        "vadd.f32 s24, s24, s25\nvadd.f32 s26, s26, s27\nvadd.f32 s24, s24, s26\n"
        "vadd.f32 s28, s28, s29\nvadd.f32 s30, s30, s31\nvadd.f32 s28, s28, s30\n"
        "vldmia %[a], {s0-s3}\n"
        "vadd.f32 s0, s0, s16\nvadd.f32 s1, s1, s20\nvadd.f32 s2, s2, s24\nvadd.f32 s3, s3, s28\n"
        "vstmia %[a], {s0-s3}\n"
        ".purgem snn_d8%=\n"
        : [x] "+r"(xv), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3), [n] "+r"(n)
        : [a] "r"(a), [loops] "i"(M / 16), [eight] "i"(M % 16 / 8), [four] "i"(M % 8 / 4)
        : "cc", "memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13", "d14",
          "d15");
  }
  for (std::size_t i = full; i < M; ++i, ++w0, ++w1, ++w2, ++w3)
    a[0] += *w0 * x[i], a[1] += *w1 * x[i], a[2] += *w2 * x[i], a[3] += *w3 * x[i];
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t K, std::size_t S>
void conv_mve_rows(const float*, const float*, float, float*, std::size_t);  // Armv8.1-M MVE only
template <std::size_t M>
void dense_mve_rows4(const float*, const float*, float*);  // Armv8.1-M MVE only
#endif

}  // namespace staticnn::kernels::arm
