#include "executor/docker/docker_executor.h"

#include <unistd.h>

#include <random>

#include "executor/docker/abort_handle.h"
#include "executor/docker/cancel_watcher.h"
#include "executor/docker/image_pull.h"
#include "executor/docker/image_ref.h"
#include "executor/docker/labels.h"
#include "executor/docker/multiplexed_stream.h"
#include "executor/docker/pull_policy.h"
#include "executor/docker/resource_units.h"
#include "executor/docker/tar_builder.h"

namespace executor::docker {
namespace {

constexpr char kScriptDir[] = ".spotrunner";  // under "/" of each container

// Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*.
std::string Sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-') ? c : '-';
  return out.empty() ? "x" : out;
}

std::string RandomHex(size_t n) {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kHex[rd() & 15];
  return out;
}

util::Status CancelledStatus(const util::CancelToken& cancel) {
  std::string reason = cancel.reason();
  return util::Status::Cancelled(reason.empty() ? "job cancelled" : "job cancelled: " + reason);
}

bool IsNotFound(const util::Status& s) { return s.code() == util::Status::Code::kNotFound; }

}  // namespace

DockerExecutor::DockerExecutor(const config::RunnerConfig& cfg, std::unique_ptr<util::StreamDialer> dialer)
    : cfg_(cfg), dialer_(std::move(dialer)), engine_(*dialer_), instance_(RandomHex(10)) {
  labels_[labels::kManaged] = "true";
  labels_[labels::kInstance] = instance_;
  labels_[labels::kPid] = std::to_string(getpid());
}

DockerExecutor::~DockerExecutor() { Cleanup(); }

std::string DockerExecutor::BuildsRoot() const { return cfg_.builds_dir.empty() ? "/builds" : cfg_.builds_dir; }

util::Status DockerExecutor::Prepare(const PrepareRequest& req, OutputSink& out, const util::CancelToken& cancel) {
  prep_ = req;
  labels_[labels::kShortToken] = req.runner_short_token;
  labels_[labels::kJobId] = std::to_string(req.job_id);
  labels_[labels::kProjectId] = std::to_string(req.project_id);
  labels_[labels::kConcurrentId] = std::to_string(req.concurrent_id);

  std::string image = req.image.name.empty() ? cfg_.docker.image : req.image.name;
  if (image.empty()) {
    return util::Status::InvalidArgument(
        "no image to run the job in: the job has no image and [runners.docker] image is not set");
  }
  out.Write("Using Docker executor with image " + image + " ...\n");
  if (util::Status s = engine_.Ping(); !s.ok()) {
    return util::Status::Unavailable("Cannot connect to the Docker daemon: " + s.message());
  }
  auto policies = ResolvePullPolicies(cfg_.docker, req.image.pull_policy);
  if (!policies.ok()) return policies.status().WithContext("failed to pull image \"" + image + "\"");

  AbortHandle abort;
  CancelWatcher watcher(cancel, [&abort] { abort.Abort(); });

  ImagePullRequest pull{image, *policies, "", req.image.platform};
  if (auto ref = ParseImageRef(image); ref.ok()) {
    if (auto cred = FindCredentials(req.registry_auth, ref->registry)) {
      pull.registry_auth = RegistryAuthHeader(cred->first, cred->second, ref->registry);
    }
  }
  auto job_image = EnsureImage(engine_, pull, out, &abort);
  if (cancel.cancelled()) return CancelledStatus(cancel);
  if (!job_image.ok()) return job_image.status();
  job_image_ = *job_image;

  std::string helper = cfg_.docker.helper_image.empty() ? kDefaultHelperImage : cfg_.docker.helper_image;
  class Quiet final : public OutputSink {
   public:
    void Write(std::string_view) override {}
  } quiet;
  auto helper_image = EnsureImage(engine_, ImagePullRequest{helper, {PullPolicy::kIfNotPresent}, "", ""}, quiet, &abort);
  if (cancel.cancelled()) return CancelledStatus(cancel);
  if (!helper_image.ok()) return helper_image.status().WithContext("helper image");
  helper_image_ = *helper_image;

  SR_RETURN_IF_ERROR(CreateVolumes());
  if (cancel.cancelled()) return CancelledStatus(cancel);
  SR_RETURN_IF_ERROR(DetectShell());
  prepared_ = true;
  return util::Status::Ok();
}

