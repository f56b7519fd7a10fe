#include "support/test_env.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "core/uuid.h"

extern char** environ;

namespace mem0::testing {
namespace {

pid_t g_local_pid = 0;

void StopLocal() {
  if (g_local_pid > 0) {
    kill(g_local_pid, SIGTERM);
    g_local_pid = 0;
  }
}

std::string ReadFd(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string DynamoDBLocalEndpoint() {
  static std::once_flag once;
  static std::string endpoint;
  std::call_once(once, [] {
    if (const char* env = std::getenv("MEM0_TEST_DYNAMODB_ENDPOINT"); env && *env) {
      endpoint = env;
      return;
    }
    auto result =
        RunCommand({std::string(MEM0_SOURCE_DIR) + "/scripts/dynamodb-local.sh", "start"});
    int port = 0, pid = 0;
    std::istringstream(result.out) >> port >> pid;
    if (result.exit_code != 0 || port == 0) {
      throw std::runtime_error("could not start DynamoDB Local: " + result.err);
    }
    g_local_pid = pid;
    std::atexit(StopLocal);
    endpoint = "http://127.0.0.1:" + std::to_string(port);
  });
  return endpoint;
}

std::unique_ptr<dynamodb::Client> MakeLocalClient(dynamodb::ClientConfig config) {
  if (config.endpoint_url.empty()) config.endpoint_url = DynamoDBLocalEndpoint();
  if (config.region.empty()) config.region = "us-east-1";
  if (config.access_key_id.empty() && !config.credentials) {
    config.access_key_id = "AKIDLOCAL";
    config.secret_access_key = "local-secret";
  }
  auto client = dynamodb::Client::Create(std::move(config));
  if (!client.ok()) throw std::runtime_error(client.error().ToString());
  return std::move(client).value();
}

std::string UniqueName(const std::string& prefix) { return prefix + "-" + NewUuid().substr(0, 13); }

void CreateTestTable(dynamodb::Client& client, const std::string& table,
                     const std::string& hash_key, const std::string& range_key) {
  dynamodb::CreateTableRequest request;
  request.table_name = table;
  request.hash_key = {hash_key, dynamodb::ScalarType::kS};
  if (!range_key.empty())
    request.range_key = dynamodb::KeyElement{range_key, dynamodb::ScalarType::kS};
  auto created = client.CreateTable(request);
  if (!created.ok()) throw std::runtime_error(created.error().ToString());
  auto active = client.WaitUntilActive(table, std::chrono::seconds(30));
  if (!active.ok()) throw std::runtime_error(active.error().ToString());
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input,
                         const std::vector<std::string>& extra_env) {
  int out_pipe[2];
  if (pipe(out_pipe)) throw std::runtime_error("pipe failed");
  // Large inputs go through a temporary file so the child never blocks on a
  // full pipe while we wait to read its output.
  char input_path[] = "/tmp/mem0-test-input-XXXXXX";
  int input_fd = mkstemp(input_path);
  if (input_fd < 0) throw std::runtime_error("mkstemp failed");
  if (write(input_fd, input.data(), input.size()) != static_cast<ssize_t>(input.size())) {
    throw std::runtime_error("write failed");
  }
  lseek(input_fd, 0, SEEK_SET);
  unlink(input_path);
  // stderr goes to a file too, so neither stream can fill up and stall the child.
  char err_path[] = "/tmp/mem0-test-stderr-XXXXXX";
  int err_fd = mkstemp(err_path);
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  unlink(err_path);

  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  for (const auto& e : extra_env) env_storage.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    dup2(input_fd, 0);
    dup2(out_pipe[1], 1);
    dup2(err_fd, 2);
    close(out_pipe[0]);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(input_fd);
  close(out_pipe[1]);
  CommandResult result;
  result.out = ReadFd(out_pipe[0]);
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  lseek(err_fd, 0, SEEK_SET);
  result.err = ReadFd(err_fd);
  close(err_fd);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string PythonWithBoto3() {
  if (const char* py = std::getenv("MEM0_PYTHON"); py && *py) return py;
  return "python3";
}

CommandResult RunPython(const std::string& script, const std::string& input) {
  char path[] = "/tmp/mem0-test-script-XXXXXX.py";
  int fd = mkstemps(path, 3);
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  if (write(fd, script.data(), script.size()) != static_cast<ssize_t>(script.size())) {
    throw std::runtime_error("write failed");
  }
  close(fd);
  auto result = RunCommand({PythonWithBoto3(), path}, input,
                           {"AWS_ENDPOINT_URL_DYNAMODB=" + DynamoDBLocalEndpoint(),
                            "AWS_ACCESS_KEY_ID=AKIDLOCAL", "AWS_SECRET_ACCESS_KEY=local-secret",
                            "AWS_DEFAULT_REGION=us-east-1", "AWS_REGION=us-east-1"});
  unlink(path);
  return result;
}

CommandResult RunCli(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv = {MEM0_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, input,
                    {"AWS_ACCESS_KEY_ID=AKIDLOCAL", "AWS_SECRET_ACCESS_KEY=local-secret",
                     "AWS_REGION=us-east-1"});
}

dynamodb::AttributeValue Canonical(const dynamodb::AttributeValue& v) {
  auto sorted = [](std::vector<std::string> x) {
    std::sort(x.begin(), x.end());
    return x;
  };
  switch (v.type()) {
    case dynamodb::AttributeValue::Type::kN:
      return dynamodb::AttributeValue::N(dynamodb::CanonicalNumber(v.n()).value_or(v.n()));
    case dynamodb::AttributeValue::Type::kSS:
      return dynamodb::AttributeValue::SS(sorted(v.ss()));
    case dynamodb::AttributeValue::Type::kBS:
      return dynamodb::AttributeValue::BS(sorted(v.bs()));
    case dynamodb::AttributeValue::Type::kNS: {
      std::vector<std::string> numbers;
      for (const auto& n : v.ns()) numbers.push_back(dynamodb::CanonicalNumber(n).value_or(n));
      return dynamodb::AttributeValue::NS(sorted(numbers));
    }
    case dynamodb::AttributeValue::Type::kM: {
      dynamodb::Item m;
      for (const auto& [name, value] : v.m()) m[name] = Canonical(value);
      return dynamodb::AttributeValue::M(m);
    }
    case dynamodb::AttributeValue::Type::kL: {
      dynamodb::AttributeList l;
      for (const auto& value : v.l()) l.push_back(Canonical(value));
      return dynamodb::AttributeValue::L(l);
    }
    default:
      return v;
  }
}

}  // namespace mem0::testing

namespace mem0::dynamodb {
void PrintTo(const AttributeValue& value, std::ostream* os) { *os << value.DebugString(); }
}  // namespace mem0::dynamodb
