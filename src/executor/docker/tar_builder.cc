#include "executor/docker/tar_builder.h"

#include <archive.h>
#include <archive_entry.h>

#include <ctime>
#include <memory>

namespace executor::docker {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t AppendToString(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

}  // namespace

util::Result<std::string> BuildTar(const std::vector<TarEntry>& entries) {
  std::string out;
  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  auto fail = [&](const char* what) {
    return util::Status::Internal(std::string("building tar: ") + what + ": " +
                                  (archive_error_string(a.get()) ? archive_error_string(a.get()) : "unknown"));
  };
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK) return fail("format");
  if (archive_write_set_bytes_per_block(a.get(), 0) != ARCHIVE_OK) return fail("block size");
  if (archive_write_open(a.get(), &out, nullptr, AppendToString, nullptr) != ARCHIVE_OK) return fail("open");
  time_t now = time(nullptr);
  for (const TarEntry& e : entries) {
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), e.path.c_str());
    archive_entry_set_filetype(entry.get(), e.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), static_cast<mode_t>(e.mode));
    archive_entry_set_size(entry.get(), e.directory ? 0 : static_cast<la_int64_t>(e.contents.size()));
    archive_entry_set_mtime(entry.get(), now, 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) return fail("header");
    if (!e.directory && !e.contents.empty()) {
      la_ssize_t n = archive_write_data(a.get(), e.contents.data(), e.contents.size());
      if (n < 0 || static_cast<size_t>(n) != e.contents.size()) return fail("data");
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return fail("close");
  return out;
}

}  // namespace executor::docker
