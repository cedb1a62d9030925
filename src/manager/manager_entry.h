#pragma once
// The manager's private books on one [[runners]] entry and one running job; shared by
// manager.cc (polling, jobs) and manager_fleets.cc (fleets, metrics).
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gitlab/client.h"
#include "manager/fleet_runner.h"
#include "manager/manager.h"
#include "util/cancel.h"
#include "util/http_client.h"

namespace manager {

// One [[runners]] entry and its polling state. Guarded by Manager::mu_.
struct Manager::Entry {
  config::RunnerConfig cfg;
  std::unique_ptr<gitlab::Client> client;
  std::string last_update;
  int running = 0;
  int requests_in_flight = 0;
  std::vector<bool> concurrent_ids;  // index in use?
  int failures = 0;                  // consecutive unhealthy answers
  util::Time unhealthy_until{};
  bool removed = false;  // gone from config.toml (or replaced): polls no more, then retires
  // Fired with `removed` and on shutdown: ends the long polls of this entry at once.
  util::HttpAbort poll_abort;
  // Not started yet: the retiring entry with the same URL and token still removes its
  // fleet (the new fleet would take that one's instances for its own leftovers).
  std::shared_ptr<Entry> waits_for;
  std::vector<std::thread> pollers;
  int pollers_exited = 0;  // pollers whose loop returned (joining them will not block)
  std::unique_ptr<FleetRunner> fleet;  // autoscaled entries; set before the pollers start
};

struct Manager::RunningJob {
  int64_t id = 0;
  util::CancelToken interrupt;
  std::thread thread;
  bool done = false;
};

}  // namespace manager
