#include "archive/extractor.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "archive/format.h"
#include "archive/handle.h"
#include "archive/path_safety.h"

namespace archives {
namespace {

constexpr size_t kChunk = 1 << 20;

std::string Errno() { return std::strerror(errno); }

// libarchive's message for a disk write, with the system's reason ("No space left on device").
std::string DiskError(::archive* a) {
  std::string m = ErrorOf(a);
  int e = archive_errno(a);
  std::string why = e > 0 ? std::strerror(e) : "";
  if (!why.empty() && m.find(why) == std::string::npos) m += " (" + why + ")";
  return m;
}

// Guards writes below one directory: every parent of an entry must be a real directory
// (never a symbolic link). Directories found safe are remembered.
class SafeTree {
 public:
  explicit SafeTree(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }

  // OK when writing `rel` cannot pass through a symbolic link.
  util::Status CheckParents(const std::string& rel) {
    size_t i = 0;
    while ((i = rel.find('/', i)) != std::string::npos) {
      std::string pre = rel.substr(0, i++);
      if (safe_.count(pre)) continue;
      struct stat st;
      std::string p = root_ + "/" + pre;
      if (lstat(p.c_str(), &st) != 0) continue;  // made by the extraction as a real dir
      if (S_ISLNK(st.st_mode)) {
        return util::Status::InvalidArgument("archive entry \"" + rel + "\" would be written through the symbolic link \"" +
                                             pre + "\"; refusing to extract it");
      }
      if (S_ISDIR(st.st_mode)) safe_.insert(pre);
    }
    return util::Status::Ok();
  }

  void Forget(const std::string& rel) { safe_.erase(rel); }

  // True when a symbolic link at clean relative path `link` with target `target` ends
  // inside the root once every link already on disk along the way is followed (so a
  // chain such as "d -> ." then "e -> d/.." is seen to leave). Components that do not
  // exist yet are taken lexically; the final pass (CheckLinksAtEnd) sees them as made.
  bool LinkStaysInside(const std::string& link, const std::string& target) const {
    std::vector<std::string> dir = Split(link);
    if (!dir.empty()) dir.pop_back();
    int budget = kMaxLinkHops;
    return Follow(&dir, target, &budget);
  }

  // Remembers a symbolic link made by the extraction, for the final pass.
  void AddLink(const std::string& rel) { links_.push_back(rel); }

  // Every link the extraction made, checked again against the finished tree: a later
  // entry may have turned a lexical component into a link. Links that now leave are
  // removed and named in the error.
  util::Status CheckLinksAtEnd() const {
    std::string bad;
    for (const std::string& rel : links_) {
      std::string full = root_ + "/" + rel;
      struct stat st;
      if (lstat(full.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;
      auto target = ReadLink(full);
      if (target && LinkStaysInside(rel, *target)) continue;
      unlink(full.c_str());
      if (bad.empty()) bad = rel + "\" -> \"" + target.value_or("?");
    }
    if (bad.empty()) return util::Status::Ok();
    return util::Status::InvalidArgument("archive entry \"" + bad +
                                         "\" is a symbolic link that resolves outside the directory through other "
                                         "links of the archive; removed it");
  }

 private:
  static constexpr int kMaxLinkHops = 40;  // the kernel's own limit (ELOOP)

  static std::vector<std::string> Split(std::string_view p) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find('/', i);
      if (j == std::string_view::npos) j = p.size();
      if (j > i) out.emplace_back(p.substr(i, j - i));
      i = j + 1;
    }
    return out;
  }

