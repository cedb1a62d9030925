#include "cache/local_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace cache {
namespace {

std::string Lower(std::string_view v) {
  std::string s(v);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

util::Time MTime(const struct stat& st) {
  return util::Time(std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec));
}

}  // namespace

archives::Format CacheFormat(std::string_view value, std::string* warning) {
  warning->clear();
  std::string v = Lower(value);
  if (v == "tarzstd") return archives::Format::kTarZstd;
  if (v.empty() || v == "zip") return archives::Format::kZip;
  if (v == "zipzstd") {
    *warning = "CACHE_COMPRESSION_FORMAT zipzstd is written as zip (deflate)";
  } else {
    *warning = "CACHE_COMPRESSION_FORMAT \"" + std::string(value) + "\" is not zip or tarzstd; using zip";
  }
  return archives::Format::kZip;
}

archives::Level CacheLevel(std::string_view value, std::string* warning) {
  warning->clear();
  std::string v = Lower(value);
  if (v.empty() || v == "default") return archives::Level::kDefault;
  archives::Level l = archives::ParseLevel(v);
  if (l == archives::Level::kDefault) {
    *warning = "CACHE_COMPRESSION_LEVEL \"" + std::string(value) + "\" is invalid; using default";
  }
  return l;
}

util::Result<bool> ArchiveUpToDate(const std::string& root, const std::vector<std::string>& files,
                                   const std::string& archive_path) {
  struct stat a;
  if (stat(archive_path.c_str(), &a) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return util::Status::IOError("cannot examine the cache archive \"" + archive_path + "\": " + std::strerror(errno));
  }
  util::Time archived = MTime(a);
  int dir = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return util::Status::IOError("cannot open \"" + root + "\": " + std::strerror(errno));
  bool up_to_date = true;
  for (const std::string& rel : files) {
    struct stat st;
    // A file that vanished since it was listed is a change as well.
    if (fstatat(dir, rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || MTime(st) > archived) {
      up_to_date = false;
      break;
    }
  }
  close(dir);
  return up_to_date;
}

util::Status SetModificationTime(const std::string& path, util::Time t) {
  auto since = t.time_since_epoch();
  struct timespec ts[2];
  ts[0].tv_sec = 0;
  ts[0].tv_nsec = UTIME_NOW;
  ts[1].tv_sec = static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(since).count());
  ts[1].tv_nsec = static_cast<long>((since - std::chrono::seconds(ts[1].tv_sec)).count());
  if (utimensat(AT_FDCWD, path.c_str(), ts, 0) != 0) {
    return util::Status::IOError("cannot set the time of \"" + path + "\": " + std::strerror(errno));
  }
  return util::Status::Ok();
}

std::optional<util::Time> ParseHttpDate(std::string_view text) {
  std::string s(text);
  struct tm tm {};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  time_t secs = timegm(&tm);
  if (secs == static_cast<time_t>(-1)) return std::nullopt;
  return util::Time(std::chrono::seconds(secs));
}

}  // namespace cache
