// Writes the quantized test network as an int8 header: gen_int8_header OUT.hpp
#include <cstdio>

#include <staticnn/export/int8_header.hpp>
#include <staticnn/io/atomic_file.hpp>

#include "test_int8_model.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return std::fputs("usage: gen_int8_header OUT.hpp\n", stderr), 2;
  const auto q = export_int8_test::make_quantized();
  staticnn::io::write_file_atomically(argv[1], staticnn::exporter::int8_header(*q, "exported_int8", "int8 export test"));
}