  static std::optional<std::string> ReadLink(const std::string& full) {
    std::string buf(4096, '\0');
    ssize_t n = readlink(full.c_str(), buf.data(), buf.size());
    if (n < 0 || static_cast<size_t>(n) >= buf.size()) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

  // Walks `target` from `*dir` (segments below the root), following links found on disk;
  // false when it leaves the root, is absolute, or takes more than `*budget` hops.
  bool Follow(std::vector<std::string>* dir, std::string_view target, int* budget) const {
    if (target.empty() || target.front() == '/') return false;
    for (const std::string& seg : Split(target)) {
      if (seg == ".") continue;
      if (seg == "..") {
        if (dir->empty()) return false;
        dir->pop_back();
        continue;
      }
      dir->push_back(seg);
      std::string full = root_;
      for (const std::string& d : *dir) full += "/" + d;
      struct stat st;
      if (lstat(full.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;
      if (--*budget < 0) return false;
      auto next = ReadLink(full);
      dir->pop_back();
      if (!next || !Follow(dir, *next, budget)) return false;
    }
    return true;
  }


  std::string root_;
  std::set<std::string> safe_;
  std::vector<std::string> links_;
};

util::Result<ExtractStats> ExtractLibarchive(const std::string& path, Format format, SafeTree& tree) {
  ReadHandle a(archive_read_new());
  if (format == Format::kZip) {
    archive_read_support_format_zip_seekable(a.get());
  } else {
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_zstd(a.get());
  }
  if (archive_read_open_filename(a.get(), path.c_str(), kChunk) != ARCHIVE_OK) {
    return util::Status::IOError("cannot read archive \"" + path + "\" (corrupt or truncated?): " + ErrorOf(a.get()));
  }
  WriteHandle disk(archive_write_disk_new());
  // No ARCHIVE_EXTRACT_UNLINK: libarchive creates each file exclusively and only when
  // something is in the way removes it (a file or symbolic link, never followed) and
  // creates it again; unlinking first costs a failed syscall per entry of a fresh tree.
  archive_write_disk_set_options(disk.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                                 ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  ExtractStats stats;
  while (true) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      return util::Status::IOError("archive \"" + path + "\" is corrupt or truncated after " +
                                   std::to_string(stats.entries) + " entries: " + ErrorOf(a.get()));
    }
    const char* raw_name = archive_entry_pathname(e);
    std::string name = raw_name ? raw_name : "";
    auto clean = CleanRelativePath(name);
    if (!clean.ok()) return clean.status().WithContext("archive entry refused");
    if (clean->empty()) continue;  // "./"
    SR_RETURN_IF_ERROR(tree.CheckParents(*clean));
    if (archive_entry_filetype(e) == AE_IFLNK) {
      const char* t = archive_entry_symlink(e);
      std::string target = t ? t : "";
      if (!SymlinkStaysInside(*clean, target) || !tree.LinkStaysInside(*clean, target)) {
        return util::Status::InvalidArgument("archive entry \"" + *clean + "\" is a symbolic link to \"" + target +
                                             "\", outside the directory; refusing to extract it");
      }
    }
    if (const char* hl = archive_entry_hardlink(e)) {
      auto target = CleanRelativePath(hl);
      if (!target.ok() || target->empty()) {
        return util::Status::InvalidArgument("archive entry \"" + *clean + "\" is a hard link to \"" +
                                             std::string(hl) + "\", outside the directory; refusing to extract it");
      }
      SR_RETURN_IF_ERROR(tree.CheckParents(*target));
      // A hard link to a symbolic link is a second link with the same relative target,
      // somewhere else: it could point outside from there.
      struct stat lst;
      if (lstat((tree.root() + "/" + *target).c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
        return util::Status::InvalidArgument("archive entry \"" + *clean + "\" is a hard link to the symbolic link \"" +
                                             *target + "\"; refusing to extract it");
      }
      archive_entry_copy_hardlink(e, (tree.root() + "/" + *target).c_str());
    }
    tree.Forget(*clean);
    archive_entry_copy_pathname(e, (tree.root() + "/" + *clean).c_str());
    if (archive_write_header(disk.get(), e) < ARCHIVE_WARN) {
      return util::Status::IOError("cannot extract \"" + *clean + "\": " + DiskError(disk.get()));
    }
    if (archive_entry_size(e) > 0 || archive_entry_filetype(e) == AE_IFREG) {
      const void* buf;
      size_t size;
      la_int64_t offset;
      while (true) {
        r = archive_read_data_block(a.get(), &buf, &size, &offset);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) {
          return util::Status::IOError("archive \"" + path + "\" is corrupt or truncated in \"" + *clean +
                                       "\": " + ErrorOf(a.get()));
        }
        // libarchive reports a failed write(2) (a full disk) as ARCHIVE_WARN and would
        // leave a file of the right size with a hole where the data should be.
        if (archive_write_data_block(disk.get(), buf, size, offset) != ARCHIVE_OK) {
          return util::Status::IOError("cannot write \"" + *clean + "\": " + DiskError(disk.get()));
        }
        stats.bytes += static_cast<int64_t>(size);
      }
    }
    if (archive_write_finish_entry(disk.get()) < ARCHIVE_WARN) {
      return util::Status::IOError("cannot finish \"" + *clean + "\": " + DiskError(disk.get()));
    }
    if (archive_entry_filetype(e) == AE_IFLNK) tree.AddLink(*clean);
    ++stats.entries;
  }
  if (archive_write_close(disk.get()) != ARCHIVE_OK) {
    return util::Status::IOError("finishing extraction: " + ErrorOf(disk.get()));
  }
  SR_RETURN_IF_ERROR(tree.CheckLinksAtEnd());
  return stats;
}

// gzip members, each written to the name in its header.
util::Result<ExtractStats> ExtractGzip(const std::string& path, SafeTree& tree) {
  int in = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return util::Status::IOError("cannot open archive \"" + path + "\": " + Errno());
  std::unique_ptr<int, void (*)(int*)> in_guard(&in, [](int* fd) { close(*fd); });
  std::unique_ptr<unsigned char[]> ibuf(new unsigned char[kChunk]);
  std::unique_ptr<unsigned char[]> obuf(new unsigned char[kChunk]);
  ExtractStats stats;
  z_stream z{};
  size_t avail = 0;
  bool eof = false;
  auto fill = [&]() -> util::Status {
    if (z.avail_in > 0 || eof) return util::Status::Ok();
    ssize_t n = read(in, ibuf.get(), kChunk);
    if (n < 0) return util::Status::IOError("reading \"" + path + "\": " + Errno());
    eof = n == 0;
    z.next_in = ibuf.get();
    z.avail_in = static_cast<uInt>(n);
    avail = static_cast<size_t>(n);
    return util::Status::Ok();
  };
  while (true) {
    SR_RETURN_IF_ERROR(fill());
    if (z.avail_in == 0 && eof) break;  // no more members
    if (inflateInit2(&z, 15 + 16) != Z_OK) return util::Status::Internal("zlib inflateInit2 failed");
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
    gz_header h{};
    std::unique_ptr<unsigned char[]> name(new unsigned char[4096]());
    h.name = name.get();
    h.name_max = 4095;
    inflateGetHeader(&z, &h);
    int out = -1;
    std::string rel;
    while (true) {
      SR_RETURN_IF_ERROR(fill());
      if (z.avail_in == 0 && eof) {
        if (out >= 0) close(out);
        return util::Status::IOError("archive \"" + path + "\" is truncated (gzip member " + rel + ")");
      }
      z.next_out = obuf.get();
      z.avail_out = kChunk;
      int r = inflate(&z, Z_NO_FLUSH);
      if (r != Z_OK && r != Z_STREAM_END) {
        if (out >= 0) close(out);
        return util::Status::IOError("archive \"" + path + "\" is corrupt: " + (z.msg ? z.msg : "inflate failed"));
      }
      if (out < 0 && h.done == 1) {
        auto clean = CleanRelativePath(reinterpret_cast<const char*>(name.get()));
        if (!clean.ok()) return clean.status().WithContext("archive entry refused");
        if (clean->empty()) return util::Status::InvalidArgument("gzip member in \"" + path + "\" has no file name");
        rel = *clean;
        SR_RETURN_IF_ERROR(tree.CheckParents(rel));
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(tree.root() + "/" + rel).parent_path(), ec);
        std::string full = tree.root() + "/" + rel;
        unlink(full.c_str());
        out = open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (out < 0) return util::Status::IOError("cannot create \"" + rel + "\": " + Errno());
      }
      size_t have = kChunk - z.avail_out;
      if (have > 0) {
        if (out < 0) return util::Status::IOError("archive \"" + path + "\" is corrupt: gzip data before its header");
        if (write(out, obuf.get(), have) != static_cast<ssize_t>(have)) {
          std::string why = Errno();
          close(out);
          return util::Status::IOError("cannot write \"" + rel + "\": " + why);
        }
        stats.bytes += static_cast<int64_t>(have);
      }
      if (r == Z_STREAM_END) break;
    }
    if (out >= 0 && close(out) != 0) return util::Status::IOError("cannot write \"" + rel + "\": " + Errno());
    ++stats.entries;
  }
  (void)avail;
  return stats;
}

}  // namespace

util::Result<ExtractStats> ExtractArchive(const std::string& archive_path, const std::string& target_dir) {
  KeepAllocatorMemory();
  struct stat st;
  if (stat(archive_path.c_str(), &st) != 0) {
    return util::Status::NotFound("archive \"" + archive_path + "\" does not exist");
  }
  std::error_code ec;
  std::filesystem::create_directories(target_dir, ec);
  if (ec) return util::Status::IOError("cannot create \"" + target_dir + "\": " + ec.message());
  auto format = DetectFileFormat(archive_path);
  if (!format.ok()) return format.status();
  std::string root = target_dir;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  SafeTree tree(root);
  if (*format == Format::kGzip) return ExtractGzip(archive_path, tree);
  return ExtractLibarchive(archive_path, *format, tree);
}

}  // namespace archives
