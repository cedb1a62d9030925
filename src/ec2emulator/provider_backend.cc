#include "ec2emulator/provider_backend.h"

#include <thread>

namespace ec2emulator {

ProviderBackend::ProviderBackend(cloud::Provider& provider, ProviderBackendOptions options)
    : provider_(provider), options_(options) {}

util::Result<LaunchedInstance> ProviderBackend::Launch(const LaunchRequest& request) {
  auto before = provider_.List();
  if (!before.ok()) return before.status().WithContext("listing instances before launching " + request.instance_id);
  for (const auto& i : *before) known_.insert(i.id);
  auto granted = provider_.Increase(1);
  if (!granted.ok()) return granted.status().WithContext("launching " + request.instance_id);
  if (*granted < 1)
    return util::Status::ResourceExhausted("the provider granted no instance for " + request.instance_id);

  std::string id;
  const auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto list = provider_.List();
    if (list.ok()) {
      for (const auto& i : *list) {
        if (id.empty() && !known_.count(i.id)) {
          id = i.id;
          known_.insert(id);
        }
        if (!id.empty() && i.id == id && i.state == cloud::InstanceState::kRunning) {
          auto info = provider_.Connect(id);
          if (!info.ok()) return info.status().WithContext("connect info of " + id);
          if (options_.install_host_key && !request.host_key_pem.empty()) {
            util::Status s = options_.install_host_key(id, request.host_key_pem);
            if (!s.ok()) {
              (void)provider_.Decrease({id});
              return s.WithContext("user data host key of " + request.instance_id);
            }
          }
          if (options_.install_keys) {
            util::Status s = options_.install_keys(id, request.authorized_keys);
            if (!s.ok()) {
              (void)provider_.Decrease({id});
              return s.WithContext("user data keys of " + request.instance_id);
            }
          }
          if (request.dead_man_timeout.count() > 0 && options_.start_dead_man) {
            util::Status s = options_.start_dead_man(id, request.dead_man_timeout);
            if (!s.ok()) {
              (void)provider_.Decrease({id});
              return s.WithContext("dead-man switch of " + request.instance_id);
            }
          }
          if (request.engine && options_.start_engine) {
            util::Status s = options_.start_engine(id, *request.engine);
            if (!s.ok()) {
              (void)provider_.Decrease({id});
              return s.WithContext("Docker Engine of " + request.instance_id);
            }
          }
          if (options_.imds_emulator && options_.netns_of) {
            auto imds =
                std::make_unique<ImdsNetnsServer>(*options_.imds_emulator, request.instance_id, options_.netns_of(id));
            util::Status s = imds->Start();
            if (!s.ok()) {
              (void)provider_.Decrease({id});
              return s.WithContext("instance metadata of " + request.instance_id);
            }
            imds_[id] = std::move(imds);
          }
          live_.insert(id);
          return LaunchedInstance{id, info->internal_addr.empty() ? info->external_addr : info->internal_addr};
        }
      }
    }
    std::this_thread::sleep_for(options_.poll);
  }
  if (!id.empty()) (void)provider_.Decrease({id});
  return util::Status::DeadlineExceeded("instance for " + request.instance_id + " did not run within " +
                                        std::to_string(options_.ready_timeout.count()) + " ms");
}

util::Status ProviderBackend::Terminate(const std::string& handle) {
  live_.erase(handle);
  imds_.erase(handle);  // stops serving before the namespace goes
  auto r = provider_.Decrease({handle});
  if (!r.ok()) return r.status().WithContext("removing " + handle);
  return util::Status::Ok();
}

std::vector<std::string> ProviderBackend::TakeVanished() {
  auto now = std::chrono::steady_clock::now();
  if (live_.empty() || now - last_vanished_check_ < options_.vanished_check) return {};
  last_vanished_check_ = now;
  auto list = provider_.List();
  if (!list.ok()) return {};
  std::set<std::string> listed;
  for (const auto& i : *list) listed.insert(i.id);
  std::vector<std::string> gone;
  for (auto it = live_.begin(); it != live_.end();) {
    if (listed.count(*it)) {
      ++it;
      continue;
    }
    gone.push_back(*it);
    imds_.erase(*it);
    it = live_.erase(it);
  }
  return gone;
}

}  // namespace ec2emulator
