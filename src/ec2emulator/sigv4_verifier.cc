#include "ec2emulator/sigv4_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "cloud/aws/sigv4.h"
#include "ec2emulator/query_params.h"

namespace ec2emulator {
namespace {

std::string ToHex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Trims and collapses inner runs of whitespace to one space (also inside quotes).
std::string CanonicalHeaderValue(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : Trim(v)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string NormalizePath(const std::string& raw) {
  std::string path = raw.empty() ? "/" : raw;
  std::vector<std::string> segs;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string seg = path.substr(pos, slash - pos);
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.push_back(seg);
    }
    pos = slash + 1;
  }
  bool trailing = path.size() > 1 && path.back() == '/' && !segs.empty();
  std::string out;
  for (const auto& s : segs) out += "/" + UriEncode(s, false);
  if (out.empty()) return "/";
  if (trailing) out += "/";
  return out;
}

std::string CanonicalQuery(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> items;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string item = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string k = item.substr(0, eq), v = eq == std::string::npos ? "" : item.substr(eq + 1);
    // Query strings are percent-encoded (not form-encoded): '+' stays a literal plus.
    auto pct = [](const std::string& s) {
      std::string t;
      for (char c : s) t += c == '+' ? std::string("%2B") : std::string(1, c);
      return FormDecode(t).value_or(s);
    };
    items.emplace_back(UriEncode(pct(k), false), UriEncode(pct(v), false));
  }
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& [k, v] : items) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

}  // namespace

std::string UriEncode(const std::string& s, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string HexSha256(const std::string& data) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  return ToHex(d, sizeof d);
}

std::string CanonicalRequest(const ReceivedRequest& r, const std::vector<std::string>& signed_headers) {
  size_t q = r.target.find('?');
  std::string path = r.target.substr(0, q);
  std::string query = q == std::string::npos ? "" : r.target.substr(q + 1);
  // The path arrives percent-encoded; SigV4 (non-S3) encodes what is on the wire again.
  std::string out = r.method + "\n" + NormalizePath(path) + "\n" + CanonicalQuery(query) + "\n";
  for (const auto& name : signed_headers) {
    std::string joined;
    bool first = true;
    for (const auto& [k, v] : r.headers) {
      if (Lower(k) != name) continue;
      joined += (first ? "" : ",") + CanonicalHeaderValue(v);
      first = false;
    }
    out += name + ":" + joined + "\n";
  }
  out += "\n";
  std::string names;
  for (const auto& n : signed_headers) names += (names.empty() ? "" : ";") + n;
  out += names + "\n" + HexSha256(r.body);
  return out;
}

std::string StringToSign(const std::string& amz_date, const std::string& scope, const std::string& canonical) {
  return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + HexSha256(canonical);
}

std::string Signature(const std::string& secret, const std::string& date, const std::string& region,
                      const std::string& service, const std::string& string_to_sign) {
  std::string k = Hmac("AWS4" + secret, date);
  k = Hmac(k, region);
  k = Hmac(k, service);
  k = Hmac(k, "aws4_request");
  std::string sig = Hmac(k, string_to_sign);
  return ToHex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

ApiResult<SigV4Authorization> ParseAuthorization(const std::string& raw) {
  const std::string value = Trim(raw);
  const std::string kAlg = "AWS4-HMAC-SHA256 ";
  if (value.compare(0, kAlg.size(), kAlg) != 0) {
    return ApiError{400, "IncompleteSignature",
                    "Unsupported Authorization Type; the Authorization header must start with AWS4-HMAC-SHA256"};
  }
  std::map<std::string, std::string> parts;
  size_t pos = kAlg.size();
  while (pos < value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string::npos) comma = value.size();
    std::string item = Trim(value.substr(pos, comma - pos));
    size_t eq = item.find('=');
    if (eq != std::string::npos) parts[item.substr(0, eq)] = item.substr(eq + 1);
    pos = comma + 1;
  }
  for (const char* need : {"Credential", "SignedHeaders", "Signature"}) {
    if (!parts.count(need)) {
      return ApiError{400, "IncompleteSignature",
                      std::string("Authorization header requires '") + need +
                          "' parameter. Authorization=" + value.substr(0, kAlg.size() - 1)};
    }
  }
  SigV4Authorization a;
  std::vector<std::string> scope;
  const std::string& cred = parts["Credential"];
  size_t p = 0;
  while (p <= cred.size()) {
    size_t s = cred.find('/', p);
    if (s == std::string::npos) s = cred.size();
    scope.push_back(cred.substr(p, s - p));
    p = s + 1;
  }
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[1].size() != 8) {
    size_t key_end = cred.find('/');
    std::string rest = key_end == std::string::npos ? std::string() : cred.substr(key_end + 1);
    return ApiError{400, "IncompleteSignature",
                    "Credential must have exactly 5 slash-delimited elements, e.g. "
                    "keyid/date/region/service/term, got '" +
                        rest + "'"};
  }
  a.access_key_id = scope[0];
  a.date = scope[1];
  a.region = scope[2];
  a.service = scope[3];
  const std::string& sh = parts["SignedHeaders"];
  p = 0;
  while (p < sh.size()) {
    size_t s = sh.find(';', p);
    if (s == std::string::npos) s = sh.size();
    a.signed_headers.push_back(Lower(sh.substr(p, s - p)));
    p = s + 1;
  }
  a.signature = parts["Signature"];
  return a;
}

