#include "gitlab/job_payload_parse.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace gitlab {
namespace {

using nlohmann::json;

// Thrown inside this file only, caught in ParseJobPayload.
struct FieldError {
  std::string path;
  std::string what;
};

// A JSON value together with its path in the payload, for error messages.
class Node {
 public:
  Node(const json* value, std::string path) : v_(value), path_(std::move(path)) {}

  // Null or absent.
  bool absent() const { return v_ == nullptr || v_->is_null(); }
  const json& value() const { return *v_; }
  const std::string& path() const { return path_; }

  Node operator[](const char* key) const {
    std::string child = path_.empty() ? key : path_ + "." + key;
    if (absent()) return Node(nullptr, std::move(child));
    if (!v_->is_object()) Fail("expected object");
    auto it = v_->find(key);
    return Node(it == v_->end() ? nullptr : &*it, std::move(child));
  }

  [[noreturn]] void Fail(const std::string& expected) const {
    throw FieldError{path_, expected + ", got " + v_->type_name()};
  }
  [[noreturn]] void Missing() const { throw FieldError{path_, "missing"}; }

  Node& Required() {
    if (absent()) Missing();
    return *this;
  }

  void ExpectObject() const {
    if (!absent() && !v_->is_object()) Fail("expected object");
  }

  std::string Str() const {
    if (absent()) return "";
    if (!v_->is_string()) Fail("expected string");
    return v_->get<std::string>();
  }

  // A string, or an integer kept as its decimal digits (executor_opts users).
  std::string StrOrInt() const {
    if (!absent() && (v_->is_number_integer() || v_->is_number_unsigned())) return v_->dump();
    return Str();
  }

  int64_t Int() const {
    if (absent()) return 0;
    if (v_->is_number_integer()) return v_->get<int64_t>();
    if (v_->is_number_unsigned()) return static_cast<int64_t>(v_->get<uint64_t>());
    if (v_->is_number_float()) {
      double d = v_->get<double>();
      if (std::isfinite(d) && std::fabs(d) < 9.0e18) return static_cast<int64_t>(d);
    }
    Fail("expected integer");
  }

  double Float() const {
    if (absent()) return 0;
    if (!v_->is_number()) Fail("expected number");
    return v_->get<double>();
  }

  bool Bool() const {
    if (absent()) return false;
    if (!v_->is_boolean()) Fail("expected boolean");
    return v_->get<bool>();
  }

  // Calls fn(Node) for each non-null element of an array (absent: none).
  template <typename Fn>
  void Each(Fn&& fn) const {
    if (absent()) return;
    if (!v_->is_array()) Fail("expected array");
    for (size_t i = 0; i < v_->size(); ++i) {
      const json& e = (*v_)[i];
      if (e.is_null()) continue;
      fn(Node(&e, path_ + "[" + std::to_string(i) + "]"));
    }
  }

  // An array of strings; a lone string is taken as a one-element list.
  std::vector<std::string> Strings() const {
    std::vector<std::string> out;
    if (!absent() && v_->is_string()) {
      out.push_back(v_->get<std::string>());
      return out;
    }
    Each([&](const Node& n) { out.push_back(n.Str()); });
    return out;
  }

