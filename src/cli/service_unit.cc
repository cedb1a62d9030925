#include "cli/service_unit.h"

#include <string_view>

namespace cli {
namespace {

// One ExecStart= word: systemd splits on spaces and honours double quotes with C escapes;
// '%' starts a specifier and '$' a variable, so both are doubled.
std::string UnitWord(std::string_view s) {
  std::string out;
  bool quote = s.empty();
  for (char c : s) {
    if (c == '%') {
      out += "%%";
    } else if (c == '$') {
      out += "$$";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
      quote = true;
    } else {
      if (c == ' ' || c == '\'' || c == ';') quote = true;
      out += c;
    }
  }
  return quote ? "\"" + out + "\"" : out;
}

util::Status CheckPath(const std::string& what, const std::string& path) {
  if (path.empty() || path[0] != '/') return util::Status::InvalidArgument(what + " \"" + path + "\" is not an absolute path");
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) return util::Status::InvalidArgument(what + " \"" + path + "\" holds a control character");
  }
  return util::Status::Ok();
}

}  // namespace

bool IsValidServiceName(const std::string& name) {
  if (name.empty() || name.size() > 200) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

util::Result<std::string> RenderServiceUnit(const ServiceUnitOptions& o) {
  if (!IsValidServiceName(o.name)) {
    return util::Status::InvalidArgument("service name \"" + o.name + "\" may hold only letters, digits and :_.-");
  }
  for (const auto& [what, path] : {std::pair<std::string, std::string>{"binary", o.binary},
                                   {"config file", o.config},
                                   {"working directory", o.working_directory}}) {
    util::Status s = CheckPath(what, path);
    if (!s.ok()) return s;
  }
  for (const std::string* user : {&o.job_user, &o.service_user}) {
    if (!user->empty() && !IsValidServiceName(*user)) {
      return util::Status::InvalidArgument("user \"" + *user + "\" is not a valid user name");
    }
  }
  std::string u;
  u += "[Unit]\n";
  u += "Description=spotrunner: GitLab CI runner on spot capacity it creates on demand\n";
  u += "After=network-online.target docker.service\n";
  u += "Wants=network-online.target\n";
  u += "ConditionFileIsExecutable=" + UnitWord(o.binary) + "\n";
  u += "StartLimitIntervalSec=5\n";
  u += "StartLimitBurst=10\n";
  u += "\n[Service]\n";
  u += "ExecStart=" + UnitWord(o.binary) + " run --config " + UnitWord(o.config) + " --working-directory " +
       UnitWord(o.working_directory) + " --service " + o.name +
       (o.job_user.empty() || o.job_user == "root" ? "" : " --user " + o.job_user) + "\n";
  u += "ExecReload=/bin/kill -HUP $MAINPID\n";
  if (!o.service_user.empty() && o.service_user != "root") u += "User=" + o.service_user + "\n";
  u += "# Stop: SIGQUIT lets running jobs finish, then every instance is removed.\n";
  u += "KillSignal=SIGQUIT\n";
  u += "KillMode=mixed\n";
  u += "TimeoutStopSec=" + std::to_string(kServiceStopTimeoutSeconds) + "\n";
  u += "Restart=always\n";
  u += "RestartSec=120\n";
  u += "SyslogIdentifier=" + o.name + "\n";
  u += "EnvironmentFile=-/etc/default/" + o.name + "\n";
  u += "\n[Install]\n";
  u += "WantedBy=multi-user.target\n";
  return u;
}

}  // namespace cli
