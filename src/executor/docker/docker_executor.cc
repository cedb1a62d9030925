#include "executor/docker/docker_executor.h"

#include <unistd.h>

#include <cstdlib>

#include "executor/docker/abort_handle.h"
#include "executor/docker/allow_list.h"
#include "executor/docker/cache_volume.h"
#include "executor/docker/cancel_watcher.h"
#include "executor/docker/container_settings.h"
#include "executor/docker/image_pull.h"
#include "executor/docker/image_ref.h"
#include "executor/docker/labels.h"
#include "executor/docker/pull_policy.h"
#include "util/random_hex.h"

namespace executor::docker {
namespace {

// Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*.
std::string Sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-') ? c : '-';
  return out.empty() ? "x" : out;
}

// Whether a container user ("name", "uid", "name:group", "uid:gid", "" = the image's
// default, which the engine runs as root unless the image says otherwise) is root.
bool IsRootUser(const std::string& user) {
  std::string name = user.substr(0, user.find(':'));
  return name.empty() || name == "root" || name == "0";
}

util::Status CancelledStatus(const util::CancelToken& cancel) {
  std::string reason = cancel.reason();
  return util::Status::Cancelled(reason.empty() ? "job cancelled" : "job cancelled: " + reason);
}

bool IsNotFound(const util::Status& s) { return s.code() == util::Status::Code::kNotFound; }

}  // namespace

DockerExecutor::DockerExecutor(const config::RunnerConfig& cfg, std::unique_ptr<util::StreamDialer> dialer)
    : cfg_(cfg), dialer_(std::move(dialer)), engine_(*dialer_), instance_(util::RandomHex(10)) {
  labels_[labels::kManaged] = "true";
  labels_[labels::kInstance] = instance_;
  labels_[labels::kPid] = std::to_string(getpid());
}

DockerExecutor::~DockerExecutor() { Cleanup(); }

util::Result<std::string> DockerExecutor::PullAuth(const std::string& image) const {
  auto ref = ParseImageRef(image);
  if (!ref.ok() || !credentials_) return std::string();  // a bad name fails in EnsureImage
  auto cred = credentials_->For(ref->registry);
  if (!cred.ok()) return cred.status();
  if (!*cred) return std::string();
  return RegistryAuthHeader((*cred)->first, (*cred)->second, ref->registry);
}

std::string DockerExecutor::BuildsRoot() const { return cfg_.builds_dir.empty() ? "/builds" : cfg_.builds_dir; }

util::Status DockerExecutor::Prepare(const PrepareRequest& req, OutputSink& out, const util::CancelToken& cancel) {
  prep_ = req;
  labels_[labels::kShortToken] = req.runner_short_token;
  if (!req.system_id.empty()) labels_[labels::kSystemId] = req.system_id;
  labels_[labels::kJobId] = std::to_string(req.job_id);
  labels_[labels::kProjectId] = std::to_string(req.project_id);
  labels_[labels::kConcurrentId] = std::to_string(req.concurrent_id);

  std::string image = req.image.name.empty() ? cfg_.docker.image : req.image.name;
  if (image.empty()) {
    return util::Status::InvalidArgument(
        "no image to run the job in: the job has no image and [runners.docker] image is not set");
  }
  SR_RETURN_IF_ERROR(CheckAllowLists(out));
  out.Write("Using Docker executor with image " + image + " ...\n");
  if (util::Status s = engine_.Ping(); !s.ok()) {
    return util::Status::Unavailable("Cannot connect to the Docker daemon: " + s.message());
  }
  auto policies = ResolvePullPolicies(cfg_.docker, req.image.pull_policy);
  if (!policies.ok()) return policies.status().WithContext("failed to pull image \"" + image + "\"");

  AbortHandle abort;
  CancelWatcher watcher(cancel, [&abort] { abort.Abort(); });

  auto credentials = RegistryCredentials::Load(req.docker_auth, RegistryCredentials::DefaultHomeConfig(getenv("HOME")),
                                               req.registry_auth);
  if (!credentials.ok()) return credentials.status();
  credentials_ = std::move(*credentials);

  ImagePullRequest pull{image, *policies, "", req.image.platform};
  auto auth = PullAuth(image);
  if (!auth.ok()) return auth.status().WithContext("failed to pull image \"" + image + "\"");
  pull.registry_auth = *auth;
  auto job_image = EnsureImage(engine_, pull, out, &abort);
  if (cancel.cancelled()) return CancelledStatus(cancel);
  if (!job_image.ok()) return job_image.status();
  job_image_ = *job_image;

  std::string helper = cfg_.docker.helper_image.empty() ? kDefaultHelperImage : cfg_.docker.helper_image;
  class Quiet final : public OutputSink {
   public:
    void Write(std::string_view) override {}
  } quiet;
  auto helper_auth = PullAuth(helper);
  if (!helper_auth.ok()) return helper_auth.status().WithContext("helper image \"" + helper + "\"");
  auto helper_image =
      EnsureImage(engine_, ImagePullRequest{helper, {PullPolicy::kIfNotPresent}, *helper_auth, ""}, quiet, &abort);
  if (cancel.cancelled()) return CancelledStatus(cancel);
  if (!helper_image.ok()) return helper_image.status().WithContext("helper image");
  helper_image_ = *helper_image;

  if (cfg_.docker.network_mode.empty() && (!req.services.empty() || req.network_per_build)) {
    SR_RETURN_IF_ERROR(CreateNetwork());
  }
  SR_RETURN_IF_ERROR(CreateVolumes());
  if (cancel.cancelled()) return CancelledStatus(cancel);
  if (util::Status s = StartServices(out, cancel, &abort); !s.ok()) {
    return cancel.cancelled() ? CancelledStatus(cancel) : s;
  }
  auto job = Session(true);
  if (!job.ok()) return job.status();
  prepared_ = true;
  return util::Status::Ok();
}

