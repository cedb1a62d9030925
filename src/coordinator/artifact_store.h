#pragma once
// ArtifactStore: the job artifacts the coordinator has received (POST
// /jobs/:id/artifacts), kept as files in a directory of their own, as GitLab keeps them
// in object storage. One job may hold several uploads (the archive and reports); GET
// /jobs/:id/artifacts serves the one of type "archive".
//
// Thread-safe.
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace coordinator {

struct StoredArtifact {
  std::string filename;         // as sent in the multipart part ("artifacts.zip")
  std::string artifact_type;    // archive, junit, ...
  std::string artifact_format;  // zip, gzip, raw
  std::string expire_in;        // as sent ("" when absent)
  int64_t size = 0;
  std::filesystem::path path;   // the stored bytes
};

class ArtifactStore {
 public:
  // Files go under `dir`; "" = a fresh directory under the system temp dir, removed
  // with the store.
  explicit ArtifactStore(std::filesystem::path dir = {});
  ~ArtifactStore();
  ArtifactStore(const ArtifactStore&) = delete;
  ArtifactStore& operator=(const ArtifactStore&) = delete;

  // The largest upload accepted (GitLab's default "maximum artifacts size": 100 MiB).
  int64_t max_size() const;
  void set_max_size(int64_t bytes);

  // A new file path for an upload to `job_id` (the caller streams into it).
  std::filesystem::path NewUploadPath(int64_t job_id);
  // Records a finished upload; one of the same artifact_type replaces the older one.
  void Add(int64_t job_id, StoredArtifact a);
  // Every upload of a job, in arrival order.
  std::vector<StoredArtifact> List(int64_t job_id) const;
  // The job's "archive" upload. NotFound when there is none.
  util::Result<StoredArtifact> Archive(int64_t job_id) const;

 private:
  mutable std::mutex mu_;
  std::filesystem::path dir_;
  bool owned_ = false;
  int64_t max_size_ = int64_t{100} << 20;
  int64_t next_ = 0;
  std::map<int64_t, std::vector<StoredArtifact>> jobs_;
};

}  // namespace coordinator
