#include "core/url.h"

#include <charconv>

#include "core/strings.h"

namespace mem0 {
namespace {

Error BadUrl(std::string_view text, std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "bad URL \"" + std::string(text.substr(0, 256)) + "\": " + std::string(why));
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string Url::EffectivePort() const {
  if (!port.empty()) return port;
  return tls() ? "443" : "80";
}

std::string Url::HostHeader() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool default_port = port.empty() || (tls() && port == "443") || (!tls() && port == "80");
  if (!default_port) out += ":" + port;
  return out;
}

std::string Url::Target() const { return query.empty() ? path : path + "?" + query; }

Result<Url> ParseUrl(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return BadUrl(text, "contains a space or control character");
    }
  }
  Url url;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return BadUrl(text, "expected http:// or https://");
  url.scheme = AsciiLower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") {
    return BadUrl(text, "expected http:// or https://");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (const size_t fragment = rest.find('#'); fragment != std::string_view::npos) {
    rest = rest.substr(0, fragment);
  }
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end == std::string_view::npos ? rest.size() : authority_end);
  url.authority = std::string(authority);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(text, "unclosed [ in host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return BadUrl(text, "unexpected text after ]");
      has_port = true;
      port = after.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    has_port = true;
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return BadUrl(text, "no host");
  if (has_port) {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (!AllDigits(port) || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
        value > 65535) {
      return BadUrl(text, "port must be a number from 1 to 65535");
    }
  }
  url.host = AsciiLower(host);
  url.port = std::string(port);
  const size_t query_start = rest.find('?');
  url.path = std::string(rest.substr(0, query_start));
  if (url.path.empty()) url.path.push_back('/');
  if (query_start != std::string_view::npos) url.query = std::string(rest.substr(query_start + 1));
  return url;
}

std::string HostOfUrl(std::string_view text) {
  auto url = ParseUrl(text);
  return url.ok() ? url->host : std::string();
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  unsigned parts[4];
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (pos >= host.size() || host[pos] != '.') return false;
      ++pos;
    }
    auto [end, ec] = std::from_chars(host.data() + pos, host.data() + host.size(), parts[i]);
    if (ec != std::errc() || end == host.data() + pos || parts[i] > 255) return false;
    pos = static_cast<size_t>(end - host.data());
  }
  return pos == host.size() && parts[0] == 127;
}

}  // namespace mem0
