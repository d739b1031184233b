// Reference only (not part of the product): the eval-mode (unfolded) BN-LeNet logits of a
// checkpoint on every test image, float32 image after image, for pytorch_safetensors.py compare.
//   g++ -std=c++20 -O2 -Iinclude docs/reference/checkpoint_logits.cpp -o /tmp/checkpoint_logits
//   /tmp/checkpoint_logits CHECKPOINT DATA_DIR OUT.f32
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include <staticnn/io/checkpoint.hpp>
#include <staticnn/io/idx.hpp>
#include <staticnn/models/lenet.hpp>

int main(int argc, char** argv) {
  if (argc != 4) return std::fputs("usage: checkpoint_logits CHECKPOINT DATA_DIR OUT.f32\n", stderr), 2;
  using net_t = staticnn::models::bn_lenet;
  auto net = std::make_unique<net_t>();
  staticnn::io::load_checkpoint(argv[1], *net);
  const auto images = staticnn::io::read_idx_images(std::string(argv[2]) + "/t10k-images-idx3-ubyte");
  std::vector<float> z(images.count * 10);
  for (std::size_t i = 0; i < images.count; ++i)
    net->forward(staticnn::cview<float, 784>(images.pixels.data() + i * 784, 784),
                 staticnn::view<float, 10>(z.data() + i * 10, 10));
  std::ofstream(argv[3], std::ios::binary).write(reinterpret_cast<const char*>(z.data()),
                                                 static_cast<std::streamsize>(z.size() * sizeof(float)));
  std::printf("wrote %s: logits of %zu test images\n", argv[3], images.count);
}
