#pragma once
// Test helpers: an Emulator on a ManualClock with in-memory instances, a way to call an
// action with a parameter list and read the XML answer, a small request signer, and the
// host side of real-mode tests (shell, curl inside a namespace, a namespace of their own).
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <initializer_list>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ec2emulator/emulator.h"
#include "ec2emulator/imds_netns_server.h"
#include "ec2emulator/runtime.h"
#include "ec2emulator/sigv4_verifier.h"
#include "util/testing/test_util.h"

namespace ec2emulator::testing {

using Params = std::vector<std::pair<std::string, std::string>>;

struct Answer {
  int status = 0;
  std::string body;
  pugi::xml_document doc;
  pugi::xml_node root() const { return doc.first_child(); }
  // Text of the first element at this path of names below the root ("instancesSet/item/instanceId").
  std::string Text(const std::string& path) const { return root().first_element_by_path(path.c_str()).text().get(); }
  std::string ErrorCode() const {
    pugi::xml_node r = root();
    if (std::string(r.name()) == "Response") return r.first_element_by_path("Errors/Error/Code").text().get();
    return r.first_element_by_path("Error/Code").text().get();
  }
};

inline util::Time TestStart() { return util::Time(std::chrono::seconds(1764316800)); }  // 2025-11-28T08:00:00Z

class Harness {
 public:
  explicit Harness(EmulatorOptions o = {})
      : clock(TestStart()), emulator(clock, std::move(o)), runtime(emulator, backend) {}

  Answer Ec2(const std::string& action, const Params& params = {}) { return Call(action, "2016-11-15", params, false); }
  Answer Asg(const std::string& action, const Params& params = {}) { return Call(action, "2011-01-01", params, true); }

  // Moves time forward and lets the runtime carry out the work, twice (launch, then boot).
  void Advance(util::Duration d) {
    runtime.Step();
    clock.Advance(d);
    runtime.Step();
  }

  util::ManualClock clock;
  Emulator emulator;
  MemoryBackend backend;
  Runtime runtime;

 private:
  Answer Call(const std::string& action, const std::string& version, const Params& params, bool asg) {
    QueryParams p;
    p.Set("Action", action);
    p.Set("Version", version);
    for (const auto& [k, v] : params) p.Set(k, v);
    HttpReply r = asg ? emulator.AutoScaling(p) : emulator.Ec2(p);
    Answer a;
    a.status = r.status;
    a.body = r.body;
    EXPECT_TRUE(a.doc.load_string(r.body.c_str())) << r.body;
    return a;
  }
};

// Launches one spot instance on `h`; returns its id.
inline std::string RunSpotInstance(Harness& h) {
  return h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"},
                                {"MinCount", "1"},
                                {"MaxCount", "1"},
                                {"InstanceMarketOptions.MarketType", "spot"}})
      .Text("instancesSet/item/instanceId");
}

// Runs `cmd` with sh on this host; returns its standard output.
inline std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 1024> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

// curl with `args` inside network namespace `netns` (5 s at most), as software on an
// instance runs it; returns the body (or what -w asks for).
inline std::string CurlIn(const std::string& netns, const std::string& args) {
  return Shell("ip netns exec " + netns + " curl -s -m 5 " + args);
}

// A network namespace of the test's own, removed at the end (root is required).
class ScopedNetns {
 public:
  explicit ScopedNetns(const std::string& tag) : name_("sr-ec2emu-" + tag + "-" + std::to_string(getpid())) {
    ok_ = RunIp({"netns", "add", name_}) == 0;
  }
  ~ScopedNetns() { RunIp({"netns", "del", name_}); }
  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;
  const std::string& name() const { return name_; }
  bool ok() const { return ok_; }

 private:
  std::string name_;
  bool ok_ = false;
};

// Signs a form POST to `host` the SigV4 way (content-type;host;x-amz-date).
inline std::string SignForm(const std::string& host, const std::string& body, const std::string& amz_date,
                            const std::string& service, const SigV4Credentials& c,
                            const std::string& region = "us-east-1") {
  ReceivedRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers = {
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Host", host}, {"X-Amz-Date", amz_date}};
  r.body = body;
  const std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date"};
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  const std::string sig = Signature(c.secret_access_key, date, region, service,
                                    StringToSign(amz_date, scope, CanonicalRequest(r, signed_headers)));
  return "AWS4-HMAC-SHA256 Credential=" + c.access_key_id + "/" + scope +
         ", SignedHeaders=content-type;host;x-amz-date, Signature=" + sig;
}

}  // namespace ec2emulator::testing
