// UploadArtifact / DownloadArtifacts against an in-process HTTP server on 127.0.0.1.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "artifacts/downloader.h"
#include "artifacts/uploader.h"
#include "util/testing/test_util.h"

namespace artifacts {
namespace {

class Server {
 public:
  Server() {
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    for (int i = 0; i < 500 && !svr_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~Server() {
    svr_.stop();
    thread_.join();
  }
  httplib::Server& svr() { return svr_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
};

TransferOptions NoWait(std::vector<std::chrono::milliseconds>* pauses) {
  TransferOptions o;
  o.sleep = [pauses](std::chrono::milliseconds d) { pauses->push_back(d); };
  return o;
}

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = (dir_.path() / "artifacts.zip").string();
    std::ofstream(archive_, std::ios::binary) << std::string(300000, 'a') << "end";
  }
  UploadRequest Req(const std::string& url) {
    UploadRequest r;
    r.server_url = url;
    r.job_id = 7;
    r.token = "job-token-secret";
    r.archive_path = archive_;
    r.file_name = "bin build.zip";
    r.artifact_format = "zip";
    r.artifact_type = "archive";
    r.expire_in = "1 week";
    return r;
  }
  testutil::TempDir dir_;
  std::string archive_;
};

TEST_F(TransferTest, UploadsOneMultipartFilePartWithQueryAndToken) {
  Server s;
  std::string got_file, got_name, token, query_type, expire;
  s.svr().Post("/api/v4/jobs/7/artifacts", [&](const httplib::Request& req, httplib::Response& res) {
    token = req.get_header_value("JOB-TOKEN");
    query_type = req.get_param_value("artifact_type");
    expire = req.get_param_value("expire_in");
    ASSERT_TRUE(req.has_file("file"));
    got_file = req.get_file_value("file").content;
    got_name = req.get_file_value("file").filename;
    res.status = 201;
    res.set_content("201", "text/plain");
  });
  std::ostringstream log;
  util::HttpClient http;
  ASSERT_OK(UploadArtifact(http, Req(s.url()), log));
  EXPECT_EQ(token, "job-token-secret");
  EXPECT_EQ(query_type, "archive");
  EXPECT_EQ(expire, "1 week");
  EXPECT_EQ(got_name, "bin build.zip");
  EXPECT_EQ(got_file, std::string(300000, 'a') + "end");
  EXPECT_EQ(log.str(), "Uploading artifacts as \"archive\" to coordinator... 201 Created  id=7 responseStatus=201 Created\n");
  EXPECT_EQ(log.str().find("job-token-secret"), std::string::npos);
}
TEST_F(TransferTest, UploadRetriesFollowsRedirectAndStopsOnFinalAnswers) {
  Server target, first;
  std::atomic<int> calls{0};
  target.svr().Post("/api/v4/jobs/7/artifacts", [&](const httplib::Request&, httplib::Response& res) {
    res.status = ++calls < 3 ? 503 : 201;
  });
  first.svr().Post("/api/v4/jobs/7/artifacts", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 307;
    res.set_header("Location", target.url() + "/api/v4/jobs/7/artifacts?x=1");
  });
  std::vector<std::chrono::milliseconds> pauses;
  std::ostringstream log;
  util::HttpClient http;
  ASSERT_OK(UploadArtifact(http, Req(first.url()), log, NoWait(&pauses)));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(pauses, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(1000), std::chrono::milliseconds(2000)}));
  EXPECT_NE(log.str().find("307 Temporary Redirect"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("WARNING: Uploading artifacts as \"archive\" to coordinator... failed  id=7 responseStatus=503 Service Unavailable (will retry)"), std::string::npos) << log.str();

  Server big;
  big.svr().Post("/api/v4/jobs/7/artifacts", [&](const httplib::Request&, httplib::Response& res) { res.status = 413; });
  pauses.clear();
  std::ostringstream log2;
  util::Status st = UploadArtifact(http, Req(big.url()), log2, NoWait(&pauses));
  EXPECT_EQ(st.code(), util::Status::Code::kAborted);
  EXPECT_TRUE(pauses.empty());
  EXPECT_EQ(log2.str(), "ERROR: Uploading artifacts as \"archive\" to coordinator... too large archive  id=7 responseStatus=413 Request Entity Too Large\n");

  Server broken;
  broken.svr().Post("/api/v4/jobs/7/artifacts", [&](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  pauses.clear();
  std::ostringstream log3;
  EXPECT_EQ(UploadArtifact(http, Req(broken.url()), log3, NoWait(&pauses)).code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(pauses.size(), 2u);  // 3 tries for errors other than 503
}

TEST_F(TransferTest, DownloadFollowsStorageRedirectWithoutTheToken) {
  Server storage, gitlab;
  std::string storage_token = "unset";
  storage.svr().Get("/bucket/obj", [&](const httplib::Request& req, httplib::Response& res) {
    storage_token = req.get_header_value("JOB-TOKEN");
    res.set_content("archive-bytes", "application/octet-stream");
  });
  std::string direct;
  gitlab.svr().Get("/api/v4/jobs/9/artifacts", [&](const httplib::Request& req, httplib::Response& res) {
    direct = req.get_param_value("direct_download");
    if (req.get_header_value("JOB-TOKEN") != "dep-token") {
      res.status = 403;
      return;
    }
    res.status = 302;
    res.set_header("Location", storage.url() + "/bucket/obj?X-Amz-Signature=abc");
  });
  DownloadRequest d;
  d.server_url = gitlab.url();
  d.job_id = 9;
  d.token = "dep-token";
  d.out_path = (dir_.path() / "dl").string();
  std::ostringstream log;
  util::HttpClient http;
  ASSERT_OK(DownloadArtifacts(http, d, log));
  EXPECT_EQ(direct, "true");
  EXPECT_EQ(storage_token, "");
  EXPECT_EQ(testutil::ReadFile(d.out_path), "archive-bytes");
  EXPECT_NE(log.str().find("Downloading artifacts from coordinator... ok  id=9 responseStatus=200 OK"), std::string::npos);

  d.token = "wrong";
  std::vector<std::chrono::milliseconds> pauses;
  std::ostringstream log2;
  EXPECT_EQ(DownloadArtifacts(http, d, log2, NoWait(&pauses)).code(), util::Status::Code::kPermissionDenied);
  EXPECT_TRUE(pauses.empty());
  EXPECT_FALSE(std::filesystem::exists(d.out_path + ".none"));
}

TEST_F(TransferTest, DownloadRetriesServerErrorsThreeTimes) {
  Server gitlab;
  std::atomic<int> calls{0};
  gitlab.svr().Get("/api/v4/jobs/9/artifacts", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 502;
  });
  DownloadRequest d;
  d.server_url = gitlab.url();
  d.job_id = 9;
  d.token = "t";
  d.out_path = (dir_.path() / "dl").string();
  std::vector<std::chrono::milliseconds> pauses;
  std::ostringstream log;
  util::HttpClient http;
  EXPECT_EQ(DownloadArtifacts(http, d, log, NoWait(&pauses)).code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(pauses.size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(d.out_path));
}

// tls-ca-file: GitLab with a private CA is trusted through the request's ca_file (the
// helper passes CI_SERVER_TLS_CA_FILE) and refused without it.
TEST_F(TransferTest, DownloadTrustsTheRunnersCaFile) {
  const std::string cert = (dir_.path() / "ca.crt").string(), key = (dir_.path() / "ca.key").string();
  ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext "
                         "subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null")
                            .c_str()),
            0);
  httplib::SSLServer svr(cert.c_str(), key.c_str());
  ASSERT_TRUE(svr.is_valid());
  svr.Get("/api/v4/jobs/9/artifacts", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("tls-bytes", "application/octet-stream");
  });
  int port = svr.bind_to_any_port("127.0.0.1");
  std::thread t([&] { svr.listen_after_bind(); });
  for (int i = 0; i < 500 && !svr.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  DownloadRequest d;
  d.server_url = "https://127.0.0.1:" + std::to_string(port);
  d.job_id = 9;
  d.token = "t";
  d.out_path = (dir_.path() / "dl").string();
  util::HttpClient http;
  std::vector<std::chrono::milliseconds> pauses;
  std::ostringstream refused;
  EXPECT_FALSE(DownloadArtifacts(http, d, refused, NoWait(&pauses)).ok()) << "an unknown CA must be refused";
  d.ca_file = cert;
  std::ostringstream log;
  EXPECT_OK(DownloadArtifacts(http, d, log, NoWait(&pauses)));
  EXPECT_EQ(testutil::ReadFile(d.out_path), "tls-bytes");
  svr.stop();
  t.join();
}

TEST(S3ErrorTest, Summary) {
  EXPECT_EQ(S3ErrorSummary("<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"),
            "AccessDenied: Request has expired");
  EXPECT_EQ(S3ErrorSummary("plain"), "");
}

// Found by fuzz/s3_error_xml: unclosed or overlapping elements were cut across tags.
TEST(S3ErrorTest, MalformedElementsAndControlBytes) {
  EXPECT_EQ(S3ErrorSummary("<Error><Code>Sig</Come><Message>expired<x</Code><Message></Message>"), "");
  EXPECT_EQ(S3ErrorSummary("<Error><Code>NoSuchKey</Code><Message>a<b>c</b></Message></Error>"), "NoSuchKey");
  EXPECT_EQ(S3ErrorSummary("<Code>Slow\nDown</Code><Message>line1\r\nline2</Message>"), "Slow Down: line1  line2");
  EXPECT_EQ(S3ErrorSummary("<Code>" + std::string(1000, 'x') + "</Code>"), std::string(300, 'x'));
}

}  // namespace
}  // namespace artifacts
