#pragma once
// Test helpers: an Emulator on a ManualClock with in-memory instances, a way to call an
// action with a parameter list and read the XML answer, and a small request signer.
#include <gtest/gtest.h>

#include <initializer_list>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ec2emulator/emulator.h"
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
