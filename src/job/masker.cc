#include "job/masker.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace job {
namespace {

constexpr size_t kMaxPrefixes = 15;
constexpr size_t kHashBits = 16;
constexpr size_t kBuckets = size_t{1} << kHashBits;

const std::vector<std::string>& UrlParams() {
  static const std::vector<std::string> kParams = {
      "private_token",    "authenticity_token", "rss_token",
      "x-amz-signature",  "x-amz-credential",   "x-amz-security-token"};
  return kParams;
}

bool IsTokenChar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '_' || c == '.' || c == '=' || c == '-';
}

bool IsUrlValueChar(unsigned char c) {
  if (c <= 0x20 || c == 0x7f) return false;
  switch (c) {
    case '&': case '#': case '"': case '\'': case '<': case '>': case '`':
      return false;
    default:
      return true;
  }
}

unsigned char Lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
unsigned char Upper(unsigned char c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Keeps `buf[from..]` as the new pending text; `buf` may point into `pending`.
void KeepTail(std::string& pending, std::string_view buf, size_t from) {
  std::string tail(buf.substr(from));
  pending.swap(tail);
}

}  // namespace

const std::vector<std::string>& DefaultTokenPrefixes() {
  static const std::vector<std::string> kPrefixes = {
      "glpat-", "gloas-", "gldt-",  "glrt-",   "glcbt-",  "glrtr-",           "glptt-",
      "glft-",  "glimt-", "glagent-", "glsoat-", "glffct-", "_gitlab_session=", "gltok-"};
  return kPrefixes;
}

std::vector<std::string> EffectiveTokenPrefixes(const MaskerOptions& opts) {
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (p.empty() || out.size() >= kMaxPrefixes) return;
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  const auto& defaults = DefaultTokenPrefixes();
  if (opts.all_default_tokens) {
    for (const auto& p : defaults) add(p);
  } else {
    add(defaults.front());
  }
  for (const auto& p : opts.extra_prefixes) add(p);
  return out;
}

// Finds occurrences of literal values. Candidate positions come from a sampled n-gram
// filter: with the shortest value m bytes long and grams of g bytes, every window at a
// multiple of stride = m - g + 1 is hashed into a 64 Ki-bit set holding the grams at
// offsets [0, stride) of every value, so each occurrence is hit exactly once.
class Masker::ValueStage {
 public:
  explicit ValueStage(std::vector<std::string> values) : pats_(std::move(values)) {
    if (pats_.empty()) return;
    min_len_ = max_len_ = pats_[0].size();
    for (const auto& p : pats_) {
      min_len_ = std::min(min_len_, p.size());
      max_len_ = std::max(max_len_, p.size());
      first_[static_cast<unsigned char>(p[0])] = true;
      if (p.size() >= 2) {
        unsigned k = static_cast<unsigned char>(p[0]) | (static_cast<unsigned char>(p[1]) << 8);
        prefix2_[k >> 6] |= uint64_t{1} << (k & 63);
      }
    }
    gram_ = std::min<size_t>(4, min_len_);
    stride_ = min_len_ - gram_ + 1;
    sorted_ = pats_;
    std::sort(sorted_.begin(), sorted_.end());
    bits_.assign(kBuckets / 64, 0);
    std::vector<Entry> raw;
    for (uint32_t j = 0; j < pats_.size(); ++j) {
      for (uint32_t off = 0; off < stride_; ++off) {
        uint32_t key = Key(pats_[j].data() + off);
        raw.push_back({key, j, off});
      }
    }
    bucket_start_.assign(kBuckets + 1, 0);
    for (const auto& e : raw) ++bucket_start_[Hash(e.key) + 1];
    for (size_t h = 0; h < kBuckets; ++h) bucket_start_[h + 1] += bucket_start_[h];
    entries_.resize(raw.size());
    std::vector<uint32_t> fill(bucket_start_.begin(), bucket_start_.end() - 1);
    for (const auto& e : raw) {
      uint32_t h = Hash(e.key);
      entries_[fill[h]++] = e;
      bits_[h >> 6] |= uint64_t{1} << (h & 63);
    }
  }

