#include "cli/ec2emulator_command.h"

#include <cstdlib>
#include <memory>

#include "ec2emulator/command.h"

namespace cli {

namespace {

struct Ec2EmulatorFlags {
  std::string listen = "127.0.0.1:0";
  ec2emulator::Ec2EmulatorCommandOptions opts;
  double boot_seconds = 1;
  double max_skew_seconds = 900;
  Ec2EmulatorFlags() { opts.local.fleet = "ec2emu"; }
};

}  // namespace

void AddEc2EmulatorCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<Ec2EmulatorFlags>();
  CLI::App* c = app.add_subcommand("ec2-emulator", "Serve an EC2 + Auto Scaling Query API emulator (SigV4 checked)");
  c->add_option("--listen", f->listen, "host:port to listen on (port 0 = any free port)")->capture_default_str();
  c->add_option("--access-key-id", f->opts.server.credentials.access_key_id,
                "Access key id requests must be signed with (default: $AWS_ACCESS_KEY_ID)");
  c->add_option("--secret-access-key", f->opts.server.credentials.secret_access_key,
                "Secret key requests must be signed with (default: $AWS_SECRET_ACCESS_KEY)");
  c->add_option("--region", f->opts.emulator.region, "Region of the endpoint and the signing scope")
      ->capture_default_str();
  c->add_option("--admin-token", f->opts.server.admin_token, "Token required on /admin/* (default: open)");
  c->add_option("--time-factor", f->opts.emulator.time_factor,
                "Scales the 2-minute spot notice, shutdown and terminated listing times (0.05: notice of 6 s)")
      ->capture_default_str();
  c->add_option("--boot-time", f->boot_seconds, "Seconds an instance stays pending")->capture_default_str();
  c->add_option("--max-skew", f->max_skew_seconds, "Seconds of clock skew accepted before RequestExpired")
      ->capture_default_str();
  c->add_option("--seed", f->opts.emulator.seed, "Seed of the id generator")->capture_default_str();
  c->add_option("--backend", f->opts.backend,
                "memory (instances are books only) or local (each instance a network namespace with sshd)")
      ->capture_default_str();
  c->add_option("--local-fleet", f->opts.local.fleet, "Fleet name of the local instances (--backend local)")
      ->capture_default_str();
  c->add_option("--local-state-dir", f->opts.local.state_dir,
                "State directory of the local fleet (keys, sshd configs; default /var/lib/spotrunner/local/<fleet>)");
  c->add_option("--fault", f->opts.faults,
                "Fault armed at start, e.g. kind=capacity,instance_type=c5.large,market=spot or "
                "kind=throttle,count=5 or kind=slow_boot,seconds=30; repeatable");
  c->callback([f, &exit_code] {
    auto colon = f->listen.rfind(':');
    f->opts.host = colon == std::string::npos ? f->listen : f->listen.substr(0, colon);
    f->opts.port = colon == std::string::npos ? 0 : std::atoi(f->listen.c_str() + colon + 1);
    auto& creds = f->opts.server.credentials;
    if (creds.access_key_id.empty() && std::getenv("AWS_ACCESS_KEY_ID"))
      creds.access_key_id = std::getenv("AWS_ACCESS_KEY_ID");
    if (creds.secret_access_key.empty() && std::getenv("AWS_SECRET_ACCESS_KEY")) {
      creds.secret_access_key = std::getenv("AWS_SECRET_ACCESS_KEY");
    }
    f->opts.emulator.boot_time = util::FromSeconds(f->boot_seconds);
    f->opts.server.max_skew = util::FromSeconds(f->max_skew_seconds);
    exit_code = ec2emulator::RunEc2EmulatorCommand(f->opts);
  });
}

}  // namespace cli
