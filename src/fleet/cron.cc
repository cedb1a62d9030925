#include "fleet/cron.h"

#include <chrono>
#include <cctype>
#include <sstream>
#include <vector>

namespace fleet {
namespace {

const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct FieldSpec {
  const char* name;
  int lo, hi;
  const char* const* names;  // index 0 names value `names_base`
  int names_count, names_base;
};

util::Status ParseValue(const std::string& s, const FieldSpec& f, int* out) {
  if (s.empty()) return util::Status::InvalidArgument(std::string(f.name) + ": empty value");
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    int v = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || v > 100000)
        return util::Status::InvalidArgument(std::string(f.name) + ": bad value \"" + s + "\"");
      v = v * 10 + (c - '0');
    }
    *out = v;
    return util::Status::Ok();
  }
  std::string low;
  for (char c : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < f.names_count; ++i) {
    if (low.size() >= 3 && low.rfind(f.names[i], 0) == 0) {
      *out = f.names_base + i;
      return util::Status::Ok();
    }
  }
  for (char c : s) {
    if (c == 'L' || c == 'W' || c == '#')
      return util::Status::InvalidArgument(std::string(f.name) + ": '" + std::string(1, c) + "' is not supported");
  }
  return util::Status::InvalidArgument(std::string(f.name) + ": bad value \"" + s + "\"");
}

template <size_t N>
util::Status ParseField(const std::string& text, const FieldSpec& f, std::bitset<N>* bits, int offset,
                        bool* star) {
  *star = text == "*" || text == "?";
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    int step = 1;
    auto slash = part.find('/');
    std::string range = part.substr(0, slash);
    if (slash != std::string::npos) {
      SR_RETURN_IF_ERROR(ParseValue(part.substr(slash + 1), FieldSpec{f.name, 1, 100000, nullptr, 0, 0}, &step));
      if (step <= 0) return util::Status::InvalidArgument(std::string(f.name) + ": step must be positive");
    }
    int a = f.lo, b = f.hi;
    if (range == "*" || range == "?") {
    } else {
      auto dash = range.find('-');
      SR_RETURN_IF_ERROR(ParseValue(range.substr(0, dash), f, &a));
      if (dash != std::string::npos) {
        SR_RETURN_IF_ERROR(ParseValue(range.substr(dash + 1), f, &b));
      } else {
        b = slash != std::string::npos ? f.hi : a;
      }
    }
    if (f.names == kDays) {  // 7 is Sunday too
      if (a == 7 && b == 7) a = b = 0;
      if (b == 7 && a != 7) {
        bits->set(0 - offset);
        b = 6;
      }
    }
    for (int v : {a, b}) {
      if (v < f.lo || v > f.hi)
        return util::Status::InvalidArgument(std::string(f.name) + ": " + std::to_string(v) + " out of range " +
                                             std::to_string(f.lo) + "-" + std::to_string(f.hi));
    }
    if (a > b) return util::Status::InvalidArgument(std::string(f.name) + ": range " + range + " is backwards");
    for (int v = a; v <= b; v += step) bits->set(static_cast<size_t>(v - offset));
  }
  return util::Status::Ok();
}

}  // namespace

CivilTime CivilTime::FromLocalSeconds(int64_t s) {
  using namespace std::chrono;
  int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  int64_t rem = s - days * 86400;
  sys_days sd{std::chrono::days(days)};
  year_month_day ymd(sd);
  CivilTime c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  c.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  c.weekday = static_cast<int>(std::chrono::weekday(sd).c_encoding());
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem / 60 % 60);
  c.second = static_cast<int>(rem % 60);
  return c;
}

util::Result<CronExpr> CronExpr::Parse(const std::string& text) {
  std::stringstream ss(text);
  std::vector<std::string> f;
  for (std::string w; ss >> w;) f.push_back(w);
  auto ctx = "cron \"" + text + "\"";
  if (f.size() < 5 || f.size() > 7)
    return util::Status::InvalidArgument(ctx + ": want 5, 6 or 7 fields, got " + std::to_string(f.size()));
  CronExpr e;
  e.text_ = text;
  const size_t given = f.size();
  if (f.size() == 5) f.push_back("*");
  if (f.size() == 6) f.insert(f.begin(), "0");
  bool star = false;
  util::Status s;
  {
    s = ParseField(f[0], FieldSpec{"second", 0, 59, nullptr, 0, 0}, &e.second_, 0, &star);
    if (s.ok()) s = ParseField(f[1], FieldSpec{"minute", 0, 59, nullptr, 0, 0}, &e.minute_, 0, &star);
    if (s.ok()) s = ParseField(f[2], FieldSpec{"hour", 0, 23, nullptr, 0, 0}, &e.hour_, 0, &star);
    if (s.ok()) s = ParseField(f[3], FieldSpec{"day-of-month", 1, 31, nullptr, 0, 0}, &e.dom_, 0, &e.dom_star_);
    if (s.ok()) s = ParseField(f[4], FieldSpec{"month", 1, 12, kMonths, 12, 1}, &e.month_, 0, &star);
    if (s.ok()) s = ParseField(f[5], FieldSpec{"day-of-week", 0, 7, kDays, 7, 0}, &e.dow_, 0, &e.dow_star_);
    if (s.ok()) s = ParseField(f[6], FieldSpec{"year", 1970, 2099, nullptr, 0, 0}, &e.year_, 1970, &star);
  }
  if (!s.ok()) return s.WithContext(ctx);
  // A 5/6-field expression matches whole minutes: every second of a matching minute.
  if (given < 7) e.second_.set();
  return e;
}

bool CronExpr::Matches(const CivilTime& t) const {
  if (t.year < 1970 || t.year > 2099) return false;
  if (!second_[t.second] || !minute_[t.minute] || !hour_[t.hour] || !month_[t.month]) return false;
  if (!year_[t.year - 1970]) return false;
  bool dom = dom_[t.day], dow = dow_[t.weekday];
  if (dom_star_ && dow_star_) return true;
  if (dom_star_) return dow;
  if (dow_star_) return dom;
  return dom || dow;
}

}  // namespace fleet