std::string DockerExecutor::BaseName() const {
  return "spotrunner-" + Sanitize(prep_.runner_short_token) + "-" + std::to_string(prep_.job_id) + "-" + instance_;
}

util::Status DockerExecutor::CreateVolumes() {
  const std::string base = BaseName();
  std::set<std::string> mounted;
  // `keep`: the project's volume for `path`, kept across jobs (cache_volume.h); else one
  // for this job alone, removed with it.
  auto add = [&](const std::string& suffix, const std::string& path, bool keep) -> util::Status {
    if (!mounted.insert(path).second) return util::Status::Ok();
    Labels l;
    std::string name;
    if (keep) {
      l = {{labels::kManaged, "true"},
           {labels::kShortToken, prep_.runner_short_token},
           {labels::kProjectId, std::to_string(prep_.project_id)},
           {labels::kConcurrentId, std::to_string(prep_.concurrent_id)},
           {labels::kRole, "cache"}};
      name = CacheVolumeName(Sanitize(prep_.runner_short_token), prep_.project_id, prep_.concurrent_id, path);
    } else {
      l = labels_;
      l[labels::kRole] = "volume";
      name = base + "-" + suffix;
    }
    auto created = engine_.CreateVolume(name, l);  // an existing volume of that name is reused
    if (!created.ok()) return created.status();
    if (!keep) volumes_.push_back(*created);
    binds_.push_back(*created + ":" + path);
    return util::Status::Ok();
  };
  const bool keep = !cfg_.docker.disable_cache;
  SR_RETURN_IF_ERROR(add("builds", BuildsRoot(), keep && prep_.keep_builds));
  if (keep) SR_RETURN_IF_ERROR(add("cache", cfg_.cache_dir.empty() ? "/cache" : cfg_.cache_dir, true));
  int n = 0;
  for (const std::string& v : cfg_.docker.volumes) {
    if (v.find(':') != std::string::npos) {
      binds_.push_back(v);  // "/host:/ctr[:mode]" or "named:/ctr"
    } else {
      SR_RETURN_IF_ERROR(add("vol" + std::to_string(n++), v, keep));
    }
  }
  return util::Status::Ok();
}

