#pragma once
// Cache keys as gitlab-runner computes them (protocol reference §9): the job's key with
// variables expanded (done by the caller), `<job name>/<git ref>` when empty, then
// sanitised so that a key can never address anything outside its project's cache
// prefix: "%2F"/"%2f" → "/", "%2E"/"%2e" → ".", "\" → "/", "." and ".." resolved inside
// a virtual root, trailing whitespace stripped from the trailing segments (segments that
// become empty are dropped).
#include <string>
#include <string_view>

namespace cache {

// The key sanitised as above; "" when nothing usable is left (the cache is then skipped).
std::string SanitizeKey(std::string_view key);

// The effective key: `expanded_key`, or "<job_name>/<git_ref>" when it is empty,
// sanitised.
std::string EffectiveKey(std::string_view expanded_key, std::string_view job_name, std::string_view git_ref);

// True for CACHE_FALLBACK_KEY values that gitlab-runner ignores: those whose sanitised key
// (the one the cache is looked up with, as gitlab-runner judges it) ends in "-protected"
// once trailing dots and spaces are trimmed. Sanitising first means no spelling of the
// value ("main-protected/", "main-protected%2F", "main-protected/x/..") reaches a
// protected ref's cache.
bool IsProtectedFallbackKey(std::string_view key);

}  // namespace cache
