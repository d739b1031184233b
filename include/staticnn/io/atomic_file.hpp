#pragma once
// write_file_atomically(path, bytes): writes "<path>.tmp-<pid>", flushes it to disk, then renames
// it over `path`, so a reader (or a crash at any moment) sees the old file or the new one, never
// a torn one. Errors throw io_error naming the file; the temporary is removed.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "idx.hpp"

namespace staticnn::io {

inline void write_file_atomically(const std::filesystem::path& file, std::string_view bytes) {
  const std::filesystem::path tmp = file.string() + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) detail::fail(file, "cannot write: " + std::generic_category().message(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      detail::fail(file, "cannot write: " + std::generic_category().message(err));
    }
    done += static_cast<std::size_t>(w);
  }
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  if (::close(fd) != 0 || !synced) {
    ::unlink(tmp.c_str());
    detail::fail(file, "cannot write: " + std::generic_category().message(err));
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0) {
    const int rerr = errno;
    ::unlink(tmp.c_str());
    detail::fail(file, "cannot replace: " + std::generic_category().message(rerr));
  }
}

}  // namespace staticnn::io