util::Result<StageSession*> DockerExecutor::Session(bool job_image) {
  std::unique_ptr<StageSession>& slot = job_image ? job_session_ : helper_session_;
  if (slot) return slot.get();  // Run drops a session that stopped being usable
  auto spec = SpecFor(job_image);
  if (!spec.ok()) return spec.status();
  auto session = StageSession::Create(engine_, *spec);
  if (!session.ok()) return session.status();
  containers_.insert((*session)->id());
  if (job_image && !job_inspected_) {  // who runs the job's scripts, and with which shell
    job_inspected_ = true;
    job_runs_as_root_ = IsRootUser(spec->user);
    if (spec->user.empty()) {
      auto info = engine_.InspectImage(job_image_);
      job_runs_as_root_ = info.ok() && IsRootUser(info->user);
    }
    if (cfg_.shell != "sh") {
      auto bash = engine_.PathExists((*session)->id(), "/bin/bash");
      if (!bash.ok()) {
        RemoveContainer((*session)->id());
        return bash.status().WithContext("detecting the shell of the job image");
      }
      shell_ = *bash ? "bash" : "sh";
    }
  }
  if (util::Status s = (*session)->Start(); !s.ok()) {
    RemoveContainer((*session)->id());
    return s;
  }
  slot = std::move(*session);
  return slot.get();
}

util::Result<ContainerSpec> DockerExecutor::SpecFor(bool job_image) {
  const config::DockerConfig& d = cfg_.docker;
  const std::string role = job_image ? "build" : "helper";
  ContainerSpec s;
  s.name = BaseName() + "-" + role + "-" + std::to_string(++containers_made_);
  s.labels = Labels(d.container_labels.begin(), d.container_labels.end());
  for (const auto& [k, v] : labels_) s.labels[k] = v;
  s.labels[labels::kRole] = role;
  s.binds = binds_;
  s.network_mode = NetworkMode();
  s.network_aliases = {s.name};
  if (job_image) s.network_aliases.insert(s.network_aliases.begin(), "build");
  s.working_dir = BuildsRoot();
  SR_RETURN_IF_ERROR(ApplyBuildSettings(d, prep_, job_image, &s));
  if (!job_image) {
    s.image = helper_image_;
    return s;
  }
  s.image = job_image_;
  if (!d.disable_entrypoint_overwrite && prep_.image.entrypoint) s.entrypoint = *prep_.image.entrypoint;
  s.user = d.user.empty() ? prep_.image.user : d.user;  // the runner's config wins (gitlab-runner)
  const std::string image_name = prep_.image.name.empty() ? d.image : prep_.image.name;
  s.privileged = d.privileged && PrivilegedAllowed(image_name, d.allowed_privileged_images);
  return s;
}

util::Result<int> DockerExecutor::Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) {
  if (!prepared_) return util::Status::FailedPrecondition("docker executor: Run before a successful Prepare");
  if (cancel.cancelled()) return CancelledStatus(cancel);
  // Runner work that needs no helper tools runs in the job's container when it runs as
  // root (a job user could not make the build directories); the helper scripts are sh.
  const bool in_job_image = req.user_script || (!req.needs_helper_tools && job_runs_as_root_);
  auto session = Session(in_job_image);
  if (!session.ok()) return session.status().WithContext("starting the container for " + req.stage);
  util::Result<int> r = (*session)->Run(req.user_script ? shell_ : "sh", req.script, out, cancel);
  if (!(*session)->usable()) {  // killed by the cancel or dead: gone now, not at Cleanup
    std::unique_ptr<StageSession>& slot = in_job_image ? job_session_ : helper_session_;
    RemoveContainer(slot->id());
    slot.reset();
  }
  return r;
}

void DockerExecutor::RemoveContainer(const std::string& id) {
  util::Status s = engine_.RemoveContainer(id);
  if (s.ok() || IsNotFound(s)) containers_.erase(id);
}

void DockerExecutor::Cleanup() {
  bool touched = !containers_.empty() || !volumes_.empty() || !network_id_.empty() || labels_.count(labels::kJobId);
  if (!touched) return;
  job_session_.reset();
  helper_session_.reset();
  for (const std::string& id : std::set<std::string>(containers_)) RemoveContainer(id);
  std::vector<std::string> mine = {std::string(labels::kManaged) + "=true",
                                   std::string(labels::kInstance) + "=" + instance_};
  if (auto left = engine_.ListContainers(mine); left.ok()) {
    for (const ContainerSummary& c : *left) RemoveContainer(c.id);
  }
  // The network once nothing is attached to it any more.
  if (!network_id_.empty()) {
    util::Status s = engine_.RemoveNetwork(network_id_);
    if (s.ok() || IsNotFound(s)) network_id_.clear();
  }
  if (auto left = engine_.ListNetworks(mine); left.ok()) {
    for (const NetworkSummary& n : *left) (void)engine_.RemoveNetwork(n.id);
  }
  network_.clear();
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
