// Errors as values: every fallible mem0 call returns Result<T>.
//
// Error carries enough to decide what to do next: a coarse ErrorCode for
// program logic, the service's error type (e.g. a DynamoDB exception name)
// and HTTP status when a service answered, the request id for AWS support,
// whether retrying the same call may succeed, and an optional detail that a
// higher layer attaches (e.g. dynamodb::ServiceErrorDetail).
//
// Thread-safety: plain values; safe to copy between threads.
#ifndef MEM0_CORE_RESULT_H_
#define MEM0_CORE_RESULT_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mem0 {

enum class ErrorCode {
  kInvalidArgument,   // caller's input is wrong; nothing was written
  kNotFound,          // the addressed item/table/node does not exist
  kAlreadyExists,     // create of something that exists
  kConditionFailed,   // a conditional write or transaction was rejected
  kThrottled,         // throughput exceeded after all retries
  kServiceError,      // any other error the service reported
  kNetworkError,      // could not reach the service, or the reply was damaged
  kCredentialsError,  // no usable credentials
  kStorageError,      // local storage (SQLite, files) failed
  kCorruption,        // stored data or a token is malformed (the item is named)
  kTimeout,           // a waiter or deadline ran out
  kInternal,          // a bug or an impossible state
};

const char* ErrorCodeName(ErrorCode code);

// Structured detail a layer attaches to an Error (the core knows no
// service types). Read it back with dynamic_cast through the layer's helper.
class ErrorDetail {
 public:
  virtual ~ErrorDetail() = default;
  // Extra lines for Error::ToString(); empty for none.
  virtual std::string Describe() const { return {}; }
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string type;     // e.g. "ConditionalCheckFailedException"
  std::string message;  // human-readable; never contains secrets
  int http_status = 0;  // 0 when no HTTP exchange happened
  std::string request_id;
  bool retryable = false;
  std::shared_ptr<const ErrorDetail> detail;  // null when none

  // "Type: message (HTTP 400, request id ...)" for logs and CLI output.
  std::string ToString() const;
};

Error MakeError(ErrorCode code, std::string message, std::string type = {});

// A value or an Error. Minimal std::expected stand-in (C++20).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}      // NOLINT
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(data_); }
  Error&& error() && { return std::get<1>(std::move(data_)); }

  // The outcome without the value.
  Result<void> status() const;

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

template <typename T>
Status Result<T>::status() const {
  return ok() ? Status() : Status(error());
}

}  // namespace mem0

// Propagates an error from an expression returning Result<...>.
#define MEM0_RETURN_IF_ERROR(expr)                                  \
  do {                                                              \
    auto mem0_status_ = (expr);                                     \
    if (!mem0_status_.ok()) return std::move(mem0_status_).error(); \
  } while (0)

#define MEM0_CONCAT_INNER_(a, b) a##b
#define MEM0_CONCAT_(a, b) MEM0_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result's value, or returns its error.
#define MEM0_ASSIGN_OR_RETURN(lhs, expr)                            \
  auto MEM0_CONCAT_(mem0_result_, __LINE__) = (expr);               \
  if (!MEM0_CONCAT_(mem0_result_, __LINE__).ok())                   \
    return std::move(MEM0_CONCAT_(mem0_result_, __LINE__)).error(); \
  lhs = std::move(MEM0_CONCAT_(mem0_result_, __LINE__)).value()

#endif  // MEM0_CORE_RESULT_H_