 private:
  const json* v_;
  std::string path_;
};

JobVariable ParseVariable(const Node& n) {
  n.ExpectObject();
  JobVariable v;
  v.key = n["key"].Str();
  v.value = n["value"].Str();
  v.is_public = n["public"].Bool();
  v.masked = n["masked"].Bool();
  v.file = n["file"].Bool();
  v.raw = n["raw"].Bool();
  return v;
}

std::vector<JobVariable> ParseVariables(const Node& n) {
  std::vector<JobVariable> out;
  n.Each([&](const Node& e) { out.push_back(ParseVariable(e)); });
  return out;
}

Image ParseImage(const Node& n) {
  n.ExpectObject();
  Image img;
  img.name = n["name"].Str();
  img.alias = n["alias"].Str();
  if (!n["entrypoint"].absent()) img.entrypoint = n["entrypoint"].Strings();
  if (!n["command"].absent()) img.command = n["command"].Strings();
  n["ports"].Each([&](const Node& p) {
    p.ExpectObject();
    ImagePort port;
    port.number = static_cast<int>(p["number"].Int());
    port.protocol = p["protocol"].Str();
    port.name = p["name"].Str();
    img.ports.push_back(std::move(port));
  });
  img.variables = ParseVariables(n["variables"]);
  img.pull_policy = n["pull_policy"].Strings();
  Node opts = n["executor_opts"];
  opts.ExpectObject();
  Node docker = opts["docker"];
  docker.ExpectObject();
  if (!docker.absent()) {
    for (const auto& [key, value] : docker.value().items()) {
      if (key == "platform") {
        img.docker_platform = docker["platform"].Str();
      } else if (key == "user") {
        img.docker_user = docker["user"].StrOrInt();
      } else {
        img.unsupported_docker_opts.push_back(key);
      }
    }
  }
  Node kubernetes = opts["kubernetes"];
  kubernetes.ExpectObject();
  img.kubernetes_user = kubernetes["user"].StrOrInt();
  return img;
}

JobInfo ParseJobInfo(const Node& n) {
  n.ExpectObject();
  JobInfo j;
  j.id = n["id"].Int();
  j.name = n["name"].Str();
  j.stage = n["stage"].Str();
  j.pipeline_id = n["pipeline_id"].Int();
  j.project_id = n["project_id"].Int();
  j.project_name = n["project_name"].Str();
  j.project_full_path = n["project_full_path"].Str();
  j.time_in_queue_seconds = n["time_in_queue_seconds"].Float();
  return j;
}

GitInfo ParseGitInfo(const Node& n) {
  n.ExpectObject();
  GitInfo g;
  g.repo_url = n["repo_url"].Required().Str();
  g.ref = n["ref"].Required().Str();
  g.sha = n["sha"].Required().Str();
  g.before_sha = n["before_sha"].Str();
  g.ref_type = n["ref_type"].Str();
  g.refspecs = n["refspecs"].Strings();
  g.depth = static_cast<int>(n["depth"].Int());
  g.repo_object_format = n["repo_object_format"].Str();
  return g;
}

Step ParseStep(const Node& n) {
  n.ExpectObject();
  Step s;
  s.name = n["name"].Str();
  s.script = n["script"].Strings();
  s.timeout = n["timeout"].Int();
  s.when = n["when"].Str();
  s.allow_failure = n["allow_failure"].Bool();
  return s;
}

Artifact ParseArtifact(const Node& n) {
  n.ExpectObject();
  Artifact a;
  a.name = n["name"].Str();
  a.untracked = n["untracked"].Bool();
  a.paths = n["paths"].Strings();
  a.exclude = n["exclude"].Strings();
  a.when = n["when"].Str();
  a.expire_in = n["expire_in"].Str();
  a.artifact_type = n["artifact_type"].Str();
  a.artifact_format = n["artifact_format"].Str();
  return a;
}

Cache ParseCache(const Node& n) {
  n.ExpectObject();
  Cache c;
  c.key = n["key"].Str();
  c.untracked = n["untracked"].Bool();
  c.paths = n["paths"].Strings();
  c.policy = n["policy"].Str();
  c.when = n["when"].Str();
  c.fallback_keys = n["fallback_keys"].Strings();
  return c;
}

Credential ParseCredential(const Node& n) {
  n.ExpectObject();
  return Credential{n["type"].Str(), n["url"].Str(), n["username"].Str(), n["password"].Str()};
}

Dependency ParseDependency(const Node& n) {
  n.ExpectObject();
  Dependency d;
  d.id = n["id"].Int();
  d.name = n["name"].Str();
  d.token = n["token"].Str();
  Node file = n["artifacts_file"];
  file.ExpectObject();
  d.artifacts_filename = file["filename"].Str();
  d.artifacts_size = file["size"].Int();
  return d;
}

JobPayload ParseRoot(const Node& root) {
  if (root.absent() || !root.value().is_object()) {
    throw FieldError{"", std::string("expected object, got ") + root.value().type_name()};
  }
  JobPayload p;
  p.id = root["id"].Required().Int();
  p.token = root["token"].Required().Str();
  p.allow_git_fetch = root["allow_git_fetch"].Bool();
  p.job_info = ParseJobInfo(root["job_info"]);
  p.git_info = ParseGitInfo(root["git_info"]);
  Node runner_info = root["runner_info"];
  runner_info.ExpectObject();
  p.runner_info.timeout = runner_info["timeout"].Required().Int();
  p.variables = ParseVariables(root["variables"].Required());

  Node run = root["run"];
  if (!run.absent()) p.run = run.value().is_string() ? run.Str() : run.value().dump();
  Node steps = root["steps"];
  if (run.absent()) steps.Required();
  steps.Each([&](const Node& n) { p.steps.push_back(ParseStep(n)); });
  root["hooks"].Each([&](const Node& n) {
    n.ExpectObject();
    p.hooks.push_back(Hook{n["name"].Str(), n["script"].Strings()});
  });
  if (!root["image"].absent()) p.image = ParseImage(root["image"]);
  root["services"].Each([&](const Node& n) { p.services.push_back(ParseImage(n)); });
  root["artifacts"].Each([&](const Node& n) { p.artifacts.push_back(ParseArtifact(n)); });
  root["cache"].Each([&](const Node& n) { p.cache.push_back(ParseCache(n)); });
  root["credentials"].Each([&](const Node& n) { p.credentials.push_back(ParseCredential(n)); });
  root["dependencies"].Each([&](const Node& n) { p.dependencies.push_back(ParseDependency(n)); });
  Node features = root["features"];
  features.ExpectObject();
  p.features.trace_sections = features["trace_sections"].Bool();
  p.features.failure_reasons = features["failure_reasons"].Strings();
  p.features.token_mask_prefixes = features["token_mask_prefixes"].Strings();
  return p;
}

}  // namespace

util::Result<JobPayload> ParseJobPayload(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return util::Status::InvalidArgument("job payload: not valid JSON");
  try {
    return ParseRoot(Node(&doc, ""));
  } catch (const FieldError& e) {
    if (e.path.empty()) return util::Status::InvalidArgument("job payload: " + e.what);
    return util::Status::InvalidArgument("job payload: field \"" + e.path + "\": " + e.what);
  }
}

}  // namespace gitlab