ApiResult<SigV4Authorization> VerifySigV4(const ReceivedRequest& r, const SigV4Credentials& creds,
                                          const SigV4Expectation& expect, util::Time now) {
  auto header = [&](const std::string& name) -> const std::string* {
    for (const auto& [k, v] : r.headers) {
      if (Lower(k) == name) return &v;
    }
    return nullptr;
  };
  const std::string* authz = header("authorization");
  if (!authz) {
    return ApiError{401, "MissingAuthenticationToken", "Request is missing Authentication Token"};
  }
  auto parsed = ParseAuthorization(*authz);
  if (IsError(parsed)) return parsed;
  SigV4Authorization a = std::get<SigV4Authorization>(parsed);
  if (a.access_key_id != creds.access_key_id) {
    return ApiError{401, "AuthFailure", "AWS was not able to validate the provided access credentials"};
  }
  if (std::find(a.signed_headers.begin(), a.signed_headers.end(), "host") == a.signed_headers.end()) {
    return ApiError{400, "IncompleteSignature",
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."};
  }
  const std::string* date = header("x-amz-date");
  // The signer's parser: it refuses years a util::Time cannot hold (a fuzzed 9999 overflowed here).
  util::Result<util::Time> parsed_date = util::Status::InvalidArgument("no X-Amz-Date");
  if (date) parsed_date = cloud::aws::ParseAmzDate(*date);
  if (!parsed_date.ok()) {
    return ApiError{400, "IncompleteSignature",
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."};
  }
  if (a.date != date->substr(0, 8)) {
    return ApiError{403, "SignatureDoesNotMatch",
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                        a.date + "' != '" + date->substr(0, 8) + "', from '" + *date + "'."};
  }
  const util::Time t = *parsed_date;
  if (t < now - expect.max_skew || t > now + expect.max_skew) {
    return ApiError{400, "RequestExpired", "Request has expired."};
  }
  if (a.region != expect.region) {
    return ApiError{403, "SignatureDoesNotMatch",
                    "Credential should be scoped to a valid region, not '" + a.region + "'. "};
  }
  if (a.service != expect.service) {
    return ApiError{403, "SignatureDoesNotMatch",
                    "Credential should be scoped to correct service: '" + expect.service + "'. "};
  }
  std::string scope = a.date + "/" + a.region + "/" + a.service + "/aws4_request";
  std::string sts = StringToSign(*date, scope, CanonicalRequest(r, a.signed_headers));
  std::string want = Signature(creds.secret_access_key, a.date, a.region, a.service, sts);
  if (want.size() != a.signature.size() || CRYPTO_memcmp(want.data(), a.signature.data(), want.size()) != 0) {
    return ApiError{403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your AWS "
                    "Secret Access Key and signing method. Consult the service documentation for details."};
  }
  return a;
}

}  // namespace ec2emulator
