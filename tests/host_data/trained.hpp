#pragma once
// Shared by the real-data tests: the Fashion-MNIST test split, and a BN-LeNet trained briefly on
// test images 5000-6999 (never the ones the tests compare on), so its statistics are realistic.
// Defined in trained.cpp, which trains through the CLI's compiled model ops (tools/staticnn/ops.hpp)
// rather than compiling the trainer once more.
#include <memory>

#include <staticnn/io/idx.hpp>
#include <staticnn/models/lenet.hpp>

namespace test_support {

const staticnn::io::dataset& test_set();

// A bn_lenet trained for a few steps on real images, so running statistics are realistic.
std::unique_ptr<staticnn::models::bn_lenet> trained_net();

}  // namespace test_support
