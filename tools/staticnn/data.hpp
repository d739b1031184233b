#pragma once
// Where the CLI finds its IDX data (Fashion-MNIST by default), and loading it with checks against
// the model's input shape and class count.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <staticnn/io/idx.hpp>

namespace staticnn::cli {

inline std::string default_data_dir() {
  if (const char* e = std::getenv("STATICNN_DATA"); e != nullptr && *e != '\0') return e;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.cache/staticnn/fashion-mnist";
}

// Loads <dir>/<split>-{images,labels} (io::load_dataset: idx3 or idx4 images); each image must be
// one input of Net (io::check_image_shape) and each label one of its classes. Keeps the first
// `limit` images (0: all).
template <class Net>
io::dataset load_split(const std::filesystem::path& dir, const char* split, std::size_t limit) {
  using In = typename Net::in_shape;
  if (!std::filesystem::exists(dir))
    throw io::io_error(dir.string() + ": data folder not found (run tools/fetch-data, or pass --data DIR)");
  io::dataset d = io::load_dataset(dir, split, Net::out_shape::size);
  io::check_image_shape<In>(d.images, d.images_file);
  if (limit != 0 && limit < d.images.count) {
    d.images.count = limit;
    d.images.pixels.resize(limit * In::size);
    d.labels.resize(limit);
  }
  return d;
}

// The first `count` training images, for calibrating an int8 network (export --int8, eval --int8); a
// training set with fewer is an io_error naming its file.
template <class Net>
io::dataset load_calibration(const std::filesystem::path& dir, std::size_t count) {
  io::dataset d = load_split<Net>(dir, "train", count);
  if (d.images.count < count)
    throw io::io_error(d.images_file.string() + ": holds " + std::to_string(d.images.count) +
                       " images, --calibrate asks for " + std::to_string(count));
  return d;
}

}  // namespace staticnn::cli
