#include "ec2emulator/imds_netns_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>

extern char** environ;

namespace ec2emulator {
namespace {

bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  }
  return s != "." && s != "..";
}

}  // namespace

int RunIp(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string ip = "ip";
  argv.push_back(ip.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "ip", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ImdsNetnsServer::ImdsNetnsServer(Emulator& emulator, std::string instance_id, std::string netns)
    : emulator_(emulator), instance_id_(std::move(instance_id)), netns_(std::move(netns)) {}

ImdsNetnsServer::~ImdsNetnsServer() { Stop(); }

util::Status ImdsNetnsServer::Start() {
  if (svr_) return util::Status::FailedPrecondition("IMDS server for " + instance_id_ + " already started");
  if (!ValidName(netns_)) return util::Status::InvalidArgument("invalid network namespace name '" + netns_ + "'");
  const std::string path = "/run/netns/" + netns_;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return util::Status::NotFound("network namespace " + netns_ + " does not exist");
  if (RunIp({"-n", netns_, "link", "set", "lo", "up"}) != 0 ||
      RunIp({"-n", netns_, "addr", "replace", std::string(kImdsAddress) + "/32", "dev", "lo"}) != 0) {
    close(fd);
    return util::Status::Unavailable("cannot add " + std::string(kImdsAddress) + " to the loopback of " + netns_);
  }
  address_added_ = true;

  svr_ = std::make_unique<httplib::Server>();
  svr_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    HttpReply r =
        emulator_.Imds(instance_id_, req.method, req.path, req.get_header_value("X-aws-ec2-metadata-token"),
                       req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds"), req.has_header("X-Forwarded-For"));
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_content(r.body, r.content_type.c_str());
  };
  svr_->Get(".*", handler);
  // The token PUT has no body and often no Content-Length; a plain handler would make
  // cpp-httplib read until the client closes. This variant leaves the body unread.
  svr_->Put(".*", [handler](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) {
    handler(req, res);
  });

  std::promise<util::Status> bound;
  auto ready = bound.get_future();
  httplib::Server* s = svr_.get();
  thread_ = std::thread([s, fd, &bound, ns = netns_] {
    // Only this thread joins the namespace; sockets made here belong to it.
    const bool joined = setns(fd, CLONE_NEWNET) == 0;
    close(fd);
    if (!joined) {
      bound.set_value(util::Status::Unavailable("cannot join network namespace " + ns));
      return;
    }
    if (!s->bind_to_port(kImdsAddress, 80)) {
      bound.set_value(util::Status::Unavailable("cannot listen on " + std::string(kImdsAddress) + ":80 in " + ns));
      return;
    }
    bound.set_value(util::Status::Ok());
    s->listen_after_bind();
  });
  util::Status st = ready.get();
  if (!st.ok()) {
    thread_.join();
    svr_.reset();
    Stop();
    return st;
  }
  for (int i = 0; i < 5000 && !svr_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return util::Status::Ok();
}

void ImdsNetnsServer::Stop() {
  if (svr_) {
    svr_->stop();
    if (thread_.joinable()) thread_.join();
    svr_.reset();
  }
  if (address_added_) {
    RunIp({"-n", netns_, "addr", "del", std::string(kImdsAddress) + "/32", "dev", "lo"});
    address_added_ = false;
  }
}

}  // namespace ec2emulator
