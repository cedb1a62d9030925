#include "executor/docker/engine_client.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace executor::docker {
namespace {

using nlohmann::json;

// Invalid UTF-8 in names or labels is replaced rather than thrown about.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Escape(const std::string& s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && (c == '/' || c == ':' || c == '@'))) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}
std::string Q(const std::string& s) { return Escape(s, false); }
std::string P(const std::string& s) { return Escape(s, true); }

// "1.41" < "1.9"? Compared as numbers per component.
int CompareVersions(const std::string& a, const std::string& b) {
  int a1 = 0, a2 = 0, b1 = 0, b2 = 0;
  sscanf(a.c_str(), "%d.%d", &a1, &a2);
  sscanf(b.c_str(), "%d.%d", &b1, &b2);
  if (a1 != b1) return a1 < b1 ? -1 : 1;
  if (a2 != b2) return a2 < b2 ? -1 : 1;
  return 0;
}

util::Result<json> ParseJson(const std::string& name, const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return util::Status::Internal("docker " + name + ": the daemon's answer is not JSON");
  return j;
}

Labels LabelsOf(const json& j) {
  Labels out;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
    }
  }
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string LabelFilters(const std::vector<std::string>& filters) {
  json f = json::object();
  f["label"] = filters;
  return Q(Dump(f));
}

json StringArray(const std::vector<std::string>& v) { return json(v); }

// The less common Config and HostConfig fields, set only when asked for.
void AddSettings(const ContainerSpec& spec, json* cfg, json* host) {
  auto str = [](json* j, const char* key, const std::string& v) {
    if (!v.empty()) (*j)[key] = v;
  };
  auto list = [](json* j, const char* key, const std::vector<std::string>& v) {
    if (!v.empty()) (*j)[key] = v;
  };
  str(cfg, "Hostname", spec.hostname);
  str(cfg, "MacAddress", spec.mac_address);
  str(host, "Runtime", spec.runtime);
  str(host, "UsernsMode", spec.userns_mode);
  str(host, "IpcMode", spec.ipc_mode);
  str(host, "PidMode", spec.pid_mode);
  str(host, "CgroupParent", spec.cgroup_parent);
  str(host, "VolumeDriver", spec.volume_driver);
  str(host, "CpusetCpus", spec.cpuset_cpus);
  str(host, "CpusetMems", spec.cpuset_mems);
  if (spec.cpu_shares != 0) (*host)["CpuShares"] = spec.cpu_shares;
  if (spec.memory_swap != 0) (*host)["MemorySwap"] = spec.memory_swap;
  if (spec.memory_reservation != 0) (*host)["MemoryReservation"] = spec.memory_reservation;
  if (spec.oom_kill_disable) (*host)["OomKillDisable"] = true;
  if (spec.oom_score_adj != 0) (*host)["OomScoreAdj"] = spec.oom_score_adj;
  list(host, "DnsSearch", spec.dns_search);
  list(host, "GroupAdd", spec.group_add);
  list(host, "DeviceCgroupRules", spec.device_cgroup_rules);
  list(host, "VolumesFrom", spec.volumes_from);
  list(host, "Links", spec.links);
  if (!spec.sysctls.empty()) (*host)["Sysctls"] = spec.sysctls;
  if (!spec.ulimits.empty()) {
    json u = json::array();
    for (const config::Ulimit& l : spec.ulimits) u.push_back({{"Name", l.name}, {"Soft", l.soft}, {"Hard", l.hard}});
    (*host)["Ulimits"] = u;
  }
  if (!spec.device_requests.empty()) {
    json reqs = json::array();
    for (const config::GpuRequest& g : spec.device_requests) {
      json r = {{"Driver", g.driver}, {"Count", g.count}, {"Capabilities", g.capabilities}};
      r["DeviceIDs"] = g.device_ids.empty() ? json(nullptr) : json(g.device_ids);
      r["Options"] = g.options.empty() ? json::object() : json(g.options);
      reqs.push_back(r);
    }
    (*host)["DeviceRequests"] = reqs;
  }
  if (!spec.log_options.empty()) (*host)["LogConfig"] = {{"Type", "json-file"}, {"Config", spec.log_options}};
}

}  // namespace

