#include "manager/fleet_factories.h"

#include "cloud/provider_factory.h"
#include "connect/ssh/ssh_connection.h"

namespace manager {

util::Result<std::shared_ptr<cloud::Provider>> DefaultProvider(const config::RunnerConfig& runner,
                                                               const std::string& manager_id) {
  auto p = cloud::NewProvider(runner, manager_id);
  if (!p.ok()) return p.status();
  return std::shared_ptr<cloud::Provider>(std::move(*p));
}

connect::Endpoint EndpointFor(const cloud::ConnectInfo& info, const config::ConnectorConfig& connector) {
  connect::Endpoint e;
  bool external = connector.use_external_addr || info.internal_addr.empty();
  e.host = external && !info.external_addr.empty() ? info.external_addr : info.internal_addr;
  e.port = connector.protocol_port > 0 ? connector.protocol_port : (info.port > 0 ? info.port : 22);
  e.username = !info.username.empty() ? info.username : connector.username;
  e.key_pem = info.key_pem;
  e.host_key = info.host_key;
  e.password = !info.password.empty() ? info.password : connector.password;
  if (connector.timeout.count() > 0) e.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(connector.timeout);
  return e;
}

ConnectionFactory DefaultConnectionFactory(const config::ConnectorConfig& connector) {
  return [connector](const cloud::ConnectInfo& info) -> util::Result<std::shared_ptr<connect::Connection>> {
    connect::Endpoint e = EndpointFor(info, connector);
    if (info.protocol != "ssh") {
      return util::Status::InvalidArgument("instance " + info.id + ": protocol \"" + info.protocol +
                                           "\" is not supported (want ssh)");
    }
    auto c = connect::DialSsh(e);
    if (!c.ok()) return c.status().WithContext("instance " + info.id);
    return std::shared_ptr<connect::Connection>(std::move(*c));
  };
}

}  // namespace manager
