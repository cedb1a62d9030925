#pragma once
// Path rules shared by archiving and extraction: a name taken from a job (a `paths:`
// glob) or from an archive (an entry name) may only ever address something inside one
// directory. Names are cleaned lexically ("a/./b" → "a/b"); names that are absolute or
// climb out with ".." are refused, with an error that names the offending path.
#include <string>
#include <string_view>

#include "util/status.h"

namespace archives {

// `name` as a clean relative path ("a/b/c", no "." or ".." segments, no leading or
// trailing "/"). Backslashes are kept as ordinary characters. Returns "" for names that
// reduce to the directory itself ("", ".", "./"). On failure: InvalidArgument naming
// `name` when it is absolute or leaves the directory through "..".
util::Result<std::string> CleanRelativePath(std::string_view name);

// True when a symbolic link stored at clean relative path `link_path` with target
// `target` resolves (lexically) to somewhere inside the directory that holds the tree.
bool SymlinkStaysInside(std::string_view link_path, std::string_view target);

}  // namespace archives
