#pragma once
// Replacing a file so that readers see either the old or the new contents, never a mix.
#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/status.h"

namespace config {

// Writes `contents` to a temporary file in the directory of `path` (created with `mode`),
// fsyncs it, renames it over `path` and fsyncs the directory. The result has exactly `mode`
// whatever the old file had (it is a new file). On failure `path` is unchanged, the temporary
// file is removed, and kIOError/kPermissionDenied/kNotFound names the path and the reason.
util::Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode);

}  // namespace config
