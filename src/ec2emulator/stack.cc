#include "ec2emulator/stack.h"

#include "ec2emulator/provider_backend.h"

namespace ec2emulator {

util::Result<std::unique_ptr<EmulatorStack>> EmulatorStack::Start(const StackOptions& o, util::Clock& clock) {
  if (o.server.credentials.access_key_id.empty() || o.server.credentials.secret_access_key.empty())
    return util::Status::InvalidArgument(
        "an access key id and a secret access key are required (--access-key-id/--secret-access-key or "
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
  if (o.emulator.time_factor <= 0) return util::Status::InvalidArgument("--time-factor must be positive");
  std::unique_ptr<EmulatorStack> s(new EmulatorStack());
  s->emulator_ = std::make_unique<Emulator>(clock, o.emulator);
  for (const auto& spec : o.faults) {
    auto j = Faults::ParseFlag(spec);
    if (!j.ok()) return j.status();
    util::Status st = s->emulator_->AddFault(*j);
    if (!st.ok()) return util::Status::InvalidArgument("fault '" + spec + "': " + st.message());
  }
  if (o.backend == "local") {
    cloud::local::LocalOptions lo = o.local;
    lo.instance_keys = true;
    auto p = cloud::local::LocalProvider::Create(lo);
    if (!p.ok()) return p.status();
    s->provider_ = std::move(*p);
    ProviderBackendOptions po;
    po.imds_emulator = s->emulator_.get();
    po.netns_of = [](const std::string& id) { return id; };  // local instance ids are namespace names
    po.install_keys = [provider = s->provider_.get()](const std::string& id, const std::vector<std::string>& keys) {
      return provider->SetAuthorizedKeys(id, keys);
    };
    po.install_host_key = [provider = s->provider_.get()](const std::string& id, const std::string& pem) {
      return provider->SetHostKey(id, pem);
    };
    po.start_dead_man = [provider = s->provider_.get()](const std::string& id, std::chrono::seconds timeout) {
      return provider->StartDeadManSwitch(id, timeout);
    };
    po.start_engine = [provider = s->provider_.get()](const std::string& id, const cloud::local::EngineConfig& e) {
      return provider->StartEngine(id, e);
    };
    s->backend_ = std::make_unique<ProviderBackend>(*s->provider_, po);
  } else if (o.backend == "memory") {
    s->backend_ = std::make_unique<MemoryBackend>();
  } else {
    return util::Status::InvalidArgument("--backend must be memory or local, not '" + o.backend + "'");
  }
  s->runtime_ = std::make_unique<Runtime>(*s->emulator_, *s->backend_);
  s->server_ = std::make_unique<Server>(*s->emulator_, clock, o.server);
  auto port = s->server_->Start(o.host, o.port);
  if (!port.ok()) return port.status();
  s->port_ = *port;
  s->runtime_->Start(o.tick);
  return s;
}

EmulatorStack::~EmulatorStack() { Stop(); }

size_t EmulatorStack::Stop() {
  if (stopped_) return 0;
  stopped_ = true;
  if (server_) server_->Stop();
  return runtime_ ? runtime_->Shutdown() : 0;
}

}  // namespace ec2emulator
