#include "executor/docker/resource_units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace executor::docker {

util::Result<int64_t> ParseMemoryBytes(const std::string& s) {
  if (s.empty()) return int64_t{0};
  auto bad = util::Status::InvalidArgument("invalid memory size \"" + s + "\" (want e.g. 512m or 2g)");
  size_t i = 0;
  while (i < s.size() && (isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return bad;
  char* end = nullptr;
  std::string number = s.substr(0, i);
  double v = strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || v < 0) return bad;
  std::string unit = s.substr(i);
  for (char& c : unit) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  if (unit.size() == 2 && unit[1] == 'b') unit.pop_back();
  double mult = 1;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k") mult = 1024.0;
  else if (unit == "m") mult = 1024.0 * 1024;
  else if (unit == "g") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t") mult = 1024.0 * 1024 * 1024 * 1024;
  else return bad;
  double bytes = v * mult;
  if (bytes > 9.0e18) return bad;
  return static_cast<int64_t>(bytes);
}

util::Result<int64_t> ParseNanoCpus(const std::string& s) {
  if (s.empty()) return int64_t{0};
  char* end = nullptr;
  double v = strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(v > 0) || v > 1e6) {
    return util::Status::InvalidArgument("invalid cpus \"" + s + "\" (want a number such as 1.5)");
  }
  return static_cast<int64_t>(std::llround(v * 1e9));
}

}  // namespace executor::docker
