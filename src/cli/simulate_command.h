#pragma once
// `spotrunner simulate`: replays a job trace through the production autoscaler on
// virtual time against a simulated cloud and prints wait percentiles and cost.
//   spotrunner simulate --trace FILE --config config.toml [--policy NAME|all] [--boot-s S]
//                       [--seed N] [--json] [--plot FILE.svg] [--explain]
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace cli {

struct SimulateOptions {
  std::string trace_path;                 // --trace (required): CSV with arrival_s, run_s
  std::string config_path;                // --config (required): gitlab-runner config.toml
  std::string runner;                     // --runner NAME: which [[runners]] entry; "" = first
  std::string policy = "default";         // --policy: default, docker-machine, taskscaler, clairvoyant, all
  std::optional<double> boot_s;           // --boot-s: median boot time (default 60)
  double boot_sigma = 0.15;               // --boot-sigma: lognormal spread of boot times
  double spot_price = 0.035;              // --spot-price: USD per instance-hour
  double interruptions_per_hour = 0;      // --interruptions: per-instance spot reclaim rate
  std::optional<uint64_t> seed;           // --seed: prints the determinism fingerprint
  bool json = false;                      // --json: one JSON object per policy
  std::string plot_path;                  // --plot FILE.svg
  bool explain = false;                   // --explain: every decision with its reason on stderr
  std::ostream* out = nullptr;            // default std::cout
  std::ostream* err = nullptr;            // default std::cerr
};

// Returns kExitOk, kExitFailure (bad trace, config, or a failed run; the error names
// the file and line) or kExitUsage (missing flags, unknown policy).
int RunSimulateCommand(const SimulateOptions& options);

// Registers the `simulate` verb; its callback stores RunSimulateCommand's result in exit_code.
void AddSimulateCommand(CLI::App& app, int& exit_code);

}  // namespace cli
