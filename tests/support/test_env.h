// Test support: DynamoDB Local endpoint, deterministic time, unique names,
// and running python3 (boto3) or the mem0 CLI as a subprocess.
#ifndef MEM0_TESTS_SUPPORT_TEST_ENV_H_
#define MEM0_TESTS_SUPPORT_TEST_ENV_H_

#include <chrono>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mem0/core/env.h"
#include "mem0/dynamodb/client.h"

namespace mem0::testing {

// http://127.0.0.1:PORT of DynamoDB Local: MEM0_TEST_DYNAMODB_ENDPOINT when
// set (the test script starts one for all test processes), otherwise one
// started for this process by scripts/dynamodb-local.sh and stopped at exit.
std::string DynamoDBLocalEndpoint();

// A client for DynamoDB Local with dummy credentials.
std::unique_ptr<dynamodb::Client> MakeLocalClient(dynamodb::ClientConfig config = {});

// A name no other test (or test process) uses: prefix + random suffix.
std::string UniqueName(const std::string& prefix);

// Creates a table keyed (pk S HASH[, sk S RANGE]) on DynamoDB Local and waits
// for it; the key names are configurable.
void CreateTestTable(dynamodb::Client& client, const std::string& table,
                     const std::string& hash_key = "pk", const std::string& range_key = "sk");

// A clock that only moves when told to.
class FakeClock : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point start =
                         std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)))
      : now_(start) {}
  std::chrono::system_clock::time_point Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }

 private:
  std::mutex mu_;
  std::chrono::system_clock::time_point now_;
};

// A sleeper that records requested delays and returns at once (optionally
// advancing a FakeClock).
class RecordingSleeper : public Sleeper {
 public:
  explicit RecordingSleeper(std::shared_ptr<FakeClock> clock = nullptr)
      : clock_(std::move(clock)) {}
  void Sleep(std::chrono::milliseconds d) override {
    std::lock_guard<std::mutex> lock(mu_);
    delays_.push_back(d);
    if (clock_) clock_->Advance(d);
  }
  std::vector<std::chrono::milliseconds> delays() {
    std::lock_guard<std::mutex> lock(mu_);
    return delays_;
  }

 private:
  std::mutex mu_;
  std::vector<std::chrono::milliseconds> delays_;
  std::shared_ptr<FakeClock> clock_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv with `input` on stdin; captures stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "",
                         const std::vector<std::string>& extra_env = {});

// The python interpreter that has boto3: MEM0_PYTHON, else python3.
std::string PythonWithBoto3();

// Runs a python script (source text) with boto3 pointed at DynamoDB Local
// (AWS_ENDPOINT_URL_DYNAMODB, dummy keys, us-east-1); `input` goes to stdin.
CommandResult RunPython(const std::string& script, const std::string& input = "");

// The mem0 CLI built with the tests.
CommandResult RunCli(const std::vector<std::string>& args, const std::string& input = "");

// `v` with sets sorted and numbers in canonical spelling, recursively: equal
// for values DynamoDB considers equal.
dynamodb::AttributeValue Canonical(const dynamodb::AttributeValue& v);

}  // namespace mem0::testing

namespace mem0::dynamodb {
// Readable AttributeValues in GoogleTest failure messages.
void PrintTo(const AttributeValue& value, std::ostream* os);
}  // namespace mem0::dynamodb

#endif  // MEM0_TESTS_SUPPORT_TEST_ENV_H_
