#include "support/loopback_server.h"

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace mem0::testing {

void WarmUpHttplibStatics() {
  static std::once_flag once;
  std::call_once(once, [] {
    httplib::Server server;
    server.Post("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{}", "application/json");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    if (port < 0) throw std::runtime_error("WarmUpHttplibStatics: cannot bind 127.0.0.1");
    std::thread thread([&server] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // The URL constructor, for its own static regex.
    httplib::Client client("http://127.0.0.1:" + std::to_string(port));
    (void)client.Post("/", "{}", "application/json");
    server.stop();
    thread.join();
  });
}

LoopbackServer::LoopbackServer(std::function<void(httplib::Server&)> routes) {
  WarmUpHttplibStatics();
  // Without it, small replies wait on delayed ACKs (~40 ms each).
  server_.set_tcp_nodelay(true);
  if (routes) routes(server_);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ < 0) throw std::runtime_error("LoopbackServer: cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it; otherwise
  // a short-lived server could never be joined.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

LoopbackServer::~LoopbackServer() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string LoopbackServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace mem0::testing
