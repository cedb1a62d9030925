#include "executor/docker/http_over_stream.h"

#include <gtest/gtest.h>

#include "executor/docker/docker_testing.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

using testing::Pieces;
using testing::ScriptedStream;

util::Result<HttpResponse> Exchange(std::deque<std::string> reads, const HttpRequest& req,
                                    std::string* written = nullptr) {
  HttpExchange ex(std::make_unique<ScriptedStream>(std::move(reads), written));
  SR_RETURN_IF_ERROR(ex.Send(req));
  auto head = ex.ReadHead();
  if (!head.ok()) return head.status();
  auto body = ex.ReadBodyString();
  if (!body.ok()) return body.status();
  return HttpResponse{*head, *body};
}

TEST(HttpOverStreamTest, WritesRequestWithContentLength) {
  std::string written;
  auto r = Exchange({"HTTP/1.1 204 No Content\r\n\r\n"},
                    HttpRequest{"POST", "/v1.41/containers/create?name=a", {{"Content-Type", "application/json"}}, "{}"},
                    &written);
  ASSERT_OK(r);
  EXPECT_EQ(r->head.status, 204);
  EXPECT_EQ(written,
            "POST /v1.41/containers/create?name=a HTTP/1.1\r\nContent-Type: application/json\r\nHost: docker\r\n"
            "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
}

TEST(HttpOverStreamTest, ChunkedRequestBodyIsFramedPieceByPiece) {
  std::string written;
  HttpExchange ex(std::make_unique<ScriptedStream>(std::deque<std::string>{"HTTP/1.1 200 OK\r\n\r\n"}, &written));
  HttpRequest req{"POST", "/v1.41/images/load", {}, ""};
  req.chunked = true;
  ASSERT_OK(ex.Send(req));
  ASSERT_OK(ex.WriteChunk(std::string(26, 'a')));
  ASSERT_OK(ex.WriteChunk(""));  // skipped: a zero-size chunk would end the body
  ASSERT_OK(ex.WriteChunk("xyz"));
  ASSERT_OK(ex.EndChunks());
  EXPECT_EQ(written,
            "POST /v1.41/images/load HTTP/1.1\r\nHost: docker\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n1a\r\n" + std::string(26, 'a') + "\r\n3\r\nxyz\r\n0\r\n\r\n");
}

TEST(HttpOverStreamTest, EmptyPostSendsZeroLengthAndGetSendsNone) {
  std::string written;
  ASSERT_OK(Exchange({"HTTP/1.1 204 No Content\r\n\r\n"}, HttpRequest{"POST", "/x", {}, ""}, &written));
  EXPECT_NE(written.find("Content-Length: 0\r\n"), std::string::npos);
  written.clear();
  ASSERT_OK(Exchange({"HTTP/1.1 204 No Content\r\n\r\n"}, HttpRequest{"GET", "/x", {}, ""}, &written));
  EXPECT_EQ(written.find("Content-Length"), std::string::npos);
}

TEST(HttpOverStreamTest, ContentLengthBodySplitAtEveryByte) {
  std::string raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{\"a\":\"bcd\"}";
  for (size_t n : {1, 2, 3, 7, 64}) {
    auto r = Exchange(Pieces(raw, n), HttpRequest{});
    ASSERT_OK(r);
    EXPECT_EQ(r->head.status, 200);
    EXPECT_EQ(r->head.reason, "OK");
    EXPECT_EQ(r->head.Header("Content-Type").value_or(""), "application/json");
    EXPECT_EQ(r->head.Header("CONTENT-LENGTH").value_or(""), "11");
    EXPECT_EQ(r->body, "{\"a\":\"bcd\"}") << "piece size " << n;
  }
}

TEST(HttpOverStreamTest, ChunkedBodyWithExtensionsAndTrailers) {
  std::string raw =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n"
      "1;ext=1\r\n \r\n"
      "A\r\n0123456789\r\n"
      "0\r\nX-Trailer: y\r\n\r\n";
  for (size_t n : {1, 4, 1000}) {
    auto r = Exchange(Pieces(raw, n), HttpRequest{});
    ASSERT_OK(r);
    EXPECT_EQ(r->body, "hello 0123456789") << "piece size " << n;
  }
}

TEST(HttpOverStreamTest, BodyUntilEndOfStreamWithoutFraming) {
  auto r = Exchange({"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nab", "cd"},
                    HttpRequest{"POST", "/attach", {}, ""});
  ASSERT_OK(r);
  EXPECT_EQ(r->body, "abcd");
}

TEST(HttpOverStreamTest, SkipsContinueAndHeadHasNoBody) {
  auto r = Exchange({"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"},
                    HttpRequest{"HEAD", "/x", {}, ""});
  ASSERT_OK(r);
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(r->body, "");
}

TEST(HttpOverStreamTest, StreamingSinkSeesPiecesAndCanStop) {
  std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
  HttpExchange ex(std::make_unique<ScriptedStream>(Pieces(raw, 1000)));
  ASSERT_OK(ex.Send(HttpRequest{}));
  ASSERT_OK(ex.ReadHead());
  std::vector<std::string> seen;
  ASSERT_OK(ex.ReadBody([&](std::string_view p) {
    seen.emplace_back(p);
    return false;
  }));
  EXPECT_EQ(seen, std::vector<std::string>{"abc"});
}

TEST(HttpOverStreamTest, TruncatedBodiesAndBadHeadsAreErrors) {
  auto short_body = Exchange({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, HttpRequest{});
  EXPECT_EQ(short_body.status().code(), util::Status::Code::kIOError);
  EXPECT_NE(short_body.status().message().find("before the end of the HTTP body"), std::string::npos);

  auto short_chunk = Exchange({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}, HttpRequest{});
  EXPECT_EQ(short_chunk.status().code(), util::Status::Code::kIOError);

  auto bad_chunk = Exchange({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}, HttpRequest{});
  EXPECT_NE(bad_chunk.status().message().find("malformed HTTP chunk size \"zz\""), std::string::npos);

  auto bad_status = Exchange({"SSH-2.0-OpenSSH\r\n\r\n"}, HttpRequest{});
  EXPECT_EQ(bad_status.status().message(), "malformed HTTP status line \"SSH-2.0-OpenSSH\"");

  auto closed_in_head = Exchange({"HTTP/1.1 200 OK\r\nContent-"}, HttpRequest{});
  EXPECT_EQ(closed_in_head.status().code(), util::Status::Code::kIOError);
}

TEST(HttpOverStreamTest, BodyLimit) {
  HttpExchange ex(std::make_unique<ScriptedStream>(std::deque<std::string>{"HTTP/1.1 200 OK\r\n\r\n0123456789"}));
  ASSERT_OK(ex.Send(HttpRequest{}));
  ASSERT_OK(ex.ReadHead());
  EXPECT_EQ(ex.ReadBodyString(4).status().code(), util::Status::Code::kResourceExhausted);
}

TEST(HttpOverStreamTest, CloseMakesReadsFail) {
  HttpExchange ex(std::make_unique<ScriptedStream>(std::deque<std::string>{"HTTP/1.1 200 OK\r\n\r\nabc"}));
  ASSERT_OK(ex.Send(HttpRequest{}));
  ex.Close();
  EXPECT_EQ(ex.ReadHead().status().code(), util::Status::Code::kCancelled);
}

}  // namespace
}  // namespace executor::docker
