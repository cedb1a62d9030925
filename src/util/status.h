#pragma once
// Status and Result<T>: the one result type for every fallible call.
// A Status is cheap when OK; its code is what callers branch on (retry or not),
// its message is for people and says what is wrong and where ("config.toml:12:5: ...").
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace util {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad input: config, payload, flags
    kNotFound,
    kAlreadyExists,
    kPermissionDenied,  // 401/403-like answers
    kUnavailable,       // transient: connection refused, 5xx, throttled; retrying may help
    kDeadlineExceeded,  // a timeout
    kCancelled,         // the work was cancelled (job canceled, shutdown)
    kAborted,           // the peer told us to stop (e.g. Job-Status: canceled)
    kFailedPrecondition,
    kResourceExhausted,  // capacity, limits, quotas
    kInternal,
    kUnimplemented,
    kIOError,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return Status(Code::kInvalidArgument, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status AlreadyExists(std::string m) { return Status(Code::kAlreadyExists, std::move(m)); }
  static Status PermissionDenied(std::string m) { return Status(Code::kPermissionDenied, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
  static Status DeadlineExceeded(std::string m) { return Status(Code::kDeadlineExceeded, std::move(m)); }
  static Status Cancelled(std::string m) { return Status(Code::kCancelled, std::move(m)); }
  static Status Aborted(std::string m) { return Status(Code::kAborted, std::move(m)); }
  static Status FailedPrecondition(std::string m) { return Status(Code::kFailedPrecondition, std::move(m)); }
  static Status ResourceExhausted(std::string m) { return Status(Code::kResourceExhausted, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }
  static Status Unimplemented(std::string m) { return Status(Code::kUnimplemented, std::move(m)); }
  static Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const;
  // "OK" or "<code name>: <message>".
  std::string ToString() const;
  static const char* CodeName(Code c);

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds a T or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}                      // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {}               // NOLINT: REQUIRES: !status.ok()
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace util

#define SR_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::util::Status sr_status_ = (expr);     \
    if (!sr_status_.ok()) return sr_status_; \
  } while (0)
