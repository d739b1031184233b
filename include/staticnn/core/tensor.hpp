#pragma once
// Fixed-size tensors and views. A tensor<S> is S::size values in S's layout; a batch of B
// samples is B tensors back to back ([B][C][H][W]), so one sample is a contiguous span.
#include <array>
#include <cstddef>
#include <span>

#include "shape.hpp"

namespace staticnn {

template <class T, std::size_t N>
using view = std::span<T, N>;
template <class T, std::size_t N>
using cview = std::span<const T, N>;

template <Shape S, class T = float>
struct tensor {
  using shape_type = S;
  std::array<T, S::size> data{};

  constexpr T& operator[](std::size_t i) { return data[i]; }
  constexpr const T& operator[](std::size_t i) const { return data[i]; }
  constexpr operator view<T, S::size>() { return data; }
  constexpr operator cview<T, S::size>() const { return data; }
  constexpr view<T, S::size> span() { return data; }
  constexpr cview<T, S::size> span() const { return data; }
};

// A non-owning view of up to B samples of shape S (the run-time count lives with the caller).
template <Shape S, class T>
struct batch_view {
  T* ptr;
  static constexpr std::size_t sample_size = S::size;
  constexpr std::span<T, S::size> operator[](std::size_t b) const {
    return std::span<T, S::size>(ptr + b * S::size, S::size);
  }
  constexpr operator batch_view<S, const T>() const { return {ptr}; }
};

// Owning storage for a minibatch of B samples of shape S.
template <Shape S, std::size_t B, class T = float>
struct batch {
  std::array<T, B * S::size> data{};
  constexpr batch_view<S, T> view() { return {data.data()}; }
  constexpr batch_view<S, const T> view() const { return {data.data()}; }
  constexpr std::span<T, S::size> operator[](std::size_t b) { return view()[b]; }
  constexpr std::span<const T, S::size> operator[](std::size_t b) const { return view()[b]; }
};

}  // namespace staticnn
