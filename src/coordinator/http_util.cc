#include "coordinator/http_util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <vector>
#include <random>

#include "coordinator/request_log.h"

namespace coordinator::http {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

std::string ResponseRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kHex[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string id = "01";
  for (int i = 0; i < 24; ++i) id.push_back(kHex[rng() % 32]);
  return id;
}

const char* Reason(int status) {
  switch (status) {
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

const char* FaultName(FaultKind k) {
  switch (k) {
    case FaultKind::kStatus: return "status";
    case FaultKind::kDrop: return "drop";
    case FaultKind::kStall: return "stall";
    case FaultKind::kGarbage: return "garbage";
    case FaultKind::kNoContent: return "no_content";
  }
  return "";
}

// Answers `f` itself; false for stalls, which go on to the real handler.
bool ApplyFault(Coordinator& c, const Fault& f, httplib::Response& res) {
  switch (f.kind) {
    case FaultKind::kStall:
      c.Sleep(f.stall);
      return false;
    case FaultKind::kStatus: {
      ApiResponse a = ApiResponse::Message(f.status, std::to_string(f.status) + " " + Reason(f.status));
      if (f.retry_after_seconds >= 0) a.SetHeader("Retry-After", std::to_string(f.retry_after_seconds));
      Write(a, res);
      return true;
    }
    case FaultKind::kGarbage:
      res.status = f.status;
      res.set_content("\x01<html>garbage{\"id\": ", "application/json");
      return true;
    case FaultKind::kNoContent: {
      ApiResponse a = ApiResponse::Empty(204);
      if (f.fresh_cursor) a.SetHeader("X-GitLab-Last-Update", ResponseRequestId());
      Write(a, res);
      return true;
    }
    case FaultKind::kDrop:
      if (f.stall.count() > 0) c.Sleep(f.stall);  // dropped during a hold
      res.status = f.status;
      res.set_content_provider(
          4096, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
      return true;
  }
  return false;
}

std::string Base64Decode(const std::string& in) {
  auto val = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
  };
  std::string out;
  int buf = 0, bits = 0;
  for (char ch : in) {
    int v = val(ch);
    if (v < 0) continue;
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

void SendFile(httplib::Response& res, const std::filesystem::path& path, int64_t size) {
  auto file = std::shared_ptr<FILE>(std::fopen(path.c_str(), "rb"), [](FILE* f) {
    if (f) std::fclose(f);
  });
  if (!file) {
    res.status = 500;
    return;
  }
  res.set_content_provider(static_cast<size_t>(size), "application/octet-stream",
                           [file](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::vector<char> buf(std::min<size_t>(length, 1 << 20));
                             std::fseek(file.get(), static_cast<long>(offset), SEEK_SET);
                             size_t n = std::fread(buf.data(), 1, buf.size(), file.get());
                             if (n == 0) return false;
                             sink.write(buf.data(), n);
                             return true;
                           });
}

std::optional<std::pair<std::string, std::string>> BasicCredentials(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Basic ", 0) != 0) return std::nullopt;
  const std::string creds = Base64Decode(auth.substr(6));
  const auto colon = creds.find(':');
  return std::make_pair(creds.substr(0, colon), colon == std::string::npos ? "" : creds.substr(colon + 1));
}

ApiResponse BasicAuthChallenge() {
  ApiResponse a = ApiResponse::Text(401, "HTTP Basic: Access denied\n");
  a.SetHeader("WWW-Authenticate", "Basic realm=\"GitLab\"");
  return a;
}

bool JobTokenAuthorized(const Coordinator& c, const httplib::Request& req, const std::string& project_path) {
  auto creds = BasicCredentials(req);
  return creds && creds->first == "gitlab-ci-token" && c.JobTokenCanRead(project_path, creds->second);
}

std::string MediaType(const httplib::Request& req) {
  std::string ct = req.get_header_value("Content-Type");
  ct = ct.substr(0, ct.find(';'));
  ct.erase(ct.find_last_not_of(" \t") + 1);
  return Lower(ct);
}

util::Result<nlohmann::json> Params(const httplib::Request& req) {
  nlohmann::json p = nlohmann::json::object();
  const std::string type = MediaType(req);
  if (!req.body.empty() && type != "application/x-www-form-urlencoded" && type != "multipart/form-data") {
    p = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (p.is_discarded() || !p.is_object()) return util::Status::InvalidArgument("body is not a JSON object");
  }
  for (const auto& [k, v] : req.params) {
    if (!p.contains(k)) p[k] = v;
  }
  return p;
}

void Write(const ApiResponse& a, httplib::Response& res) {
  res.status = a.status;
  for (const auto& [k, v] : a.headers) res.set_header(k, v);
  if (!a.content_type.empty()) res.set_content(a.body, a.content_type);
}

void Serve(Coordinator& c, const std::string& endpoint, const httplib::Request& req, httplib::Response& res,
           const Handler& fn) {
  RequestRecord rec;
  rec.endpoint = endpoint;
  rec.method = req.method;
  rec.path = req.path;
  auto q = req.target.find('?');
  if (q != std::string::npos) rec.query = req.target.substr(q + 1);
  for (const auto& [k, v] : req.headers) {
    if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
    rec.headers[Lower(k)] = v;
  }
  rec.body_bytes = req.body.size();
  rec.request_id_ok = IsValidRequestId(req.get_header_value("X-Request-Id"));
  res.set_header("X-Request-Id", ResponseRequestId());

  bool answered = false;
  if (auto f = c.faults().Take(endpoint)) {
    rec.fault = FaultName(f->kind);
    answered = ApplyFault(c, *f, res);
  }
  if (!answered) {
    ApiResponse a;
    try {
      a = fn(req);
    } catch (const nlohmann::json::exception& e) {
      a = ApiResponse::ParamError(std::string("invalid parameter: ") + e.what());
    } catch (const std::exception& e) {
      a = ApiResponse::Message(500, std::string("500 Internal Server Error: ") + e.what());
    }
    Write(a, res);
  }
  rec.status = res.status;
  c.request_log().Add(std::move(rec));
}

}  // namespace coordinator::http
