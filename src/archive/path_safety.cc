#include "archive/path_safety.h"

#include <vector>

namespace archives {
namespace {

// Splits on "/" and resolves "." and ".."; returns false when ".." would leave the root.
bool Resolve(std::string_view path, std::vector<std::string_view>* segs) {
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (seg == "..") {
      if (segs->empty()) return false;
      segs->pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs->push_back(seg);
    }
    i = j + 1;
  }
  return true;
}

}  // namespace

util::Result<std::string> CleanRelativePath(std::string_view name) {
  if (!name.empty() && name.front() == '/') {
    return util::Status::InvalidArgument("path \"" + std::string(name) + "\" is absolute");
  }
  std::vector<std::string_view> segs;
  if (!Resolve(name, &segs)) {
    return util::Status::InvalidArgument("path \"" + std::string(name) + "\" leaves the directory through \"..\"");
  }
  std::string out;
  for (std::string_view s : segs) {
    if (!out.empty()) out += '/';
    out += s;
  }
  return out;
}

bool SymlinkStaysInside(std::string_view link_path, std::string_view target) {
  if (target.empty() || target.front() == '/') return false;
  std::string joined(link_path);
  size_t slash = joined.rfind('/');
  joined = slash == std::string::npos ? std::string() : joined.substr(0, slash + 1);
  joined += target;
  std::vector<std::string_view> segs;
  return Resolve(joined, &segs);
}

}  // namespace archives
