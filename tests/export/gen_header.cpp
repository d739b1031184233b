// Writes the folded test network as a header: gen_header OUT.hpp
#include <cstdio>

#include <staticnn/export/header.hpp>
#include <staticnn/io/atomic_file.hpp>

#include "test_model.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return std::fputs("usage: gen_header OUT.hpp\n", stderr), 2;
  const auto folded = staticnn::fold_batchnorm(export_test::make_net());
  staticnn::io::write_file_atomically(argv[1], staticnn::exporter::header(folded, "exported", "export test"));
}
