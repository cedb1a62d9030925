#include "cloud/aws/sigv4.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

namespace cloud::aws {
namespace {

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Trims and collapses every run of whitespace to one space.
std::string CanonicalHeaderValue(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsUnsignedHeader(const std::string& lower_name) {
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "expect" ||
         lower_name == "x-amzn-trace-id";
}

void RemoveHeader(Fields& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& f) { return util::EqualsIgnoreCase(f.first, name); });
}

const std::string* FindHeader(const Fields& headers, std::string_view name) {
  for (const auto& f : headers)
    if (util::EqualsIgnoreCase(f.first, name)) return &f.second;
  return nullptr;
}

// Canonical header block ("name:value\n" sorted) and the signed header list.
std::pair<std::string, std::string> CanonicalHeaders(const Fields& headers) {
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : headers) {
    std::string key = Lower(name);
    if (IsUnsignedHeader(key)) continue;
    auto [it, inserted] = merged.try_emplace(key, CanonicalHeaderValue(value));
    if (!inserted) it->second += "," + CanonicalHeaderValue(value);
  }
  std::string block, names;
  for (const auto& [name, value] : merged) {
    block += name + ":" + value + "\n";
    if (!names.empty()) names += ";";
    names += name;
  }
  return {block, names};
}

util::Status Validate(const SignableRequest& r, const Credentials& creds, const SigningOptions& o) {
  if (creds.access_key_id.empty() || creds.secret_access_key.empty())
    return util::Status::InvalidArgument("sigv4: credentials have no access key id or secret key");
  if (o.region.empty()) return util::Status::InvalidArgument("sigv4: no region to sign for");
  if (o.service.empty()) return util::Status::InvalidArgument("sigv4: no service signing name");
  if (!FindHeader(r.headers, "host")) return util::Status::InvalidArgument("sigv4: request has no Host header");
  if (r.path.empty() || r.path[0] != '/')
    return util::Status::InvalidArgument("sigv4: path \"" + r.path + "\" does not start with '/'");
  return util::Status::Ok();
}

std::string Scope(const std::string& date, const SigningOptions& o) {
  return date + "/" + o.region + "/" + o.service + "/aws4_request";
}

// Fills canonical request, string to sign and signature of `r`.
void Compute(const SignableRequest& r, const std::string& amz_date, const std::string& payload_hash,
             const Credentials& creds, const SigningOptions& o, SigningResult* out) {
  auto [header_block, signed_names] = CanonicalHeaders(r.headers);
  out->signed_headers = signed_names;
  out->canonical_request = r.method + "\n" + CanonicalUri(r.path, o) + "\n" + CanonicalQuery(r.query) +
                           "\n" + header_block + "\n" + signed_names + "\n" + payload_hash;
  std::string date = amz_date.substr(0, 8);
  out->string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + Scope(date, o) + "\n" +
                        HexSha256(out->canonical_request);
  std::string key = DeriveSigningKey(creds.secret_access_key, date, o.region, o.service);
  out->signature = HexEncode(HmacSha256(key, out->string_to_sign));
}

struct ParsedUrl {
  std::string scheme, host, path, query;
};

util::Result<ParsedUrl> ParseUrl(const std::string& url) {
  ParsedUrl p;
  size_t sep = url.find("://");
  if (sep == std::string::npos) return util::Status::InvalidArgument("sigv4: URL \"" + url + "\" has no scheme");
  p.scheme = Lower(url.substr(0, sep));
  if (p.scheme != "http" && p.scheme != "https")
    return util::Status::InvalidArgument("sigv4: URL \"" + url + "\" is not http or https");
  size_t host_start = sep + 3;
  size_t path_start = url.find_first_of("/?#", host_start);
  p.host = url.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  if (p.host.empty()) return util::Status::InvalidArgument("sigv4: URL \"" + url + "\" has no host");
  std::string rest = path_start == std::string::npos ? "" : url.substr(path_start);
  if (size_t hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  size_t q = rest.find('?');
  p.path = rest.substr(0, q);
  if (q != std::string::npos) p.query = rest.substr(q + 1);
  if (p.path.empty()) p.path = "/";
  return p;
}

}  // namespace

