#include "coordinator/artifact_store.h"

#include <stdlib.h>

namespace coordinator {

ArtifactStore::ArtifactStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  if (dir_.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sr-coordinator-artifacts-XXXXXX").string();
    if (mkdtemp(tmpl.data())) dir_ = tmpl;
    owned_ = true;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
  }
}

ArtifactStore::~ArtifactStore() {
  if (owned_ && !dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

int64_t ArtifactStore::max_size() const {
  std::lock_guard<std::mutex> l(mu_);
  return max_size_;
}

void ArtifactStore::set_max_size(int64_t bytes) {
  std::lock_guard<std::mutex> l(mu_);
  max_size_ = bytes;
}

std::filesystem::path ArtifactStore::NewUploadPath(int64_t job_id) {
  std::lock_guard<std::mutex> l(mu_);
  return dir_ / ("job-" + std::to_string(job_id) + "-" + std::to_string(++next_));
}

void ArtifactStore::Add(int64_t job_id, StoredArtifact a) {
  std::lock_guard<std::mutex> l(mu_);
  auto& list = jobs_[job_id];
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (it->artifact_type == a.artifact_type) {
      std::error_code ec;
      std::filesystem::remove(it->path, ec);
      list.erase(it);
      break;
    }
  }
  list.push_back(std::move(a));
}

std::vector<StoredArtifact> ArtifactStore::List(int64_t job_id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? std::vector<StoredArtifact>{} : it->second;
}

util::Result<StoredArtifact> ArtifactStore::Archive(int64_t job_id) const {
  for (const auto& a : List(job_id)) {
    if (a.artifact_type == "archive") return a;
  }
  return util::Status::NotFound("job " + std::to_string(job_id) + " has no artifacts archive");
}

}  // namespace coordinator
