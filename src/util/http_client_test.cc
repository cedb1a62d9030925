#include "util/http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

namespace util {
namespace {

// cpp-httplib on 127.0.0.1, port chosen by the OS.
class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Method", req.method);
      res.set_header("X-Got-Header", req.get_header_value("X-Custom"));
      res.set_header("X-Content-Type", req.get_header_value("Content-Type"));
      res.set_header("X-Has-Expect", req.has_header("Expect") ? "yes" : "no");
      res.set_header("X-Port", std::to_string(req.remote_port));
      res.set_content(req.body, "text/plain");
    });
    server_.Put("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Method", req.method);
      res.set_content(req.body, "text/plain");
    });
    server_.Patch("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Method", req.method);
      res.set_content(req.body, "text/plain");
    });
    server_.Delete("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Method", req.method);
      res.set_content(req.body, "text/plain");
    });
    server_.Get("/status/418", [](const httplib::Request&, httplib::Response& res) {
      res.status = 418;
      res.set_header("Job-Status", "canceled");
      res.set_content("teapot", "text/plain");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      res.set_content("late", "text/plain");
    });
    server_.Get("/hold", [this](const httplib::Request&, httplib::Response& res) {
      // A long poll: held until the test ends (bounded at 10 s).
      for (int i = 0; i < 1000 && !release_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      res.set_content("released", "text/plain");
    });
    server_.Get("/redirect", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/status/418");
    });
    server_.Get("/port", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.remote_port), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    release_ = true;
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  httplib::Server server_;
  std::atomic<bool> release_{false};
  int port_ = 0;
  std::thread thread_;
};

TEST_F(HttpClientTest, PostSendsHeadersAndBody) {
  HttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.url = Url("/echo");
  req.headers.Add("X-Custom", "value 1");
  req.headers.Add("Content-Type", "application/json");
  req.body = std::string(4096, 'x');  // big enough for curl to want Expect: 100-continue
  HttpResponse r = client.Send(req);
  ASSERT_TRUE(r.transport_ok()) << r.error.message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, req.body);
  EXPECT_EQ(r.headers.GetOr("x-method"), "POST");
  EXPECT_EQ(r.headers.GetOr("X-GOT-HEADER"), "value 1");
  EXPECT_EQ(r.headers.GetOr("X-Content-Type"), "application/json");
  EXPECT_EQ(r.headers.GetOr("X-Has-Expect"), "no");
  EXPECT_FALSE(r.error);
}

TEST_F(HttpClientTest, PostWithoutContentTypeGetsNoneAdded) {
  HttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.url = Url("/echo");
  req.body = "a=b";
  HttpResponse r = client.Send(req);
  EXPECT_EQ(r.headers.GetOr("X-Content-Type"), "");
}

TEST_F(HttpClientTest, MethodsWithBodies) {
  HttpClient client;
  for (const char* m : {"PUT", "PATCH", "DELETE"}) {
    HttpRequest req;
    req.method = m;
    req.url = Url("/echo");
    req.headers.Add("Content-Type", "text/plain");
    req.body = std::string("body of ") + m;
    HttpResponse r = client.Send(req);
    EXPECT_EQ(r.status, 200) << m;
    EXPECT_EQ(r.headers.GetOr("X-Method"), m);
    EXPECT_EQ(r.body, req.body);
  }
}

TEST_F(HttpClientTest, ErrorStatusIsNotATransportError) {
  HttpClient client;
  HttpRequest req;
  req.url = Url("/status/418");
  HttpResponse r = client.Send(req);
  EXPECT_EQ(r.status, 418);
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.body, "teapot");
  EXPECT_EQ(r.headers.GetOr("job-status"), "canceled");
}

TEST_F(HttpClientTest, RedirectsAreNotFollowedByDefault) {
  HttpClient client;
  HttpRequest req;
  req.url = Url("/redirect");
  EXPECT_EQ(client.Send(req).status, 302);
  req.follow_redirects = true;
  HttpResponse r = client.Send(req);
  EXPECT_EQ(r.status, 418);
  EXPECT_EQ(r.headers.GetOr("Location"), "");  // only the final response's headers
}

