#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../core/shape.hpp"

// Reader for uncompressed IDX files of unsigned bytes: images N x H x W (idx3, as MNIST and
// Fashion-MNIST, which tools/fetch-data writes) or N x C x H x W (idx4), and labels N.
// Host only: allocates and throws. read_idx_* read a file; parse_idx_* parse bytes already in
// memory (what the fuzzers call), with `name` used only in messages.
namespace staticnn::io {

// Any problem reading a data file. The message is "<path>: <problem>", so it can be printed as is.
struct io_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// count images of channels x rows x cols pixels, CHW, image after image (count * channels * rows *
// cols floats); dims is the file's: 3 (N x H x W, channels = 1) or 4 (N x C x H x W). Each stored
// byte b becomes b / 255.0f, so pixels lie in [0, 1].
struct image_set {
  std::size_t count = 0, channels = 1, rows = 0, cols = 0, dims = 3;
  std::vector<float> pixels;
};

// Images and their labels; labels[i] is the class of image i and is < the num_classes it was read
// with. images_file: the file the images came from (for messages).
struct dataset {
  image_set images;
  std::vector<std::uint8_t> labels;
  std::filesystem::path images_file;
};

namespace detail {

inline constexpr std::uint32_t idx_images_magic = 0x00000803;  // unsigned bytes, 3 dims
inline constexpr std::uint32_t idx4_images_magic = 0x00000804;  // unsigned bytes, 4 dims
inline constexpr std::uint32_t idx_labels_magic = 0x00000801;  // unsigned bytes, 1 dim

[[noreturn]] inline void fail(const std::filesystem::path& file, const std::string& problem) {
  throw io_error(file.string() + ": " + problem);
}

// "0x" and the low `digits` hex digits of v, zero-padded: hex(0x803) == "0x00000803".
inline std::string hex(std::uint32_t v, std::size_t digits = 8) {
  std::string s = "0x" + std::string(digits, '0');
  for (std::size_t i = s.size(); i-- > 2; v >>= 4) s[i] = "0123456789abcdef"[v & 0xfu];
  return s;
}

inline std::vector<std::uint8_t> read_all(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) fail(file, "cannot open: is a directory");
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int err = errno;
    fail(file, "cannot open: " + (err != 0 ? std::generic_category().message(err)
                                           : std::string("unknown reason")));
  }
  std::vector<std::uint8_t> bytes;
  if (const auto size = std::filesystem::file_size(file, ec); !ec) {
    bytes.reserve(static_cast<std::size_t>(size));
  }
  std::vector<char> chunk(std::size_t{1} << 16);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
  }
  if (in.bad()) fail(file, "read error");
  return bytes;
}

inline std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
         std::uint32_t{p[3]};
}

// Header of an IDX file of unsigned bytes: checks magic, dims and total size against the file.
// Returns the dims; the payload starts at 4 + 4 * dims.size().
inline std::vector<std::size_t> read_header(const std::filesystem::path& file,
                                            std::span<const std::uint8_t> bytes,
                                            std::uint32_t expected_magic, const char* unit) {
  const std::size_t ndims = expected_magic & 0xffu;
  const std::size_t header = 4 + 4 * ndims;
  const std::string expected = hex(expected_magic);
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    fail(file, "gzip-compressed: gunzip it first (magic " +
                   hex(bytes.size() >= 4 ? be32(bytes.data()) : 0x1f8b0000u) + " found, expected " +
                   expected + ")");
  }
  if (bytes.size() < 4) {
    fail(file, "truncated: file has " + std::to_string(bytes.size()) +
                   " bytes, too short for an IDX header");
  }
  const std::uint32_t magic = be32(bytes.data());
  if (magic != expected_magic) {
    std::string problem = "wrong magic: found " + hex(magic) + ", expected " + expected;
    if ((magic & 0xffffff00u) == (expected_magic & 0xffffff00u)) {
      problem += " (wrong number of dims: file has " + std::to_string(magic & 0xffu) +
                 ", expected " + std::to_string(ndims) + ")";
    } else if ((magic & 0xffff0000u) == 0) {
      problem += " (element type " + hex((magic >> 8) & 0xffu, 2) + " is not unsigned byte 0x08)";
    } else {
      problem += " (not an IDX file)";
    }
    fail(file, problem);
  }
  if (bytes.size() < header) {
    fail(file, "truncated: file has " + std::to_string(bytes.size()) +
                   " bytes, the header alone is " + std::to_string(header));
  }
  std::vector<std::size_t> dims(ndims);
  std::string dims_text;  // "60000 images of 28x28"
  constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
  std::size_t expected_payload = 1;  // saturates at max instead of wrapping
  for (std::size_t i = 0; i < ndims; ++i) {
    dims[i] = be32(bytes.data() + 4 + 4 * i);
    if (i == 0) {
      dims_text = std::to_string(dims[i]) + " " + unit;
    } else {
      dims_text += (i == 1 ? " of " : "x") + std::to_string(dims[i]);
    }
    if (dims[i] != 0 && expected_payload > max / dims[i]) {
      expected_payload = max;
    } else {
      expected_payload *= dims[i];
    }
  }
  for (std::size_t i = 0; i < ndims; ++i) {
    if (dims[i] == 0) fail(file, "zero dimension: header says " + dims_text);
  }
  const std::size_t payload = bytes.size() - header;
  const std::string sizes =
      "header says " + dims_text + " = " +
      (expected_payload == max ? std::string("too many") : std::to_string(expected_payload)) +
      " bytes, file has " + std::to_string(payload) + " after the " + std::to_string(header) +
      "-byte header";
  if (payload < expected_payload) fail(file, "truncated: " + sizes);
  if (payload > expected_payload) fail(file, "trailing bytes: " + sizes);
  return dims;
}

}  // namespace detail