util::Status DockerExecutor::CreateVolumes() {
  const std::string base = "spotrunner-" + Sanitize(prep_.runner_short_token) + "-" +
                           std::to_string(prep_.job_id) + "-" + instance_;
  std::set<std::string> mounted;
  auto add = [&](const std::string& suffix, const std::string& path) -> util::Status {
    if (!mounted.insert(path).second) return util::Status::Ok();
    Labels l = labels_;
    l[labels::kRole] = "volume";
    auto name = engine_.CreateVolume(base + "-" + suffix, l);
    if (!name.ok()) return name.status();
    volumes_.push_back(*name);
    binds_.push_back(*name + ":" + path);
    return util::Status::Ok();
  };
  SR_RETURN_IF_ERROR(add("builds", BuildsRoot()));
  if (!cfg_.docker.disable_cache) SR_RETURN_IF_ERROR(add("cache", cfg_.cache_dir.empty() ? "/cache" : cfg_.cache_dir));
  int n = 0;
  for (const std::string& v : cfg_.docker.volumes) {
    if (v.find(':') != std::string::npos) {
      binds_.push_back(v);  // "/host:/ctr[:mode]" or "named:/ctr"
    } else {
      SR_RETURN_IF_ERROR(add("vol" + std::to_string(n++), v));
    }
  }
  return util::Status::Ok();
}

util::Status DockerExecutor::DetectShell() {
  if (cfg_.shell == "sh") {
    shell_ = "sh";
    return util::Status::Ok();
  }
  ContainerSpec probe;
  probe.name = "spotrunner-" + Sanitize(prep_.runner_short_token) + "-" + std::to_string(prep_.job_id) + "-" +
               instance_ + "-probe";
  probe.image = job_image_;
  probe.cmd = {"true"};
  probe.labels = labels_;
  probe.labels[labels::kRole] = "probe";
  probe.network_mode = "none";
  auto id = engine_.CreateContainer(probe);
  if (!id.ok()) return id.status().WithContext("detecting the shell of the job image");
  containers_.insert(*id);
  auto bash = engine_.PathExists(*id, "/bin/bash");
  RemoveContainer(*id);
  if (!bash.ok()) return bash.status().WithContext("detecting the shell of the job image");
  shell_ = *bash ? "bash" : "sh";
  return util::Status::Ok();
}

util::Result<ContainerSpec> DockerExecutor::SpecFor(const RunRequest& req, const std::string& name) {
  const config::DockerConfig& d = cfg_.docker;
  ContainerSpec s;
  s.name = name;
  s.labels = Labels(d.container_labels.begin(), d.container_labels.end());
  for (const auto& [k, v] : labels_) s.labels[k] = v;
  s.labels[labels::kStage] = req.stage;
  s.labels[labels::kRole] = req.user_script ? "build" : "helper";
  s.binds = binds_;
  s.network_mode = d.network_mode;
  s.working_dir = BuildsRoot();
  s.dns = d.dns;
  s.extra_hosts = d.extra_hosts;
  if (!req.user_script) {
    s.image = helper_image_;
    return s;
  }
  s.image = job_image_;
  if (!d.disable_entrypoint_overwrite && prep_.image.entrypoint) s.entrypoint = *prep_.image.entrypoint;
  s.user = prep_.image.user.empty() ? d.user : prep_.image.user;
  s.privileged = d.privileged;
  s.cap_add = d.cap_add;
  s.cap_drop = d.cap_drop;
  s.security_opt = d.security_opt;
  s.devices = d.devices;
  s.shm_size = d.shm_size;
  auto memory = ParseMemoryBytes(d.memory);
  if (!memory.ok()) return memory.status().WithContext("[runners.docker] memory");
  s.memory_bytes = *memory;
  auto cpus = ParseNanoCpus(d.cpus);
  if (!cpus.ok()) return cpus.status().WithContext("[runners.docker] cpus");
  s.nano_cpus = *cpus;
  return s;
}

