#pragma once
// Matching of `paths:`/`exclude:` globs against relative paths, with the rules
// gitlab-runner uses (doublestar): "*" and "?" and "[...]" never cross "/", "**" as a
// whole segment matches zero or more segments. Paths and patterns are clean relative
// paths (see path_safety.h).
#include <string>
#include <string_view>

namespace archives {

// True when `pattern` matches all of `path`.
bool GlobMatch(std::string_view pattern, std::string_view path);

// True when `pattern` has any of the special characters * ? [ (or a backslash escape).
bool HasGlobMeta(std::string_view pattern);

// The leading segments of `pattern` that contain no special characters ("a/b/*.o" →
// "a/b"); "" when the first segment already has one.
std::string StaticPrefix(std::string_view pattern);

}  // namespace archives
