#pragma once
// gitlab-runner's allow-lists for the docker executors: allowed_images, allowed_services,
// allowed_privileged_images, allowed_privileged_services and allowed_users, with its
// matching (doublestar globs: `*` and `?` stay within one `/`-separated part, `**` as a
// whole part spans any number of parts, `[...]` classes, `{a,b}` alternatives, `\` escapes)
// and its trace lines.
#include <string>
#include <vector>

#include "executor/executor.h"
#include "util/status.h"

namespace executor::docker {

// Whether `name` matches the glob `pattern`; an invalid pattern matches nothing.
bool GlobMatch(const std::string& pattern, const std::string& name);

// `image` may run when `allowed` is empty, when a pattern matches it, or when it is one of
// `internal` (the runner's own default image or configured services). Otherwise prints
// gitlab-runner's lines to `out`:
//   ERROR: The "<image>" image is not present on list of allowed <option>:
//   - <pattern>...
//   Please check runner's allowed_images configuration: <docs URL>
// and returns kInvalidArgument "disallowed image". `option` is "images" or "services".
util::Status VerifyAllowedImage(const std::string& image, const std::string& option,
                                const std::vector<std::string>& allowed, const std::vector<std::string>& internal,
                                OutputSink& out);

// Privileged mode applies to `image` only when `allowed` is empty or a pattern matches it
// (allowed_privileged_images / allowed_privileged_services); it is never a failure.
bool PrivilegedAllowed(const std::string& image, const std::vector<std::string>& allowed);

// allowed_users: the image's own user ("") is always allowed; with neither allowed_users
// nor [runners.docker] user set any user is; otherwise `user` must be on allowed_users
// (which defaults to the configured user). kInvalidArgument
// `user "<user>" is not an allowed user: [<a> <b>]` when it is not.
util::Status VerifyAllowedUser(const std::string& user, const std::vector<std::string>& allowed_users,
                               const std::string& configured_user);

}  // namespace executor::docker