util::Result<int> DockerExecutor::Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) {
  if (!prepared_) return util::Status::FailedPrecondition("docker executor: Run before a successful Prepare");
  if (cancel.cancelled()) return CancelledStatus(cancel);
  const int n = ++runs_;
  const std::string stage = Sanitize(req.stage) + "-" + std::to_string(n);
  const std::string file = std::string(kScriptDir) + "/" + stage + ".sh";
  auto spec = SpecFor(req, "spotrunner-" + Sanitize(prep_.runner_short_token) + "-" + std::to_string(prep_.job_id) +
                               "-" + instance_ + "-" + stage);
  if (!spec.ok()) return spec.status();
  spec->cmd = {shell_, "/" + file};
  auto tar = BuildTar({{kScriptDir, "", 0755, true}, {file, req.script, 0644, false}});
  if (!tar.ok()) return tar.status();

  auto id = engine_.CreateContainer(*spec);
  if (!id.ok()) return id.status();
  containers_.insert(*id);
  util::Result<int> result = util::Status::Internal("not run");
  if (util::Status s = engine_.PutArchive(*id, "/", *tar); !s.ok()) {
    result = s.WithContext("copying the " + req.stage + " script into the container");
  } else {
    result = RunContainer(*id, out, cancel);
  }
  RemoveContainer(*id);
  return result;
}

util::Result<int> DockerExecutor::RunContainer(const std::string& id, OutputSink& out, const util::CancelToken& cancel) {
  auto attach = engine_.Attach(id);  // before start: no output can be missed
  if (!attach.ok()) return attach.status();
  AbortHandle abort;
  AbortHandle::Registration reg(&abort, attach->get());
  CancelWatcher watcher(cancel, [this, &abort, &id] {
    abort.Abort();
    (void)engine_.KillContainer(id);
  });
  if (util::Status s = engine_.StartContainer(id); !s.ok()) {
    if (cancel.cancelled()) return CancelledStatus(cancel);
    return s;
  }
  if (cancel.cancelled()) (void)engine_.KillContainer(id);  // the watcher may have been early

  FrameDecoder decoder([&out](StreamKind, std::string_view bytes) { out.Write(bytes); });
  util::Status read = (*attach)->ReadBody([&decoder](std::string_view bytes) {
    decoder.Feed(bytes);
    return true;
  });
  auto code = engine_.WaitContainer(id, &abort);
  if (cancel.cancelled()) return CancelledStatus(cancel);
  if (!read.ok()) return read.WithContext("streaming the container's output");
  return code;
}

void DockerExecutor::RemoveContainer(const std::string& id) {
  util::Status s = engine_.RemoveContainer(id);
  if (s.ok() || IsNotFound(s)) containers_.erase(id);
}

void DockerExecutor::Cleanup() {
  bool touched = !containers_.empty() || !volumes_.empty() || labels_.count(labels::kJobId);
  if (!touched) return;
  for (const std::string& id : std::set<std::string>(containers_)) RemoveContainer(id);
  std::vector<std::string> mine = {std::string(labels::kManaged) + "=true",
                                   std::string(labels::kInstance) + "=" + instance_};
  if (auto left = engine_.ListContainers(mine); left.ok()) {
    for (const ContainerSummary& c : *left) RemoveContainer(c.id);
  }
  for (const std::string& v : volumes_) (void)engine_.RemoveVolume(v);
  volumes_.clear();
  if (auto left = engine_.ListVolumes(mine); left.ok()) {
    for (const VolumeSummary& v : *left) (void)engine_.RemoveVolume(v.name);
  }
  binds_.clear();
  containers_.clear();
  prepared_ = false;
  labels_.erase(labels::kJobId);
}

}  // namespace executor::docker