util::Status EngineError(const std::string& name, int status, const std::string& body) {
  std::string message;
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) message = Str(j, "message");
  if (message.empty()) {
    message = body.substr(0, 200);
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  }
  if (message.empty()) message = "HTTP " + std::to_string(status);
  std::string text = "docker " + name + ": " + message;
  switch (status) {
    case 400: return util::Status::InvalidArgument(text);
    case 401:
    case 403: return util::Status::PermissionDenied(text);
    case 404: return util::Status::NotFound(text);
    case 409: return util::Status::FailedPrecondition(text);
    default: break;
  }
  if (status >= 500) return util::Status::Internal(text);
  return util::Status::Internal(text + " (HTTP " + std::to_string(status) + ")");
}

util::Status EngineClient::Ping() {
  auto r = RoundTrip(dialer_, HttpRequest{"GET", "/_ping", {}, ""});
  if (!r.ok()) return r.status().WithContext("docker ping");
  if (r->head.status != 200) return EngineError("ping", r->head.status, r->body);
  return util::Status::Ok();
}

util::Result<VersionInfo> EngineClient::Version() {
  auto r = RoundTrip(dialer_, HttpRequest{"GET", "/version", {}, ""});
  if (!r.ok()) return r.status().WithContext("docker version");
  if (r->head.status != 200) return EngineError("version", r->head.status, r->body);
  auto j = ParseJson("version", r->body);
  if (!j.ok()) return j.status();
  VersionInfo v{Str(*j, "Version"), Str(*j, "ApiVersion"), Str(*j, "MinAPIVersion"), Str(*j, "Os"), Str(*j, "Arch")};
  if (v.api_version.empty()) return util::Status::Internal("docker version: the answer has no ApiVersion");
  return v;
}

std::string EngineClient::api_version() const {
  std::lock_guard<std::mutex> l(mu_);
  return api_version_;
}

util::Status EngineClient::EnsureVersion() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!api_version_.empty()) return util::Status::Ok();
  }
  auto v = Version();
  if (!v.ok()) return v.status();
  std::string chosen = kMaxApiVersion;
  if (CompareVersions(v->api_version, chosen) < 0) chosen = v->api_version;
  if (!v->min_api_version.empty() && CompareVersions(v->min_api_version, chosen) > 0) chosen = v->min_api_version;
  std::lock_guard<std::mutex> l(mu_);
  api_version_ = chosen;
  return util::Status::Ok();
}

std::string EngineClient::Path(const std::string& rest) { return "/v" + api_version() + rest; }

util::Result<HttpResponse> EngineClient::Call(const std::string& name, HttpRequest req, AbortHandle* abort) {
  SR_RETURN_IF_ERROR(EnsureVersion().WithContext("docker " + name));
  req.target = Path(req.target);
  auto stream = dialer_.Dial();
  if (!stream.ok()) return stream.status().WithContext("docker " + name);
  HttpExchange ex(std::move(stream).value());
  AbortHandle::Registration reg(abort, &ex);
  SR_RETURN_IF_ERROR(ex.Send(req).WithContext("docker " + name));
  auto head = ex.ReadHead();
  if (!head.ok()) return head.status().WithContext("docker " + name);
  auto body = ex.ReadBodyString();
  if (!body.ok()) return body.status().WithContext("docker " + name);
  if (head->status >= 400) return EngineError(name, head->status, *body);
  return HttpResponse{std::move(head).value(), std::move(body).value()};
}

util::Status EngineClient::Open(const std::string& name, const HttpRequest& req_in,
                                std::unique_ptr<HttpExchange>* ex, HttpResponseHead* head) {
  SR_RETURN_IF_ERROR(EnsureVersion().WithContext("docker " + name));
  HttpRequest req = req_in;
  req.target = Path(req.target);
  auto stream = dialer_.Dial();
  if (!stream.ok()) return stream.status().WithContext("docker " + name);
  *ex = std::make_unique<HttpExchange>(std::move(stream).value());
  SR_RETURN_IF_ERROR((*ex)->Send(req).WithContext("docker " + name));
  auto h = (*ex)->ReadHead();
  if (!h.ok()) return h.status().WithContext("docker " + name);
  if (h->status >= 400) {
    auto body = (*ex)->ReadBodyString(1 << 20);
    return EngineError(name, h->status, body.ok() ? *body : "");
  }
  *head = std::move(h).value();
  return util::Status::Ok();
}

