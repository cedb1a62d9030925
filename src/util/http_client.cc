#include "util/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace util {

// ---- headers ----------------------------------------------------------------------------

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

HttpHeaders::HttpHeaders(std::initializer_list<std::pair<std::string, std::string>> fields)
    : fields_(fields) {}

void HttpHeaders::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void HttpHeaders::Set(const std::string& name, std::string value) {
  std::erase_if(fields_, [&](const auto& f) { return EqualsIgnoreCase(f.first, name); });
  fields_.emplace_back(name, std::move(value));
}

std::optional<std::string> HttpHeaders::Get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::string HttpHeaders::GetOr(std::string_view name, std::string fallback) const {
  auto v = Get(name);
  return v ? *v : fallback;
}

const char* TransportErrorName(TransportError::Code code) {
  switch (code) {
    case TransportError::Code::kNone: return "none";
    case TransportError::Code::kConnect: return "connect";
    case TransportError::Code::kTimeout: return "timeout";
    case TransportError::Code::kTls: return "tls";
    case TransportError::Code::kOther: return "other";
  }
  return "other";
}

// ---- the curl handle --------------------------------------------------------------------

namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Owns a curl_slist for the duration of one request.
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  size_t body_pos = 0;  // for in-memory bodies sent through the read callback
  bool sink_aborted = false;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after 1xx or a followed redirect): keep only the last one's fields.
    t->response->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers.Add(std::string(Trim(line.substr(0, colon))),
                             std::string(Trim(line.substr(colon + 1))));
  }
  return size * n;
}

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view piece(data, size * n);
  if (t->request->write_body) {
    if (!t->request->write_body(piece)) {
      t->sink_aborted = true;
      return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    return piece.size();
  }
  t->response->body.append(piece);
  return piece.size();
}

size_t OnRead(char* buf, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t cap = size * n;
  size_t got = t->request->read_body(buf, cap);
  if (got == HttpRequest::kAbortRead) return CURL_READFUNC_ABORT;
  return std::min(got, cap);
}

TransportError::Code MapCurlCode(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return TransportError::Code::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::Code::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return TransportError::Code::kTls;
    default:
      return TransportError::Code::kOther;
  }
}

long Millis(std::chrono::milliseconds d) { return static_cast<long>(std::max<int64_t>(0, d.count())); }

}  // namespace

CurlHandle::~CurlHandle() { reset(); }

CurlHandle& CurlHandle::operator=(CurlHandle&& other) noexcept {
  if (this != &other) {
    reset();
    curl_ = std::exchange(other.curl_, nullptr);
  }
  return *this;
}

CURL* CurlHandle::get() {
  if (curl_ == nullptr) {
    GlobalInitOnce();
    curl_ = curl_easy_init();
  }
  return curl_;
}

void CurlHandle::reset() {
  if (curl_ != nullptr) {
    curl_easy_cleanup(curl_);
    curl_ = nullptr;
  }
}

CurlMultiHandle::~CurlMultiHandle() {
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
}

CurlMultiHandle& CurlMultiHandle::operator=(CurlMultiHandle&& other) noexcept {
  if (this != &other) {
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
    multi_ = std::exchange(other.multi_, nullptr);
  }
  return *this;
}

CURLM* CurlMultiHandle::get() {
  if (multi_ == nullptr) {
    GlobalInitOnce();
    multi_ = curl_multi_init();
  }
  return multi_;
}

// ---- aborting a request -----------------------------------------------------------------

void HttpAbort::Abort() {
  std::lock_guard<std::mutex> l(mu_);
  aborted_ = true;
  if (multi_ != nullptr) curl_multi_wakeup(multi_);  // thread-safe by libcurl's contract
}

bool HttpAbort::aborted() const {
  std::lock_guard<std::mutex> l(mu_);
  return aborted_;
}

bool HttpAbort::Attach(CURLM* multi) {
  std::lock_guard<std::mutex> l(mu_);
  if (aborted_) return false;
  multi_ = multi;
  return true;
}

