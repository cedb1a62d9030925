#pragma once
// A minimal HTTP/1.1 client over a util::ByteStream: the transport of the Docker Engine API,
// which runs over a local unix socket or an SSH channel, so it cannot use libcurl. One
// HttpExchange is one request and its response on one stream (the request asks for
// "Connection: close"); bodies are framed by Content-Length, chunked encoding, or the end
// of the stream (also after "101 Switching Protocols" and Docker's hijacked 200 answers).
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/byte_stream.h"
#include "util/status.h"

namespace executor::docker {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string target;   // origin-form: "/v1.41/containers/json?all=1"
  HttpHeaders headers;  // Send adds Content-Length, and Host and "Connection: close" if absent
  std::string body;     // sent with Content-Length (also "0" for an empty POST/PUT)
  // The body follows Send in pieces (WriteChunk, then EndChunks) with chunked transfer
  // encoding: streamed bodies of unknown length (an image archive). `body` must be empty.
  bool chunked = false;
};

struct HttpResponseHead {
  int status = 0;
  std::string reason;
  HttpHeaders headers;
  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

struct HttpResponse {
  HttpResponseHead head;
  std::string body;
};

// Receives body bytes as they arrive; returns false to stop reading early.
using BodySink = std::function<bool(std::string_view)>;

// One exchange on one stream it owns. Not thread-safe, except Close, which another thread
// may call to make a blocked call return (with kCancelled or kIOError).
class HttpExchange {
 public:
  explicit HttpExchange(std::unique_ptr<util::ByteStream> stream);
  HttpExchange(const HttpExchange&) = delete;
  HttpExchange& operator=(const HttpExchange&) = delete;

  // Writes the request line, headers and body. REQUIRES: called once, first.
  util::Status Send(const HttpRequest& req);
  // Reads the status line and headers (skipping "100 Continue"). kIOError on a malformed
  // or truncated head. REQUIRES: after Send.
  util::Result<HttpResponseHead> ReadHead();
  // Streams the body to `sink` until it ends (per the head's framing) or `sink` returns
  // false. A truncated body is kIOError. REQUIRES: after ReadHead, at most once, except
  // for a body that runs to the end of the stream (a hijacked one), which the next call
  // resumes: each piece reached the sink whole.
  util::Status ReadBody(const BodySink& sink);
  // Writes raw bytes on a hijacked connection (a container's attached stdin).
  // REQUIRES: after ReadHead of a hijacked answer.
  util::Status Write(std::string_view bytes) { return stream_->WriteAll(bytes); }
  // One piece of a chunked request body (empty pieces are skipped), and its end.
  // REQUIRES: after Send of a request with `chunked`, before ReadHead.
  util::Status WriteChunk(std::string_view piece);
  util::Status EndChunks() { return stream_->WriteAll("0\r\n\r\n"); }
  // ReadBody into a string; kResourceExhausted when it passes `limit` bytes.
  util::Result<std::string> ReadBodyString(size_t limit = 64 << 20);

  // Thread-safe: closes the stream; blocked Send/Read calls return.
  void Close();

 private:
  util::Result<bool> Fill();  // appends what the stream has to buf_; false at EOF
  util::Result<std::string> ReadLine();
  util::Status ReadExact(size_t n, const BodySink& sink, bool* stopped);
  util::Status ReadChunked(const BodySink& sink);
  util::Status ReadToEof(const BodySink& sink);

  std::unique_ptr<util::ByteStream> stream_;
  std::string method_;
  std::optional<HttpResponseHead> head_;
  std::string buf_;  // bytes read from the stream and not consumed yet
  size_t pos_ = 0;   // start of the unconsumed bytes in buf_
};

// Dials a new stream, sends `req` and reads the whole response (body up to 64 MiB).
// Transport failures are Status errors; any HTTP status is a successful result.
util::Result<HttpResponse> RoundTrip(util::StreamDialer& dialer, const HttpRequest& req);

}  // namespace executor::docker
