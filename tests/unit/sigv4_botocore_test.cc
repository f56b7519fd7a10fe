// SigV4 against botocore, the signer behind the AWS CLI and boto3: realistic
// DynamoDB requests signed by both must carry byte-identical Authorization
// headers. botocore runs in tests/support/botocore_sign.py under $MEM0_PYTHON
// (default python3); it is a declared test dependency, so its absence fails
// these tests rather than skipping them.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aws/sigv4.h"

namespace mem0::aws::sigv4 {
namespace {

constexpr char kAccessKeyId[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kSecretAccessKey[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
// Shaped like a real STS token: long, with '/', '+' and '=' padding.
constexpr char kSessionToken[] =
    "IQoJb3JpZ2luX2VjEHAaCXVzLWVhc3QtMSJHMEUCIQD6+Jw/0f9Gv2V4nT5yAbCdEfGhIjKlMnOpQrStUvWxYz"
    "AiB7r5tE0xQmFJ8fVtX9kZQp1vQ+3cR2sLbN6yWmH4aTrQKvUDCMj//////////ARAAGgw0NTY3ODkwMTIzNDUi"
    "DN1gV2f6l9oJ8a7fNSrJA6Yd3XlUe0u4zW7vJkP2Qm9=";

struct BotocoreCase {
  std::string name;
  std::string operation;  // X-Amz-Target suffix
  std::string endpoint;
  std::string region;
  std::string session_token;
  std::string timestamp;  // yyyymmddThhmmssZ
  std::string body;
};

std::string LargeQueryBody() {
  std::string body =
      R"json({"TableName":"mem0_memories","IndexName":"by_user",)json"
      R"json("KeyConditionExpression":"#u = :u AND begins_with(#s, :p)",)json"
      R"json("ExpressionAttributeNames":{"#u":"user_id","#s":"sk"},)json"
      R"json("ExpressionAttributeValues":{":u":{"S":"user-42"},":p":{"S":"memory#"})json";
  for (int i = 0; i < 40; ++i) {
    body += R"json(,":v)json" + std::to_string(i) + R"json(":{"S":"valeur n°)json" +
            std::to_string(i) + R"json( — ok"})json";
  }
  return body + R"json(},"Limit":100,"ScanIndexForward":false})json";
}

std::vector<BotocoreCase> Cases() {
  const std::string put_item_unicode =
      R"({"TableName":"mem0_memories","Item":{"pk":{"S":"user#zoë"},"sk":{"S":"memory#01HVX7"},)"
      R"("text":{"S":"Ünïcödé — 你好, мир 🚀 \"quoted\" \\ back\\slash\nnew line"},)"
      R"("score":{"N":"0.75"},"tags":{"SS":["café","naïve"]}}})";
  const std::string get_item =
      R"({"TableName":"mem0_memories","Key":{"pk":{"S":"user#42"},"sk":{"S":"memory#7"}},"ConsistentRead":true})";
  const std::string query =
      R"({"TableName":"mem0_memories","KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"user#42"}},"Limit":25})";
  return {
      {"PutItemUnicodeUsEast1", "PutItem", "https://dynamodb.us-east-1.amazonaws.com", "us-east-1",
       "", "20240229T235959Z", put_item_unicode},
      {"PutItemUnicodeSessionTokenEuWest1", "PutItem", "https://dynamodb.eu-west-1.amazonaws.com/",
       "eu-west-1", kSessionToken, "20240301T000000Z", put_item_unicode},
      {"GetItemSessionTokenCnNorth1", "GetItem", "https://dynamodb.cn-north-1.amazonaws.com.cn",
       "cn-north-1", kSessionToken, "20231231T235959Z", get_item},
      {"GetItemLocalPortUsEast1", "GetItem", "http://127.0.0.1:8000", "us-east-1", "",
       "20150830T123600Z", get_item},
      {"QueryLocalPortSessionTokenEuWest1", "Query", "http://127.0.0.1:8000/", "eu-west-1",
       kSessionToken, "20250704T081502Z", query},
      {"QueryLargeBodyCnNorth1", "Query", "https://dynamodb.cn-north-1.amazonaws.com.cn",
       "cn-north-1", "", "20240615T120000Z", LargeQueryBody()},
      {"QueryExplicitDefaultPortUsEast1", "Query", "https://dynamodb.us-east-1.amazonaws.com:443/",
       "us-east-1", kSessionToken, "20240229T120000Z", query},
      {"GetItemEmptyBodyUsEast1", "GetItem", "https://dynamodb.us-east-1.amazonaws.com",
       "us-east-1", "", "20240229T120000Z", ""},
  };
}

Headers UnsignedHeaders(const BotocoreCase& test_case) {
  return {{"Content-Type", "application/x-amz-json-1.0"},
          {"X-Amz-Target", "DynamoDB_20120810." + test_case.operation}};
}

std::chrono::system_clock::time_point ParseAmzDate(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(text.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &year, &month, &day, &hour, &minute,
                  &second) != 6) {
    ADD_FAILURE() << "unparseable timestamp " << text;
  }
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / month / day} + hours{hour} + minutes{minute} +
         seconds{second};
}

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// A temporary file removed when it goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mem0-botocore-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) {
      close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// botocore's answers for every case, computed by one python run (importing
