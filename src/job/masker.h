#pragma once
// Streaming masking of a job log (protocol §7.4): masked variable values, sensitive URL
// query parameters and well-known token prefixes are replaced with "[MASKED]" before
// anything is stored or sent, also when a secret is split across writes.
//
// Semantics:
// * Values: each value is trimmed of surrounding whitespace; empty ones are ignored and
//   duplicates removed. Every byte that belongs to an occurrence of any value is hidden:
//   an occurrence becomes "[MASKED]"; when occurrences overlap (a value inside a longer
//   one, or "aa" in "aaa") the covered bytes are all hidden and each further occurrence
//   that reaches past the hidden part adds one more "[MASKED]". So a value contained in a
//   longer value is masked whole, as in gitlab-runner, and nothing of either leaks.
// * URL parameters: after "?<key>=" or "&<key>=" (key case-insensitive, one of
//   private_token, authenticity_token, rss_token, x-amz-signature, x-amz-credential,
//   x-amz-security-token) the value, up to the next '&', '#', quote, angle bracket,
//   whitespace or control byte, becomes "[MASKED]" (nothing happens for an empty value).
// * Token prefixes: "<prefix><token chars>" becomes "<prefix>[MASKED]", token chars being
//   [0-9A-Za-z_.=-]; at least one token char must follow. When several prefixes match at
//   one position the longest wins.
// Values are handled first; the parameter and prefix filters see their output.
//
// Thread safety: none; one Masker serves one stream (TraceBuffer locks around it).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace job {

// The prefixes masked when FF_MASK_ALL_DEFAULT_TOKENS is on (default), "glpat-" first.
const std::vector<std::string>& DefaultTokenPrefixes();

struct MaskerOptions {
  std::vector<std::string> values;          // masked variable values, raw
  bool all_default_tokens = true;           // false: only "glpat-" of the defaults
  std::vector<std::string> extra_prefixes;  // features.token_mask_prefixes
  bool url_params = true;                   // mask the sensitive URL parameters
};

// The prefixes actually used for `opts`: defaults then extras, deduplicated, empty ones
// dropped, at most 15 (as gitlab-runner).
std::vector<std::string> EffectiveTokenPrefixes(const MaskerOptions& opts);

class Masker {
 public:
  explicit Masker(const MaskerOptions& opts);
  ~Masker();
  Masker(const Masker&) = delete;
  Masker& operator=(const Masker&) = delete;

  // Consumes `bytes` and returns the output that is final so far. Holds back only the
  // shortest tail that could still become (part of) a secret, a parameter or a prefix.
  std::string Write(std::string_view bytes);
  // Same, appending to `out` instead of returning a new string.
  void Write(std::string_view bytes, std::string& out);
  // End of stream: returns everything still held back (masked where complete).
  std::string Flush();

  static constexpr std::string_view kMasked = "[MASKED]";

 private:
  class ValueStage;
  class TriggerStage;
  std::unique_ptr<ValueStage> values_;
  std::unique_ptr<TriggerStage> triggers_;
  std::string scratch_;
};

}  // namespace job
