#include "cloud/aws/engine_user_data.h"

#include <sstream>

namespace cloud::aws {
namespace {

std::string Indent(const std::string& text, const std::string& pad) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out += (line.empty() ? "" : pad) + line + "\n";
  return out;
}

std::string WriteFile(const std::string& path, const char* mode, const std::string& content) {
  return "  - path: " + path + "\n    permissions: '" + mode + "'\n    content: |\n" + Indent(content, "      ");
}

}  // namespace

util::Result<std::string> EngineScript(const EngineOptions& e, const std::string& ssh_user) {
  if (ssh_user.empty() || ssh_user.find_first_of("'\"\\ \r\n:$`") != std::string::npos)
    return util::Status::InvalidArgument("aws user data: the SSH user \"" + ssh_user + "\" cannot join group docker");
  if (e.install_url.find_first_of("'\r\n") != std::string::npos)
    return util::Status::InvalidArgument("MachineOptions \"engine-install-url=" + e.install_url +
                                         "\": the URL contains a quote or a line break");
  // Package managers of a fresh VM may be busy (unattended upgrades, a slow mirror):
  // each step is tried a few times before the instance gives up (and is replaced).
  return "#!/bin/sh\n"
         "# spotrunner: the Docker Engine for the manager's jobs, installed only when the image has none.\n"
         "user='" + ssh_user + "'\n"
         "install_url='" + e.install_url + "'\n"
         "log() { echo \"spotrunner-engine: $*\" >&2; }\n"
         "retry() { n=0; until \"$@\"; do n=$((n + 1)); [ \"$n\" -ge 5 ] && return 1; sleep 5; done; }\n"
         "fetch() { curl -fsSL \"$install_url\" -o \"$1\" 2>/dev/null || wget -qO \"$1\" \"$install_url\"; }\n"
         "if ! command -v dockerd >/dev/null 2>&1; then\n"
         "  if [ -n \"$install_url\" ]; then\n"
         "    log \"installing the Engine with $install_url\"\n"
         "    script=$(mktemp)\n"
         "    if ! retry fetch \"$script\" || ! sh \"$script\"; then log \"$install_url failed\"; exit 1; fi\n"
         "  elif command -v apt-get >/dev/null 2>&1; then\n"
         "    export DEBIAN_FRONTEND=noninteractive\n"
         "    if ! retry apt-get -q -o DPkg::Lock::Timeout=300 update ||\n"
         "      ! retry apt-get -q -y -o DPkg::Lock::Timeout=300 install docker.io; then\n"
         "      log 'apt-get install docker.io failed'; exit 1\n"
         "    fi\n"
         "  elif command -v dnf >/dev/null 2>&1; then\n"
         "    retry dnf -q -y install docker || { log 'dnf install docker failed'; exit 1; }\n"
         "  else\n"
         "    log 'no Docker Engine, and neither apt-get nor dnf to install one'; exit 1\n"
         "  fi\n"
         "fi\n"
         "getent group docker >/dev/null 2>&1 || groupadd --system docker\n"
         "usermod -aG docker \"$user\" || log \"cannot add $user to group docker\"\n"
         "if [ -d /run/systemd/system ]; then\n"
         "  systemctl daemon-reload\n"
         "  systemctl enable docker.service >/dev/null 2>&1\n"
         "  systemctl restart docker.service || { log 'docker.service did not start'; exit 1; }\n"
         "else\n"
         "  service docker restart || { log 'docker did not start'; exit 1; }\n"
         "fi\n";
}

util::Result<std::string> EngineCloudConfig(const EngineOptions& e, const std::string& ssh_user) {
  auto script = EngineScript(e, ssh_user);
  if (!script.ok()) return script.status();
  auto daemon_json = DaemonJson(e);
  if (!daemon_json.ok()) return daemon_json.status();
  std::string out = "#cloud-config\nwrite_files:\n";
  if (!daemon_json->empty()) out += WriteFile("/etc/docker/daemon.json", "0644", *daemon_json);
  if (std::string env = EnvDropIn(e); !env.empty()) out += WriteFile(kEngineDropInPath, "0644", env);
  out += WriteFile(kEngineScriptPath, "0755", *script);
  out += "runcmd:\n  - [" + std::string(kEngineScriptPath) + "]\n";
  return out;
}

}  // namespace cloud::aws