void HttpAbort::Detach() {
  std::lock_guard<std::mutex> l(mu_);
  multi_ = nullptr;
}

namespace {

// curl_easy_perform, but in `multi` so that `abort` can wake the wait and end it.
CURLcode PerformAbortable(CURL* curl, CURLM* multi, HttpAbort& abort) {
  if (curl_multi_add_handle(multi, curl) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode rc = CURLE_OK;
  for (;;) {
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
    if (running == 0) {
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == curl) rc = msg->data.result;
      }
      break;
    }
    if (abort.aborted()) {
      rc = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    // At most a second per wait: curl's own timers (timeouts) are served here too.
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  curl_multi_remove_handle(multi, curl);
  return rc;
}

}  // namespace

// ---- the client -------------------------------------------------------------------------

HttpClient::HttpClient(HttpClientOptions options) : options_(options) {}

HttpResponse HttpClient::Send(const HttpRequest& request) {
  HttpResponse response;
  CURL* curl = handle_.get();
  if (curl == nullptr) {
    response.error = {TransportError::Code::kOther, "cannot create a curl handle"};
    return response;
  }
  // Options from the previous request must not leak into this one; the connection cache
  // survives curl_easy_reset.
  curl_easy_reset(curl);

  Transfer transfer{&request, &response};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, Millis(request.timeout));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, Millis(request.connect_timeout));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 30L);
  if (options_.connection_max_age.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_MAXLIFETIME_CONN, static_cast<long>(options_.connection_max_age.count()));
  }

  // TLS: 1.2 minimum, verification on unless explicitly disabled.
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  if (request.ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file->c_str());
  if (request.client_cert_file) curl_easy_setopt(curl, CURLOPT_SSLCERT, request.client_cert_file->c_str());
  if (request.client_key_file) curl_easy_setopt(curl, CURLOPT_SSLKEY, request.client_key_file->c_str());
  if (request.unix_socket) curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket->c_str());

  // Method and body.
  const std::string& m = request.method;
  bool has_body = static_cast<bool>(request.read_body) || !request.body.empty();
  if (m == "GET" && !has_body) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (has_body || m == "POST" || m == "PUT" || m == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      if (request.read_body) {
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
        curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body_size));
      } else {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      }
    }
    if (m != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  // Headers. curl would add "Expect: 100-continue" to large bodies and a default
  // Content-Type to POSTs; both are suppressed unless the caller set them.
  curl_slist* raw = nullptr;
  for (const auto& [name, value] : request.headers.fields()) {
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    raw = curl_slist_append(raw, line.c_str());
  }
  if (!request.headers.Has("Expect")) raw = curl_slist_append(raw, "Expect:");
  if (!request.headers.Has("Content-Type")) raw = curl_slist_append(raw, "Content-Type:");
  if (request.read_body && request.body_size < 0 && !request.headers.Has("Transfer-Encoding")) {
    raw = curl_slist_append(raw, "Transfer-Encoding: chunked");
  }
  Slist header_list(raw);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, nullptr);

  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

  CURLcode rc = CURLE_OK;
  bool aborted = false;
  if (request.abort != nullptr) {
    CURLM* multi = multi_.get();
    if (multi == nullptr) {
      rc = CURLE_FAILED_INIT;
    } else if (!request.abort->Attach(multi)) {
      aborted = true;
    } else {
      rc = PerformAbortable(curl, multi, *request.abort);
      request.abort->Detach();
      aborted = rc == CURLE_ABORTED_BY_CALLBACK;
    }
  } else {
    rc = curl_easy_perform(curl);
  }
  // The slist and buffers above die with this frame: detach them from the handle.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);

  if (aborted) {
    response.error = {TransportError::Code::kOther, "aborted"};
    return response;
  }
  if (rc != CURLE_OK) {
    response.status = 0;
    response.headers.clear();
    response.body.clear();
    response.error.code = MapCurlCode(rc);
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    if (transfer.sink_aborted) detail = "response body consumer aborted the transfer";
    response.error.message = detail;
    return response;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace util
