#include "cloud/aws/dead_man_user_data.h"

#include <cctype>
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

// The part's MIME headers as cloud-init reads the first line of an undeclared part.
std::string PartHeaders(const std::string& part) {
  std::string head = part.substr(0, 32);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.rfind("content-type:", 0) == 0 || head.rfind("mime-version:", 0) == 0) return "";  // has its own
  std::string type = part.rfind("#cloud-config", 0) == 0 ? "text/cloud-config"
                     : part.rfind("#!", 0) == 0          ? "text/x-shellscript"
                     : part.rfind("#include", 0) == 0    ? "text/x-include-url"
                     : part.rfind("#cloud-boothook", 0) == 0 ? "text/cloud-boothook"
                                                              : "text/plain";
  return "Content-Type: " + type + "; charset=\"utf-8\"\nMIME-Version: 1.0\n\n";
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
  std::string out;
  if (user_data.empty()) {
    out = *ours;
  } else {
    std::string boundary = "==spotrunner-dead-man==";
    while (user_data.find(boundary) != std::string::npos) boundary.insert(2, "x");
    out = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\nMIME-Version: 1.0\n\n";
    out += "--" + boundary + "\n" + PartHeaders(user_data) + user_data;
    if (out.back() != '\n') out += "\n";
    out += "--" + boundary + "\n";
    out += "Content-Type: text/cloud-config; charset=\"utf-8\"\nMIME-Version: 1.0\n"
           "Merge-Type: list(append)+dict(no_replace,recurse_list)+str()\n\n" + *ours;
    out += "--" + boundary + "--\n";
  }
  if (out.size() > kMaxUserDataBytes)
    return util::Status::InvalidArgument("aws user data is " + std::to_string(out.size()) +
                                         " bytes with the dead-man switch; EC2 takes at most " +
                                         std::to_string(kMaxUserDataBytes));
  return out;
}

}  // namespace cloud::aws
