// HttpTransport: the seam between the DynamoDB client (and credential
// providers) and the network. Two implementations: a lean socket transport
// (the client's default: HTTP/1.1 keep-alive, OpenSSL for https) and a
// libcurl one (credential providers; proxies). Tests inject their own.
//
// Thread-safety: Send() may be called concurrently from many threads.
#ifndef MEM0_AWS_HTTP_H_
#define MEM0_AWS_HTTP_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mem0/core/result.h"

namespace mem0::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;  // scheme://host[:port]/path[?query]
  Headers headers;
  std::string body;
  // The longest this request may take, connecting included; zero: the
  // transport's request_timeout. The DynamoDB client sets it to what is left
  // of a call's deadline (RetryPolicy::call_timeout); the transport's own
  // timeouts still apply when shorter.
  std::chrono::milliseconds timeout{0};
};

// kInvalidArgument unless the method and every header name are HTTP tokens
// (RFC 9110) and no header value holds CR, LF or NUL: such a value would end
// its header line and inject headers (or a whole request) of the sender's
// choosing. Both built-in transports check every request; a custom transport
// should too. Messages name the header, never its value (it may be a secret).
Status ValidateHttpRequest(const HttpRequest& request);

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

struct HttpTransportOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{10000};
  int max_connections = 16;  // idle keep-alive connections kept for reuse
  bool verify_tls = true;    // never turn off against real AWS
  std::string ca_bundle;     // empty: the system default
  std::string proxy;         // e.g. http://proxy:3128; empty: no proxy
};

// libcurl with a bounded pool of keep-alive handles; honours `proxy`.
std::shared_ptr<HttpTransport> MakeCurlTransport(const HttpTransportOptions& options = {});
// Plain sockets + OpenSSL; no proxy support (use the curl transport).
std::shared_ptr<HttpTransport> MakeSocketTransport(const HttpTransportOptions& options = {});

}  // namespace mem0::aws

#endif  // MEM0_AWS_HTTP_H_