util::Result<ImageInfo> EngineClient::InspectImage(const std::string& ref) {
  auto r = Call("image inspect", HttpRequest{"GET", "/images/" + P(ref) + "/json", {}, ""});
  if (!r.ok()) return r.status();
  auto j = ParseJson("image inspect", r->body);
  if (!j.ok()) return j.status();
  ImageInfo info;
  info.id = Str(*j, "Id");
  info.os = Str(*j, "Os");
  info.architecture = Str(*j, "Architecture");
  if (auto it = j->find("Size"); it != j->end() && it->is_number_integer()) info.size = it->get<int64_t>();
  if (auto it = j->find("Config"); it != j->end() && it->is_object()) info.user = Str(*it, "User");
  if (auto it = j->find("RepoTags"); it != j->end() && it->is_array()) {
    for (const auto& t : *it) {
      if (t.is_string()) info.repo_tags.push_back(t.get<std::string>());
    }
  }
  return info;
}

util::Status EngineClient::PullImage(const ImageRef& ref, const std::string& registry_auth,
                                     const std::string& platform,
                                     const std::function<void(const std::string&)>& progress, AbortHandle* abort) {
  const std::string name = "image pull " + ref.Canonical();
  HttpRequest req{"POST", "/images/create?fromImage=" + Q(ref.repository) + "&tag=" + Q(ref.PullTag()), {}, ""};
  if (!platform.empty()) req.target += "&platform=" + Q(platform);
  if (!registry_auth.empty()) req.headers.emplace_back("X-Registry-Auth", registry_auth);
  std::unique_ptr<HttpExchange> ex;
  HttpResponseHead head;
  SR_RETURN_IF_ERROR(Open(name, req, &ex, &head));
  AbortHandle::Registration reg(abort, ex.get());
  // The body is a stream of JSON objects, one per line.
  std::string pending;
  std::string error;
  auto handle_line = [&](std::string_view line) {
    if (line.find_first_not_of(" \r\n\t") == std::string_view::npos) return;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return;
    std::string e = Str(j, "error");
    if (e.empty()) {
      if (auto d = j.find("errorDetail"); d != j.end() && d->is_object()) e = Str(*d, "message");
    }
    if (!e.empty()) {
      error = e;
      return;
    }
    if (progress) {
      std::string status = Str(j, "status");
      std::string id = Str(j, "id");
      if (!status.empty()) progress(id.empty() ? status : id + ": " + status);
    }
  };
  util::Status s = ex->ReadBody([&](std::string_view piece) {
    pending.append(piece);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      handle_line(std::string_view(pending).substr(start, nl - start));
    }
    pending.erase(0, start);
    return true;
  });
  if (!s.ok()) return s.WithContext("docker " + name);
  handle_line(pending);
  if (!error.empty()) return util::Status::Internal("docker " + name + ": " + error);
  return util::Status::Ok();
}

namespace {

// The first "error" (or errorDetail.message) of a JSON-lines progress body, "" if none.
std::string StreamError(const std::string& body) {
  size_t start = 0;
  while (start < body.size()) {
    size_t nl = body.find('\n', start);
    std::string_view line = std::string_view(body).substr(start, nl == std::string::npos ? nl : nl - start);
    start = nl == std::string::npos ? body.size() : nl + 1;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    std::string e = Str(j, "error");
    if (e.empty()) {
      if (auto d = j.find("errorDetail"); d != j.end() && d->is_object()) e = Str(*d, "message");
    }
    if (!e.empty()) return e;
  }
  return "";
}

}  // namespace

