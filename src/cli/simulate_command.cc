#include "cli/simulate_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "config/parse.h"
#include "fleet/settings.h"
#include "sim/report.h"
#include "sim/simulator.h"
#include "sim/svg_plot.h"

namespace cli {
namespace {

util::Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return util::Status::NotFound(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Zone files from the system's zone database ($TZDIR overrides); "" = the host's zone.
util::Result<std::string> LoadZoneFile(const std::string& name) {
  if (name.empty()) return ReadWhole("/etc/localtime");
  const char* dir = std::getenv("TZDIR");
  return ReadWhole(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name);
}

class ProgressBar {
 public:
  explicit ProgressBar(std::ostream* err, bool on) : err_(err), on_(on) {}
  void Update(double f) {
    if (!on_) return;
    int n = static_cast<int>(f * 40);
    *err_ << "\r[" << std::string(n, '#') << std::string(40 - n, ' ') << "] " << static_cast<int>(f * 100) << "%"
          << (f >= 1 ? "\n" : "") << std::flush;
  }

 private:
  std::ostream* err_;
  bool on_;
};

}  // namespace

int RunSimulateCommand(const SimulateOptions& o) {
  std::ostream& out = o.out ? *o.out : std::cout;
  std::ostream& err = o.err ? *o.err : std::cerr;
  if (o.trace_path.empty() || o.config_path.empty()) {
    err << "ERROR: simulate needs --trace FILE and --config FILE\n";
    return 2;
  }
  std::vector<std::string> policies = {o.policy};
  if (o.policy == "all") policies = {"default", "docker-machine", "taskscaler", "clairvoyant"};
  for (const auto& p : policies) {
    if (p != "clairvoyant" && !fleet::ParsePolicyKind(p).ok()) {
      err << "ERROR: unknown policy \"" << p << "\" (want default, docker-machine, taskscaler, clairvoyant or all)\n";
      return 2;
    }
  }
  auto cfg = config::LoadConfigFile(o.config_path);
  if (!cfg.ok()) {
    err << "ERROR: " << cfg.status().message() << "\n";
    return 1;
  }
  const auto& runners = cfg->config.runners;
  const config::RunnerConfig* runner = nullptr;
  for (const auto& r : runners) {
    if (o.runner.empty() || r.name == o.runner) {
      runner = &r;
      break;
    }
  }
  if (!runner) {
    err << "ERROR: " << o.config_path << ": no [[runners]] entry" << (o.runner.empty() ? "" : " named " + o.runner) << "\n";
    return 1;
  }
  auto settings = fleet::SettingsFromRunner(*runner, LoadZoneFile);
  if (!settings.ok()) {
    err << "ERROR: " << o.config_path << ": " << settings.status().message() << "\n";
    return 1;
  }
  auto text = ReadWhole(o.trace_path);
  if (!text.ok()) {
    err << "ERROR: " << text.status().message() << "\n";
    return 1;
  }
  auto jobs = sim::ParseTraceCsv(*text, o.trace_path);
  if (!jobs.ok()) {
    err << "ERROR: " << jobs.status().message() << "\n";
    return 1;
  }
  std::vector<sim::Summary> rows;
  for (const auto& p : policies) {
    sim::SimOptions so;
    so.policy = p;
    so.settings = *settings;
    so.provider.boot_median_s = o.boot_s.value_or(60);
    so.provider.boot_sigma = o.boot_sigma;
    so.provider.price_per_hour = o.spot_price;
    so.provider.interruptions_per_hour = o.interruptions_per_hour;
    so.seed = o.seed.value_or(1);
    ProgressBar bar(&err, !o.json && jobs->size() > 20000 && isatty(STDERR_FILENO));
    so.progress = [&bar](double f) { bar.Update(f); };
    if (o.explain) so.explain = [&err](double t, const std::string& line) { err << "t=" << t << "s " << line << "\n"; };
    auto r = sim::RunSimulation(*jobs, so);
    if (!r.ok()) {
      err << "ERROR: simulate " << p << ": " << r.status().message() << "\n";
      return 1;
    }
    rows.push_back(sim::Summarize(*r));
    if (o.json) out << sim::ToJson(rows.back()) << "\n";
    if (!o.plot_path.empty()) {
      std::string path = o.plot_path;
      if (policies.size() > 1) {
        auto dot = path.rfind('.');
        path = path.substr(0, dot) + "-" + p + (dot == std::string::npos ? ".svg" : path.substr(dot));
      }
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f << sim::RenderSvg(*r);
      f.close();
      if (!f) {
        err << "ERROR: " << path << ": cannot write the plot\n";
        return 1;
      }
    }
  }
  if (!o.json) {
    out << sim::FormatTable(rows);
    if (o.seed) {
      for (const auto& s : rows) {
        char fp[20];
        std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(s.fingerprint));
        out << "seed " << *o.seed << " " << s.policy << " fingerprint " << fp << "\n";
      }
    }
  }
  return 0;
}

void AddSimulateCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* c = app.add_subcommand(
      "simulate", "Replay a job trace through the autoscaler on virtual time: queue waits and cost per policy");
  c->add_option("--trace", o->trace_path, "Job trace: CSV with a header and the columns arrival_s, run_s")->required();
  c->add_option("-c,--config", o->config_path, "config.toml whose runner entry gives the fleet settings")->required();
  c->add_option("--runner", o->runner, "Name of the [[runners]] entry (default: the first)");
  c->add_option("--policy", o->policy, "default, docker-machine, taskscaler, clairvoyant or all")->capture_default_str();
  c->add_option("--boot-s", o->boot_s, "Median boot time of a simulated instance, seconds (default 60)")
      ->check(CLI::PositiveNumber);
  c->add_option("--boot-sigma", o->boot_sigma, "Lognormal spread of boot times (0 = all equal)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  c->add_option("--spot-price", o->spot_price, "Spot price, USD per instance-hour")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  c->add_option("--interruptions", o->interruptions_per_hour, "Spot interruptions per instance-hour")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  c->add_option("--seed", o->seed, "Seed of the simulated world; prints the run's fingerprint");
  c->add_flag("--json", o->json, "Print one JSON object per policy");
  c->add_option("--plot", o->plot_path, "Write an SVG of demand, instances and waits over time");
  c->add_flag("--explain", o->explain, "Print every decision with its reason on stderr");
  c->callback([o, &exit_code] { exit_code = RunSimulateCommand(*o); });
}

}  // namespace cli
