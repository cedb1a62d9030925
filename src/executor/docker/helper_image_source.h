#pragma once
// Where the manager gets the helper image it delivers to its instances' Engines: a
// docker-save archive. The seam lets delivery read the archive the package ships, or the
// image from the manager host's own Engine, or (in tests) a faulty wrapper of either.
#include <memory>
#include <mutex>
#include <string>

#include "executor/docker/engine_client.h"
#include "executor/docker/image_archive.h"
#include "util/byte_stream.h"
#include "util/status.h"

namespace executor::docker {

// Where the Debian package puts the default helper image (packaging/build-deb.sh).
inline constexpr char kHelperImageArchive[] = "/usr/share/spotrunner/helper-image.tar";

// Thread-safe: Inspect and Stream may run for several instances at once.
class HelperImageSource {
 public:
  virtual ~HelperImageSource() = default;
  // The id and tags of the image the archive holds, without streaming it. kNotFound when
  // this source has no archive (no file, no such image); other codes name the failure.
  virtual util::Result<ImageArchiveInfo> Inspect() = 0;
  // Writes the whole archive through `write` in pieces of at most a few hundred KiB (never
  // holding it whole); stops at the first error of `write` and returns it.
  virtual util::Status Stream(const ChunkWriter& write, AbortHandle* abort) = 0;
  // For messages: "/usr/share/spotrunner/helper-image.tar".
  virtual std::string Describe() const = 0;
};

// A docker-save tar file; its image is read from the archive's manifest.json.
class ArchiveFileSource final : public HelperImageSource {
 public:
  explicit ArchiveFileSource(std::string path) : path_(std::move(path)) {}
  util::Result<ImageArchiveInfo> Inspect() override;
  util::Status Stream(const ChunkWriter& write, AbortHandle* abort) override;
  std::string Describe() const override { return path_; }

 private:
  std::string path_;
};

// An image of an Engine (the manager host's), exported with GET /images/{ref}/get.
class EngineExportSource final : public HelperImageSource {
 public:
  // `dialer` reaches that Engine.
  EngineExportSource(std::unique_ptr<util::StreamDialer> dialer, std::string ref)
      : dialer_(std::move(dialer)), engine_(*dialer_), ref_(std::move(ref)) {}
  util::Result<ImageArchiveInfo> Inspect() override;
  util::Status Stream(const ChunkWriter& write, AbortHandle* abort) override;
  std::string Describe() const override { return ref_ + " in this host's Docker Engine"; }

 private:
  std::unique_ptr<util::StreamDialer> dialer_;
  EngineClient engine_;
  std::string ref_;
};

// The first of two sources that has the image: `preferred` unless its Inspect says
// kNotFound, then `fallback`. The choice is made again on each Inspect (a package upgrade
// may add the file); Stream uses the source the last Inspect chose.
class FirstAvailableSource final : public HelperImageSource {
 public:
  FirstAvailableSource(std::unique_ptr<HelperImageSource> preferred, std::unique_ptr<HelperImageSource> fallback)
      : preferred_(std::move(preferred)), fallback_(std::move(fallback)) {}
  util::Result<ImageArchiveInfo> Inspect() override;
  util::Status Stream(const ChunkWriter& write, AbortHandle* abort) override;
  std::string Describe() const override;

 private:
  HelperImageSource& Chosen() const;
  std::unique_ptr<HelperImageSource> preferred_, fallback_;
  mutable std::mutex mu_;
  bool use_fallback_ = false;
};

// The manager's source of the default helper image: kHelperImageArchive, else `ref`
// exported from this host's Engine ($DOCKER_HOST or /var/run/docker.sock).
std::unique_ptr<HelperImageSource> NewDefaultHelperImageSource(const std::string& ref);

}  // namespace executor::docker
