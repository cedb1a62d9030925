#include "util/core_dumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace util {
namespace {

bool Allowed() {
  const char* v = std::getenv(kAllowCoreDumpsEnv);
  if (v == nullptr) return false;
  std::string_view s(v);
  return s == "1" || s == "true" || s == "yes" || s == "TRUE" || s == "True";
}

std::string Limit(rlim_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

}  // namespace

std::string DisableCoreDumpsUnlessAllowed() {
  if (Allowed()) return "";
  std::string err;
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) err = std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno);
  struct rlimit rl {};
  if (getrlimit(RLIMIT_CORE, &rl) == 0) {
    rl.rlim_cur = 0;
    if (setrlimit(RLIMIT_CORE, &rl) != 0) {
      err += (err.empty() ? "" : "; ") + std::string("setrlimit(RLIMIT_CORE): ") + std::strerror(errno);
    }
  }
  return err;
}

std::string CoreDumpStatus() {
  struct rlimit rl {};
  getrlimit(RLIMIT_CORE, &rl);
  return "dumpable=" + std::to_string(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) + " core_soft=" + Limit(rl.rlim_cur) +
         " core_hard=" + Limit(rl.rlim_max);
}

}  // namespace util
