#include "archive/writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "archive/handle.h"

namespace archives {
namespace {

constexpr size_t kChunk = 1 << 20;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string Errno() { return std::strerror(errno); }

int ZipLevel(Level l) {
  switch (l) {
    case Level::kFastest:
      return 0;
    case Level::kFast:
      return 1;
    case Level::kDefault:
      return 6;
    case Level::kSlow:
      return 7;
    case Level::kSlowest:
      return 9;
  }
  return 6;
}

int ZstdLevel(Level l) {
  switch (l) {
    case Level::kFastest:
      return 1;
    case Level::kFast:
      return 2;
    case Level::kDefault:
      return 3;
    case Level::kSlow:
      return 9;
    case Level::kSlowest:
      return 19;
  }
  return 3;
}

util::Result<WriteStats> WriteLibarchive(const std::string& root, const std::vector<std::string>& files,
                                         Format format, Level level, const std::string& out_path) {
  WriteHandle a(archive_write_new());
  std::string opts;
  if (format == Format::kZip) {
    archive_write_set_format_zip(a.get());
    int z = ZipLevel(level);
    opts = z == 0 ? "zip:compression=store" : "zip:compression=deflate,zip:compression-level=" + std::to_string(z);
  } else {
    archive_write_set_format_pax_restricted(a.get());
    if (archive_write_add_filter_zstd(a.get()) != ARCHIVE_OK) {
      return util::Status::Unimplemented("this build of libarchive cannot write zstd: " + ErrorOf(a.get()));
    }
    opts = "zstd:compression-level=" + std::to_string(ZstdLevel(level));
  }
  if (archive_write_set_options(a.get(), opts.c_str()) != ARCHIVE_OK) {
    return util::Status::Internal("archive options \"" + opts + "\": " + ErrorOf(a.get()));
  }
  archive_write_set_bytes_per_block(a.get(), 64 * 1024);
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open_filename(a.get(), out_path.c_str()) != ARCHIVE_OK) {
    return util::Status::IOError("cannot create archive \"" + out_path + "\": " + ErrorOf(a.get()));
  }
  WriteStats stats;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  for (const std::string& rel : files) {
    std::string path = root + "/" + rel;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return util::Status::IOError("cannot stat \"" + rel + "\": " + Errno());
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) continue;  // sockets, fifos...
    std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
    archive_entry_copy_stat(e.get(), &st);
    archive_entry_set_pathname(e.get(), rel.c_str());
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    Fd fd;
    if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = readlink(path.c_str(), target.data(), target.size());
      if (n < 0) return util::Status::IOError("cannot read link \"" + rel + "\": " + Errno());
      target.resize(static_cast<size_t>(n));
      archive_entry_set_symlink(e.get(), target.c_str());
      archive_entry_set_size(e.get(), 0);
    } else if (S_ISDIR(st.st_mode)) {
      archive_entry_set_size(e.get(), 0);
    } else {
      fd.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd.fd < 0) return util::Status::IOError("cannot open \"" + rel + "\": " + Errno());
    }
    if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN) {
      return util::Status::IOError("writing \"" + rel + "\" to the archive: " + ErrorOf(a.get()));
    }
    ++stats.entries;
    if (fd.fd >= 0) {
      while (true) {
        ssize_t n = read(fd.fd, buf.get(), kChunk);
        if (n < 0) return util::Status::IOError("cannot read \"" + rel + "\": " + Errno());
        if (n == 0) break;
        if (archive_write_data(a.get(), buf.get(), static_cast<size_t>(n)) != n) {
          return util::Status::IOError("writing \"" + rel + "\" to the archive: " + ErrorOf(a.get()));
        }
        stats.input_bytes += n;
      }
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return util::Status::IOError("finishing archive \"" + out_path + "\": " + ErrorOf(a.get()));
  }
  return stats;
}

// Writes `data` fully to `fd`.
util::Status WriteFd(int fd, const char* data, size_t n, const std::string& out_path) {
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return util::Status::IOError("writing \"" + out_path + "\": " + Errno());
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return util::Status::Ok();
}

