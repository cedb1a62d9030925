#pragma once
// Runs SigV4 test vectors from a directory against the signer in sigv4.h. Both official
// layouts are understood, found anywhere below the directory:
//  * the classic suite (botocore's aws4_testsuite): <case>/<case>.req with .creq, .sts,
//    .authz; fixed example credentials, us-east-1, service "service", 20150830T123600Z;
//    a session token is taken from the x-amz-security-token line of the .creq;
//  * aws-c-auth's aws-signing-test-suite/v4 layout: <case>/context.json + request.txt with
//    header-*.txt and/or query-*.txt expectations (also used for the S3 doc examples).
// One VectorResult per variant (a classic case has one, an aws-c-auth case one per form).
// Used by `spotrunner aws sigv4-test-suite DIR` and by the unit tests.
#include <string>
#include <vector>

#include "util/status.h"

namespace cloud::aws {

struct VectorResult {
  std::string name;     // the case directory, relative to the suite root
  std::string variant;  // "header" or "query"
  bool passed = false;
  std::string detail;   // on failure: which step differed, expected vs got
};

// Parsed raw HTTP request of a vector file ("METHOD target HTTP/1.1", headers, body).
struct RawRequest {
  std::string method;
  std::string target;  // raw: may hold spaces and UTF-8
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Splits the request line on its first and last space; continuation lines (starting with
// whitespace) are joined to the previous header with one space.
util::Result<RawRequest> ParseRawRequest(const std::string& text);

// Runs every vector found below `dir`, sorted by name. kNotFound when `dir` holds no vector
// in either layout; kInvalidArgument when a vector's files are malformed (naming the file).
util::Result<std::vector<VectorResult>> RunSigV4Suite(const std::string& dir);

}  // namespace cloud::aws