TEST_F(HttpClientTest, ConnectFailure) {
  HttpClient client;
  HttpRequest req;
  TearDown();
  req.url = Url("/echo");
  HttpResponse r = client.Send(req);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.code, TransportError::Code::kConnect);
  EXPECT_FALSE(r.error.message.empty());
  SetUp();
}

TEST_F(HttpClientTest, Timeout) {
  HttpClient client;
  HttpRequest req;
  req.url = Url("/slow");
  req.timeout = std::chrono::milliseconds(100);
  HttpResponse r = client.Send(req);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.code, TransportError::Code::kTimeout);
}

TEST_F(HttpClientTest, TlsFailureIsReported) {
  HttpClient client;
  HttpRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(port_) + "/echo";  // plain HTTP server
  req.method = "POST";
  HttpResponse r = client.Send(req);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.code, TransportError::Code::kTls) << r.error.message;
}

TEST_F(HttpClientTest, StreamsRequestAndResponseBodies) {
  HttpClient client;
  std::string source = "streamed body";
  size_t pos = 0;
  HttpRequest req;
  req.method = "POST";
  req.url = Url("/echo");
  req.read_body = [&](char* buf, size_t cap) {
    size_t n = std::min<size_t>({cap, 3, source.size() - pos});
    std::copy_n(source.data() + pos, n, buf);
    pos += n;
    return n;
  };
  std::string sink;
  req.write_body = [&](std::string_view piece) {
    sink.append(piece);
    return true;
  };
  HttpResponse r = client.Send(req);
  ASSERT_EQ(r.status, 200) << r.error.message;
  EXPECT_EQ(sink, source);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(HttpClientTest, KeepsConnectionsAlive) {
  HttpClient client;
  HttpRequest req;
  req.url = Url("/port");
  std::string first = client.Send(req).body;
  std::string second = client.Send(req).body;
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
  HttpClient moved = std::move(client);
  EXPECT_EQ(moved.Send(req).body, first);
}

TEST_F(HttpClientTest, AbortEndsAHeldRequestAtOnce) {
  HttpClient client;
  HttpAbort abort;
  HttpRequest req;
  req.url = Url("/hold");
  req.abort = &abort;
  std::thread aborter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    abort.Abort();
  });
  auto start = std::chrono::steady_clock::now();
  HttpResponse r = client.Send(req);
  auto took = std::chrono::steady_clock::now() - start;
  aborter.join();
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.code, TransportError::Code::kOther);
  EXPECT_EQ(r.error.message, "aborted");
  // Well before the hold ends (10 s) and before curl's once-a-second timer would notice.
  EXPECT_LT(took, std::chrono::milliseconds(900));
  // Aborted stays aborted: a later request with it fails without being sent.
  start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.Send(req).error.message, "aborted");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
}

TEST_F(HttpClientTest, AbortableRequestsWorkAndKeepTheirConnection) {
  HttpClient client;
  HttpAbort abort;
  HttpRequest req;
  req.url = Url("/port");
  req.abort = &abort;
  HttpResponse first = client.Send(req);
  ASSERT_EQ(first.status, 200) << first.error.message;
  EXPECT_EQ(client.Send(req).body, first.body);
  req.abort = nullptr;  // the same client still serves plain requests
  EXPECT_EQ(client.Send(req).status, 200);
}

TEST(HttpHeadersTest, CaseInsensitive) {
  HttpHeaders h{{"Content-Type", "a"}};
  h.Add("X-A", "1");
  h.Add("x-a", "2");
  EXPECT_EQ(h.Get("content-type"), "a");
  EXPECT_EQ(h.Get("X-A"), "1");
  h.Set("X-a", "3");
  EXPECT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.GetOr("x-A"), "3");
  EXPECT_FALSE(h.Get("missing").has_value());
  EXPECT_EQ(h.GetOr("missing", "d"), "d");
  EXPECT_TRUE(EqualsIgnoreCase("Job-Status", "JOB-STATUS"));
  EXPECT_FALSE(EqualsIgnoreCase("a", "ab"));
}

}  // namespace
}  // namespace util
