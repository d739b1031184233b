#pragma once
// Where the CLI finds Fashion-MNIST, and loading it with checks against the model's input.
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

// Loads <dir>/<split>-{images,labels}; images must be rows x cols = In's H x W (one channel).
template <class In>
io::dataset load_split(const std::filesystem::path& dir, const char* split, std::size_t limit) {
  if (!std::filesystem::exists(dir))
    throw io::io_error(dir.string() + ": data folder not found (run tools/fetch-data, or pass --data DIR)");
  io::dataset d = io::load_dataset(dir, split);
  const auto file = (dir / (std::string(split) + "-images-idx3-ubyte")).string();
  if (d.images.rows * d.images.cols != In::size || d.images.rows != In::height)
    throw io::io_error(file + ": images are " + std::to_string(d.images.rows) + "x" + std::to_string(d.images.cols) +
                       ", the model expects " + std::to_string(In::height) + "x" + std::to_string(In::width));
  if (limit != 0 && limit < d.images.count) {
    d.images.count = limit;
    d.images.pixels.resize(limit * In::size);
    d.labels.resize(limit);
  }
  return d;
}

}  // namespace staticnn::cli