// botocore takes a good fraction of a second).
struct BotocoreBatch {
  std::string error;  // set when the run failed; every case reports it
  std::vector<nlohmann::json> results;
};

BotocoreBatch RunBotocore() {
  BotocoreBatch batch;
  const char* python_override = std::getenv("MEM0_PYTHON");
  const std::string python =
      python_override != nullptr && *python_override != '\0' ? python_override : "python3";
  const std::string script = MEM0_SOURCE_DIR "/tests/support/botocore_sign.py";

  nlohmann::json requests = nlohmann::json::array();
  for (const BotocoreCase& test_case : Cases()) {
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : UnsignedHeaders(test_case)) headers.push_back({name, value});
    requests.push_back({{"method", "POST"},
                        {"url", test_case.endpoint},
                        {"headers", headers},
                        {"body", test_case.body},
                        {"access_key", kAccessKeyId},
                        {"secret_key", kSecretAccessKey},
                        {"token", test_case.session_token},
                        {"region", test_case.region},
                        {"service", "dynamodb"},
                        {"timestamp", test_case.timestamp}});
  }
  TempFile input;
  TempFile errors;
  if (input.path().empty() || errors.path().empty()) {
    batch.error = "cannot create temporary files";
    return batch;
  }
  std::ofstream(input.path(), std::ios::binary)
      << nlohmann::json{{"requests", requests}}.dump(-1, ' ', /*ensure_ascii=*/true);

  const std::string command = ShellQuote(python) + " " + ShellQuote(script) + " < " +
                              ShellQuote(input.path()) + " 2> " + ShellQuote(errors.path());
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    batch.error = "cannot run " + command;
    return batch;
  }
  std::string output;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    output.append(buffer, n);
  const int status = pclose(pipe);
  const std::string stderr_text = ReadFile(errors.path());

  const nlohmann::json reply = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (reply.is_object() && reply.contains("error")) {
    batch.error =
        "botocore is a declared test dependency but is unavailable: " +
        reply["error"].get<std::string>() +
        ". Install it (pip install botocore) or point MEM0_PYTHON at a python that has it.";
    return batch;
  }
  if (status != 0 || !reply.is_object() || !reply.contains("results")) {
    batch.error = "`" + command + "` failed (" +
                  (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                     : "wait status " + std::to_string(status)) +
                  "). stdout: " + output + " stderr: " + stderr_text +
                  " (MEM0_PYTHON selects the interpreter; it needs botocore)";
    return batch;
  }
  for (const nlohmann::json& result : reply["results"]) batch.results.push_back(result);
  if (batch.results.size() != Cases().size()) batch.error = "botocore returned too few results";
  return batch;
}

const BotocoreBatch& Botocore() {
  static const BotocoreBatch batch = RunBotocore();
  return batch;
}

std::string HeaderValue(const nlohmann::json& headers, const std::string& name) {
  for (const auto& header : headers) {
    if (header[0].get<std::string>() == name) return header[1].get<std::string>();
  }
  return "<absent>";
}

std::string HeaderValue(const Headers& headers, const std::string& name) {
  for (const auto& [header_name, value] : headers) {
    if (header_name == name) return value;
  }
  return "<absent>";
}

class SigV4BotocoreTest : public testing::TestWithParam<std::size_t> {};

TEST_P(SigV4BotocoreTest, AuthorizationMatchesBotocore) {
  const BotocoreBatch& botocore = Botocore();
  ASSERT_TRUE(botocore.error.empty()) << botocore.error;
  const BotocoreCase test_case = Cases()[GetParam()];
  const nlohmann::json& expected = botocore.results[GetParam()];

  HttpRequest request{"POST", test_case.endpoint, UnsignedHeaders(test_case), test_case.body};
  const Credentials credentials{kAccessKeyId, kSecretAccessKey, test_case.session_token,
                                std::nullopt};
  SigningParams params;
  params.region = test_case.region;
  params.service = "dynamodb";
  params.time = ParseAmzDate(test_case.timestamp);
  const SigningResult result = Sign(request, credentials, params).value();

  EXPECT_EQ(result.authorization, expected["authorization"].get<std::string>())
      << "botocore " << expected["botocore_version"].get<std::string>();
  EXPECT_EQ(HeaderValue(request.headers, "Authorization"),
            expected["authorization"].get<std::string>());
  // The intermediate products, to make a mismatch easy to read.
  EXPECT_EQ(result.canonical_request, expected["canonical_request"].get<std::string>());
  EXPECT_EQ(result.string_to_sign, expected["string_to_sign"].get<std::string>());
  // The headers botocore added must go out with the same values.
  EXPECT_EQ(HeaderValue(request.headers, "X-Amz-Date"),
            HeaderValue(expected["headers"], "X-Amz-Date"));
  EXPECT_EQ(HeaderValue(request.headers, "X-Amz-Security-Token"),
            HeaderValue(expected["headers"], "X-Amz-Security-Token"));
}

INSTANTIATE_TEST_SUITE_P(DynamoDBRequests, SigV4BotocoreTest,
                         testing::Range<std::size_t>(0, Cases().size()),
                         [](const testing::TestParamInfo<std::size_t>& info) {
                           return Cases()[info.param].name;
                         });

}  // namespace
}  // namespace mem0::aws::sigv4
