#include "executor/docker/http_over_stream.h"

#include <strings.h>

#include <charconv>
#include <cstdio>

namespace executor::docker {
namespace {

constexpr size_t kMaxHeadBytes = 64 << 10;
constexpr size_t kReadChunk = 16 << 10;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseSize(std::string_view s, int base, size_t* out) {
  s = Trim(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

bool HasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (IEquals(Trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::optional<std::string> HttpResponseHead::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return std::nullopt;
}

HttpExchange::HttpExchange(std::unique_ptr<util::ByteStream> stream) : stream_(std::move(stream)) {}

void HttpExchange::Close() { stream_->Close(); }

util::Status HttpExchange::Send(const HttpRequest& req) {
  method_ = req.method;
  std::string out;
  out.reserve(256 + req.body.size());
  out += req.method + " " + req.target + " HTTP/1.1\r\n";
  bool has_host = false, has_connection = false;
  for (const auto& [k, v] : req.headers) {
    if (IEquals(k, "Host")) has_host = true;
    if (IEquals(k, "Connection")) has_connection = true;
    out += k + ": " + v + "\r\n";
  }
  if (!has_host) out += "Host: docker\r\n";
  bool send_length = !req.chunked && (!req.body.empty() || req.method == "POST" || req.method == "PUT");
  if (send_length) out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  if (req.chunked) out += "Transfer-Encoding: chunked\r\n";
  if (!has_connection) out += "Connection: close\r\n";
  out += "\r\n";
  out += req.body;
  return stream_->WriteAll(out).WithContext("sending " + req.method + " request");
}

util::Status HttpExchange::WriteChunk(std::string_view piece) {
  if (piece.empty()) return util::Status::Ok();  // a zero-size chunk would end the body
  char size[20];
  int n = snprintf(size, sizeof size, "%zx\r\n", piece.size());
  SR_RETURN_IF_ERROR(stream_->WriteAll(std::string_view(size, n)));
  SR_RETURN_IF_ERROR(stream_->WriteAll(piece));
  return stream_->WriteAll("\r\n");
}

util::Result<bool> HttpExchange::Fill() {
  if (pos_ > 0 && (pos_ == buf_.size() || pos_ > kReadChunk)) {  // drop consumed bytes
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + kReadChunk);
  auto n = stream_->Read(buf_.data() + old, kReadChunk);
  if (!n.ok()) {
    buf_.resize(old);
    return n.status();
  }
  buf_.resize(old + *n);
  return *n > 0;
}

util::Result<std::string> HttpExchange::ReadLine() {
  size_t scanned = 0;  // bytes after pos_ known to hold no newline (Fill may move pos_)
  for (;;) {
    size_t nl = buf_.find('\n', pos_ + scanned);
    if (nl != std::string::npos) {
      std::string line = buf_.substr(pos_, nl - pos_);
      pos_ = nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buf_.size() - pos_ > kMaxHeadBytes) return util::Status::IOError("HTTP line too long");
    scanned = buf_.size() - pos_;
    auto more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) return util::Status::IOError("connection closed in the middle of an HTTP line");
  }
}

util::Result<HttpResponseHead> HttpExchange::ReadHead() {
  for (;;) {
    auto status_line = ReadLine();
    if (!status_line.ok()) return status_line.status().WithContext("reading HTTP response");
    std::string_view sl = *status_line;
    // "HTTP/1.1 200 OK"
    if (sl.substr(0, 5) != "HTTP/" || sl.find(' ') == std::string_view::npos) {
      return util::Status::IOError("malformed HTTP status line \"" + std::string(sl.substr(0, 80)) + "\"");
    }
    sl.remove_prefix(sl.find(' ') + 1);
    size_t code = 0;
    size_t sp = sl.find(' ');
    if (!ParseSize(sl.substr(0, sp), 10, &code) || code < 100 || code > 999) {
      return util::Status::IOError("malformed HTTP status line \"" + *status_line + "\"");
    }
    HttpResponseHead head;
    head.status = static_cast<int>(code);
    if (sp != std::string_view::npos) head.reason = std::string(sl.substr(sp + 1));
    size_t head_bytes = 0;
    for (;;) {
      auto line = ReadLine();
      if (!line.ok()) return line.status().WithContext("reading HTTP headers");
      if (line->empty()) break;
      head_bytes += line->size();
      if (head_bytes > kMaxHeadBytes) return util::Status::IOError("HTTP response head too large");
      size_t colon = line->find(':');
      if (colon == std::string::npos) {
        return util::Status::IOError("malformed HTTP header line \"" + line->substr(0, 80) + "\"");
      }
      head.headers.emplace_back(std::string(Trim(std::string_view(*line).substr(0, colon))),
                                std::string(Trim(std::string_view(*line).substr(colon + 1))));
    }
    if (head.status == 100) continue;  // an interim answer; the real one follows
    head_ = head;
    return head;
  }
}

util::Status HttpExchange::ReadExact(size_t n, const BodySink& sink, bool* stopped) {
  while (n > 0) {
    if (pos_ == buf_.size()) {
      auto more = Fill();
      if (!more.ok()) return more.status();
      if (!*more) return util::Status::IOError("connection closed before the end of the HTTP body");
    }
    size_t take = std::min(n, buf_.size() - pos_);
    std::string_view piece(buf_.data() + pos_, take);
    pos_ += take;
    n -= take;
    if (!sink(piece)) {
      *stopped = true;
      return util::Status::Ok();
    }
  }
  return util::Status::Ok();
}

util::Status HttpExchange::ReadChunked(const BodySink& sink) {
  for (;;) {
    auto line = ReadLine();
    if (!line.ok()) return line.status();
    std::string_view size_text = *line;
    size_text = size_text.substr(0, size_text.find(';'));  // drop chunk extensions
    size_t size = 0;
    if (!ParseSize(size_text, 16, &size)) {
      return util::Status::IOError("malformed HTTP chunk size \"" + line->substr(0, 40) + "\"");
    }
    if (size == 0) break;
    bool stopped = false;
    SR_RETURN_IF_ERROR(ReadExact(size, sink, &stopped));
    if (stopped) return util::Status::Ok();
    auto crlf = ReadLine();
    if (!crlf.ok()) return crlf.status();
    if (!crlf->empty()) return util::Status::IOError("missing CRLF after an HTTP chunk");
  }
  for (;;) {  // trailers up to the empty line
    auto line = ReadLine();
    if (!line.ok()) return line.status();
    if (line->empty()) return util::Status::Ok();
  }
}

util::Status HttpExchange::ReadToEof(const BodySink& sink) {
  for (;;) {
    if (pos_ < buf_.size()) {
      std::string_view piece(buf_.data() + pos_, buf_.size() - pos_);
      pos_ = buf_.size();
      if (!sink(piece)) return util::Status::Ok();
    }
    auto more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) return util::Status::Ok();
  }
}

util::Status HttpExchange::ReadBody(const BodySink& sink) {
  if (!head_) return util::Status::FailedPrecondition("HTTP body read before the head");
  const HttpResponseHead& h = *head_;
  if (method_ == "HEAD" || h.status == 204 || h.status == 304 || (h.status >= 100 && h.status < 200 && h.status != 101)) {
    return util::Status::Ok();
  }
  util::Status s;
  auto te = h.Header("Transfer-Encoding");
  auto cl = h.Header("Content-Length");
  if (h.status != 101 && te && HasToken(*te, "chunked")) {
    s = ReadChunked(sink);
  } else if (h.status != 101 && cl) {
    size_t n = 0;
    if (!ParseSize(*cl, 10, &n)) return util::Status::IOError("malformed Content-Length \"" + *cl + "\"");
    bool stopped = false;
    s = ReadExact(n, sink, &stopped);
  } else {
    s = ReadToEof(sink);
  }
  return s.WithContext("reading HTTP body");
}

util::Result<std::string> HttpExchange::ReadBodyString(size_t limit) {
  std::string body;
  bool too_big = false;
  util::Status s = ReadBody([&](std::string_view piece) {
    if (body.size() + piece.size() > limit) {
      too_big = true;
      return false;
    }
    body.append(piece);
    return true;
  });
  if (!s.ok()) return s;
  if (too_big) {
    return util::Status::ResourceExhausted("HTTP body larger than " + std::to_string(limit) + " bytes");
  }
  return body;
}

util::Result<HttpResponse> RoundTrip(util::StreamDialer& dialer, const HttpRequest& req) {
  auto stream = dialer.Dial();
  if (!stream.ok()) return stream.status();
  HttpExchange ex(std::move(stream).value());
  SR_RETURN_IF_ERROR(ex.Send(req));
  auto head = ex.ReadHead();
  if (!head.ok()) return head.status();
  auto body = ex.ReadBodyString();
  if (!body.ok()) return body.status();
  return HttpResponse{std::move(head).value(), std::move(body).value()};
}

}  // namespace executor::docker
