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

// cpp-httplib comes from Debian as a shared library built without
// ThreadSanitizer. Its function-local statics (the method set a server
// checks, the regexes a client parses URLs and status lines with) are set up
// by the first thread that needs them. TSan sees the library's allocations
// and memcmp calls but not the guard's acquire load, so later readers on
// other threads look like races. One request through a server and a client,
// made before any other thread that uses httplib starts, sets them up for
// the process, and threads created afterwards are ordered after it. Runs
// once per process; LoopbackServer calls it, and so should a test that runs
// httplib clients or servers on threads without one.
void WarmUpHttplibStatics();

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