util::Status EngineClient::LoadImage(const ImageArchiveProducer& produce, AbortHandle* abort) {
  const std::string name = "image load";
  SR_RETURN_IF_ERROR(EnsureVersion().WithContext("docker " + name));
  HttpRequest req{"POST", Path("/images/load?quiet=1"), {{"Content-Type", "application/x-tar"}}, ""};
  req.chunked = true;
  auto stream = dialer_.Dial();
  if (!stream.ok()) return stream.status().WithContext("docker " + name);
  HttpExchange ex(std::move(stream).value());
  AbortHandle::Registration reg(abort, &ex);
  SR_RETURN_IF_ERROR(ex.Send(req).WithContext("docker " + name));
  util::Status write_error;  // the daemon stopped reading: its answer may say why
  util::Status produced = produce([&](std::string_view piece) {
    write_error = ex.WriteChunk(piece);
    return write_error;
  });
  if (!produced.ok() && write_error.ok()) {
    ex.Close();  // the daemon must not take a cut archive for a whole one
    return produced.WithContext("docker " + name + ": the archive");
  }
  if (write_error.ok()) write_error = ex.EndChunks();
  auto head = ex.ReadHead();
  if (!head.ok()) {
    return (write_error.ok() ? head.status() : write_error).WithContext("docker " + name + ": sending the archive");
  }
  auto body = ex.ReadBodyString(1 << 20);
  if (!body.ok()) return body.status().WithContext("docker " + name);
  if (head->status >= 400) return EngineError(name, head->status, *body);
  if (std::string e = StreamError(*body); !e.empty()) return util::Status::Internal("docker " + name + ": " + e);
  if (!write_error.ok()) return write_error.WithContext("docker " + name + ": sending the archive");
  return util::Status::Ok();
}

util::Status EngineClient::ExportImage(const std::string& ref, const BodySink& sink, AbortHandle* abort) {
  const std::string name = "image save " + ref;
  std::unique_ptr<HttpExchange> ex;
  HttpResponseHead head;
  SR_RETURN_IF_ERROR(Open(name, HttpRequest{"GET", "/images/" + P(ref) + "/get", {}, ""}, &ex, &head));
  AbortHandle::Registration reg(abort, ex.get());
  return ex->ReadBody(sink).WithContext("docker " + name);
}

util::Status EngineClient::TagImage(const std::string& ref, const std::string& repo, const std::string& tag) {
  auto r = Call("image tag", HttpRequest{"POST", "/images/" + P(ref) + "/tag?repo=" + Q(repo) + "&tag=" + Q(tag), {}, ""});
  return r.status();
}

util::Status EngineClient::RemoveImage(const std::string& ref) {
  return Call("image remove", HttpRequest{"DELETE", "/images/" + P(ref), {}, ""}).status();
}

