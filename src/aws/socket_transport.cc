// A lean HTTP/1.1 keep-alive transport over plain sockets (OpenSSL for
// https), the client's default. It does only what DynamoDB's JSON protocol
// needs: one request at a time per connection, Content-Length or chunked
// bodies, a bounded pool of idle connections. At a few microseconds per
// request it costs a fraction of a general-purpose HTTP stack, which
// matters when the server answers in a hundred.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/strings.h"
#include "core/url.h"
#include "mem0/aws/http.h"

namespace mem0::aws {
namespace {

using SteadyClock = std::chrono::steady_clock;

Error NetworkError(std::string message) {
  Error error = MakeError(ErrorCode::kNetworkError, std::move(message), "NetworkError");
  error.retryable = true;
  return error;
}

struct Endpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query
  std::string host_header;
};

Result<Endpoint> ParseEndpoint(const std::string& text) {
  MEM0_ASSIGN_OR_RETURN(Url url, ParseUrl(text));
  return Endpoint{url.tls(), url.host, url.EffectivePort(), url.Target(), url.authority};
}

class Connection {
 public:
  Connection(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Connection() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status WriteAll(std::string_view data, SteadyClock::time_point deadline) {
    while (!data.empty()) {
      ssize_t n;
      if (ssl_) {
        int written = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
        if (written <= 0) {
          int err = SSL_get_error(ssl_, written);
          if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
            MEM0_RETURN_IF_ERROR(Wait(err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline));
            continue;
          }
          return NetworkError("TLS write failed");
        }
        n = written;
      } else {
        n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
          if (errno == EAGAIN || errno == EINTR) {
            MEM0_RETURN_IF_ERROR(Wait(POLLOUT, deadline));
            continue;
          }
          return NetworkError(std::string("send failed: ") + std::strerror(errno));
        }
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  // Appends what arrives to `buffer`; 0 bytes means the peer closed.
  Result<size_t> ReadSome(std::string& buffer, SteadyClock::time_point deadline) {
    // Checked before every read, not only when one times out: a server that
    // trickles bytes would otherwise hold the request past its deadline.
    if (SteadyClock::now() >= deadline) return NetworkError("request timed out");
    char chunk[16384];
    while (true) {
      if (ssl_) {
        int n = SSL_read(ssl_, chunk, sizeof(chunk));
        if (n > 0) {
          buffer.append(chunk, static_cast<size_t>(n));
          return static_cast<size_t>(n);
        }
        int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_ZERO_RETURN) return size_t{0};
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
          MEM0_RETURN_IF_ERROR(Wait(err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline));
          continue;
        }
        if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return size_t{0};
        return NetworkError("TLS read failed");
      }
      ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n > 0) {
        buffer.append(chunk, static_cast<size_t>(n));
        return static_cast<size_t>(n);
      }
      if (n == 0) return size_t{0};
      if (errno == EAGAIN || errno == EINTR) {
        MEM0_RETURN_IF_ERROR(Wait(POLLIN, deadline));
        continue;
      }
      if (errno == ECONNRESET) return size_t{0};
      return NetworkError(std::string("recv failed: ") + std::strerror(errno));
    }
  }

  // An idle keep-alive connection the server has closed is readable (EOF).
  // Checked only after a while idle (a poll per request would cost as much
  // as the read itself); TLS connections may be readable for session
  // tickets, so they are only found stale when used. Either way a stale
  // connection is replaced on first use (see Send).
  bool LooksAlive() const {
    if (ssl_ || SteadyClock::now() - last_used_ < std::chrono::seconds(1)) return true;
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) == 0;
  }

  Status Wait(short events, SteadyClock::time_point deadline) {
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (remaining.count() <= 0) return NetworkError("request timed out");
    pollfd p{fd_, events, 0};
    int ready = poll(&p, 1, static_cast<int>(remaining.count()));
    if (ready == 0) return NetworkError("request timed out");
    if (ready < 0 && errno != EINTR) return NetworkError("poll failed");
    return {};
  }

  // After connecting: blocking I/O with kernel timeouts, so a request is one
  // send and one recv rather than a poll before every read.
  void MakeBlocking(std::chrono::milliseconds timeout) {
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    SetKernelTimeout(timeout);
  }
  // The longest one blocking send or recv waits. Set only when it changes:
  // a request with less time left than the transport's timeout shortens it,
  // the next full-length one restores it.
  void SetKernelTimeout(std::chrono::milliseconds timeout) {
    timeout = std::max(timeout, std::chrono::milliseconds(1));
    if (timeout == kernel_timeout_) return;
    kernel_timeout_ = timeout;
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  void Touch() { last_used_ = SteadyClock::now(); }

  int fd() const { return fd_; }
  SSL* ssl() const { return ssl_; }
  void set_ssl(SSL* ssl) { ssl_ = ssl; }

 private:
  int fd_;
  SSL* ssl_;
  SteadyClock::time_point last_used_ = SteadyClock::now();
  std::chrono::milliseconds kernel_timeout_{0};
};

