// HttpTransport: the seam between the DynamoDB client (and credential
// providers) and the network. The default is a libcurl transport with a
// bounded pool of keep-alive connections; tests inject their own.
//
// Thread-safety: Send() may be called concurrently from many threads.
#ifndef MEM0_DYNAMODB_HTTP_H_
#define MEM0_DYNAMODB_HTTP_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mem0/result.h"

namespace mem0::dynamodb {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;  // scheme://host[:port]/path[?query]
  Headers headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased
  std::string body;

  // First header with this (lower-case) name, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Returns the response for any HTTP status; an Error (kNetworkError,
  // retryable) only when no complete response arrived.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct CurlTransportOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{10000};
  int max_connections = 16;  // idle keep-alive connections kept for reuse
  bool verify_tls = true;    // never turn off against real AWS
  std::string ca_bundle;     // empty: the system default
};

std::shared_ptr<HttpTransport> MakeCurlTransport(const CurlTransportOptions& options = {});

}  // namespace mem0::dynamodb

#endif  // MEM0_DYNAMODB_HTTP_H_
