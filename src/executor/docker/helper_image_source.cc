#include "executor/docker/helper_image_source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "executor/docker/docker_host.h"

namespace executor::docker {
namespace {

constexpr size_t kPiece = 256 << 10;

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};

}  // namespace

util::Result<ImageArchiveInfo> ArchiveFileSource::Inspect() {
  auto manifest = ReadTarMember(path_, "manifest.json");
  if (!manifest.ok()) return manifest.status();
  auto info = ParseSaveManifest(*manifest);
  if (!info.ok()) return info.status().WithContext(path_);
  return info;
}

util::Status ArchiveFileSource::Stream(const ChunkWriter& write, AbortHandle* abort) {
  std::unique_ptr<FILE, FileCloser> f(fopen(path_.c_str(), "rb"));
  if (!f) return util::Status::NotFound(path_ + ": " + strerror(errno));
  std::string buf(kPiece, '\0');
  for (;;) {
    if (abort && abort->aborted()) return util::Status::Cancelled("reading " + path_ + " cancelled");
    size_t n = fread(buf.data(), 1, buf.size(), f.get());
    if (n > 0) SR_RETURN_IF_ERROR(write(std::string_view(buf.data(), n)));
    if (n < buf.size()) {
      if (ferror(f.get())) return util::Status::IOError("reading " + path_ + ": " + strerror(errno));
      return util::Status::Ok();
    }
  }
}

util::Result<ImageArchiveInfo> EngineExportSource::Inspect() {
  auto image = engine_.InspectImage(ref_);
  if (!image.ok()) return image.status();
  return ImageArchiveInfo{image->id, image->repo_tags};
}

util::Status EngineExportSource::Stream(const ChunkWriter& write, AbortHandle* abort) {
  // The export arrives in the transport's pieces; they go on at once, so at most a few
  // pieces are held here whatever the image's size.
  util::Status write_error;
  util::Status s = engine_.ExportImage(
      ref_,
      [&](std::string_view piece) {
        write_error = write(piece);
        return write_error.ok();
      },
      abort);
  if (!write_error.ok()) return write_error;
  return s;
}

util::Result<ImageArchiveInfo> FirstAvailableSource::Inspect() {
  auto info = preferred_->Inspect();
  bool fallback = !info.ok() && info.status().code() == util::Status::Code::kNotFound;
  {
    std::lock_guard<std::mutex> l(mu_);
    use_fallback_ = fallback;
  }
  if (!fallback) return info;
  auto other = fallback_->Inspect();
  if (other.ok() || other.status().code() != util::Status::Code::kNotFound) return other;
  return util::Status::NotFound("no helper image archive: " + info.status().message() + "; and " +
                                other.status().message());
}

util::Status FirstAvailableSource::Stream(const ChunkWriter& write, AbortHandle* abort) {
  return Chosen().Stream(write, abort);
}

std::string FirstAvailableSource::Describe() const { return Chosen().Describe(); }

HelperImageSource& FirstAvailableSource::Chosen() const {
  std::lock_guard<std::mutex> l(mu_);
  return use_fallback_ ? *fallback_ : *preferred_;
}

std::unique_ptr<HelperImageSource> NewDefaultHelperImageSource(const std::string& ref) {
  std::unique_ptr<HelperImageSource> engine;
  auto dialer = DialerForHost("");
  if (dialer.ok()) engine = std::make_unique<EngineExportSource>(std::move(*dialer), ref);
  auto file = std::make_unique<ArchiveFileSource>(kHelperImageArchive);
  if (!engine) return file;
  return std::make_unique<FirstAvailableSource>(std::move(file), std::move(engine));
}

}  // namespace executor::docker