util::Result<std::string> EngineClient::CreateContainer(const ContainerSpec& spec) {
  json cfg = json::object();
  cfg["Image"] = spec.image;
  cfg["Cmd"] = StringArray(spec.cmd);
  if (spec.entrypoint) cfg["Entrypoint"] = StringArray(*spec.entrypoint);
  cfg["Env"] = StringArray(spec.env);
  if (!spec.working_dir.empty()) cfg["WorkingDir"] = spec.working_dir;
  if (!spec.user.empty()) cfg["User"] = spec.user;
  cfg["Labels"] = spec.labels;
  cfg["AttachStdin"] = spec.open_stdin;
  cfg["AttachStdout"] = true;
  cfg["AttachStderr"] = true;
  cfg["Tty"] = false;
  cfg["OpenStdin"] = spec.open_stdin;
  cfg["StdinOnce"] = false;
  json host = json::object();
  host["Binds"] = StringArray(spec.binds);
  if (!spec.network_mode.empty()) host["NetworkMode"] = spec.network_mode;
  host["Privileged"] = spec.privileged;
  host["CapAdd"] = StringArray(spec.cap_add);
  host["CapDrop"] = StringArray(spec.cap_drop);
  host["SecurityOpt"] = StringArray(spec.security_opt);
  host["Dns"] = StringArray(spec.dns);
  host["ExtraHosts"] = StringArray(spec.extra_hosts);
  json devices = json::array();
  for (const std::string& d : spec.devices) {
    std::string host_path = d.substr(0, d.find(':'));
    std::string rest = d.find(':') == std::string::npos ? host_path : d.substr(d.find(':') + 1);
    std::string ctr = rest.substr(0, rest.find(':'));
    std::string perms = rest.find(':') == std::string::npos ? "rwm" : rest.substr(rest.find(':') + 1);
    devices.push_back({{"PathOnHost", host_path}, {"PathInContainer", ctr}, {"CgroupPermissions", perms}});
  }
  host["Devices"] = devices;
  if (!spec.tmpfs.empty()) host["Tmpfs"] = spec.tmpfs;
  if (spec.memory_bytes > 0) host["Memory"] = spec.memory_bytes;
  if (spec.nano_cpus > 0) host["NanoCpus"] = spec.nano_cpus;
  if (spec.shm_size > 0) host["ShmSize"] = spec.shm_size;
  AddSettings(spec, &cfg, &host);
  cfg["HostConfig"] = host;
  const std::string& net = spec.network_mode;
  bool user_defined = !net.empty() && net != "host" && net != "none" && net != "bridge" && net != "default" &&
                      net.rfind("container:", 0) != 0;
  if (user_defined && !spec.network_aliases.empty()) {
    cfg["NetworkingConfig"] = {{"EndpointsConfig", {{net, {{"Aliases", spec.network_aliases}}}}}};
  }

  std::string target = "/containers/create";
  std::string sep = "?";
  if (!spec.name.empty()) {
    target += sep + "name=" + Q(spec.name);
    sep = "&";
  }
  if (!spec.platform.empty()) target += sep + "platform=" + Q(spec.platform);
  auto r = Call("container create", HttpRequest{"POST", target, {{"Content-Type", "application/json"}}, Dump(cfg)});
  if (!r.ok()) return r.status();
  auto j = ParseJson("container create", r->body);
  if (!j.ok()) return j.status();
  std::string id = Str(*j, "Id");
  if (id.empty()) return util::Status::Internal("docker container create: the answer has no Id");
  return id;
}

util::Status EngineClient::PutArchive(const std::string& id, const std::string& path, const std::string& tar) {
  auto r = Call("container put archive",
                HttpRequest{"PUT", "/containers/" + P(id) + "/archive?path=" + Q(path),
                            {{"Content-Type", "application/x-tar"}}, tar});
  return r.status();
}

util::Result<bool> EngineClient::PathExists(const std::string& id, const std::string& path) {
  auto r = Call("container stat path", HttpRequest{"HEAD", "/containers/" + P(id) + "/archive?path=" + Q(path), {}, ""});
  if (r.ok()) return true;
  if (r.status().code() == util::Status::Code::kNotFound) return false;
  return r.status();
}

util::Result<std::unique_ptr<HttpExchange>> EngineClient::Attach(const std::string& id, bool with_stdin) {
  std::unique_ptr<HttpExchange> ex;
  HttpResponseHead head;
  std::string target = "/containers/" + P(id) + "/attach?stream=1&stdout=1&stderr=1";
  if (with_stdin) target += "&stdin=1";
  SR_RETURN_IF_ERROR(Open("container attach", HttpRequest{"POST", target, {}, ""}, &ex, &head));
  return ex;
}

util::Status EngineClient::Logs(const std::string& id, bool follow, const BodySink& sink, AbortHandle* abort,
                                bool timestamps) {
  std::unique_ptr<HttpExchange> ex;
  HttpResponseHead head;
  std::string target = "/containers/" + P(id) + "/logs?stdout=1&stderr=1";
  if (follow) target += "&follow=1";
  if (timestamps) target += "&timestamps=1";
  SR_RETURN_IF_ERROR(Open("container logs", HttpRequest{"GET", target, {}, ""}, &ex, &head));
  AbortHandle::Registration reg(abort, ex.get());
  return ex->ReadBody(sink).WithContext("docker container logs");
}