// One gzip member per regular file, the relative name in the member header.
util::Result<WriteStats> WriteGzip(const std::string& root, const std::vector<std::string>& files, Level level,
                                   int out, const std::string& out_path, bool raw) {
  WriteStats stats;
  std::unique_ptr<char[]> in(new char[kChunk]);
  std::unique_ptr<char[]> outbuf(new char[kChunk]);
  int zlevel = level == Level::kFastest ? 1 : ZipLevel(level);
  for (const std::string& rel : files) {
    std::string path = root + "/" + rel;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return util::Status::IOError("cannot stat \"" + rel + "\": " + Errno());
    if (!S_ISREG(st.st_mode)) continue;
    Fd fd;
    fd.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd.fd < 0) return util::Status::IOError("cannot open \"" + rel + "\": " + Errno());
    ++stats.entries;
    if (raw) {
      while (true) {
        ssize_t n = read(fd.fd, in.get(), kChunk);
        if (n < 0) return util::Status::IOError("cannot read \"" + rel + "\": " + Errno());
        if (n == 0) break;
        SR_RETURN_IF_ERROR(WriteFd(out, in.get(), static_cast<size_t>(n), out_path));
        stats.input_bytes += n;
      }
      continue;
    }
    z_stream z{};
    if (deflateInit2(&z, zlevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return util::Status::Internal("zlib deflateInit2 failed");
    }
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, deflateEnd);
    gz_header h{};
    std::string name = rel;
    h.name = reinterpret_cast<Bytef*>(name.data());
    h.time = static_cast<uLong>(st.st_mtime);
    h.os = 3;  // unix
    deflateSetHeader(&z, &h);
    bool eof = false;
    while (!eof) {
      ssize_t n = read(fd.fd, in.get(), kChunk);
      if (n < 0) return util::Status::IOError("cannot read \"" + rel + "\": " + Errno());
      eof = n == 0;
      stats.input_bytes += n;
      z.next_in = reinterpret_cast<Bytef*>(in.get());
      z.avail_in = static_cast<uInt>(n);
      do {
        z.next_out = reinterpret_cast<Bytef*>(outbuf.get());
        z.avail_out = kChunk;
        deflate(&z, eof ? Z_FINISH : Z_NO_FLUSH);
        SR_RETURN_IF_ERROR(WriteFd(out, outbuf.get(), kChunk - z.avail_out, out_path));
      } while (z.avail_out == 0);
    }
  }
  return stats;
}

}  // namespace

util::Result<WriteStats> WriteArchive(const std::string& root, const std::vector<std::string>& files,
                                      Format format, Level level, const std::string& out_path) {
  KeepAllocatorMemory();
  util::Result<WriteStats> r = util::Status::Internal("not written");
  if (format == Format::kZip || format == Format::kTarZstd) {
    r = WriteLibarchive(root, files, format, level, out_path);
  } else {
    if (format == Format::kRaw) {
      int regular = 0;
      for (const auto& f : files) {
        struct stat st;
        if (lstat((root + "/" + f).c_str(), &st) == 0 && S_ISREG(st.st_mode)) ++regular;
      }
      if (regular != 1) {
        return util::Status::InvalidArgument("artifact_format raw needs exactly one file, the paths matched " +
                                             std::to_string(regular));
      }
    }
    Fd out;
    out.fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out.fd < 0) return util::Status::IOError("cannot create archive \"" + out_path + "\": " + Errno());
    r = WriteGzip(root, files, level, out.fd, out_path, format == Format::kRaw);
    if (r.ok() && close(std::exchange(out.fd, -1)) != 0) {
      r = util::Status::IOError("closing \"" + out_path + "\": " + Errno());
    }
  }
  if (!r.ok()) {
    unlink(out_path.c_str());
    return r;
  }
  struct stat st;
  if (stat(out_path.c_str(), &st) == 0) r->output_bytes = st.st_size;
  return r;
}

}  // namespace archives