  // Returns the final output for `in`: `in` itself when nothing in it is masked or held
  // back, else a view of `scratch` (cleared first). `final` releases everything.
  std::string_view Process(std::string_view in, std::string& scratch, bool final) {
    scratch.clear();
    if (pats_.empty()) return in;
    const bool fresh = pending_.empty() && covered_ == 0;
    std::string_view buf = in;
    if (!pending_.empty()) {
      pending_.append(in);
      buf = pending_;
    }
    const size_t len = buf.size();
    const size_t hold = final ? len : HoldStart(buf);
    occ_.clear();
    if (len >= gram_) {
      const char* d = buf.data();
      // Occurrences that start before `hold` are all hit by a window before hold+stride.
      const size_t last = std::min(len - gram_, hold + stride_);
      if (gram_ == 4) {
        for (size_t p = 0; p <= last; p += stride_) {
          uint32_t key;
          std::memcpy(&key, d + p, 4);
          uint32_t h = Hash(key);
          if ((bits_[h >> 6] >> (h & 63)) & 1) Verify(buf, p, key, h, hold);
        }
      } else {
        for (size_t p = 0; p <= last; p += stride_) {
          uint32_t key = Key(d + p);
          uint32_t h = Hash(key);
          if ((bits_[h >> 6] >> (h & 63)) & 1) Verify(buf, p, key, h, hold);
        }
      }
    }
    if (occ_.size() > 1) {
      std::sort(occ_.begin(), occ_.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second > b.second;
      });
    }
    if (fresh && occ_.empty() && hold == buf.size()) return in;
    std::string& out = scratch;
    size_t cursor = covered_;  // bytes [0, covered_) were already shown as "[MASKED]"
    for (const auto& [s, e] : occ_) {
      if (e <= cursor) continue;
      if (s >= cursor) out.append(buf.substr(cursor, s - cursor));
      out.append(kMasked);
      cursor = e;
    }
    if (cursor < hold) out.append(buf.substr(cursor, hold - cursor));
    covered_ = cursor > hold ? cursor - hold : 0;
    if (hold == len) {
      pending_.clear();
    } else {
      KeepTail(pending_, buf, hold);
    }
    if (final) covered_ = 0;
    return scratch;
  }

 private:
  struct Entry {
    uint32_t key;
    uint32_t pat;
    uint32_t off;
  };

  uint32_t Key(const char* p) const {
    uint32_t key = 0;
    std::memcpy(&key, p, gram_);
    return key;
  }
  static uint32_t Hash(uint32_t key) { return (key * 0x9E3779B1u) >> (32 - kHashBits); }

  void Verify(std::string_view buf, size_t p, uint32_t key, uint32_t h, size_t hold) {
    for (uint32_t k = bucket_start_[h]; k < bucket_start_[h + 1]; ++k) {
      const Entry& e = entries_[k];
      if (e.key != key || e.off > p) continue;
      size_t s = p - e.off;
      const std::string& pat = pats_[e.pat];
      if (s >= hold || s + pat.size() > buf.size()) continue;
      if (std::memcmp(buf.data() + s, pat.data(), pat.size()) == 0) {
        occ_.emplace_back(s, s + pat.size());
      }
    }
  }

  // The start of the shortest tail of `buf` that is a proper prefix of some value
  // (buf.size() when there is none): everything before it is final.
  size_t HoldStart(std::string_view buf) const {
    const size_t len = buf.size();
    size_t p = len > max_len_ - 1 ? len - (max_len_ - 1) : 0;
    for (; p < len; ++p) {
      if (!first_[static_cast<unsigned char>(buf[p])]) continue;
      if (p + 1 < len) {
        unsigned k = static_cast<unsigned char>(buf[p]) | (static_cast<unsigned char>(buf[p + 1]) << 8);
        if (!((prefix2_[k >> 6] >> (k & 63)) & 1)) continue;
      }
      std::string_view t = buf.substr(p);
      auto it = std::lower_bound(sorted_.begin(), sorted_.end(), t,
                                 [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
      for (int n = 0; n < 2 && it != sorted_.end(); ++n, ++it) {
        if (it->size() > t.size() && std::string_view(*it).substr(0, t.size()) == t) return p;
      }
    }
    return len;
  }

  std::vector<std::string> pats_;
  std::vector<std::string> sorted_;
  std::array<bool, 256> first_{};
  std::array<uint64_t, 1024> prefix2_{};  // first two bytes of the values (64 Ki bits)
  size_t min_len_ = 0, max_len_ = 0, gram_ = 0, stride_ = 1;
  std::vector<uint64_t> bits_;
  std::vector<uint32_t> bucket_start_;
  std::vector<Entry> entries_;
  std::string pending_;
  size_t covered_ = 0;
  std::vector<std::pair<size_t, size_t>> occ_;
};

// Finds "trigger then value chars" (URL parameters, token prefixes). Candidates come from
// a 64 Ki-bit set of the triggers' first two bytes.
class Masker::TriggerStage {
 public:
  TriggerStage(const std::vector<std::string>& prefixes, bool url_params) {
    for (const auto& p : prefixes) triggers_.push_back({p, false, false});
    if (url_params) {
      for (const auto& k : UrlParams()) {
        triggers_.push_back({"?" + k + "=", true, true});
        triggers_.push_back({"&" + k + "=", true, true});
      }
    }
    std::stable_sort(triggers_.begin(), triggers_.end(),
                     [](const Trigger& a, const Trigger& b) { return a.text.size() > b.text.size(); });
    bits_.assign(kBuckets / 64, 0);
    for (uint32_t i = 0; i < triggers_.size(); ++i) {
      const Trigger& t = triggers_[i];
      auto b0 = static_cast<unsigned char>(t.text[0]);
      std::vector<unsigned char> firsts = {b0};
      if (t.ci && Upper(b0) != b0) firsts.push_back(Upper(b0));
      for (unsigned char f : firsts) {
        by_first_[f].push_back(i);
        first_[f] = true;
        if (t.text.size() == 1) {
          for (unsigned s = 0; s < 256; ++s) SetBit(f | (s << 8));
          continue;
        }
        auto b1 = static_cast<unsigned char>(t.text[1]);
        SetBit(f | (b1 << 8));
        if (t.ci) SetBit(f | (Upper(b1) << 8));
      }
    }
    for (unsigned f = 0; f < 256; ++f) {
      if (!first_[f]) continue;
#if defined(__SSE2__)
      if (nfirst_ < kMaxSimdFirsts) vfirst_[nfirst_] = _mm_set1_epi8(static_cast<char>(f));
#endif
      ++nfirst_;
    }
  }

  void Write(std::string_view in, std::string& out, bool final) {
    if (triggers_.empty()) {
      out.append(in);
      return;
    }
    std::string_view buf = in;
    if (!pending_.empty()) {
      pending_.append(in);
      buf = pending_;
    }
    const size_t len = buf.size();
    const char* d = buf.data();
    size_t i = 0;
    if (in_value_) {
      while (i < len && IsValue(value_url_, d[i])) ++i;
      if (i < len || final) in_value_ = false;
    }
    size_t cursor = i;
    size_t hold = len;
    while (i < len) {
      i = NextCandidate(d, i, len);
      if (i + 1 >= len && (i >= len || !first_[static_cast<unsigned char>(d[i])])) break;
      size_t value_start = 0;
      bool url = false;
      Outcome o = MatchAt(buf, i, final, value_start, url);
      if (o == Outcome::kNeedMore) {
        hold = i;
        break;
      }
      if (o == Outcome::kNone) {
        ++i;
        continue;
      }
      out.append(buf.substr(cursor, value_start - cursor));
      out.append(kMasked);
      size_t j = value_start;
      while (j < len && IsValue(url, d[j])) ++j;
      if (j == len && !final) {
        in_value_ = true;
        value_url_ = url;
      }
      cursor = i = j;
    }
    if (cursor < hold) out.append(buf.substr(cursor, hold - cursor));
    if (hold >= len) {
      pending_.clear();
    } else {
      KeepTail(pending_, buf, hold);
    }
  }

 private:
  struct Trigger {
    std::string text;  // lower case when ci
    bool ci;
    bool url;
  };
  enum class Outcome { kNone, kNeedMore, kMask };

  static bool IsValue(bool url, char c) {
    auto u = static_cast<unsigned char>(c);
    return url ? IsUrlValueChar(u) : IsTokenChar(u);
  }

  void SetBit(unsigned k) { bits_[k >> 6] |= uint64_t{1} << (k & 63); }
  bool Bit2(const char* p) const {
    uint16_t k;
    std::memcpy(&k, p, 2);
    return (bits_[k >> 6] >> (k & 63)) & 1;
  }

  // The first position >= i whose two bytes may start a trigger (or len - 1).
  size_t NextCandidate(const char* d, size_t i, size_t len) const {
#if defined(__SSE2__)
    if (nfirst_ <= kMaxSimdFirsts) {
      while (i + 17 <= len) {  // 16 candidates, each with its second byte in range
        __m128i blk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        __m128i eq = _mm_setzero_si128();
        for (size_t k = 0; k < nfirst_; ++k) eq = _mm_or_si128(eq, _mm_cmpeq_epi8(blk, vfirst_[k]));
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(eq));
        while (mask != 0) {
          size_t p = i + static_cast<size_t>(__builtin_ctz(mask));
          if (Bit2(d + p)) return p;
          mask &= mask - 1;
        }
        i += 16;
      }
    }
#endif
    while (i + 1 < len && !Bit2(d + i)) ++i;
    return i;
  }

  Outcome MatchAt(std::string_view buf, size_t i, bool final, size_t& value_start, bool& url) const {
    const size_t avail = buf.size() - i;
    for (uint32_t idx : by_first_[static_cast<unsigned char>(buf[i])]) {
      const Trigger& t = triggers_[idx];
      const size_t n = std::min(t.text.size(), avail);
      bool same = true;
      for (size_t k = 0; k < n && same; ++k) {
        auto c = static_cast<unsigned char>(buf[i + k]);
        same = (t.ci ? Lower(c) : c) == static_cast<unsigned char>(t.text[k]);
      }
      if (!same) continue;
      if (avail <= t.text.size()) {  // the trigger, or the first value char, is still to come
        if (final) continue;
        return Outcome::kNeedMore;
      }
      if (IsValue(t.url, buf[i + t.text.size()])) {
        value_start = i + t.text.size();
        url = t.url;
        return Outcome::kMask;
      }
    }
    return Outcome::kNone;
  }

  static constexpr size_t kMaxSimdFirsts = 8;
  std::vector<Trigger> triggers_;
#if defined(__SSE2__)
  __m128i vfirst_[kMaxSimdFirsts];
#endif
  size_t nfirst_ = 0;  // distinct first bytes; SIMD search when <= kMaxSimdFirsts
  std::array<std::vector<uint32_t>, 256> by_first_;
  std::array<bool, 256> first_{};
  std::vector<uint64_t> bits_;
  std::string pending_;
  bool in_value_ = false;
  bool value_url_ = false;
};

Masker::Masker(const MaskerOptions& opts) {
  std::vector<std::string> values;
  for (const auto& v : opts.values) {
    std::string_view t = Trim(v);
    if (!t.empty()) values.emplace_back(t);
  }
  std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  values.erase(std::unique(values.begin(), values.end()), values.end());
  values_ = std::make_unique<ValueStage>(std::move(values));
  triggers_ = std::make_unique<TriggerStage>(EffectiveTokenPrefixes(opts), opts.url_params);
}

Masker::~Masker() = default;

std::string Masker::Write(std::string_view bytes) {
  std::string out;
  Write(bytes, out);
  return out;
}

void Masker::Write(std::string_view bytes, std::string& out) {
  triggers_->Write(values_->Process(bytes, scratch_, false), out, false);
}

std::string Masker::Flush() {
  std::string out;
  triggers_->Write(values_->Process({}, scratch_, true), out, true);
  return out;
}

}  // namespace job