util::Result<ContainerInfo> EngineClient::InspectContainer(const std::string& id) {
  auto r = Call("container inspect", HttpRequest{"GET", "/containers/" + P(id) + "/json", {}, ""});
  if (!r.ok()) return r.status();
  auto j = ParseJson("container inspect", r->body);
  if (!j.ok()) return j.status();
  ContainerInfo info;
  info.id = Str(*j, "Id");
  info.name = Str(*j, "Name");
  if (!info.name.empty() && info.name[0] == '/') info.name.erase(0, 1);
  if (auto st = j->find("State"); st != j->end() && st->is_object()) {
    info.status = Str(*st, "Status");
    if (auto c = st->find("ExitCode"); c != st->end() && c->is_number_integer()) info.exit_code = c->get<int>();
  }
  if (auto ns = j->find("NetworkSettings"); ns != j->end() && ns->is_object()) {
    if (auto nets = ns->find("Networks"); nets != ns->end() && nets->is_object()) {
      for (const auto& [name, net] : nets->items()) {
        if (!net.is_object()) continue;
        if (std::string ip = Str(net, "IPAddress"); !ip.empty()) info.ips.push_back(ip);
        if (std::string ip6 = Str(net, "GlobalIPv6Address"); !ip6.empty()) info.ips.push_back(ip6);
      }
    }
  }
  if (auto cfg = j->find("Config"); cfg != j->end() && cfg->is_object()) {
    if (auto ports = cfg->find("ExposedPorts"); ports != cfg->end() && ports->is_object()) {
      for (const auto& [spec, unused] : ports->items()) {
        int port = 0;
        char proto[8] = {};
        if (sscanf(spec.c_str(), "%d/%7s", &port, proto) >= 1 && (proto[0] == 0 || std::string(proto) == "tcp")) {
          info.exposed_tcp_ports.push_back(port);
        }
      }
      std::sort(info.exposed_tcp_ports.begin(), info.exposed_tcp_ports.end());
    }
    if (auto env = cfg->find("Env"); env != cfg->end() && env->is_array()) {
      for (const auto& e : *env) {
        if (e.is_string()) info.env.push_back(e.get<std::string>());
      }
    }
  }
  return info;
}

util::Status EngineClient::StartContainer(const std::string& id) {
  return Call("container start", HttpRequest{"POST", "/containers/" + P(id) + "/start", {}, ""}).status();
}

util::Result<int> EngineClient::WaitContainer(const std::string& id, AbortHandle* abort) {
  auto r = Call("container wait", HttpRequest{"POST", "/containers/" + P(id) + "/wait?condition=not-running", {}, ""},
                abort);
  if (!r.ok()) return r.status();
  auto j = ParseJson("container wait", r->body);
  if (!j.ok()) return j.status();
  if (auto e = j->find("Error"); e != j->end() && e->is_object() && !Str(*e, "Message").empty()) {
    return util::Status::Internal("docker container wait: " + Str(*e, "Message"));
  }
  auto code = j->find("StatusCode");
  if (code == j->end() || !code->is_number_integer()) {
    return util::Status::Internal("docker container wait: the answer has no StatusCode");
  }
  return code->get<int>();
}

util::Status EngineClient::KillContainer(const std::string& id, const std::string& signal) {
  return Call("container kill", HttpRequest{"POST", "/containers/" + P(id) + "/kill?signal=" + Q(signal), {}, ""})
      .status();
}

util::Status EngineClient::StopContainer(const std::string& id, int timeout_seconds) {
  return Call("container stop",
              HttpRequest{"POST", "/containers/" + P(id) + "/stop?t=" + std::to_string(timeout_seconds), {}, ""})
      .status();
}

util::Status EngineClient::RemoveContainer(const std::string& id) {
  return Call("container remove", HttpRequest{"DELETE", "/containers/" + P(id) + "?force=1&v=1", {}, ""}).status();
}

