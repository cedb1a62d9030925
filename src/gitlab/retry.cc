#include "gitlab/retry.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace gitlab {
namespace {

constexpr util::Duration kMinDelay = std::chrono::milliseconds(100);
constexpr util::Duration kMaxDelay = std::chrono::seconds(60);

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsRetriableStatus(int status) {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return status >= 512;
  }
}

util::Duration Backoff::Next() {
  double min = static_cast<double>(kMinDelay.count());
  double step = min * std::pow(2.0, attempt_);
  ++attempt_;
  if (step > static_cast<double>(kMaxDelay.count())) step = static_cast<double>(kMaxDelay.count());
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  double d = min + u * (step - min);
  return std::min(kMaxDelay, util::Duration(static_cast<int64_t>(d)));
}

std::optional<util::Time> ParseHttpDate(std::string_view text) {
  // "Wed, 21 Oct 2015 07:28:00 GMT"
  text = Trim(text);
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text[25] != ' ' || text.substr(26) != "GMT") {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto month_it = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (month_it == kMonths.end() || !ParseInt(text.substr(5, 2), day) || !ParseInt(text.substr(12, 4), year) ||
      !ParseInt(text.substr(17, 2), hour) || !ParseInt(text.substr(20, 2), minute) ||
      !ParseInt(text.substr(23, 2), second) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  unsigned month = static_cast<unsigned>(month_it - kMonths.begin()) + 1;
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  auto t = std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second);
  return std::chrono::time_point_cast<util::Duration>(t);
}

util::Duration RetryWait(const util::HttpHeaders& headers, util::Time now, Backoff& backoff) {
  if (auto reset = headers.Get("RateLimit-ResetTime")) {
    if (auto when = ParseHttpDate(*reset); when && *when > now) return *when - now;
  }
  if (auto after = headers.Get("Retry-After")) {
    int seconds = 0;
    if (ParseInt(Trim(*after), seconds) && seconds > 0) return std::chrono::seconds(seconds);
  }
  return backoff.Next();
}

}  // namespace gitlab
