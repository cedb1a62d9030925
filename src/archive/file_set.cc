#include "archive/file_set.h"

#include <stdio.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "archive/glob.h"
#include "archive/path_safety.h"

namespace archives {
namespace {

namespace fs = std::filesystem;

// lstat of root/rel; 0 when it does not exist.
mode_t LMode(const std::string& root, const std::string& rel) {
  struct stat st;
  std::string p = rel.empty() ? root : root + "/" + rel;
  if (lstat(p.c_str(), &st) != 0) return 0;
  return st.st_mode;
}

// True when some proper prefix of `rel` is a symlink (the walk would leave the tree).
bool ThroughSymlink(const std::string& root, const std::string& rel, std::string* link) {
  size_t i = 0;
  while ((i = rel.find('/', i)) != std::string::npos) {
    std::string pre = rel.substr(0, i);
    if (S_ISLNK(LMode(root, pre))) {
      *link = pre;
      return true;
    }
    ++i;
  }
  return false;
}

class Collector {
 public:
  Collector(const std::string& root, const FileSelection& sel, SelectedFiles* out)
      : root_(root), sel_(sel), out_(out) {}

  // True when `rel` or one of its parent directories matches an exclude glob.
  bool Excluded(const std::string& rel) const {
    if (excludes_.empty()) return false;
    for (size_t end = rel.find('/'); ; end = rel.find('/', end + 1)) {
      std::string_view part = std::string_view(rel).substr(0, end);
      for (const auto& e : excludes_) {
        if (GlobMatch(e, part)) return true;
      }
      if (end == std::string::npos) return false;
    }
  }

  // Adds rel (and, for a directory, everything under it).
  util::Status Add(const std::string& rel) {
    if (Excluded(rel)) return util::Status::Ok();
    mode_t m = LMode(root_, rel);
    if (m == 0) return util::Status::Ok();
    AddParents(rel);
    set_.insert(rel);
    if (!S_ISDIR(m)) return util::Status::Ok();
    std::error_code ec;
    fs::recursive_directory_iterator it(root_ + "/" + rel, fs::directory_options::none, ec);
    if (ec) return util::Status::IOError("cannot read directory \"" + rel + "\": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return util::Status::IOError("cannot read directory under \"" + rel + "\": " + ec.message());
      std::string sub = rel + "/" + it->path().lexically_relative(root_ + "/" + rel).generic_string();
      if (Excluded(sub)) {
        if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
        continue;
      }
      set_.insert(sub);
    }
    return util::Status::Ok();
  }

  // Adds every path under `base` (a directory, "" = root) that matches `pattern`.
  util::Status AddMatches(const std::string& base, const std::string& pattern, bool* any) {
    std::string dir = base.empty() ? root_ : root_ + "/" + base;
    if (!S_ISDIR(LMode(root_, base))) return util::Status::Ok();
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
    if (ec) return util::Status::IOError("cannot read directory \"" + base + "\": " + ec.message());
    std::vector<std::string> hits;
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return util::Status::IOError("cannot read directory under \"" + base + "\": " + ec.message());
      std::string rel = it->path().lexically_relative(root_).generic_string();
      if (GlobMatch(pattern, rel)) {
        hits.push_back(rel);
        if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
      }
    }
    for (const auto& h : hits) {
      *any = true;
      SR_RETURN_IF_ERROR(Add(h));
    }
    return util::Status::Ok();
  }

  util::Status Run() {
    for (const auto& e : sel_.exclude) {
      auto c = CleanRelativePath(e);
      if (c.ok() && !c->empty()) excludes_.push_back(*c);
    }
    for (const auto& p : sel_.paths) {
      auto c = CleanRelativePath(p);
      if (!c.ok()) {
        out_->warnings.push_back("processPath: artifact path is not a subpath of project directory: " + p);
        continue;
      }
      std::string link;
      if (ThroughSymlink(root_, *c, &link)) {
        out_->warnings.push_back("processPath: \"" + p + "\" goes through the symbolic link \"" + link +
                                 "\"; not following it");
        continue;
      }
      bool any = false;
      if (c->empty()) {
        SR_RETURN_IF_ERROR(AddMatches("", "**", &any));
      } else if (!HasGlobMeta(*c)) {
        if (LMode(root_, *c) != 0) {
          any = true;
          SR_RETURN_IF_ERROR(Add(*c));
        }
      } else {
        std::string base = StaticPrefix(*c);
        if (ThroughSymlink(root_, base + "/", &link)) {
          out_->warnings.push_back("processPath: \"" + p + "\" goes through the symbolic link \"" + link +
                                   "\"; not following it");
          continue;
        }
        SR_RETURN_IF_ERROR(AddMatches(base, *c, &any));
      }
      if (!any) out_->warnings.push_back(p + ": no matching files. Ensure that the artifact path is relative to the working directory");
    }
    if (sel_.untracked) SR_RETURN_IF_ERROR(AddUntracked());
    out_->files.assign(set_.begin(), set_.end());
    return util::Status::Ok();
  }

 private:
  void AddParents(const std::string& rel) {
    size_t i = 0;
    while ((i = rel.find('/', i)) != std::string::npos) set_.insert(rel.substr(0, i++));
  }

  util::Status AddUntracked() {
    std::string cmd = "git -C '" + root_ + "' ls-files -o -z 2>/dev/null";
    if (root_.find('\'') != std::string::npos) {
      out_->warnings.push_back("untracked: project directory name has a quote; skipping untracked files");
      return util::Status::Ok();
    }
    FILE* f = popen(cmd.c_str(), "r");
    if (!f) {
      out_->warnings.push_back("untracked: cannot run git");
      return util::Status::Ok();
    }
    std::string name;
    int c;
    while ((c = fgetc(f)) != EOF) {
      if (c != 0) {
        name += static_cast<char>(c);
        continue;
      }
      auto clean = CleanRelativePath(name);
      if (clean.ok() && !clean->empty()) SR_RETURN_IF_ERROR(Add(*clean));
      name.clear();
    }
    if (pclose(f) != 0) out_->warnings.push_back("untracked: git ls-files failed; untracked files are not included");
    return util::Status::Ok();
  }

  // Sorted so that a parent always precedes its children ("a" < "a/b" < "a.b" would
  // break that with plain string order, so compare with '/' as the lowest byte).
  struct ParentFirst {
    bool operator()(const std::string& a, const std::string& b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto k = [](char c) { return c == '/' ? 0 : static_cast<unsigned char>(c) + 1; };
        return k(x) < k(y);
      });
    }
  };

  const std::string root_;
  const FileSelection& sel_;
  SelectedFiles* out_;
  std::vector<std::string> excludes_;
  std::set<std::string, ParentFirst> set_;
};

}  // namespace

util::Result<SelectedFiles> SelectFiles(const std::string& root, const FileSelection& sel) {
  struct stat st;
  if (stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return util::Status::NotFound("project directory \"" + root + "\" does not exist");
  }
  SelectedFiles out;
  std::string r = root;
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  Collector c(r, sel, &out);
  SR_RETURN_IF_ERROR(c.Run());
  return out;
}

}  // namespace archives
