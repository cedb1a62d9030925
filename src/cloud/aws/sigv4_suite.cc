#include "cloud/aws/sigv4_suite.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cloud/aws/sigv4.h"

namespace cloud::aws {
namespace {

namespace fs = std::filesystem;

constexpr char kClassicKeyId[] = "AKIDEXAMPLE";
constexpr char kClassicSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kClassicTime[] = "20150830T123600Z";

bool ReadText(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Compares one step; appends to `detail` when it differs.
bool Check(const std::string& step, const std::string& expected, const std::string& got, std::string* detail) {
  if (TrimRight(expected) == TrimRight(got)) return true;
  if (!detail->empty()) *detail += "; ";
  *detail += step + " differs: expected \"" + TrimRight(expected) + "\", got \"" + got + "\"";
  return false;
}

SignableRequest ToSignable(const RawRequest& raw) {
  SignableRequest r;
  r.method = raw.method;
  size_t q = raw.target.find('?');
  r.path = raw.target.substr(0, q);
  if (q != std::string::npos) r.query = ParseQuery(raw.target.substr(q + 1));
  r.headers = raw.headers;
  return r;
}

// The relative case name, with forward slashes.
std::string CaseName(const fs::path& root, const fs::path& dir) {
  std::string rel = fs::relative(dir, root).generic_string();
  return rel == "." ? dir.filename().generic_string() : rel;
}

util::Status RunClassic(const fs::path& root, const fs::path& dir, std::vector<VectorResult>* out) {
  std::string base = dir.filename().string();
  std::string req_text, creq, sts, authz;
  fs::path stem = dir / base;
  if (!ReadText(stem.string() + ".req", &req_text))
    return util::Status::InvalidArgument("cannot read " + stem.string() + ".req");
  auto raw = ParseRawRequest(req_text);
  if (!raw.ok()) return raw.status().WithContext(stem.string() + ".req");
  ReadText(stem.string() + ".creq", &creq);
  ReadText(stem.string() + ".sts", &sts);
  ReadText(stem.string() + ".authz", &authz);

  Credentials creds{kClassicKeyId, kClassicSecret, "", std::nullopt, "test vector"};
  // The classic suite expects the signer to add the token it shows in the canonical request.
  const std::string token_prefix = "x-amz-security-token:";
  if (size_t at = creq.find("\n" + token_prefix); at != std::string::npos) {
    size_t start = at + 1 + token_prefix.size();
    creds.session_token = creq.substr(start, creq.find('\n', start) - start);
  }
  SigningOptions options = SigningOptions::ForService("us-east-1", "service");
  SignableRequest r = ToSignable(*raw);
  r.payload_hash = HexSha256(raw->body);
  auto now = ParseAmzDate(kClassicTime);
  auto signed_req = SignHeaders(r, creds, options, *now);
  VectorResult v{CaseName(root, dir), "header", false, ""};
  if (!signed_req.ok()) {
    v.detail = signed_req.status().ToString();
  } else {
    bool ok = true;
    if (!creq.empty()) ok &= Check("canonical request", creq, signed_req->canonical_request, &v.detail);
    if (!sts.empty()) ok &= Check("string to sign", sts, signed_req->string_to_sign, &v.detail);
    ok &= Check("authorization", authz, signed_req->authorization, &v.detail);
    v.passed = ok;
  }
  out->push_back(std::move(v));
  return util::Status::Ok();
}

util::Result<util::Time> ParseIsoTime(std::string s) {
  std::erase(s, '-');
  std::erase(s, ':');
  return ParseAmzDate(s);
}

util::Status RunCrt(const fs::path& root, const fs::path& dir, std::vector<VectorResult>* out) {
  std::string ctx_text, req_text;
  if (!ReadText(dir / "context.json", &ctx_text) || !ReadText(dir / "request.txt", &req_text))
    return util::Status::InvalidArgument("cannot read " + (dir / "context.json").string() + " or request.txt");
  nlohmann::json ctx = nlohmann::json::parse(ctx_text, nullptr, false);
  if (ctx.is_discarded() || !ctx.is_object())
    return util::Status::InvalidArgument((dir / "context.json").string() + ": not a JSON object");
  auto raw = ParseRawRequest(req_text);
  if (!raw.ok()) return raw.status().WithContext((dir / "request.txt").string());

  const auto& c = ctx.value("credentials", nlohmann::json::object());
  Credentials creds{c.value("access_key_id", ""), c.value("secret_access_key", ""), c.value("token", ""),
                    std::nullopt, "test vector"};
  SigningOptions options;
  options.region = ctx.value("region", "");
  options.service = ctx.value("service", "");
  options.normalize_path = ctx.value("normalize", true);
  options.double_encode_path = ctx.value("double_uri_encode", true);
  options.omit_session_token = ctx.value("omit_session_token", false);
  auto now = ParseIsoTime(ctx.value("timestamp", ""));
  if (!now.ok()) return now.status().WithContext((dir / "context.json").string() + ": timestamp");
  std::string payload_hash = ctx.value("payload_hash", HexSha256(raw->body));

  for (const std::string variant : {"header", "query"}) {
    std::string creq, sts, sig;
    if (!ReadText(dir / (variant + "-signature.txt"), &sig)) continue;
    ReadText(dir / (variant + "-canonical-request.txt"), &creq);
    ReadText(dir / (variant + "-string-to-sign.txt"), &sts);
    SignableRequest r = ToSignable(*raw);
    r.payload_hash = payload_hash;
    VectorResult v{CaseName(root, dir), variant, false, ""};
    util::Result<SigningResult> result = util::Status::Internal("unset");
    if (variant == "header") {
      SigningOptions header_options = options;
      header_options.add_content_sha256 = ctx.value("sign_body", false);
      result = SignHeaders(r, creds, header_options, *now);
    } else {
      result = Presign(r, creds, options, *now, std::chrono::seconds(ctx.value("expiration_in_seconds", 3600)));
    }
    if (!result.ok()) {
      v.detail = result.status().ToString();
    } else {
      bool ok = true;
      if (!creq.empty()) ok &= Check("canonical request", creq, result->canonical_request, &v.detail);
      if (!sts.empty()) ok &= Check("string to sign", sts, result->string_to_sign, &v.detail);
      ok &= Check("signature", sig, result->signature, &v.detail);
      std::string url;
      if (variant == "query" && ReadText(dir / "presigned-url.txt", &url)) {
        std::string host;
        for (const auto& [name, value] : raw->headers)
          if (util::EqualsIgnoreCase(name, "host")) host = value;
        ok &= Check("presigned URL", url, "https://" + host + r.path + "?" + result->query, &v.detail);
      }
      v.passed = ok;
    }
    out->push_back(std::move(v));
  }
  return util::Status::Ok();
}

}  // namespace

util::Result<RawRequest> ParseRawRequest(const std::string& text) {
  RawRequest r;
  size_t line_end = text.find('\n');
  std::string first = text.substr(0, line_end);
  if (!first.empty() && first.back() == '\r') first.pop_back();
  size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1)
    return util::Status::InvalidArgument("request line \"" + first + "\" is not METHOD TARGET HTTP/1.1");
  r.method = first.substr(0, sp1);
  r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end == std::string::npos ? text.size() : line_end + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      r.body = text.substr(pos);
      break;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (r.headers.empty()) return util::Status::InvalidArgument("continuation line before any header");
      size_t s = line.find_first_not_of(" \t");
      r.headers.back().second += " " + line.substr(s);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      return util::Status::InvalidArgument("header line \"" + line + "\" has no name:value");
    std::string value = line.substr(colon + 1);
    size_t s = value.find_first_not_of(" \t");
    r.headers.emplace_back(line.substr(0, colon), s == std::string::npos ? "" : value.substr(s));
  }
  return r;
}

util::Result<std::vector<VectorResult>> RunSigV4Suite(const std::string& dir) {
  std::error_code ec;
  fs::path root(dir);
  if (!fs::is_directory(root, ec)) return util::Status::NotFound("sigv4 suite: " + dir + " is not a directory");
  std::vector<fs::path> dirs{root};
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory()) dirs.push_back(it->path());
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<VectorResult> out;
  for (const auto& d : dirs) {
    if (fs::exists(d / "context.json") && fs::exists(d / "request.txt")) {
      SR_RETURN_IF_ERROR(RunCrt(root, d, &out));
    } else if (fs::exists(d / (d.filename().string() + ".req"))) {
      SR_RETURN_IF_ERROR(RunClassic(root, d, &out));
    }
  }
  if (out.empty())
    return util::Status::NotFound("sigv4 suite: no vector below " + dir +
                                  " (expected <case>/<case>.req or <case>/context.json + request.txt)");
  return out;
}

}  // namespace cloud::aws
