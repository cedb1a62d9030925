#pragma once
// AWS Signature Version 4: signs a request with an Authorization header (EC2, Auto Scaling,
// Instance Connect, S3 requests) or as a presigned URL (S3 cache objects).
//
// Path rules. SignableRequest::path is the path exactly as it goes on the wire (already
// percent-encoded by whoever built the URL). Services other than S3 normalize it (".",
// "..", "//") and encode it again ("double encoding", as the SDKs do: "%" becomes "%25").
// S3 (SigningOptions::ForService(region, "s3")) neither normalizes nor double-encodes:
// the path is decoded once and encoded once per segment, so "/a%20b" and "/a b" sign the
// same, and "//x/./y" stays as it is. Build S3 URLs with UriEncodePath(key).
//
// Pure functions; thread-safe. The secret key never appears in any output.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cloud/aws/credentials.h"
#include "util/clock.h"
#include "util/http_client.h"
#include "util/status.h"

namespace cloud::aws {

inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";
inline constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";

using Fields = std::vector<std::pair<std::string, std::string>>;

// What the signer needs to know about a request.
struct SignableRequest {
  std::string method = "GET";
  std::string path = "/";  // wire form (percent-encoded), see the top comment
  Fields query;            // decoded key/value pairs, any order, repeats allowed
  Fields headers;          // as sent; must contain Host (with ":port" when non-default)
  // Lower-case hex SHA-256 of the body, or kUnsignedPayload. Empty: the empty body's hash.
  std::string payload_hash;
};

struct SigningOptions {
  std::string region;   // e.g. "us-east-1"
  std::string service;  // signing name: "ec2", "autoscaling", "s3", ...
  bool normalize_path = true;       // false for S3
  bool double_encode_path = true;   // false for S3
  bool add_content_sha256 = false;  // header signing: send and sign x-amz-content-sha256 (S3)
  bool omit_session_token = false;  // add X-Amz-Security-Token after signing (legacy)

  // The options the service needs: S3 gets its own path and payload rules.
  static SigningOptions ForService(std::string region, std::string service);
};

// Everything computed while signing; tests compare each step with the vectors.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // 64 lower-case hex digits
  std::string signed_headers;  // "host;x-amz-date"
  std::string authorization;   // header form only: the Authorization value
  std::string query;           // presign only: the final query string (signature last)
};

// Signs `request` in place with the Authorization header: sets X-Amz-Date (replacing one
// already present), X-Amz-Security-Token when `creds` has a token, x-amz-content-sha256
// when options ask for it, then Authorization. Signs every header except Authorization,
// User-Agent, Expect and X-Amzn-Trace-Id.
// Errors: kInvalidArgument when credentials, region, service or Host are missing.
util::Result<SigningResult> SignHeaders(SignableRequest& request, const Credentials& creds,
                                        const SigningOptions& options, util::Time now);

// Computes a presigned query for `request`: X-Amz-Algorithm, -Credential, -Date, -Expires,
// -SignedHeaders (every header of `request`, at least host), -Security-Token, then
// X-Amz-Signature last. `request` is not changed; whoever uses the URL must send exactly
// the headers it holds. An empty payload_hash means kUnsignedPayload for S3 and the empty
// body's hash otherwise.
// Errors: kInvalidArgument as SignHeaders, or `expires` outside 1 s .. 7 days.
util::Result<SigningResult> Presign(const SignableRequest& request, const Credentials& creds,
                                    const SigningOptions& options, util::Time now,
                                    std::chrono::seconds expires);

// Presigns an absolute URL ("https://bucket.s3.us-east-1.amazonaws.com/key?x=1") and
// returns it with the signature parameters appended. `headers` are the extra headers the
// user of the URL will send and that must be signed (e.g. x-amz-meta-cachekey); Host is
// taken from the URL. Errors: kInvalidArgument for a URL that is not http(s)://host/...
util::Result<std::string> PresignUrl(const std::string& method, const std::string& url,
                                     const Fields& headers, const Credentials& creds,
                                     const SigningOptions& options, util::Time now,
                                     std::chrono::seconds expires);

// Signs an HTTP request for util::HttpClient in place: takes path and query from its URL,
// hashes its body, adds Host, X-Amz-Date, token and Authorization headers.
util::Status SignHttpRequest(util::HttpRequest& request, const Credentials& creds,
                             const SigningOptions& options, util::Time now);

// ---- building blocks (exposed for the vectors, the verifier side and tests) ----

// SigV4 URI encoding: A-Z a-z 0-9 - _ . ~ kept, everything else %XX (upper case);
// '/' kept when keep_slash.
std::string UriEncode(std::string_view s, bool keep_slash);
// Encodes each segment of an S3 object path ("/bucket/a b/c" -> "/bucket/a%20b/c").
inline std::string UriEncodePath(std::string_view path) { return UriEncode(path, true); }
// Decodes %XX escapes (a malformed escape is kept literally); '+' stays '+'.
std::string UriDecode(std::string_view s);
// Splits "a=1&b&c=%2F" into decoded pairs ("b" has an empty value).
Fields ParseQuery(std::string_view query);
// The canonical URI of a wire path under `options`.
std::string CanonicalUri(std::string_view path, const SigningOptions& options);
// The canonical query string of decoded pairs (encoded, sorted by key then value).
std::string CanonicalQuery(const Fields& query);

std::string HexSha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string HexEncode(std::string_view bytes);
// kSigning = HMAC chain over "AWS4"+secret, date (yyyymmdd), region, service, "aws4_request".
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

// "20150830T123600Z" and back (UTC). Parse returns kInvalidArgument when malformed or
// outside the years 1900-2200.
std::string FormatAmzDate(util::Time t);
util::Result<util::Time> ParseAmzDate(std::string_view s);

}  // namespace cloud::aws
