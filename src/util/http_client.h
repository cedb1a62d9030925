#pragma once
// A small HTTP client over libcurl. One HttpClient owns one curl easy handle (and so one
// connection cache: keep-alive connections are reused between calls). Transport failures
// and HTTP answers stay apart: a Response has status 0 and a TransportError when nothing
// usable came back, and a real status (any, 4xx/5xx included) otherwise.
//
// Thread: an HttpClient is used by one thread at a time (keep one per thread, or a pool).
// Different clients may run concurrently; curl_global_init runs once, on first use.
// TLS peer and host verification are ON unless a request turns them off.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using CURL = void;   // libcurl's handle type, kept opaque here
using CURLM = void;  // libcurl's multi handle type, kept opaque here

namespace util {

// An ordered list of header fields with case-insensitive lookup.
class HttpHeaders {
 public:
  HttpHeaders() = default;
  HttpHeaders(std::initializer_list<std::pair<std::string, std::string>> fields);

  // Appends a field (duplicates are kept, in order).
  void Add(std::string name, std::string value);
  // Replaces every field named `name` (case-insensitive) with one field.
  void Set(const std::string& name, std::string value);
  // The first value of `name` (case-insensitive); nullopt when absent.
  std::optional<std::string> Get(std::string_view name) const;
  // The first value of `name`, or "" when absent.
  std::string GetOr(std::string_view name, std::string fallback = "") const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  void clear() { fields_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// True when `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Fills `buf` with up to `cap` body bytes; returns how many; 0 means end of body.
// Returning HttpRequest::kAbortRead aborts the transfer (the response gets kOther).
using HttpReadFn = std::function<size_t(char* buf, size_t cap)>;
// Receives the response body piece by piece; returning false aborts the transfer.
using HttpWriteFn = std::function<bool(std::string_view piece)>;

// Lets another thread end a request in flight at once, e.g. a long poll the runner no
// longer wants because it shuts down. Once aborted it stays aborted: a request that
// carries it later fails at once. Thread-safe; must outlive the requests that carry it.
class HttpAbort {
 public:
  void Abort();
  bool aborted() const;

 private:
  friend class HttpClient;
  // The multi handle of the transfer under way (its poll is woken by Abort), or null.
  // Returns false (and attaches nothing) when already aborted.
  bool Attach(CURLM* multi);
  void Detach();

  mutable std::mutex mu_;
  bool aborted_ = false;
  CURLM* multi_ = nullptr;
};

struct HttpRequest {
  static constexpr size_t kAbortRead = static_cast<size_t>(-1);

  std::string method = "GET";  // any token: GET, POST, PUT, PATCH, DELETE, HEAD...
  std::string url;             // absolute http(s) URL; with unix_socket the host is ignored
  HttpHeaders headers;         // sent as given; curl adds Host and Content-Length
  std::string body;            // sent when non-empty and no read_body is set

  // Whole-request deadline; zero means none (long polls must set a long one).
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
  bool follow_redirects = false;

  std::optional<std::string> unix_socket;  // connect to this socket path instead of TCP

  // TLS. A CA file is added as the trust anchor set; client cert and key go together.
  std::optional<std::string> ca_file;
  std::optional<std::string> client_cert_file;
  std::optional<std::string> client_key_file;
  bool verify_tls = true;

  // Streams the request body instead of `body`. body_size < 0: unknown (chunked).
  HttpReadFn read_body;
  int64_t body_size = -1;

  // Streams the response body; Response::body stays empty when set.
  HttpWriteFn write_body;

  // Ends the transfer when aborted (the response then has TransportError kOther,
  // "aborted"); null: the request runs to its end or timeout. Not owned.
  HttpAbort* abort = nullptr;
};

struct TransportError {
  enum class Code { kNone, kConnect, kTimeout, kTls, kOther };
  Code code = Code::kNone;
  std::string message;  // curl's explanation; never contains header values

  explicit operator bool() const { return code != Code::kNone; }
};

const char* TransportErrorName(TransportError::Code code);

struct HttpResponse {
  int status = 0;  // 0 when the transport failed (see error)
  HttpHeaders headers;  // of the final response (after redirects when followed)
  std::string body;
  TransportError error;

  bool transport_ok() const { return !error && status != 0; }
};

// The seam under protocol clients: tests and fault wrappers implement it.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResponse Send(const HttpRequest& request) = 0;
};

// Owns one CURLM* (created lazily, freed in the destructor). Move-only.
class CurlMultiHandle {
 public:
  CurlMultiHandle() = default;
  ~CurlMultiHandle();
  CurlMultiHandle(CurlMultiHandle&& other) noexcept : multi_(std::exchange(other.multi_, nullptr)) {}
  CurlMultiHandle& operator=(CurlMultiHandle&& other) noexcept;
  CurlMultiHandle(const CurlMultiHandle&) = delete;
  CurlMultiHandle& operator=(const CurlMultiHandle&) = delete;

  CURLM* get();  // created on first use; nullptr only if curl cannot allocate one

 private:
  CURLM* multi_ = nullptr;
};

// Owns one CURL* (created lazily, freed in the destructor). Move-only.
class CurlHandle {
 public:
  CurlHandle() = default;
  ~CurlHandle();
  CurlHandle(CurlHandle&& other) noexcept : curl_(std::exchange(other.curl_, nullptr)) {}
  CurlHandle& operator=(CurlHandle&& other) noexcept;
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;

  // The handle, created on first use; nullptr only if curl cannot allocate one.
  CURL* get();
  // Frees the handle and its cached connections.
  void reset();

 private:
  CURL* curl_ = nullptr;
};

struct HttpClientOptions {
  // A connection older than this is not reused (rotated certificates and load balancers
  // are picked up); zero disables the limit.
  std::chrono::seconds connection_max_age{std::chrono::minutes(15)};
};

class HttpClient final : public HttpTransport {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  HttpClient(HttpClient&&) noexcept = default;
  HttpClient& operator=(HttpClient&&) noexcept = default;

  // Performs one request (no retries). Never throws; callbacks must not throw either.
  HttpResponse Send(const HttpRequest& request) override;

 private:
  HttpClientOptions options_;
  // Declared before handle_ so that it is destroyed after it: an easy handle that was
  // used in a multi handle refers to the multi's connection cache until it is cleaned up.
  CurlMultiHandle multi_;  // abortable requests run here (curl_multi_wakeup ends a wait)
  CurlHandle handle_;
};

}  // namespace util
