#include "staticnn/io/idx.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using staticnn::io::io_error;

namespace {

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
struct temp_dir {
  fs::path path;
  temp_dir() {
    static std::atomic<unsigned> counter{0};
    const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
    path = fs::temp_directory_path() /
           ("staticnn-test-idx-" + std::to_string(ticks) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// An IDX byte image: big-endian magic, one big-endian u32 per dim, then the payload.
std::vector<std::uint8_t> idx_bytes(std::uint32_t magic, std::initializer_list<std::uint32_t> dims,
                                    const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> out;
  put_be32(out, magic);
  for (std::uint32_t d : dims) put_be32(out, d);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

fs::path write_file(const fs::path& file, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
  return file;
}

// Message of the io_error that f throws; fails the test if it throws nothing or something else.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const io_error& e) {
    return e.what();
  }
  FAIL("no io_error thrown");
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Two 2x3 images; bytes chosen so that b / 255 is exact in decimal: 0, 1, 0.2, 0.6, 0.4, 0.8.
const std::vector<std::uint8_t> two_images = {0, 255, 51, 153, 102, 204, 255, 0, 0, 51, 51, 51};

}  // namespace

TEST_CASE("io::read_idx_images reads dims and scales bytes to [0, 1]") {
  temp_dir dir;
  const auto file = write_file(dir.path / "img", idx_bytes(0x00000803, {2, 2, 3}, two_images));
  const auto set = staticnn::io::read_idx_images(file);
  CHECK(set.count == 2);
  CHECK(set.rows == 2);
  CHECK(set.cols == 3);
  REQUIRE(set.pixels.size() == 12);
  const double expected[12] = {0.0, 1.0, 0.2, 0.6, 0.4, 0.8, 1.0, 0.0, 0.0, 0.2, 0.2, 0.2};
  for (std::size_t i = 0; i < 12; ++i) {
    CAPTURE(i);
    CHECK(std::abs(static_cast<double>(set.pixels[i]) - expected[i]) <= 1e-7);
  }
  CHECK(set.pixels[0] == 0.0f);
  CHECK(set.pixels[1] == 1.0f);
}

TEST_CASE("io::read_idx_labels reads labels and rejects one >= num_classes") {
  temp_dir dir;
  const auto good = write_file(dir.path / "lab", idx_bytes(0x00000801, {4}, {9, 0, 3, 9}));
  CHECK(staticnn::io::read_idx_labels(good) == std::vector<std::uint8_t>{9, 0, 3, 9});

  const auto bad = write_file(dir.path / "bad-lab", idx_bytes(0x00000801, {4}, {1, 2, 10, 3}));
  const std::string msg = error_of([&] { staticnn::io::read_idx_labels(bad); });
  CHECK(contains(msg, bad.string() + ": "));
  CHECK(contains(msg, "out of range"));
  CHECK(contains(msg, "label 10 at index 2"));
  // The same file is fine with 11 classes.
  CHECK(staticnn::io::read_idx_labels(bad, 11).size() == 4);
}

TEST_CASE("io::read_idx_images rejects broken files, naming the file and the problem") {
  temp_dir dir;
  auto check_error = [](const fs::path& file, const std::string& keyword) {
    CAPTURE(file);
    const std::string msg = error_of([&] { staticnn::io::read_idx_images(file); });
    CAPTURE(msg);
    CHECK(msg.rfind(file.string() + ": ", 0) == 0);  // starts with the path
    CHECK(contains(msg, keyword));
  };

  SUBCASE("missing file") { check_error(dir.path / "does-not-exist", "cannot open"); }
  SUBCASE("a directory") { check_error(dir.path, "cannot open"); }
  SUBCASE("truncated payload") {
    std::vector<std::uint8_t> short_payload(two_images.begin(), two_images.end() - 4);
    const auto file =
        write_file(dir.path / "short", idx_bytes(0x00000803, {2, 2, 3}, short_payload));
    check_error(file, "truncated: header says 2 images of 2x3 = 12 bytes, file has 8");
  }
  SUBCASE("truncated header") {
    const auto file = write_file(dir.path / "hdr", {0, 0, 8, 3, 0, 0, 0, 2});
    check_error(file, "truncated");
  }
  SUBCASE("empty file") { check_error(write_file(dir.path / "empty", {}), "truncated"); }
  SUBCASE("trailing bytes") {
    std::vector<std::uint8_t> long_payload = two_images;
    long_payload.push_back(7);
    const auto file = write_file(dir.path / "long", idx_bytes(0x00000803, {2, 2, 3}, long_payload));
    check_error(file, "trailing bytes");
  }
  SUBCASE("wrong magic") {
    const auto file = write_file(dir.path / "magic", idx_bytes(0x12345678, {2, 2, 3}, two_images));
    check_error(file, "wrong magic: found 0x12345678, expected 0x00000803");
  }
  SUBCASE("a label file read as images: wrong number of dims") {
    const auto file = write_file(dir.path / "labels", idx_bytes(0x00000801, {4}, {1, 2, 3, 4}));
    check_error(file, "wrong number of dims");
  }
  SUBCASE("float elements") {
    const auto file = write_file(dir.path / "f32", idx_bytes(0x00000d03, {1, 1, 1}, {0, 0, 0, 0}));
    check_error(file, "element type 0x0d");
  }
  SUBCASE("gzip-compressed") {
    const auto file = write_file(dir.path / "gz", {0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0, 3});
    check_error(file, "gzip-compressed: gunzip it first");
  }
  SUBCASE("zero dimension") {
    const auto file = write_file(dir.path / "zero", idx_bytes(0x00000803, {2, 0, 3}, {}));
    check_error(file, "zero dimension");
  }
  SUBCASE("sizes whose product overflows 64 bits") {
    const auto file = write_file(dir.path / "huge",
                                 idx_bytes(0x00000803, {0xffffffff, 0xffffffff, 0xffffffff}, {}));
    check_error(file, "truncated");
  }
}

TEST_CASE("io::load_dataset pairs images with labels") {
  temp_dir dir;
  write_file(dir.path / "t10k-images-idx3-ubyte", idx_bytes(0x00000803, {2, 2, 3}, two_images));
  write_file(dir.path / "t10k-labels-idx1-ubyte", idx_bytes(0x00000801, {2}, {7, 1}));
  const auto data = staticnn::io::load_dataset(dir.path, "t10k");
  CHECK(data.images.count == 2);
  CHECK(data.labels == std::vector<std::uint8_t>{7, 1});

  SUBCASE("count mismatch names both files") {
    const auto images = dir.path / "train-images-idx3-ubyte";
    const auto labels = dir.path / "train-labels-idx1-ubyte";
    write_file(images, idx_bytes(0x00000803, {2, 2, 3}, two_images));
    write_file(labels, idx_bytes(0x00000801, {3}, {7, 1, 0}));
    const std::string msg = error_of([&] { staticnn::io::load_dataset(dir.path, "train"); });
    CAPTURE(msg);
    CHECK(msg.rfind(images.string() + ": ", 0) == 0);
    CHECK(contains(msg, labels.string()));
    CHECK(contains(msg, "count mismatch"));
  }
  SUBCASE("missing labels file") {
    write_file(dir.path / "train-images-idx3-ubyte", idx_bytes(0x00000803, {2, 2, 3}, two_images));
    const auto labels = dir.path / "train-labels-idx1-ubyte";
    CHECK_THROWS_WITH_AS(staticnn::io::load_dataset(dir.path, "train"),
                         doctest::Contains((labels.string() + ": cannot open").c_str()), io_error);
  }
  SUBCASE("unknown split") {
    CHECK_THROWS_WITH_AS(staticnn::io::load_dataset(dir.path, "test"),
                         doctest::Contains("unknown split \"test\""), io_error);
  }
}

TEST_CASE("io::read_idx_images reads idx4 (N x C x H x W) files in CHW order") {
  temp_dir dir;
  const auto file = write_file(dir.path / "img4", idx_bytes(0x00000804, {1, 2, 2, 3}, two_images));
  const auto set = staticnn::io::read_idx_images(file);
  CHECK(set.dims == 4);
  CHECK(set.count == 1);
  CHECK(set.channels == 2);
  CHECK(set.rows == 2);
  CHECK(set.cols == 3);
  REQUIRE(set.pixels.size() == 12);
  CHECK(set.pixels[1] == 1.0f);   // channel 0, row 0, column 1: byte 255
  CHECK(set.pixels[6] == 1.0f);   // channel 1, row 0, column 0
  CHECK(set.pixels[7] == 0.0f);
  SUBCASE("a truncated idx4 file names its four dims") {
    const auto cut = write_file(dir.path / "cut4", idx_bytes(0x00000804, {2, 2, 2, 3}, two_images));
    const std::string msg = error_of([&] { staticnn::io::read_idx_images(cut); });
    CHECK(contains(msg, "truncated: header says 2 images of 2x2x3 = 24 bytes, file has 12"));
  }
}

TEST_CASE("io::check_image_shape: images must be one input of the model") {
  using staticnn::shape;
  temp_dir dir;
  const auto idx3 = staticnn::io::read_idx_images(
      write_file(dir.path / "i3", idx_bytes(0x00000803, {2, 2, 3}, two_images)));
  const auto idx4 = staticnn::io::read_idx_images(
      write_file(dir.path / "i4", idx_bytes(0x00000804, {1, 2, 2, 3}, two_images)));
  const fs::path f = "data/x";
  CHECK_NOTHROW(staticnn::io::check_image_shape<shape<1, 2, 3>>(idx3, f));
  CHECK_NOTHROW(staticnn::io::check_image_shape<shape<2, 2, 3>>(idx4, f));
  CHECK_NOTHROW(staticnn::io::check_image_shape<shape<6>>(idx3, f));    // flat input: any C x H x W of 6
  CHECK_NOTHROW(staticnn::io::check_image_shape<shape<12>>(idx4, f));
  CHECK(error_of([&] { staticnn::io::check_image_shape<shape<1, 3, 2>>(idx3, f); }) ==
        "data/x: images are 2x3, the model expects 3x2");
  CHECK(error_of([&] { staticnn::io::check_image_shape<shape<2, 2, 3>>(idx3, f); }) ==
        "data/x: images are 2x3, the model expects 2x2x3 (an idx4 file, N x C x H x W)");
  CHECK(error_of([&] { staticnn::io::check_image_shape<shape<3, 2, 3>>(idx4, f); }) ==
        "data/x: images are 2x2x3, the model expects 3x2x3");
  CHECK(error_of([&] { staticnn::io::check_image_shape<shape<1, 2, 3>>(idx4, f); }) ==
        "data/x: images are 2x2x3, the model expects 1x2x3");
  CHECK(error_of([&] { staticnn::io::check_image_shape<shape<7>>(idx3, f); }) ==
        "data/x: images are 2x3, the model expects 7 values (C x H x W)");
}

TEST_CASE("io::load_dataset takes an idx4 image file, and labels below num_classes") {
  temp_dir dir;
  write_file(dir.path / "t10k-images-idx4-ubyte", idx_bytes(0x00000804, {2, 1, 2, 3}, two_images));
  write_file(dir.path / "t10k-labels-idx1-ubyte", idx_bytes(0x00000801, {2}, {2, 1}));
  const auto data = staticnn::io::load_dataset(dir.path, "t10k", 3);
  CHECK(data.images.channels == 1);
  CHECK(data.images_file == dir.path / "t10k-images-idx4-ubyte");
  CHECK(contains(error_of([&] { staticnn::io::load_dataset(dir.path, "t10k", 2); }),
                 "label 2 at index 0 is out of range (num_classes = 2)"));
  write_file(dir.path / "t10k-images-idx3-ubyte", idx_bytes(0x00000803, {2, 2, 3}, two_images));
  CHECK(error_of([&] { staticnn::io::load_dataset(dir.path, "t10k", 3); }) ==
        (dir.path / "t10k-images-idx3-ubyte").string() + ": and t10k-images-idx4-ubyte both exist; keep one");
}
