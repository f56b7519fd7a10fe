// The one URL parser of the library: endpoints, credential-provider URLs and
// SigV4 canonical requests all read URLs through it.
#ifndef MEM0_SRC_CORE_URL_H_
#define MEM0_SRC_CORE_URL_H_

#include <string>
#include <string_view>

#include "mem0/core/result.h"

namespace mem0 {

struct Url {
  std::string scheme;     // lower-cased: "http" or "https"
  std::string authority;  // as written: [userinfo@]host[:port]
  std::string host;       // lower-cased, without IPv6 brackets
  std::string port;       // as written; empty when absent
  std::string path;       // raw (not decoded); "/" when absent
  std::string query;      // raw, without '?'; fragment dropped

  bool tls() const { return scheme == "https"; }
  // The explicit port, else the scheme's default.
  std::string EffectivePort() const;
  // host[:port] with the port only when it is not the scheme's default,
  // IPv6 hosts in brackets: the Host header as AWS SDKs send it.
  std::string HostHeader() const;
  // path[?query]: the HTTP request target.
  std::string Target() const;
};

// http:// and https:// URLs only; kInvalidArgument naming what is wrong
// (scheme, empty host, bad port, control characters or spaces).
Result<Url> ParseUrl(std::string_view text);

// The host of `text` for messages; empty when it does not parse.
std::string HostOfUrl(std::string_view text);

// 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(std::string_view host);

}  // namespace mem0

#endif  // MEM0_SRC_CORE_URL_H_
