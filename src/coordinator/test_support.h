#pragma once
// Test fixture for the coordinator's HTTP tests: a Coordinator + Server on 127.0.0.1
// (port 0) and a cpp-httplib client that speaks like gitlab-runner 19.4.0.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "coordinator/coordinator.h"
#include "coordinator/server.h"

namespace coordinator::testing {

using nlohmann::json;

inline constexpr char kRegistrationToken[] = "GR1348941registration-token-1";
inline constexpr char kRequestId[] = "0123456789abcdef0123456789abcdef";
inline constexpr char kUserAgent[] = "gitlab-runner 19.4.0 (main; go1.24.4; linux/amd64)";

// The features a 19.4 docker runner advertises, with some switched off/on by the test.
inline json Features(const json& overrides = json::object()) {
  json f = {{"variables", true},     {"image", true},         {"services", true},
            {"artifacts", true},     {"cache", true},         {"shared", false},
            {"upload_multiple_artifacts", true}, {"upload_raw_artifacts", true},
            {"refspecs", true},      {"masking", true},       {"raw_variables", true},
            {"artifacts_exclude", true}, {"multi_build_steps", true}, {"trace_reset", true},
            {"trace_checksum", true}, {"trace_size", true},   {"vault_secrets", false},
            {"cancelable", true},    {"return_exit_code", true}, {"cancel_gracefully", true},
            {"two_phase_job_commit", false}, {"fallback_cache_keys", true}};
  for (const auto& [k, v] : overrides.items()) f[k] = v;
  return f;
}

class CoordinatorHttpTest : public ::testing::Test {
 protected:
  static CoordinatorOptions DefaultOptions() {
    CoordinatorOptions o;
    o.registration_token = kRegistrationToken;
    o.seed = 42;
    return o;
  }

  void Start(CoordinatorOptions o = DefaultOptions()) {
    coord_ = std::make_unique<Coordinator>(o);
    server_ = std::make_unique<Server>(*coord_);
    auto port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }
  void SetUp() override { Start(); }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  std::unique_ptr<httplib::Client> Client() {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(30, 0);
    return c;
  }
  static httplib::Headers RunnerHeaders(const std::string& token = "") {
    httplib::Headers h = {{"User-Agent", kUserAgent}, {"X-Request-Id", kRequestId}, {"Accept", "application/json"}};
    if (!token.empty()) h.emplace("RUNNER-TOKEN", token);
    return h;
  }
  static httplib::Headers JobHeaders(const std::string& token) {
    return {{"User-Agent", kUserAgent}, {"X-Request-Id", kRequestId}, {"JOB-TOKEN", token}};
  }
  httplib::Result Post(const std::string& path, const json& body, const httplib::Headers& h = RunnerHeaders()) {
    return Client()->Post(path.c_str(), h, body.dump(), "application/json");
  }
  httplib::Result Delete(const std::string& path, const json& body) {
    return Client()->Delete(path.c_str(), RunnerHeaders(), body.dump(), "application/json");
  }

  // Registers a runner with the legacy registration token; returns its token.
  std::string RegisterRunner(const std::string& tags = "", bool run_untagged = true) {
    json body = {{"token", kRegistrationToken}, {"description", "test runner"}, {"tag_list", tags},
                 {"run_untagged", run_untagged}, {"locked", true}, {"paused", false}};
    auto r = Post("/api/v4/runners", body);
    EXPECT_TRUE(r && r->status == 201);
    return r ? json::parse(r->body).value("token", "") : "";
  }
  static json RequestBody(const std::string& token, const json& features = Features(),
                          const std::string& last_update = "") {
    json b = {{"token", token},
              {"system_id", "s_0123456789ab"},
              {"info", {{"name", "gitlab-runner"}, {"version", "19.4.0"}, {"executor", "docker"}, {"features", features}}}};
    if (!last_update.empty()) b["last_update"] = last_update;
    return b;
  }
  httplib::Result RequestJob(const std::string& token, const json& features = Features(),
                             const std::string& last_update = "") {
    return Post("/api/v4/jobs/request", RequestBody(token, features, last_update), RunnerHeaders(token));
  }
  // Requests a job and expects a 201; returns the payload.
  json TakeJob(const std::string& token, const json& features = Features()) {
    auto r = RequestJob(token, features);
    EXPECT_TRUE(r && r->status == 201) << (r ? r->status : -1);
    return r && r->status == 201 ? json::parse(r->body) : json();
  }
  int64_t Enqueue(const json& spec) {
    auto parsed = ParseJobSpec(spec);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    auto id = coord_->EnqueueJob(*parsed);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  httplib::Result Put(int64_t id, const std::string& token, const json& body) {
    json b = body;
    if (!b.contains("token")) b["token"] = token;
    return Client()->Put(("/api/v4/jobs/" + std::to_string(id)).c_str(), JobHeaders(token), b.dump(),
                         "application/json");
  }
  httplib::Result Patch(int64_t id, const std::string& token, const std::string& range, const std::string& body,
                        const std::string& query = "?debug_trace=false") {
    httplib::Headers h = JobHeaders(token);
    if (!range.empty()) h.emplace("Content-Range", range);
    return Client()->Patch(("/api/v4/jobs/" + std::to_string(id) + "/trace" + query).c_str(), h, body,
                           "text/plain");
  }
  JobRecord Job(int64_t id) {
    auto j = coord_->GetJob(id);
    EXPECT_TRUE(j.ok());
    return j.ok() ? *j : JobRecord{};
  }

  std::unique_ptr<Coordinator> coord_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

}  // namespace coordinator::testing