util::Result<std::vector<ContainerSummary>> EngineClient::ListContainers(const std::vector<std::string>& label_filters) {
  auto r = Call("container list", HttpRequest{"GET", "/containers/json?all=1&filters=" + LabelFilters(label_filters), {}, ""});
  if (!r.ok()) return r.status();
  auto j = ParseJson("container list", r->body);
  if (!j.ok()) return j.status();
  std::vector<ContainerSummary> out;
  if (!j->is_array()) return out;
  for (const auto& c : *j) {
    ContainerSummary s;
    s.id = Str(c, "Id");
    s.image = Str(c, "Image");
    s.state = Str(c, "State");
    if (auto n = c.find("Names"); n != c.end() && n->is_array()) {
      for (const auto& name : *n) {
        if (name.is_string()) s.names.push_back(name.get<std::string>());
      }
    }
    if (auto l = c.find("Labels"); l != c.end()) s.labels = LabelsOf(*l);
    out.push_back(std::move(s));
  }
  return out;
}

util::Result<std::string> EngineClient::CreateNetwork(const std::string& name, const Labels& labels,
                                                     const std::map<std::string, std::string>& options,
                                                     bool enable_ipv6) {
  json body = {{"Name", name}, {"CheckDuplicate", true}, {"Driver", "bridge"}, {"Labels", labels}};
  if (enable_ipv6) body["EnableIPv6"] = true;
  body["Options"] = json::object();
  for (const auto& [k, v] : options) body["Options"][k] = v;
  auto r =
      Call("network create", HttpRequest{"POST", "/networks/create", {{"Content-Type", "application/json"}}, Dump(body)});
  if (!r.ok()) return r.status();
  auto j = ParseJson("network create", r->body);
  if (!j.ok()) return j.status();
  std::string id = Str(*j, "Id");
  if (id.empty()) return util::Status::Internal("docker network create: the answer has no Id");
  return id;
}

util::Status EngineClient::RemoveNetwork(const std::string& id) {
  return Call("network remove", HttpRequest{"DELETE", "/networks/" + P(id), {}, ""}).status();
}

util::Result<std::vector<NetworkSummary>> EngineClient::ListNetworks(const std::vector<std::string>& label_filters) {
  auto r = Call("network list", HttpRequest{"GET", "/networks?filters=" + LabelFilters(label_filters), {}, ""});
  if (!r.ok()) return r.status();
  auto j = ParseJson("network list", r->body);
  if (!j.ok()) return j.status();
  std::vector<NetworkSummary> out;
  if (!j->is_array()) return out;
  for (const auto& n : *j) {
    NetworkSummary s;
    s.id = Str(n, "Id");
    s.name = Str(n, "Name");
    if (auto l = n.find("Labels"); l != n.end()) s.labels = LabelsOf(*l);
    out.push_back(std::move(s));
  }
  return out;
}

util::Result<std::string> EngineClient::CreateVolume(const std::string& name, const Labels& labels) {
  json body = {{"Name", name}, {"Driver", "local"}, {"Labels", labels}};
  auto r = Call("volume create", HttpRequest{"POST", "/volumes/create", {{"Content-Type", "application/json"}}, Dump(body)});
  if (!r.ok()) return r.status();
  auto j = ParseJson("volume create", r->body);
  if (!j.ok()) return j.status();
  return Str(*j, "Name");
}

util::Status EngineClient::RemoveVolume(const std::string& name) {
  return Call("volume remove", HttpRequest{"DELETE", "/volumes/" + P(name) + "?force=1", {}, ""}).status();
}

util::Result<std::vector<VolumeSummary>> EngineClient::ListVolumes(const std::vector<std::string>& label_filters) {
  auto r = Call("volume list", HttpRequest{"GET", "/volumes?filters=" + LabelFilters(label_filters), {}, ""});
  if (!r.ok()) return r.status();
  auto j = ParseJson("volume list", r->body);
  if (!j.ok()) return j.status();
  std::vector<VolumeSummary> out;
  auto v = j->find("Volumes");
  if (v == j->end() || !v->is_array()) return out;
  for (const auto& vol : *v) {
    VolumeSummary s;
    s.name = Str(vol, "Name");
    if (auto l = vol.find("Labels"); l != vol.end()) s.labels = LabelsOf(*l);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace executor::docker
