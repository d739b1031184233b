#pragma once
// Cortex-M VFP kernel for kernels/pad_rows.hpp's float case with fill +0: rows [iy0, iy0 + R) of
// the zero-padded C x H x W map (padded coordinates, P rows above it), every channel, into window
// (C x R x (PL + W + PR)):
//   window[c][r][j] = x[c][iy0 + r - P][j - PL] inside the map, else +0.0f.
// A row inside the map is its PL zero words, its W values copied by VLDM/VSTM pairs of up to
// copy_chunk (through s0-s15), then its PR zero words; a row above or below the map is PW zero
// words. The same words as the portable pad_rows (a copy: bit for bit, NaN and -0.0 included).
#include <cstddef>

#include "../target.hpp"

namespace staticnn::kernels::arm {

namespace copy_vfp {
inline constexpr std::size_t copy_chunk = 16;  // floats per VLDM/VSTM pair (s0-s15)
}  // namespace copy_vfp

#ifdef STATICNN_ARM_VFP
// dst[0, N) = src[0, N): N / copy_chunk VLDM/VSTM pairs through s0-s15, then one pair of the
// rest. Any 4-byte aligned src and dst that do not overlap.
template <std::size_t N>
[[gnu::always_inline]] inline void copy_f32(const float* src, float* dst) {
  asm volatile(
      ".altmacro\n"
      ".macro snn_copy%= lo, hi\n.if \\lo == \\hi\nvldmia %[s]!, {s\\lo}\nvstmia %[d]!, {s\\lo}\n"
      ".else\nvldmia %[s]!, {s\\lo-s\\hi}\nvstmia %[d]!, {s\\lo-s\\hi}\n.endif\n.endm\n"
      ".rept %c[full]\nsnn_copy%= 0, %%(%c[chunk]-1)\n.endr\n"
      ".if %c[rest]\nsnn_copy%= 0, %%(%c[rest]-1)\n.endif\n"
      ".purgem snn_copy%=\n.noaltmacro\n"
      : [s] "+r"(src), [d] "+r"(dst)
      : [full] "i"(N / copy_vfp::copy_chunk), [rest] "i"(N % copy_vfp::copy_chunk),
        [chunk] "i"(copy_vfp::copy_chunk)
      : "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
        "s14", "s15");
}

// dst[r * DW + j] = src[r * W + j] for r < Rows, j < W (src's rows one after the other, dst's DW
// apart, DW >= W): each row as copy_f32 does, then the step to dst's next row; rows_per_pass rows
// written out a pass of the loop, then the rest.
template <std::size_t Rows, std::size_t W, std::size_t DW>
[[gnu::always_inline]] inline void copy_rows_f32(const float* src, float* dst) {
  constexpr std::size_t rows_per_pass = 4, gap_bytes = (DW - W) * sizeof(float);
  static_assert(DW >= W && gap_bytes < 4096, "copy_rows_f32: the step between rows is an ADDW immediate");
  std::size_t passes = Rows / rows_per_pass;
  asm volatile(
      ".altmacro\n"
      ".macro snn_copy%= lo, hi\n.if \\lo == \\hi\nvldmia %[s]!, {s\\lo}\nvstmia %[d]!, {s\\lo}\n"
      ".else\nvldmia %[s]!, {s\\lo-s\\hi}\nvstmia %[d]!, {s\\lo-s\\hi}\n.endif\n.endm\n"
      ".macro snn_row%=\n"
      ".rept %c[full]\nsnn_copy%= 0, %%(%c[chunk]-1)\n.endr\n"
      ".if %c[rest]\nsnn_copy%= 0, %%(%c[rest]-1)\n.endif\n"
      ".if %c[gap]\naddw %[d], %[d], #%c[gap]\n.endif\n"
      ".endm\n"
      ".if %c[passes]\n"
      "1:\n"
      ".rept %c[per_pass]\nsnn_row%=\n.endr\n"
      "subs %[n], %[n], #1\n"
      "bne 1b\n"
      ".endif\n"
      ".rept %c[left]\nsnn_row%=\n.endr\n"
      ".purgem snn_row%=\n.purgem snn_copy%=\n.noaltmacro\n"
      : [s] "+r"(src), [d] "+r"(dst), [n] "+r"(passes)
      : [full] "i"(W / copy_vfp::copy_chunk), [rest] "i"(W % copy_vfp::copy_chunk),
        [chunk] "i"(copy_vfp::copy_chunk), [gap] "i"(gap_bytes), [passes] "i"(Rows / rows_per_pass),
        [per_pass] "i"(rows_per_pass), [left] "i"(Rows % rows_per_pass)
      : "cc", "memory", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
        "s14", "s15");
}

// The window above. Out of line: one copy per shape. GCC keeps the zero loops as loops (no
// memset: an image would link newlib's for them).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P, std::size_t R, std::size_t PL,
          std::size_t PR>
[[gnu::noinline, gnu::optimize("no-tree-loop-distribute-patterns")]] void pad_rows_f32(const float* x,
                                                                                       float* window,
                                                                                       std::size_t iy0) {
  constexpr std::size_t PW = PL + W + PR;
  float* row = window;
#pragma GCC unroll 1
  for (std::size_t c = 0; c < C; ++c) {
    const float* xc = x + c * H * W;
#pragma GCC unroll 1
    for (std::size_t r = 0; r < R; ++r, row += PW) {
      const std::size_t iy = iy0 + r;
      if (iy < P || iy >= H + P) {
#pragma GCC unroll 1
        for (std::size_t j = 0; j < PW; ++j) row[j] = 0.0f;
        continue;
      }
      for (std::size_t j = 0; j < PL; ++j) row[j] = 0.0f;
      copy_f32<W>(xc + (iy - P) * W, row + PL);
      for (std::size_t j = PL + W; j < PW; ++j) row[j] = 0.0f;
    }
  }
}
#else
template <std::size_t C, std::size_t H, std::size_t W, std::size_t P, std::size_t R, std::size_t PL,
          std::size_t PR>
void pad_rows_f32(const float* x, float* window, std::size_t iy0);  // Arm VFP only
#endif

}  // namespace staticnn::kernels::arm
