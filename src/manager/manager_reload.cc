// Manager: config reloads (SIGHUP, or config.toml's mtime checked every 3 s).
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "config/parse.h"
#include "gitlab/token.h"
#include "manager/fleet_reload.h"
#include "manager/manager_entry.h"

namespace manager {

namespace {

// Entries are the same runner when URL and token are.
std::string EntryKey(const config::RunnerConfig& r) { return r.url + "\n" + r.token; }

int64_t FileMtime(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

void Manager::WatchConfig() {
  int64_t mtime = FileMtime(options_.config_path);
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    cv_.wait_for(l, std::chrono::seconds(3), [&] { return stopping_; });
    if (stopping_) break;
    l.unlock();
    ReapFinished();
    int64_t now = FileMtime(options_.config_path);
    if (now != 0 && now != mtime) {
      mtime = now;
      spdlog::info("config.toml changed, reloading");
      util::Status s = Reload();
      if (!s.ok()) spdlog::error("reload failed, keeping the previous configuration: {}", s.message());
    }
    l.lock();
  }
}

util::Status Manager::Reload() {
  std::lock_guard<std::mutex> one_at_a_time(reload_mu_);
  auto loaded = config::LoadConfigFile(options_.config_path);
  if (!loaded.ok()) return loaded.status();
  // Settings the autoscaler refuses (e.g. idle_count above max_instances) reject the
  // whole file before anything changes.
  std::map<std::string, fleet::AutoscalerSettings> settings;  // by EntryKey
  for (const auto& r : loaded->config.runners) {
    if (!IsFleetExecutor(r.executor)) continue;
    auto s = FleetSettingsFor(r);
    if (!s.ok()) return s.status();
    settings.emplace(EntryKey(r), std::move(*s));
  }
  for (const auto& w : loaded->warnings) spdlog::warn("{}", w);
  auto who = [](const config::RunnerConfig& r) {
    return "runner \"" + r.name + "\" (" + gitlab::ShortToken(r.token) + ")";
  };
  std::vector<std::shared_ptr<Entry>> added;
  std::vector<std::pair<FleetRunner*, fleet::AutoscalerSettings>> updates;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return util::Status::FailedPrecondition("the manager is stopping");
    config_ = loaded->config;
    std::map<std::string, const config::RunnerConfig*> wanted;
    for (const auto& r : config_.runners) wanted[EntryKey(r)] = &r;
    std::vector<std::shared_ptr<Entry>> retiring;
    for (auto& e : entries_) {
      if (e->removed) continue;
      auto it = wanted.find(EntryKey(e->cfg));
      bool started = e->client || e->fleet;
      if (it == wanted.end()) {
        if (e->fleet) spdlog::info("{}: removed from config.toml; its fleet takes no new jobs and retires", who(e->cfg));
        e->removed = true;
        e->poll_abort.Abort();  // a held job request ends now
        retiring.push_back(e);
        continue;
      }
      const config::RunnerConfig& r = *it->second;
      ReloadVerdict v = CompareEntry(e->cfg, r);
      if (!started && !e->waits_for && !(e->cfg == r)) {
        v = {EntryChange::kReplace, "changed after it failed to start"};  // try the new settings
      }
      if (v.change == EntryChange::kReplace && !e->waits_for) {
        spdlog::info("{}: {}: {}", who(r), v.reason,
                     e->fleet ? "the fleet is replaced (the old one retires, then a new one starts)"
                              : "the entry is restarted");
        e->removed = true;
        e->poll_abort.Abort();  // a held job request ends now
        retiring.push_back(e);
        continue;  // added below, as a new entry
      }
      if (v.change == EntryChange::kSettings && e->fleet) {
        spdlog::info("{}: autoscaling settings changed; the running fleet takes them", who(r));
        updates.emplace_back(e->fleet.get(), settings.at(it->first));
      }
      e->cfg = r;  // a deferred entry starts with the newest config
      wanted.erase(it);
    }
    for (const auto& r : config_.runners) {
      if (!wanted.count(EntryKey(r))) continue;
      auto e = std::make_shared<Entry>();
      e->cfg = r;
      for (auto& old : entries_) {
        if (old->removed && old->fleet && EntryKey(old->cfg) == EntryKey(r)) e->waits_for = old;
      }
      if (e->waits_for) spdlog::info("{}: starts once the fleet of its previous entry is removed", who(r));
      if (!e->waits_for) added.push_back(e);
      entries_.push_back(e);
    }
    for (auto& e : retiring) {
      if (e->client || e->fleet) {
        retirers_.emplace_back([this, e] { RetireEntry(e); });
      } else {
        // Never started (refused, or waiting for a retiring fleet): nothing to wait for.
        entries_.erase(std::find(entries_.begin(), entries_.end(), e));
      }
    }
  }
  cv_.notify_all();
  for (auto& [f, s] : updates) f->UpdateSettings(s);
  for (auto& e : added) StartEntry(e);
  spdlog::info("Configuration reloaded: {} runner(s)", loaded->config.runners.size());
  return util::Status::Ok();
}

}  // namespace manager
