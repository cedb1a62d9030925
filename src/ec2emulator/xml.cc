#include "ec2emulator/xml.h"

#include <cstdio>
#include <ctime>
#include <sstream>

namespace ec2emulator {

pugi::xml_node AddText(pugi::xml_node parent, const char* name, const std::string& text) {
  pugi::xml_node n = parent.append_child(name);
  n.text().set(text.c_str());
  return n;
}

pugi::xml_node AddChild(pugi::xml_node parent, const char* name) { return parent.append_child(name); }

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  doc.save(out, "    ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

std::string Ec2ErrorXml(const ApiError& e, const std::string& request_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Response");
  pugi::xml_node err = root.append_child("Errors").append_child("Error");
  AddText(err, "Code", e.code);
  AddText(err, "Message", e.message);
  AddText(root, "RequestID", request_id);
  return Serialize(doc);
}

std::string AutoScalingErrorXml(const ApiError& e, const std::string& request_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = kAutoScalingNamespace;
  pugi::xml_node err = root.append_child("Error");
  AddText(err, "Type", e.type());
  AddText(err, "Code", e.code);
  AddText(err, "Message", e.message);
  AddText(root, "RequestId", request_id);
  return Serialize(doc);
}

std::string IsoMillis(util::Time t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string IsoSeconds(util::Time t) {
  std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ParseIso(const std::string& s, util::Time* out) {
  int y, mo, d, h, mi, sec;
  char tail[16] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%15s", &y, &mo, &d, &h, &mi, &sec, tail) < 6) return false;
  std::string t = tail;
  if (t != "Z" && t != ".000Z" && !(t.size() > 1 && t[0] == '.' && t.back() == 'Z')) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  *out = util::Time(std::chrono::seconds(timegm(&tm)));
  return true;
}

}  // namespace ec2emulator
