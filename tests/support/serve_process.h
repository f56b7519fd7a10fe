// ServeProcess: `mem0 ARGS` (e.g. serve) as a child process with stderr in a
// file, for tests that drive `mem0 serve` from outside: waits for its
// "listening on" line, sends it signals, and kills it when destroyed.
//
// Thread-safety: one thread per object.
#ifndef MEM0_TESTS_SUPPORT_SERVE_PROCESS_H_
#define MEM0_TESTS_SUPPORT_SERVE_PROCESS_H_

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace mem0::testing {

class ServeProcess {
 public:
  // Starts MEM0_CLI_PATH (`cli`) with `args`; `env` ("NAME=value") adds to
  // this process's environment.
  ServeProcess(const std::string& cli, const std::vector<std::string>& args,
               const std::vector<std::string>& env);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  std::string Stderr() const;
  // The port from "mem0 serve: listening on http://127.0.0.1:PORT", or 0
  // when the process exited or 20 s passed.
  int WaitForPort();
  // Sends `signal` (unless it already exited) and returns the exit code.
  int Stop(int signal = SIGTERM);

 private:
  std::string err_path_;
  pid_t pid_ = -1;
  bool waited_ = false;
  int exit_code_ = -1;
};

}  // namespace mem0::testing

#endif  // MEM0_TESTS_SUPPORT_SERVE_PROCESS_H_