std::string Credentials::Describe() const {
  std::string id = access_key_id.size() > 8
                       ? access_key_id.substr(0, 4) + "..." + access_key_id.substr(access_key_id.size() - 4)
                       : access_key_id;
  return id + " from " + (source.empty() ? std::string("code") : source);
}

SigningOptions SigningOptions::ForService(std::string region, std::string service) {
  SigningOptions o;
  o.region = std::move(region);
  o.service = std::move(service);
  if (o.service == "s3") {
    o.normalize_path = false;
    o.double_encode_path = false;
    o.add_content_sha256 = true;
  }
  return o;
}

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Fields ParseQuery(std::string_view query) {
  Fields out;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    std::string_view item = query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(UriDecode(item), "");
      else
        out.emplace_back(UriDecode(item.substr(0, eq)), UriDecode(item.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return out;
}

std::string CanonicalUri(std::string_view path, const SigningOptions& options) {
  if (path.empty()) return "/";
  if (!options.double_encode_path) {
    std::string decoded = UriDecode(path);
    return UriEncode(decoded, true);
  }
  std::string p(path);
  if (options.normalize_path) {
    std::vector<std::string_view> segments;
    std::string_view rest = path;
    while (!rest.empty()) {
      size_t slash = rest.find('/');
      std::string_view seg = rest.substr(0, slash);
      if (seg == "..") {
        if (!segments.empty()) segments.pop_back();
      } else if (!seg.empty() && seg != ".") {
        segments.push_back(seg);
      }
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    p = "/";
    for (size_t i = 0; i < segments.size(); ++i) {
      if (i) p += "/";
      p += segments[i];
    }
    // As the SDKs do: a trailing '/' is kept only when the path ends with one.
    if (path.back() == '/' && p != "/") p += "/";
  }
  return UriEncode(p, true);
}

std::string CanonicalQuery(const Fields& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(UriEncode(k, false), UriEncode(v, false));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out += "&";
    out += k + "=" + v;
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string HexSha256(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return HexEncode(std::string_view(reinterpret_cast<char*>(md), sizeof md));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string DeriveSigningKey(std::string_view secret, std::string_view date, std::string_view region,
                             std::string_view service) {
  std::string k = HmacSha256("AWS4" + std::string(secret), date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

std::string FormatAmzDate(util::Time t) {
  std::time_t secs = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

util::Result<util::Time> ParseAmzDate(std::string_view s) {
  auto bad = [&] { return util::Status::InvalidArgument("\"" + std::string(s) + "\" is not a date like 20150830T123600Z"); };
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return bad();
  int v[6];
  const int pos[6] = {0, 4, 6, 9, 11, 13}, len[6] = {4, 2, 2, 2, 2, 2};
  for (int i = 0; i < 6; ++i) {
    v[i] = 0;
    for (int j = 0; j < len[i]; ++j) {
      char c = s[pos[i] + j];
      if (c < '0' || c > '9') return bad();
      v[i] = v[i] * 10 + (c - '0');
    }
  }
  std::chrono::year_month_day ymd{std::chrono::year(v[0]), std::chrono::month(v[1]), std::chrono::day(v[2])};
  // util::Time counts int64 nanoseconds (years 1678-2261); outside that a date would overflow.
  if (!ymd.ok() || v[0] < 1900 || v[0] > 2200 || v[3] > 23 || v[4] > 59 || v[5] > 60) return bad();
  auto days = std::chrono::sys_days(ymd);
  return util::Time(days) + std::chrono::hours(v[3]) + std::chrono::minutes(v[4]) + std::chrono::seconds(v[5]);
}

util::Result<SigningResult> SignHeaders(SignableRequest& request, const Credentials& creds,
                                        const SigningOptions& options, util::Time now) {
  SR_RETURN_IF_ERROR(Validate(request, creds, options));
  std::string amz_date = FormatAmzDate(now);
  std::string payload_hash = request.payload_hash.empty() ? kEmptySha256 : request.payload_hash;
  RemoveHeader(request.headers, "authorization");
  RemoveHeader(request.headers, "x-amz-date");
  request.headers.emplace_back("X-Amz-Date", amz_date);
  RemoveHeader(request.headers, "x-amz-security-token");
  if (!creds.session_token.empty() && !options.omit_session_token)
    request.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  if (options.add_content_sha256) {
    RemoveHeader(request.headers, "x-amz-content-sha256");
    request.headers.emplace_back("x-amz-content-sha256", payload_hash);
  }
  SigningResult out;
  Compute(request, amz_date, payload_hash, creds, options, &out);
  out.authorization = std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" +
                      Scope(amz_date.substr(0, 8), options) + ", SignedHeaders=" + out.signed_headers +
                      ", Signature=" + out.signature;
  if (!creds.session_token.empty() && options.omit_session_token)
    request.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  request.headers.emplace_back("Authorization", out.authorization);
  return out;
}

util::Result<SigningResult> Presign(const SignableRequest& request, const Credentials& creds,
                                    const SigningOptions& options, util::Time now,
                                    std::chrono::seconds expires) {
  SR_RETURN_IF_ERROR(Validate(request, creds, options));
  if (expires < std::chrono::seconds(1) || expires > std::chrono::hours(24 * 7))
    return util::Status::InvalidArgument("sigv4: presign expiry of " + std::to_string(expires.count()) +
                                         "s is outside 1s..604800s");
  std::string amz_date = FormatAmzDate(now);
  std::string payload_hash = request.payload_hash;
  if (payload_hash.empty()) payload_hash = options.service == "s3" ? kUnsignedPayload : kEmptySha256;
  SignableRequest r = request;
  RemoveHeader(r.headers, "authorization");
  RemoveHeader(r.headers, "x-amz-date");
  std::string signed_names = CanonicalHeaders(r.headers).second;
  r.query.emplace_back("X-Amz-Algorithm", kAlgorithm);
  r.query.emplace_back("X-Amz-Credential", creds.access_key_id + "/" + Scope(amz_date.substr(0, 8), options));
  r.query.emplace_back("X-Amz-Date", amz_date);
  r.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  r.query.emplace_back("X-Amz-SignedHeaders", signed_names);
  if (!creds.session_token.empty() && !options.omit_session_token)
    r.query.emplace_back("X-Amz-Security-Token", creds.session_token);
  SigningResult out;
  Compute(r, amz_date, payload_hash, creds, options, &out);
  out.query = CanonicalQuery(r.query);
  if (!creds.session_token.empty() && options.omit_session_token)
    out.query += "&X-Amz-Security-Token=" + UriEncode(creds.session_token, false);
  out.query += "&X-Amz-Signature=" + out.signature;
  return out;
}

util::Result<std::string> PresignUrl(const std::string& method, const std::string& url, const Fields& headers,
                                     const Credentials& creds, const SigningOptions& options, util::Time now,
                                     std::chrono::seconds expires) {
  auto parsed = ParseUrl(url);
  if (!parsed.ok()) return parsed.status();
  SignableRequest r;
  r.method = method;
  r.path = parsed->path;
  r.query = ParseQuery(parsed->query);
  r.headers.emplace_back("Host", parsed->host);
  for (const auto& h : headers)
    if (!util::EqualsIgnoreCase(h.first, "host")) r.headers.push_back(h);
  auto signed_req = Presign(r, creds, options, now, expires);
  if (!signed_req.ok()) return signed_req.status();
  return parsed->scheme + "://" + parsed->host + parsed->path + "?" + signed_req->query;
}

util::Status SignHttpRequest(util::HttpRequest& request, const Credentials& creds, const SigningOptions& options,
                             util::Time now) {
  auto parsed = ParseUrl(request.url);
  if (!parsed.ok()) return parsed.status();
  SignableRequest r;
  r.method = request.method;
  r.path = parsed->path;
  r.query = ParseQuery(parsed->query);
  if (!request.headers.Has("host")) r.headers.emplace_back("Host", parsed->host);
  for (const auto& h : request.headers.fields()) r.headers.push_back(h);
  r.payload_hash = HexSha256(request.body);
  auto signed_req = SignHeaders(r, creds, options, now);
  if (!signed_req.ok()) return signed_req.status();
  request.headers.clear();
  for (auto& [name, value] : r.headers) request.headers.Add(name, value);
  return util::Status::Ok();
}

}  // namespace cloud::aws
