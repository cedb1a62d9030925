#include "cloud/aws/dead_man_user_data.h"

#include <sstream>

#include "cloud/aws/user_data.h"
#include "cloud/dead_man_switch.h"

namespace cloud::aws {
namespace {

constexpr char kScriptPath[] = "/usr/local/sbin/spotrunner-dead-man-switch";
constexpr char kUnitName[] = "spotrunner-dead-man-switch.service";

std::string Indent(const std::string& text, const std::string& pad) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out += (line.empty() ? "" : pad) + line + "\n";
  return out;
}

}  // namespace

util::Result<std::string> DeadManSwitchCloudConfig(const std::string& ssh_user, std::chrono::seconds timeout) {
  if (ssh_user.empty() || ssh_user.find_first_of("\r\n:'\" ") != std::string::npos)
    return util::Status::InvalidArgument("aws user data: the SSH user \"" + ssh_user + "\" cannot own the heartbeat file");
  WatcherOptions w;
  w.timeout = timeout;
  w.prologue = "chown '" + ssh_user + "' \"$hb\" 2>/dev/null || true\n";
  const std::string seconds = std::to_string(timeout.count());
  std::string unit = "[Unit]\n"
                     "Description=spotrunner dead-man switch (power off when the manager is gone)\n"
                     "After=cloud-final.service\n"
                     "[Service]\n"
                     "Environment=" + std::string(kDeadManTimeoutEnv) + "=" + seconds + "\n"
                     "ExecStart=" + kScriptPath + "\n"
                     "Restart=always\n"
                     "RestartSec=5\n"
                     "[Install]\n"
                     "WantedBy=multi-user.target\n";
  return "#cloud-config\n"
         "write_files:\n"
         "  - path: " + std::string(kScriptPath) + "\n"
         "    permissions: '0755'\n"
         "    content: |\n" + Indent(WatcherScript(w), "      ") +
         "  - path: /etc/systemd/system/" + kUnitName + "\n"
         "    permissions: '0644'\n"
         "    content: |\n" + Indent(unit, "      ") +
         "runcmd:\n"
         "  - [sh, -c, 'systemctl daemon-reload && systemctl enable --now " + kUnitName + " || " +
         kDeadManTimeoutEnv + "=" + seconds + " nohup " + kScriptPath + " >/dev/null 2>&1 &']\n";
}

util::Result<std::string> WithDeadManSwitch(const std::string& user_data, const std::string& ssh_user,
                                            std::chrono::seconds timeout) {
  auto ours = DeadManSwitchCloudConfig(ssh_user, timeout);
  if (!ours.ok()) return ours.status();
  return WithCloudConfigPart(user_data, *ours, "the dead-man switch");
}

}  // namespace cloud::aws
