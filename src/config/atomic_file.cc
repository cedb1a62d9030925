#include "config/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace config {
namespace {

util::Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " \"" + path + "\": " + std::strerror(err);
  if (err == EACCES || err == EPERM) return util::Status::PermissionDenied(msg);
  if (err == ENOENT) return util::Status::NotFound(msg);
  return util::Status::IOError(msg);
}

std::string DirOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

util::Status WriteAll(int fd, std::string_view data, const std::string& tmp) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", tmp, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return util::Status::Ok();
}

}  // namespace

util::Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode) {
  std::string dir = DirOf(path);
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  std::string tmp = (dir == "/" ? "" : dir) + "/." + base + ".tmp-XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot create a temporary file next to", path, errno);

  util::Status status;
  if (::fchmod(fd, mode) != 0) status = ErrnoStatus("cannot set the mode of", tmp, errno);
  if (status.ok()) status = WriteAll(fd, contents, tmp);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoStatus("cannot sync", tmp, errno);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("cannot close", tmp, errno);
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) status = ErrnoStatus("cannot replace", path, errno);
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // best effort: the rename is durable once the directory is synced
    ::close(dfd);
  }
  return util::Status::Ok();
}

}  // namespace config
