#include "support/serve_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_env.h"

namespace mem0::testing {

ServeProcess::ServeProcess(const std::string& cli, const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  err_path_ = "/tmp/" + UniqueName("mem0-serve") + ".err";
  std::vector<std::string> argv = {cli};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  env_storage.insert(env_storage.end(), env.begin(), env.end());
  std::vector<char*> envp, argp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (auto& a : argv) argp.push_back(a.data());
  argp.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(err, 2);
    execve(argp[0], argp.data(), envp.data());
    _exit(127);
  }
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0 && !waited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  unlink(err_path_.c_str());
}

std::string ServeProcess::Stderr() const {
  std::ifstream in(err_path_);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

int ServeProcess::WaitForPort() {
  const std::string marker = "listening on http://127.0.0.1:";
  for (int i = 0; i < 2000; ++i) {
    std::string err = Stderr();
    if (auto at = err.find(marker); at != std::string::npos && err.find('\n', at) != err.npos) {
      return std::stoi(err.substr(at + marker.size()));
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      waited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

int ServeProcess::Stop(int signal) {
  if (!waited_) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return exit_code_;
}

}  // namespace mem0::testing
