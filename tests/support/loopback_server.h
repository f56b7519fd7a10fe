// LoopbackServer: a cpp-httplib server on 127.0.0.1 with an ephemeral port,
// served from a background thread for the lifetime of the object. Tests use
// it to stand in for AWS endpoints (STS, ECS agent, IMDS, DynamoDB) and to
// assert the requests they receive.
//
// Thread-safety: route handlers run on the server's worker threads; guard
// any state they share with the test.
#ifndef MEM0_TESTS_SUPPORT_LOOPBACK_SERVER_H_
#define MEM0_TESTS_SUPPORT_LOOPBACK_SERVER_H_

#include <httplib.h>

#include <functional>
#include <string>
#include <thread>

namespace mem0::testing {

class LoopbackServer {
 public:
  // `routes` registers the handlers (server.Get(...), server.Post(...), ...)
  // before the server starts listening.
  explicit LoopbackServer(std::function<void(httplib::Server&)> routes);
  ~LoopbackServer();

  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>", without a trailing slash.
  std::string url() const;

 private:
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
};

}  // namespace mem0::testing

#endif  // MEM0_TESTS_SUPPORT_LOOPBACK_SERVER_H_
