#include "mem0/core/result.h"

namespace mem0 {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kConditionFailed:
      return "ConditionFailed";
    case ErrorCode::kThrottled:
      return "Throttled";
    case ErrorCode::kServiceError:
      return "ServiceError";
    case ErrorCode::kNetworkError:
      return "NetworkError";
    case ErrorCode::kCredentialsError:
      return "CredentialsError";
    case ErrorCode::kStorageError:
      return "StorageError";
    case ErrorCode::kCorruption:
      return "Corruption";
    case ErrorCode::kTimeout:
      return "Timeout";
    case ErrorCode::kInternal:
      return "Internal";
  }
  return "Unknown";
}

std::string Error::ToString() const {
  std::string out = type.empty() ? ErrorCodeName(code) : type;
  out += ": ";
  out += message;
  if (http_status != 0 || !request_id.empty()) {
    out += " (";
    if (http_status != 0) out += "HTTP " + std::to_string(http_status);
    if (!request_id.empty()) {
      if (http_status != 0) out += ", ";
      out += "request id " + request_id;
    }
    out += ")";
  }
  if (detail) out += detail->Describe();
  return out;
}

Error MakeError(ErrorCode code, std::string message, std::string type) {
  Error error;
  error.code = code;
  error.message = std::move(message);
  error.type = type.empty() ? ErrorCodeName(code) : std::move(type);
  return error;
}

}  // namespace mem0
