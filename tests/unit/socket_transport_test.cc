// The socket transport against real loopback servers: keep-alive reuse,
// chunked and close-delimited bodies, servers that drop idle connections,
// timeouts, and TLS certificate verification (openssl s_server).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "mem0/aws/http.h"
#include "support/loopback_server.h"
#include "support/test_env.h"

namespace mem0::aws {
namespace {

HttpRequest Post(const std::string& url, std::string body = "{}") {
  HttpRequest request;
  request.url = url;
  request.headers = {{"Content-Type", "application/x-amz-json-1.0"}};
  request.body = std::move(body);
  return request;
}

TEST(SocketTransport, ReusesOneKeepAliveConnection) {
  std::atomic<int> requests{0};
  std::set<std::string> peers;
  std::mutex mu;
  testing::LoopbackServer server([&](httplib::Server& s) {
    s.set_keep_alive_max_count(1000);
    s.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
      ++requests;
      std::lock_guard<std::mutex> lock(mu);
      peers.insert(req.remote_addr + ":" + std::to_string(req.remote_port));
      res.set_content(req.body, "application/json");
    });
  });
  auto transport = MakeSocketTransport();
  for (int i = 0; i < 20; ++i) {
    auto response = transport->Send(Post(server.url() + "/", "body-" + std::to_string(i)));
    ASSERT_TRUE(response.ok()) << response.error().ToString();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "body-" + std::to_string(i));
    ASSERT_NE(response->Header("content-type"), nullptr);
  }
  EXPECT_EQ(requests.load(), 20);
  EXPECT_EQ(peers.size(), 1u);  // one client port: the connection was reused
}

TEST(SocketTransport, ReadsChunkedAndLargeBodies) {
  testing::LoopbackServer server([](httplib::Server& s) {
    s.Post("/chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [](size_t offset, httplib::DataSink& sink) {
        if (offset < 3 * 5000) {
          std::string chunk(5000, static_cast<char>('a' + offset / 5000));
          sink.write(chunk.data(), chunk.size());
        } else {
          sink.done();
        }
        return true;
      });
    });
    s.Post("/large", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3 << 20, 'z'), "text/plain");
    });
  });
  auto transport = MakeSocketTransport();
  auto chunked = transport->Send(Post(server.url() + "/chunked"));
  ASSERT_TRUE(chunked.ok()) << chunked.error().ToString();
  EXPECT_EQ(chunked->body,
            std::string(5000, 'a') + std::string(5000, 'b') + std::string(5000, 'c'));
  auto large = transport->Send(Post(server.url() + "/large"));
  ASSERT_TRUE(large.ok());
  EXPECT_EQ(large->body.size(), 3u << 20);
  // The connection is still usable after both.
  EXPECT_TRUE(transport->Send(Post(server.url() + "/large")).ok());
}

// A raw server that answers one request per connection and closes it,
// without saying so: the pooled connection goes stale.
class OneShotServer {
 public:
  OneShotServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] {
      while (true) {
        int client = accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        char buf[4096];
        std::string request;
        while (request.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = read(client, buf, sizeof(buf));
          if (n <= 0) break;
          request.append(buf, static_cast<size_t>(n));
        }
        const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        if (write(client, reply.data(), reply.size()) < 0) {
        }
        ++served_;
        close(client);
      }
    });
  }
  ~OneShotServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  int served() const { return served_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> served_{0};
  std::thread thread_;
};

TEST(SocketTransport, ReplacesConnectionsTheServerClosed) {
  OneShotServer server;
  auto transport = MakeSocketTransport();
  for (int i = 0; i < 5; ++i) {
    auto response = transport->Send(Post(server.url()));
    ASSERT_TRUE(response.ok()) << i << ": " << response.error().ToString();
    EXPECT_EQ(response->body, "ok");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the close arrive
  }
  EXPECT_EQ(server.served(), 5);
}

TEST(SocketTransport, TimesOutAndRefusesAsRetryableNetworkErrors) {
  testing::LoopbackServer server([](httplib::Server& s) {
    s.Post("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
  });
  HttpTransportOptions options;
  options.request_timeout = std::chrono::milliseconds(300);
  auto transport = MakeSocketTransport(options);
  auto slow = transport->Send(Post(server.url() + "/slow"));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, ErrorCode::kNetworkError);
  EXPECT_TRUE(slow.error().retryable);
  EXPECT_NE(slow.error().message.find("timed out"), std::string::npos);

  auto refused = transport->Send(Post("http://127.0.0.1:1/"));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().retryable);
  EXPECT_NE(refused.error().message.find("127.0.0.1:1"), std::string::npos);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// openssl s_server with a self-signed certificate for "localhost".
class TlsServer {
 public:
  TlsServer() {
    dir_ = "/tmp/" + testing::UniqueName("tls");
    mkdir(dir_.c_str(), 0700);
    auto made = testing::RunCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                     "-days", "1", "-subj", "/CN=localhost", "-addext",
                                     "subjectAltName=DNS:localhost", "-keyout", dir_ + "/key.pem",
                                     "-out", dir_ + "/cert.pem"});
    EXPECT_EQ(made.exit_code, 0) << made.err;
    port_ = FreePort();
    pid_ = fork();
    if (pid_ == 0) {
      int null_fd = open("/dev/null", O_RDWR);
      dup2(null_fd, 0);
      dup2(null_fd, 1);
      dup2(null_fd, 2);
      execlp("openssl", "openssl", "s_server", "-quiet", "-www", "-accept",
             std::to_string(port_).c_str(), "-cert", (dir_ + "/cert.pem").c_str(), "-key",
             (dir_ + "/key.pem").c_str(), nullptr);
      _exit(127);
    }
    // Wait until it accepts connections.
    for (int i = 0; i < 100; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port_));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
      close(fd);
      if (up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~TlsServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    testing::RunCommand({"rm", "-rf", dir_});
  }
  std::string url() const { return "https://localhost:" + std::to_string(port_) + "/"; }
  std::string cert() const { return dir_ + "/cert.pem"; }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

TEST(SocketTransport, VerifiesTlsCertificates) {
  TlsServer server;
  HttpRequest get;
  get.method = "GET";
  get.url = server.url();

  auto untrusted = MakeSocketTransport()->Send(get);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.error().message.find("self-signed"), std::string::npos)
      << untrusted.error().message;
  EXPECT_FALSE(untrusted.error().retryable);  // a bad certificate does not get better

  HttpTransportOptions trusting;
  trusting.ca_bundle = server.cert();
  auto trusted = MakeSocketTransport(trusting)->Send(get);
  ASSERT_TRUE(trusted.ok()) << trusted.error().ToString();
  EXPECT_EQ(trusted->status, 200);
  EXPECT_NE(trusted->body.find("s_server"), std::string::npos);
}

}  // namespace
}  // namespace mem0::aws