class SocketTransport final : public HttpTransport {
 public:
  explicit SocketTransport(const HttpTransportOptions& options) : options_(options) {}
  ~SocketTransport() override {
    if (ssl_ctx_) SSL_CTX_free(ssl_ctx_);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    MEM0_RETURN_IF_ERROR(ValidateHttpRequest(request));
    MEM0_ASSIGN_OR_RETURN(Endpoint endpoint, CachedParse(request.url));
    const std::string key = (endpoint.tls ? "s:" : "p:") + endpoint.host + ":" + endpoint.port;
    const std::string wire = Serialize(request, endpoint);
    std::chrono::milliseconds timeout = options_.request_timeout;
    if (request.timeout.count() > 0) timeout = std::min(timeout, request.timeout);
    const auto deadline = SteadyClock::now() + timeout;
    // A pooled connection may have been closed by the server while idle; if
    // it fails before any response byte arrives, resend on a fresh one.
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<Connection> connection = TakeIdle(key);
      const bool reused = connection != nullptr;
      if (!connection) {
        MEM0_ASSIGN_OR_RETURN(connection, Connect(endpoint, deadline));
      }
      connection->SetKernelTimeout(timeout);
      bool got_bytes = false;
      bool keep_alive = true;
      auto response = Exchange(*connection, wire, request.method, deadline, got_bytes, keep_alive);
      if (response.ok()) {
        if (keep_alive) ReturnIdle(key, std::move(connection));
        return response;
      }
      if (!reused || got_bytes) return response;
    }
    return NetworkError("connection closed by server");
  }

 private:
  Result<Endpoint> CachedParse(const std::string& url) {
    std::lock_guard<std::mutex> lock(mu_);
    if (url != last_url_) {
      MEM0_ASSIGN_OR_RETURN(last_endpoint_, ParseEndpoint(url));
      last_url_ = url;
    }
    return last_endpoint_;
  }

  static std::string Serialize(const HttpRequest& request, const Endpoint& endpoint) {
    std::string wire;
    wire.reserve(512 + request.body.size());
    wire += request.method;
    wire += ' ';
    wire += endpoint.target;
    wire += " HTTP/1.1\r\n";
    bool has_host = false;
    for (const auto& [name, value] : request.headers) {
      if (EqualsIgnoreCase(name, "content-length")) continue;
      has_host = has_host || EqualsIgnoreCase(name, "host");
      wire += name;
      wire += ": ";
      wire += value;
      wire += "\r\n";
    }
    if (!has_host) wire += "Host: " + endpoint.host_header + "\r\n";
    if (request.method != "GET" || !request.body.empty()) {
      wire += "Content-Length: ";
      wire += std::to_string(request.body.size());
      wire += "\r\n";
    }
    wire += "\r\n";
    wire += request.body;
    return wire;
  }

  Result<HttpResponse> Exchange(Connection& connection, const std::string& wire,
                                const std::string& method, SteadyClock::time_point deadline,
                                bool& got_bytes, bool& keep_alive) {
    MEM0_RETURN_IF_ERROR(connection.WriteAll(wire, deadline));
    std::string buffer;
    size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      MEM0_ASSIGN_OR_RETURN(size_t n, connection.ReadSome(buffer, deadline));
      if (n == 0) return NetworkError("connection closed before the response");
      got_bytes = true;
    }
    HttpResponse response;
    std::string_view head(buffer.data(), header_end);
    size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
      return NetworkError("malformed HTTP status line");
    }
    // "HTTP/1.x NNN reason": exactly three digits.
    const char* status_text = status_line.data() + 9;
    const auto [status_end, status_ec] =
        std::from_chars(status_text, status_text + 3, response.status);
    if (status_ec != std::errc() || status_end != status_text + 3 || status_line[8] != ' ' ||
        response.status < 100 || (status_line.size() > 12 && status_line[12] != ' ')) {
      return NetworkError("malformed HTTP status line");
    }
    keep_alive = status_line.starts_with("HTTP/1.1");
    std::optional<size_t> content_length;
    bool chunked = false;
    size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string_view::npos) end = head.size();
      std::string_view line = head.substr(pos, end - pos);
      pos = end + 2;
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      if (name == "content-length") {
        size_t length = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
        if (ec != std::errc() || end != value.data() + value.size() || value.empty() ||
            (content_length && *content_length != length)) {
          return NetworkError("malformed Content-Length: " + std::string(value.substr(0, 40)));
        }
        content_length = length;
      } else if (name == "transfer-encoding") {
        chunked = EqualsIgnoreCase(value, "chunked");
      } else if (name == "connection") {
        keep_alive = !EqualsIgnoreCase(value, "close");
      }
      response.headers.emplace_back(std::move(name), std::string(value));
    }
    std::string rest = buffer.substr(header_end + 4);
    const bool no_body = method == "HEAD" || response.status == 204 || response.status == 304 ||
                         response.status / 100 == 1;
    if (no_body) {
      // nothing to read
    } else if (chunked) {
      MEM0_ASSIGN_OR_RETURN(response.body, ReadChunked(connection, rest, deadline));
    } else if (content_length) {
      while (rest.size() < *content_length) {
        MEM0_ASSIGN_OR_RETURN(size_t n, connection.ReadSome(rest, deadline));
        if (n == 0) return NetworkError("connection closed mid-body");
      }
      if (rest.size() > *content_length) keep_alive = false;  // unexpected extra bytes
      rest.resize(*content_length);
      response.body = std::move(rest);
    } else {
      keep_alive = false;  // body ends when the server closes
      while (true) {
        MEM0_ASSIGN_OR_RETURN(size_t n, connection.ReadSome(rest, deadline));
        if (n == 0) break;
      }
      response.body = std::move(rest);
    }
    return response;
  }

  // Far above any DynamoDB reply (at most 16 MB), and keeps offsets from
  // overflowing.
  static constexpr size_t kMaxChunkSize = size_t{1} << 32;

  static Result<std::string> ReadChunked(Connection& connection, std::string& data,
                                         SteadyClock::time_point deadline) {
    std::string body;
    size_t pos = 0;
    auto need = [&](size_t bytes) -> Status {
      while (data.size() < pos + bytes) {
        MEM0_ASSIGN_OR_RETURN(size_t n, connection.ReadSome(data, deadline));
        if (n == 0) return NetworkError("connection closed mid-chunk");
      }
      return {};
    };
    while (true) {
      size_t line_end;
      while ((line_end = data.find("\r\n", pos)) == std::string::npos) {
        MEM0_ASSIGN_OR_RETURN(size_t n, connection.ReadSome(data, deadline));
        if (n == 0) return NetworkError("connection closed mid-chunk");
      }
      // chunk-size [; extensions] CRLF; the size in hex.
      size_t size = 0;
      const char* size_text = data.data() + pos;
      const char* line = data.data() + line_end;
      const auto [size_end, ec] = std::from_chars(size_text, line, size, 16);
      if (ec != std::errc() || size_end == size_text ||
          (size_end != line && *size_end != ';' && *size_end != ' ' && *size_end != '\t') ||
          size > kMaxChunkSize) {
        return NetworkError("malformed chunk size");
      }
      pos = line_end + 2;
      if (size == 0) {
        // Skip trailers up to the final empty line.
        while (data.find("\r\n", pos) != pos) {
          size_t next = data.find("\r\n", pos);
          if (next == std::string::npos) {
            MEM0_ASSIGN_OR_RETURN(size_t n, connection.ReadSome(data, deadline));
            if (n == 0) return body;
            continue;
          }
          pos = next + 2;
        }
        return body;
      }
      MEM0_RETURN_IF_ERROR(need(size + 2));
      body.append(data, pos, size);
      pos += size + 2;
    }
  }

  Result<std::unique_ptr<Connection>> Connect(const Endpoint& endpoint,
                                              SteadyClock::time_point request_deadline) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    addrinfo* addresses = nullptr;
    int rc = getaddrinfo(endpoint.host.c_str(), endpoint.port.c_str(), &hints, &addresses);
    if (rc != 0) {
      Error error = NetworkError("cannot resolve " + endpoint.host + ": " + gai_strerror(rc));
      // Only a temporary resolver failure may go away on a retry; a name that
      // does not exist is a configuration error.
      error.retryable = rc == EAI_AGAIN;
      return error;
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(addresses, freeaddrinfo);
    std::string last_error = "no addresses";
    const auto deadline = std::min(SteadyClock::now() + options_.connect_timeout, request_deadline);
    for (addrinfo* a = addresses; a; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      auto connection = std::make_unique<Connection>(fd, nullptr);
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
      if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
        last_error = std::strerror(errno);
        continue;
      }
      if (!connection->Wait(POLLOUT, deadline).ok()) {
        last_error = "connect timed out";
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof(so_error);
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (so_error != 0) {
        last_error = std::strerror(so_error);
        continue;
      }
      if (endpoint.tls) MEM0_RETURN_IF_ERROR(StartTls(*connection, endpoint.host, deadline));
      connection->MakeBlocking(options_.request_timeout);
      return connection;
    }
    return NetworkError("cannot connect to " + endpoint.host + ":" + endpoint.port + ": " +
                        last_error);
  }

  Status StartTls(Connection& connection, const std::string& host,
                  SteadyClock::time_point deadline) {
    SSL_CTX* ctx;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!ssl_ctx_) {
        ssl_ctx_ = SSL_CTX_new(TLS_client_method());
        if (!ssl_ctx_) return NetworkError("cannot create TLS context");
        SSL_CTX_set_min_proto_version(ssl_ctx_, TLS1_2_VERSION);
        if (options_.verify_tls) {
          SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_PEER, nullptr);
          int loaded =
              options_.ca_bundle.empty()
                  ? SSL_CTX_set_default_verify_paths(ssl_ctx_)
                  : SSL_CTX_load_verify_locations(ssl_ctx_, options_.ca_bundle.c_str(), nullptr);
          if (loaded != 1) {
            Error error = NetworkError("cannot load CA certificates");
            error.retryable = false;  // a configuration error: retrying cannot help
            return error;
          }
        }
      }
      ctx = ssl_ctx_;
    }
    SSL* ssl = SSL_new(ctx);
    if (!ssl) return NetworkError("cannot create TLS session");
    connection.set_ssl(ssl);
    SSL_set_fd(ssl, connection.fd());
    SSL_set_tlsext_host_name(ssl, host.c_str());
    if (options_.verify_tls) SSL_set1_host(ssl, host.c_str());
    while (true) {
      int rc = SSL_connect(ssl);
      if (rc == 1) return {};
      int err = SSL_get_error(ssl, rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        MEM0_RETURN_IF_ERROR(
            connection.Wait(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline));
        continue;
      }
      long verify = SSL_get_verify_result(ssl);
      std::string reason =
          verify != X509_V_OK ? X509_verify_cert_error_string(verify) : "handshake failed";
      Error error = NetworkError("TLS handshake with " + host + " failed: " + reason);
      error.retryable = verify == X509_V_OK;  // a bad certificate will not get better
      return error;
    }
  }

  std::unique_ptr<Connection> TakeIdle(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    while (true) {
      auto it = std::find_if(idle_.begin(), idle_.end(),
                             [&](const auto& entry) { return entry.first == key; });
      if (it == idle_.end()) return nullptr;
      auto connection = std::move(it->second);
      idle_.erase(it);
      if (connection->LooksAlive()) return connection;
    }
  }

  void ReturnIdle(const std::string& key, std::unique_ptr<Connection> connection) {
    std::lock_guard<std::mutex> lock(mu_);
    if (static_cast<int>(idle_.size()) < options_.max_connections) {
      connection->Touch();
      idle_.emplace_back(key, std::move(connection));
    }
  }

  const HttpTransportOptions options_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::unique_ptr<Connection>>> idle_;
  SSL_CTX* ssl_ctx_ = nullptr;
  std::string last_url_;
  Endpoint last_endpoint_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeSocketTransport(const HttpTransportOptions& options) {
  return std::make_shared<SocketTransport>(options);
}

}  // namespace mem0::aws
