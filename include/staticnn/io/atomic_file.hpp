#pragma once
// write_file_atomically(path, bytes): writes "<path>.tmp-<pid>", flushes it to disk, renames it
// over `path` and syncs the folder, so a reader (or a crash at any moment) sees the old file or
// the new one, never a torn one. Errors throw io_error naming the file; the temporary is removed
// (only a kill -9 or power loss in the middle can leave one; `staticnn train --resume` removes it).
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
  // Make the rename itself durable (after a power loss, not only a crash). Best effort: some
  // file systems cannot sync a folder, and the file is complete either way.
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace staticnn::io
