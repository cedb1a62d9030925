#include "config/duration.h"

#include <cstdint>
#include <limits>

namespace config {
namespace {

constexpr uint64_t kNanosecond = 1;
constexpr uint64_t kMicrosecond = 1000 * kNanosecond;
constexpr uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr uint64_t kSecond = 1000 * kMillisecond;
constexpr uint64_t kMinute = 60 * kSecond;
constexpr uint64_t kHour = 60 * kMinute;
constexpr uint64_t kLimit = uint64_t{1} << 63;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

util::Status Invalid(std::string_view orig) {
  return util::Status::InvalidArgument("time: invalid duration " + Quote(orig));
}

uint64_t UnitValue(std::string_view u) {
  if (u == "ns") return kNanosecond;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return kMicrosecond;
  if (u == "ms") return kMillisecond;
  if (u == "s") return kSecond;
  if (u == "m") return kMinute;
  if (u == "h") return kHour;
  return 0;
}

// Consumes leading digits into *v; false on overflow.
bool LeadingInt(std::string_view* s, uint64_t* v) {
  size_t i = 0;
  uint64_t x = 0;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (x > (kLimit - 1) / 10) return false;
    x = x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (x > kLimit) return false;
  }
  *v = x;
  s->remove_prefix(i);
  return true;
}

// Consumes leading digits of a fraction; keeps precision it can hold, ignores the rest.
void LeadingFraction(std::string_view* s, uint64_t* f, double* scale) {
  size_t i = 0;
  uint64_t x = 0;
  double sc = 1;
  bool overflow = false;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (overflow) continue;
    if (x > (std::numeric_limits<int64_t>::max() - 9) / 10) {
      overflow = true;
      continue;
    }
    x = x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    sc *= 10;
  }
  *f = x;
  *scale = sc;
  s->remove_prefix(i);
}

// Writes the fraction v/10^prec (without trailing zeros, no '.' if zero) before *w.
uint64_t FormatFraction(std::string* out, uint64_t v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) out->insert(0, "." + digits);
  return v;
}

void FormatInt(std::string* out, uint64_t v) { out->insert(0, std::to_string(v)); }

}  // namespace

util::Result<Duration> ParseGoDuration(std::string_view text) {
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration(0);
  if (s.empty()) return Invalid(text);
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return Invalid(text);
    size_t before = s.size();
    uint64_t v = 0;
    if (!LeadingInt(&s, &v)) return Invalid(text);
    bool pre = before != s.size();
    bool post = false;
    uint64_t f = 0;
    double scale = 1;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t len = s.size();
      LeadingFraction(&s, &f, &scale);
      post = len != s.size();
    }
    if (!pre && !post) return Invalid(text);
    size_t i = 0;
    while (i < s.size() && !(s[i] == '.' || IsDigit(s[i]))) ++i;
    if (i == 0) {
      return util::Status::InvalidArgument("time: missing unit in duration " + Quote(text));
    }
    std::string_view unit_text = s.substr(0, i);
    s.remove_prefix(i);
    uint64_t unit = UnitValue(unit_text);
    if (unit == 0) {
      return util::Status::InvalidArgument("time: unknown unit " + Quote(unit_text) + " in duration " +
                                           Quote(text));
    }
    if (v > kLimit / unit) return Invalid(text);
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kLimit) return Invalid(text);
    }
    total += v;
    if (total > kLimit) return Invalid(text);
  }
  if (neg) {
    if (total == kLimit) return Duration(std::numeric_limits<int64_t>::min());
    return Duration(-static_cast<int64_t>(total));
  }
  if (total > kLimit - 1) return Invalid(text);
  return Duration(static_cast<int64_t>(total));
}

std::string FormatGoDuration(Duration d) {
  int64_t n = d.count();
  if (n == 0) return "0s";
  bool neg = n < 0;
  uint64_t u = neg ? uint64_t{0} - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  std::string out;
  if (u < kSecond) {
    int prec = 0;
    if (u < kMicrosecond) {
      out = "ns";
    } else if (u < kMillisecond) {
      prec = 3;
      out = "\xC2\xB5s";
    } else {
      prec = 6;
      out = "ms";
    }
    u = FormatFraction(&out, u, prec);
    FormatInt(&out, u);
  } else {
    out = "s";
    u = FormatFraction(&out, u, 9);
    FormatInt(&out, u % 60);
    u /= 60;
    if (u > 0) {
      out.insert(0, "m");
      FormatInt(&out, u % 60);
      u /= 60;
      if (u > 0) {
        out.insert(0, "h");
        FormatInt(&out, u);
      }
    }
  }
  if (neg) out.insert(0, "-");
  return out;
}

}  // namespace config
