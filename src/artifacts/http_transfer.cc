#include "artifacts/http_transfer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "artifacts/file_body.h"

namespace artifacts {

std::string StatusText(int status) {
  switch (status) {
    case 200:
      return "200 OK";
    case 201:
      return "201 Created";
    case 204:
      return "204 No Content";
    case 302:
      return "302 Found";
    case 307:
      return "307 Temporary Redirect";
    case 400:
      return "400 Bad Request";
    case 401:
      return "401 Unauthorized";
    case 403:
      return "403 Forbidden";
    case 404:
      return "404 Not Found";
    case 405:
      return "405 Method Not Allowed";
    case 413:
      return "413 Request Entity Too Large";
    case 429:
      return "429 Too Many Requests";
    case 500:
      return "500 Internal Server Error";
    case 502:
      return "502 Bad Gateway";
    case 503:
      return "503 Service Unavailable";
    default:
      return std::to_string(status);
  }
}

void Pause(const TransferOptions& opts, std::chrono::milliseconds d) {
  if (opts.sleep) {
    opts.sleep(d);
  } else {
    std::this_thread::sleep_for(d);
  }
}

DownloadResult DownloadToFile(util::HttpTransport& http, util::HttpRequest request, const std::string& path) {
  DownloadResult out;
  FILE* f = nullptr;
  std::string write_error;
  int status_seen = 0;
  std::string error_body;
  request.follow_redirects = false;
  // The status is not known inside the callback; buffer the first bytes until it is.
  // HttpClient calls write_body only for the final response's body, so open lazily and
  // decide from the response afterwards: bytes go to the file, and the start is kept.
  request.write_body = [&](std::string_view piece) {
    if (!f) {
      f = std::fopen(path.c_str(), "wb");
      if (!f) {
        write_error = "cannot create \"" + path + "\": " + std::strerror(errno);
        return false;
      }
    }
    if (error_body.size() < 4096) error_body.append(piece.substr(0, 4096 - error_body.size()));
    if (std::fwrite(piece.data(), 1, piece.size(), f) != piece.size()) {
      write_error = "cannot write \"" + path + "\": " + std::strerror(errno);
      return false;
    }
    out.bytes += static_cast<int64_t>(piece.size());
    return true;
  };
  util::HttpResponse r = http.Send(request);
  if (f && std::fclose(f) != 0 && write_error.empty()) write_error = "cannot write \"" + path + "\": " + std::strerror(errno);
  status_seen = r.status;
  out.status = status_seen;
  out.location = r.headers.GetOr("Location");
  out.last_modified = r.headers.GetOr("Last-Modified");
  if (!write_error.empty()) {
    out.status = 0;
    out.error = write_error;
  } else if (!r.transport_ok()) {
    out.status = 0;
    out.error = r.error.message.empty() ? "transfer failed" : r.error.message;
  } else if (r.status != 200) {
    out.error = error_body;
  }
  if (out.status != 200) {
    unlink(path.c_str());
    out.bytes = 0;
  } else if (!f) {
    // Empty body: still leave an (empty) file.
    if (FILE* e = std::fopen(path.c_str(), "wb")) std::fclose(e);
  }
  return out;
}

PutResult PutFile(util::HttpTransport& http, const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers, const std::string& path,
                  std::chrono::milliseconds timeout) {
  PutResult out;
  auto body = FileBody::Open(path);
  if (!body.ok()) {
    out.error = body.status().message();
    return out;
  }
  util::HttpRequest r;
  r.method = "PUT";
  r.url = url;
  for (const auto& [k, v] : headers) r.headers.Add(k, v);
  r.timeout = timeout;
  (*body)->Attach(&r);
  std::string error_body;
  r.write_body = [&](std::string_view piece) {
    if (error_body.size() < 4096) error_body.append(piece.substr(0, 4096 - error_body.size()));
    return true;
  };
  util::HttpResponse resp = http.Send(r);
  if (!resp.transport_ok()) {
    out.error = resp.error.message.empty() ? "transfer failed" : resp.error.message;
    return out;
  }
  out.status = resp.status;
  if (resp.status / 100 != 2) out.error = error_body;
  return out;
}

std::string S3ErrorSummary(const std::string& body) {
  // The text of an element with no markup inside, cut to a line's worth, control bytes as
  // spaces (it goes into one log line); "" when the element is absent or malformed.
  auto tag = [&](const std::string& name) -> std::string {
    size_t a = body.find("<" + name + ">");
    if (a == std::string::npos) return "";
    a += name.size() + 2;
    size_t b = body.find('<', a);
    if (b == std::string::npos || body.compare(b, name.size() + 3, "</" + name + ">") != 0) return "";
    std::string text = body.substr(a, std::min<size_t>(b - a, 300));
    for (char& c : text) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    return text;
  };
  std::string code = tag("Code"), message = tag("Message");
  if (code.empty()) return "";
  return message.empty() ? code : code + ": " + message;
}

}  // namespace artifacts
