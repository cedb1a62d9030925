#pragma once
// SigV4 verification on the server side: recomputes the signature of an incoming request
// from the `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...` header and answers as EC2 does when it is wrong (SignatureDoesNotMatch,
// IncompleteSignature, AuthFailure, RequestExpired, MissingAuthenticationToken).
// Written independently of the client signer in cloud/aws so the two check each other;
// both are checked against the official vectors.
// Pure functions; thread-safe.
#include <string>
#include <utility>
#include <vector>

#include "ec2emulator/api_error.h"
#include "util/clock.h"

namespace ec2emulator {

// An HTTP request as received. `target` is the raw request target ("/?a=b").
struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;
};

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // never logged
};

struct SigV4Expectation {
  std::string region = "us-east-1";
  std::string service;                                 // the signing name the credential scope must carry ("ec2", ...)
  util::Duration max_skew = std::chrono::minutes(15);  // EC2 refuses requests older/newer
};

// The parsed Authorization header.
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;  // yyyymmdd of the scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower-case, as listed
  std::string signature;
};

// Parses the Authorization value; IncompleteSignature when a part is missing.
ApiResult<SigV4Authorization> ParseAuthorization(const std::string& value);

// Verifies `r` signed with `creds`; on success returns the parsed authorization.
ApiResult<SigV4Authorization> VerifySigV4(const ReceivedRequest& r, const SigV4Credentials& creds,
                                          const SigV4Expectation& expect, util::Time now);

// The canonical request for `r` over `signed_headers` (lower-case names). Non-S3 rules:
// path normalized and each segment encoded, query sorted, header values trimmed.
std::string CanonicalRequest(const ReceivedRequest& r, const std::vector<std::string>& signed_headers);
std::string StringToSign(const std::string& amz_date, const std::string& scope, const std::string& canonical);
// Hex HMAC-SHA256 signature of `string_to_sign` with the key derived from the secret.
std::string Signature(const std::string& secret, const std::string& date, const std::string& region,
                      const std::string& service, const std::string& string_to_sign);
// SigV4 URI encoding (unreserved kept, the rest %XX upper-case); '/' kept when asked.
std::string UriEncode(const std::string& s, bool keep_slash);
std::string HexSha256(const std::string& data);

}  // namespace ec2emulator
