#pragma once
// Compile-time tensor shapes: shape<C, H, W> (feature maps, CHW order) and shape<N> (flat vectors).
#include <concepts>
#include <cstddef>
#include <type_traits>

namespace staticnn {

template <std::size_t... Dims>
struct shape;

// C x H x W feature map, stored channel-major: index = (c * H + y) * W + x.
template <std::size_t C, std::size_t H, std::size_t W>
struct shape<C, H, W> {
  static_assert(C > 0 && H > 0 && W > 0, "shape: every dimension must be positive");
  static constexpr std::size_t rank = 3, channels = C, height = H, width = W;
  static constexpr std::size_t spatial = H * W, size = C * H * W;
};

// N features. Seen as N channels of 1 x 1, so per-channel layers (batchnorm) treat both alike.
template <std::size_t N>
struct shape<N> {
  static_assert(N > 0, "shape: every dimension must be positive");
  static constexpr std::size_t rank = 1, channels = N, height = 1, width = 1;
  static constexpr std::size_t spatial = 1, size = N;
};

template <class T>
struct is_shape : std::false_type {};
template <std::size_t... D>
struct is_shape<shape<D...>> : std::true_type {};

template <class T>
concept Shape = is_shape<T>::value;

template <class S>
concept FlatShape = Shape<S> && S::rank == 1;
template <class S>
concept MapShape = Shape<S> && S::rank == 3;

}  // namespace staticnn
