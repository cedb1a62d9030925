// Compares the signer with the AWS SDK for JavaScript's (@smithy/signature-v4) on a few
// hundred seeded random requests: header signing and presigning, S3 and other services,
// with and without session tokens. The SDK runs in node (testdata/sigv4_peer.js); the
// modules come from scripts/npm_deps.sh. A missing node or module fails the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "cloud/aws/sigv4.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

struct Case {
  nlohmann::json wire;  // what the peer gets
  std::string expected;  // our Authorization value, or our signature for presign
  std::string signed_headers;
};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin(int percent) { return Int(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Int(0, static_cast<int>(v.size()) - 1)]; }
  // Text from ASCII letters, digits, punctuation, spaces and a few multi-byte characters.
  std::string Text(int max_len, bool allow_slash) {
    static const std::vector<std::string> kPieces = {
        "a", "Z", "0", "9", "-", "_", ".", "~", " ", "$", "&", "=", "+", "%", "!", "*", "'", "(", ")",
        ",", ";", ":", "@", "?", "#", "[", "]", "\xc3\xa9", "\xe1\x88\xb4", "\xf0\x9f\x98\x80", "k", "Q"};
    std::string out;
    int n = Int(1, max_len);
    for (int i = 0; i < n; ++i) {
      if (allow_slash && Coin(10)) out += "/";
      else out += Pick(kPieces);
    }
    return out;
  }

 private:
  std::mt19937 rng_;
};

Case MakeCase(Gen& g) {
  static const std::vector<std::string> kServices = {"ec2", "autoscaling", "s3", "sts", "service"};
  static const std::vector<std::string> kRegions = {"us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"};
  static const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "HEAD", "DELETE"};
  static const std::vector<std::string> kHeaderNames = {"X-Amz-Meta-Cachekey", "content-type", "X-Custom-Thing",
                                                         "x-amz-storage-class", "Content-MD5", "Range"};
  std::string service = g.Pick(kServices);
  std::string region = g.Pick(kRegions);
  bool presign = g.Coin(40);
  Credentials creds{"AKID" + std::to_string(g.Int(1000, 9999)), g.Text(40, true), g.Coin(50) ? g.Text(60, true) : "",
                    std::nullopt, ""};
  SignableRequest r;
  r.method = g.Pick(kMethods);
  std::string host = service + "." + region + ".amazonaws.com" + (g.Coin(20) ? ":8443" : "");
  if (service == "s3") {
    r.path = "/bucket-" + std::to_string(g.Int(1, 9)) + "/" + UriEncodePath(g.Text(20, true));
  } else {
    static const std::vector<std::string> kSegments = {"a", "b c", ".", "..", "", "x%y", "$d", "\xc3\xa9", "~_-."};
    r.path = "";
    int n = g.Int(0, 5);
    for (int i = 0; i < n; ++i) r.path += "/" + g.Pick(kSegments);
    r.path += g.Coin(30) ? "/" : "";
    if (r.path.empty()) r.path = "/";
  }
  int nq = g.Int(0, 4);
  for (int i = 0; i < nq; ++i) {
    std::string key = g.Coin(20) && !r.query.empty() ? r.query.back().first : g.Text(8, false);
    r.query.emplace_back(key, g.Coin(15) ? "" : g.Text(12, true));
  }
  r.headers.emplace_back("Host", host);
  std::vector<std::string> names = kHeaderNames;
  int nh = g.Int(0, 3);
  for (int i = 0; i < nh; ++i) {
    std::string name = names[g.Int(0, static_cast<int>(names.size()) - 1)];
    std::erase(names, name);
    std::string value = (g.Coin(30) ? "  " : "") + g.Text(10, true) + (g.Coin(30) ? "   \t " + g.Text(5, false) : "") +
                        (g.Coin(30) ? " " : "");
    r.headers.emplace_back(name, value);
  }
  std::string body = (r.method == "POST" || r.method == "PUT") && g.Coin(70) ? g.Text(40, true) : "";
  auto now = util::Time(std::chrono::seconds(g.Int(1420070400, 1893456000)));
  SigningOptions options = SigningOptions::ForService(region, service);

  Case c;
  nlohmann::json wire_query = nlohmann::json::array();
  for (const auto& [k, v] : r.query) wire_query.push_back({k, v});
  nlohmann::json wire_headers = nlohmann::json::array();
  for (const auto& [k, v] : r.headers)
    if (k != "Host") wire_headers.push_back({k, v});
  wire_headers.push_back({"host", host});
  c.wire = {{"access_key_id", creds.access_key_id}, {"secret_access_key", creds.secret_access_key},
            {"session_token", creds.session_token}, {"region", region}, {"service", service},
            {"method", r.method}, {"host", host}, {"path", r.path}, {"query", wire_query},
            {"headers", wire_headers}, {"body", body}, {"time", util::UnixSeconds(now)}, {"presign", presign}};
  if (presign) {
    int expires = g.Int(1, 604800);
    c.wire["expires"] = expires;
    if (service != "s3") r.payload_hash = HexSha256(body);
    auto s = Presign(r, creds, options, now, std::chrono::seconds(expires));
    EXPECT_OK(s);
    if (s.ok()) {
      c.expected = s->signature;
      c.signed_headers = s->signed_headers;
    }
  } else {
    r.payload_hash = HexSha256(body);
    auto s = SignHeaders(r, creds, options, now);
    EXPECT_OK(s);
    if (s.ok()) c.expected = s->authorization;
  }
  return c;
}

TEST(SigV4SdkComparisonTest, RandomRequestsMatchTheJavaScriptSdk) {
  Gen g(20240611);
  std::vector<Case> cases;
  nlohmann::json wire = nlohmann::json::array();
  for (int i = 0; i < 400; ++i) {
    cases.push_back(MakeCase(g));
    wire.push_back(cases.back().wire);
  }
  testutil::TempDir dir;
  std::ofstream(dir.path() / "in.json") << wire.dump();
  std::string script = (testutil::SourceDir() / "src/cloud/aws/testdata/sigv4_peer.js").string();
  std::string cmd = "node '" + script + "' < '" + (dir.path() / "in.json").string() + "' > '" +
                    (dir.path() / "out.json").string() + "' 2> '" + (dir.path() / "err.txt").string() + "'";
  int rc = std::system(cmd.c_str());
  ASSERT_EQ(rc, 0) << "the SDK peer failed (run scripts/npm_deps.sh): "
                   << testutil::ReadFile(dir.path() / "err.txt");
  nlohmann::json out = nlohmann::json::parse(testutil::ReadFile(dir.path() / "out.json"));
  ASSERT_EQ(out.size(), cases.size());
  int presigned = 0, with_token = 0, s3 = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    if (c.wire["presign"].get<bool>()) {
      ++presigned;
      EXPECT_EQ(out[i]["query"]["X-Amz-Signature"], c.expected) << "case " << i << ": " << c.wire.dump();
      EXPECT_EQ(out[i]["query"]["X-Amz-SignedHeaders"], c.signed_headers) << "case " << i;
    } else {
      EXPECT_EQ(out[i]["authorization"], c.expected) << "case " << i << ": " << c.wire.dump();
    }
    with_token += !c.wire["session_token"].get<std::string>().empty();
    s3 += c.wire["service"] == "s3";
  }
  // The seed covers every branch.
  EXPECT_GT(presigned, 100);
  EXPECT_GT(with_token, 100);
  EXPECT_GT(s3, 50);
}

}  // namespace
}  // namespace cloud::aws