// Parses an IDX image file held in memory: magic 0x00000803, N x rows x cols unsigned bytes, or
// 0x00000804, N x channels x rows x cols (anything else is reported against 0x00000803).
inline image_set parse_idx_images(std::span<const std::uint8_t> bytes, const std::filesystem::path& name) {
  const bool idx4 = bytes.size() >= 4 && detail::be32(bytes.data()) == detail::idx4_images_magic;
  const std::vector<std::size_t> dims =
      detail::read_header(name, bytes, idx4 ? detail::idx4_images_magic : detail::idx_images_magic, "images");
  image_set set;
  set.dims = dims.size();
  set.count = dims[0];
  set.channels = idx4 ? dims[1] : 1;
  set.rows = dims[dims.size() - 2];
  set.cols = dims[dims.size() - 1];
  const std::size_t header = 4 + 4 * dims.size();
  set.pixels.resize(bytes.size() - header);
  for (std::size_t i = 0; i < set.pixels.size(); ++i) {
    set.pixels[i] = static_cast<float>(bytes[header + i]) / 255.0f;
  }
  return set;
}

// Parses an IDX label file held in memory (magic 0x00000801: N unsigned bytes); every label
// must be < num_classes.
inline std::vector<std::uint8_t> parse_idx_labels(std::span<const std::uint8_t> bytes,
                                                  const std::filesystem::path& name,
                                                  std::size_t num_classes = 10) {
  detail::read_header(name, bytes, detail::idx_labels_magic, "labels");
  std::vector<std::uint8_t> labels(bytes.begin() + 8, bytes.end());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= num_classes) {
      detail::fail(name, "label " + std::to_string(labels[i]) + " at index " + std::to_string(i) +
                             " is out of range (num_classes = " + std::to_string(num_classes) +
                             ")");
    }
  }
  return labels;
}

// Reads an IDX image file (N x rows x cols or N x channels x rows x cols unsigned bytes).
inline image_set read_idx_images(const std::filesystem::path& file) {
  return parse_idx_images(detail::read_all(file), file);
}

// Reads an IDX label file (magic 0x00000801: N unsigned bytes); every label must be < num_classes.
inline std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& file,
                                                 std::size_t num_classes = 10) {
  return parse_idx_labels(detail::read_all(file), file, num_classes);
}

// Reads <dir>/<split>-images-idx3-ubyte (or -idx4-ubyte, N x C x H x W; not both) and
// <dir>/<split>-labels-idx1-ubyte, split "train" or "t10k" (the names tools/fetch-data writes);
// every label must be < num_classes.
inline dataset load_dataset(const std::filesystem::path& dir, std::string_view split,
                            std::size_t num_classes = 10) {
  if (split != "train" && split != "t10k") {
    detail::fail(dir,
                 "unknown split \"" + std::string(split) + "\", expected \"train\" or \"t10k\"");
  }
  const std::string prefix(split);
  const std::filesystem::path idx3_file = dir / (prefix + "-images-idx3-ubyte");
  const std::filesystem::path idx4_file = dir / (prefix + "-images-idx4-ubyte");
  std::error_code ec;
  const bool has4 = std::filesystem::exists(idx4_file, ec);
  if (has4 && std::filesystem::exists(idx3_file, ec)) {
    detail::fail(idx3_file, "and " + idx4_file.filename().string() + " both exist; keep one");
  }
  const std::filesystem::path images_file = has4 ? idx4_file : idx3_file;
  const std::filesystem::path labels_file = dir / (prefix + "-labels-idx1-ubyte");
  dataset data{read_idx_images(images_file), read_idx_labels(labels_file, num_classes), images_file};
  if (data.images.count != data.labels.size()) {
    detail::fail(images_file, "count mismatch: " + std::to_string(data.images.count) +
                                  " images, but " + labels_file.string() + " has " +
                                  std::to_string(data.labels.size()) + " labels");
  }
  return data;
}

// The images' shape as the file states it: "28x28" (idx3), "3x32x32" (idx4).
inline std::string image_shape_string(const image_set& s) {
  return (s.dims == 4 ? std::to_string(s.channels) + "x" : std::string()) + std::to_string(s.rows) + "x" +
         std::to_string(s.cols);
}

// Checks that every image is one input of shape In: C x H x W equal to In's (idx3 files are
// C = 1), or, for a flat In = shape<D>, D values of any image shape. Otherwise io_error
// "<file>: images are 27x28, the model expects 28x28".
template <Shape In>
void check_image_shape(const image_set& s, const std::filesystem::path& file) {
  std::string expected;
  if constexpr (In::rank == 3) {
    if (s.channels == In::channels && s.rows == In::height && s.cols == In::width) return;
    expected = (s.dims == 3 && In::channels == 1 ? std::string() : std::to_string(In::channels) + "x") +
               std::to_string(In::height) + "x" + std::to_string(In::width);
    if (s.dims == 3 && In::channels != 1) expected += " (an idx4 file, N x C x H x W)";
  } else {
    if (s.channels * s.rows * s.cols == In::size) return;
    expected = std::to_string(In::size) + " values (C x H x W)";
  }
  detail::fail(file, "images are " + image_shape_string(s) + ", the model expects " + expected);
}

}  // namespace staticnn::io
