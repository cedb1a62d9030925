#include "cache/object_name.h"

#include <vector>

namespace cache {
namespace {

// path.Join semantics: "" parts skipped, "."/".." resolved, no leading/trailing "/".
std::string Join(const std::vector<std::string>& parts, bool* escaped) {
  std::vector<std::string> segs;
  for (const std::string& p : parts) {
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find('/', i);
      if (j == std::string::npos) j = p.size();
      std::string seg = p.substr(i, j - i);
      if (seg == "..") {
        if (segs.empty()) {
          *escaped = true;
        } else {
          segs.pop_back();
        }
      } else if (!seg.empty() && seg != ".") {
        segs.push_back(seg);
      }
      i = j + 1;
    }
  }
  std::string out;
  for (const auto& s : segs) out += (out.empty() ? "" : "/") + s;
  return out;
}

}  // namespace

util::Result<std::string> ObjectName(const config::CacheConfig& cfg, const std::string& short_token,
                                     int64_t project_id, const std::string& key) {
  if (key.empty()) return util::Status::InvalidArgument("empty cache key");
  bool escaped = false;
  std::string prefix = cfg.shared ? "" : "runner/" + short_token;
  std::string base = Join({cfg.path, prefix, "project", std::to_string(project_id)}, &escaped);
  std::string name = Join({base, key}, &escaped);
  if (escaped || name.size() <= base.size() + 1 || name.compare(0, base.size() + 1, base + "/") != 0) {
    return util::Status::InvalidArgument("cache key \"" + key + "\" would leave the project's cache prefix \"" +
                                         base + "/\"");
  }
  return name;
}

std::string LocalArchivePath(const std::string& cache_dir, const std::string& project_path, const std::string& key) {
  std::string dir = cache_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/" + project_path + "/" + key + "/cache.zip";
}

}  // namespace cache
