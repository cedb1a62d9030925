#pragma once
// What integration tests ask the host directly: a shell command's output, the network
// namespaces of a local fleet, and a bounded wait for a condition.
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace itest {

// The docker.io mirror scripts/services.sh serves on this host (a registry on a dummy
// interface, reached from instances through their bridge): an instance's own Engine is
// empty, as on a fresh VM, and pulls alpine:latest through it.
inline constexpr char kInstanceMirror[] = "10.254.254.1:5000";
// The same as docker+machine MachineOptions and as a local fleet's `docker_engine` table.
inline std::string MirrorMachineOptions() {
  return std::string("\"engine-registry-mirror=http://") + kInstanceMirror + "\", \"engine-insecure-registry=" +
         kInstanceMirror + "\"";
}
inline std::string MirrorEngineTable(const std::string& table) {
  return "      [" + table + "]\n"
         "        registry-mirrors = [\"http://" + kInstanceMirror + "\"]\n"
         "        insecure-registries = [\"" + kInstanceMirror + "\"]\n";
}

// The standard output of `cmd` run by /bin/sh ("" when it cannot start).
inline std::string Sh(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  for (size_t n; p && (n = fread(buf, 1, sizeof buf, p.get())) > 0;) out.append(buf, n);
  return out;
}

// How many network namespaces of the local fleet `fleet` exist on the host.
inline int Namespaces(const std::string& fleet) {
  const std::string out = Sh("ip netns list"), prefix = "sr-" + fleet + "-";
  int n = 0;
  for (size_t i = out.find(prefix); i != std::string::npos; i = out.find(prefix, i + 1)) ++n;
  return n;
}

// The names of the local fleet `fleet`'s network namespaces, sorted: "sr-<fleet>-<n>", or
// "sr-<fleet>-<m>-<n>" for a manager's fleet (<m>: a hash of its system_id).
inline std::vector<std::string> FleetNamespaceNames(const std::string& fleet) {
  std::vector<std::string> out;
  std::istringstream in(Sh("ip netns list"));
  for (std::string line; std::getline(in, line);) {
    std::string name = line.substr(0, line.find(' '));
    if (name.rfind("sr-" + fleet + "-", 0) == 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Polls `pred` every 100 ms for at most `limit`; its last answer.
inline bool WaitUntil(const std::function<bool()>& pred, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

}  // namespace itest
