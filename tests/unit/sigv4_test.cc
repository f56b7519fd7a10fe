// SigV4 against the AWS signing test suite (tests/data/sigv4-test-suite, from
// awslabs/aws-c-auth): every case directory is a test, and each must
// reproduce the suite's canonical request, string to sign, signature and
// signed request byte for byte. Plus the hash/HMAC helpers, the key cache and
// the behaviours the suite does not cover (re-signing, Host from the URL).
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.h"

namespace mem0::aws::sigv4 {
namespace {

using std::chrono::system_clock;

const std::filesystem::path kSuiteDirectory = MEM0_SOURCE_DIR "/tests/data/sigv4-test-suite/v4";

std::string ReadFileOrEmpty(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::vector<std::string> ListSuiteCases() {
  std::vector<std::string> cases;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(kSuiteDirectory, error)) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// "2015-08-30T12:36:00Z" (context.json) or "20150830T123600Z" (X-Amz-Date).
system_clock::time_point ParseUtc(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool parsed = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &year, &month, &day,
                                  &hour, &minute, &second) == 6 ||
                      std::sscanf(text.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &year, &month, &day, &hour,
                                  &minute, &second) == 6;
  if (!parsed) ADD_FAILURE() << "unparseable timestamp " << text;
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / month / day} + hours{hour} + minutes{minute} +
         seconds{second};
}

// A request.txt: "METHOD target HTTP/1.1", headers (a line starting with
// whitespace continues the previous header, obs-fold style), an empty line,
// the body. Header values are kept raw (leading spaces, folded line breaks)
// so that the signed request can be written back out exactly.
struct SuiteRequest {
  std::string method;
  std::string target;  // path and query, possibly with raw spaces and UTF-8
  Headers headers;
  std::string body;
};

SuiteRequest ParseSuiteRequest(const std::string& text) {
  SuiteRequest request;
  std::size_t position = 0;
  auto next_line = [&](std::string& line) {
    if (position >= text.size()) return false;
    std::size_t end = text.find('\n', position);
    if (end == std::string::npos) end = text.size();
    line = text.substr(position, end - position);
    position = end + 1;
    return true;
  };
  std::string line;
  next_line(line);
  const std::size_t first_space = line.find(' ');
  const std::size_t last_space = line.rfind(' ');
  request.method = line.substr(0, first_space);
  request.target = line.substr(first_space + 1, last_space - first_space - 1);
  while (next_line(line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !request.headers.empty()) {
      request.headers.back().second += "\n" + line;
      continue;
    }
    const std::size_t colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  if (position < text.size()) request.body = text.substr(position);
  return request;
}

// The suite's header-signed-request.txt layout.
std::string SerializeSignedRequest(const SuiteRequest& original, const HttpRequest& request) {
  std::string text = original.method + " " + original.target + " HTTP/1.1\n";
  for (const auto& [name, value] : request.headers) text += name + ":" + value + "\n";
  return text + "\n" + request.body;
}

std::string AuthorizationLine(const std::string& signed_request) {
  std::istringstream lines(signed_request);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("Authorization:"))
      return line.substr(std::string("Authorization:").size());
  }
  return "";
}

const std::string* FindHeader(const Headers& headers, const std::string& name) {
  for (const auto& header : headers) {
    if (header.first == name) return &header.second;
  }
  return nullptr;
}

std::size_t CountHeaders(const Headers& headers, const std::string& name) {
  return std::count_if(headers.begin(), headers.end(),
                       [&](const auto& header) { return header.first == name; });
}

struct SuiteContext {
  Credentials credentials;
  SigningParams params;
};

SuiteContext ParseContext(const std::string& text) {
  const nlohmann::json context = nlohmann::json::parse(text);
  SuiteContext parsed;
  const nlohmann::json& credentials = context.at("credentials");
  parsed.credentials.access_key_id = credentials.at("access_key_id").get<std::string>();
  parsed.credentials.secret_access_key = credentials.at("secret_access_key").get<std::string>();
  parsed.credentials.session_token = credentials.value("token", "");
  parsed.params.region = context.at("region").get<std::string>();
  parsed.params.service = context.at("service").get<std::string>();
  parsed.params.time = ParseUtc(context.at("timestamp").get<std::string>());
  parsed.params.normalize_path = context.value("normalize", true);
  parsed.params.sign_body_header = context.value("sign_body", false);
  parsed.params.omit_session_token = context.value("omit_session_token", false);
  return parsed;
}

class SigV4SuiteTest : public testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteTest, MatchesSuiteByteForByte) {
  const std::filesystem::path directory = kSuiteDirectory / GetParam();
  const SuiteRequest suite_request = ParseSuiteRequest(ReadFileOrEmpty(directory / "request.txt"));
  const SuiteContext context = ParseContext(ReadFileOrEmpty(directory / "context.json"));
  const std::string expected_signed_request =
      ReadFileOrEmpty(directory / "header-signed-request.txt");

  const std::string* host = FindHeader(suite_request.headers, "Host");
  ASSERT_NE(host, nullptr) << "every suite case names its host";
  HttpRequest request{suite_request.method, "https://" + *host + suite_request.target,
                      suite_request.headers, suite_request.body};
  const SigningResult result = Sign(request, context.credentials, context.params).value();

  EXPECT_EQ(result.canonical_request, ReadFileOrEmpty(directory / "header-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, ReadFileOrEmpty(directory / "header-string-to-sign.txt"));
  EXPECT_EQ(result.signature, ReadFileOrEmpty(directory / "header-signature.txt"));
  const std::string expected_authorization = AuthorizationLine(expected_signed_request);
  ASSERT_FALSE(expected_authorization.empty());
  EXPECT_EQ(result.authorization, expected_authorization);
  const std::string* authorization_header = FindHeader(request.headers, "Authorization");
  ASSERT_NE(authorization_header, nullptr);
  EXPECT_EQ(*authorization_header, expected_authorization);
  // The headers Sign() added, their names, values and order included.
  EXPECT_EQ(SerializeSignedRequest(suite_request, request), expected_signed_request);

  // The key cache must not change anything.
  SigningKeyCache cache;
  for (int round = 0; round < 2; ++round) {
    HttpRequest cached_request{suite_request.method, "https://" + *host + suite_request.target,
                               suite_request.headers, suite_request.body};
    EXPECT_EQ(Sign(cached_request, context.credentials, context.params, cache)->authorization,
              expected_authorization);
  }
}

std::string CaseTestName(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(AwsSigningTestSuite, SigV4SuiteTest, testing::ValuesIn(ListSuiteCases()),
                         CaseTestName);

TEST(SigV4SuiteFilesTest, SuiteIsPresent) {
  // aws-c-auth's v4 header-signing suite has 38 cases; an empty or partial
  // copy would otherwise pass silently.
  EXPECT_GE(ListSuiteCases().size(), 38u) << "missing " << kSuiteDirectory;
}

// --- Helpers -------------------------------------------------------------

TEST(SigV4HashTest, Sha256HexMatchesKnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SigV4HashTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There").value()),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?").value()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block is hashed first.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")
                          .value()),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // A key of exactly one block is used as is.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(64, 'k'), "exactly one block key").value()),
            "e73e6474ed2f863bbf5500617c3b577e141d3c1543e1563f3630b762d038f14c");
}

TEST(SigV4HashTest, HexEncodeIsLowerCase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
}

std::string KeyHex(const SigningKey& key) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

TEST(SigV4SigningKeyTest, DerivesTheDocumentedKey) {
  // The example in the AWS SigV4 documentation ("derive a signing key").
  EXPECT_EQ(KeyHex(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                    "us-east-1", "iam")
                       .value()),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4SigningKeyTest, CacheReturnsDerivedKeysAndEvicts) {
  SigningKeyCache cache(2);
  const SigningKey a = DeriveSigningKey("secret-a", "20240229", "us-east-1", "dynamodb").value();
  const SigningKey b = DeriveSigningKey("secret-b", "20240229", "us-east-1", "dynamodb").value();
  const SigningKey c = DeriveSigningKey("secret-a", "20240301", "us-east-1", "dynamodb").value();
  const SigningKey d = DeriveSigningKey("secret-a", "20240229", "eu-west-1", "dynamodb").value();
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(cache.Get("secret-a", "20240229", "us-east-1", "dynamodb").value(), a);
    EXPECT_EQ(cache.Get("secret-b", "20240229", "us-east-1", "dynamodb").value(), b);
    EXPECT_EQ(cache.Get("secret-a", "20240301", "us-east-1", "dynamodb").value(), c);
    EXPECT_EQ(cache.Get("secret-a", "20240229", "eu-west-1", "dynamodb").value(), d);
  }
}

TEST(SigV4SigningKeyTest, CacheIsSafeAcrossThreads) {
  SigningKeyCache cache(3);
  const std::vector<std::string> regions = {"us-east-1", "eu-west-1", "cn-north-1", "ap-south-1"};
  std::vector<SigningKey> expected;
  for (const auto& region : regions) {
    expected.push_back(DeriveSigningKey("secret", "20240229", region, "dynamodb").value());
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::size_t r = static_cast<std::size_t>(i + t) % regions.size();
        if (cache.Get("secret", "20240229", regions[r], "dynamodb").value() != expected[r]) {
          ++mismatches[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

// --- Behaviour beyond the suite -------------------------------------------

Credentials TestCredentials(std::string token = "") {
  return Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::move(token),
                     std::nullopt};
}

SigningParams TestParams() {
  SigningParams params;
  params.region = "us-east-1";
  params.service = "dynamodb";
  params.time = ParseUtc("20240229T235959Z");
  return params;
}

TEST(SigV4SignTest, FormatsDateAndScopeInUtc) {
  HttpRequest request{"POST", "https://dynamodb.us-east-1.amazonaws.com/", {}, "{}"};
  const SigningResult result = Sign(request, TestCredentials(), TestParams()).value();
  EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Date"), "20240229T235959Z");
  EXPECT_TRUE(result.authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240229/us-east-1/dynamodb/aws4_request, "))
      << result.authorization;
  // Sub-second precision is truncated, not rounded.
  SigningParams params = TestParams();
  params.time += std::chrono::milliseconds(999);
  HttpRequest later{"POST", "https://dynamodb.us-east-1.amazonaws.com/", {}, "{}"};
  ASSERT_TRUE(Sign(later, TestCredentials(), params).ok());
  EXPECT_EQ(*FindHeader(later.headers, "X-Amz-Date"), "20240229T235959Z");
}

TEST(SigV4SignTest, AddsHostFromUrlWithNonDefaultPortOnly) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://dynamodb.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"},
      {"https://dynamodb.us-east-1.amazonaws.com:443/", "dynamodb.us-east-1.amazonaws.com"},
      {"http://localhost:80/", "localhost"},
      {"http://127.0.0.1:8000/", "127.0.0.1:8000"},
      {"https://127.0.0.1:8000/", "127.0.0.1:8000"},
      {"http://Example.COM:8443/path?q=1", "example.com:8443"},
      {"http://user:pass@example.com/", "example.com"},
      {"http://[::1]:8000/", "[::1]:8000"},
      {"http://[::1]/", "[::1]"},
  };
  for (const auto& [url, host] : cases) {
    HttpRequest request{"POST", url, {}, ""};
    const SigningResult result = Sign(request, TestCredentials(), TestParams()).value();
    ASSERT_NE(FindHeader(request.headers, "Host"), nullptr) << url;
    EXPECT_EQ(*FindHeader(request.headers, "Host"), host) << url;
    EXPECT_NE(result.canonical_request.find("\nhost:" + host + "\n"), std::string::npos) << url;
  }
}

TEST(SigV4SignTest, KeepsAnExistingHostHeader) {
  HttpRequest request{"POST", "http://127.0.0.1:8000/", {{"host", "proxy.example:9000"}}, ""};
  const SigningResult result = Sign(request, TestCredentials(), TestParams()).value();
  EXPECT_EQ(CountHeaders(request.headers, "Host"), 0u);
  EXPECT_NE(result.canonical_request.find("\nhost:proxy.example:9000\n"), std::string::npos);
}

TEST(SigV4SignTest, ResigningReplacesTheHeadersItOwns) {
  HttpRequest request{"POST",
                      "https://dynamodb.us-east-1.amazonaws.com/",
                      {{"Content-Type", "application/x-amz-json-1.0"}},
                      "{}"};
  ASSERT_TRUE(Sign(request, TestCredentials("token-1"), TestParams()).ok());
  SigningParams later = TestParams();
  later.time += std::chrono::hours(1);
  HttpRequest fresh{"POST",
                    "https://dynamodb.us-east-1.amazonaws.com/",
                    {{"Content-Type", "application/x-amz-json-1.0"}},
                    "{}"};
  const SigningResult expected = Sign(fresh, TestCredentials("token-2"), later).value();
  const SigningResult resigned = Sign(request, TestCredentials("token-2"), later).value();
  EXPECT_EQ(resigned.canonical_request, expected.canonical_request);
  EXPECT_EQ(resigned.authorization, expected.authorization);
  EXPECT_EQ(request.headers, fresh.headers);
  EXPECT_EQ(CountHeaders(request.headers, "Authorization"), 1u);
  EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Security-Token"), "token-2");
  // Long-term keys after temporary ones: no stale token left behind.
  ASSERT_TRUE(Sign(request, TestCredentials(), later).ok());
  EXPECT_EQ(FindHeader(request.headers, "X-Amz-Security-Token"), nullptr);
}

TEST(SigV4SignTest, LeavesHopByHopAndUserAgentHeadersUnsigned) {
  HttpRequest request{"POST",
                      "https://dynamodb.us-east-1.amazonaws.com/",
                      {{"User-Agent", "mem0-cpp/0.1"},
                       {"Expect", "100-continue"},
                       {"X-Amzn-Trace-Id", "Root=1-abc"},
                       {"X-Amz-Target", "DynamoDB_20120810.GetItem"}},
                      "{}"};
  const SigningResult result = Sign(request, TestCredentials(), TestParams()).value();
  EXPECT_NE(result.authorization.find("SignedHeaders=host;x-amz-date;x-amz-target,"),
            std::string::npos)
      << result.authorization;
}

std::string CanonicalUri(const std::string& url, bool normalize = true) {
  HttpRequest request{"GET", url, {}, ""};
  SigningParams params = TestParams();
  params.normalize_path = normalize;
  const std::string canonical = Sign(request, TestCredentials(), params)->canonical_request;
  const std::size_t start = canonical.find('\n') + 1;
  return canonical.substr(start, canonical.find('\n', start) - start);
}

std::string CanonicalQuery(const std::string& url) {
  HttpRequest request{"GET", url, {}, ""};
  const std::string canonical = Sign(request, TestCredentials(), TestParams())->canonical_request;
  const std::size_t path_end = canonical.find('\n', canonical.find('\n') + 1);
  return canonical.substr(path_end + 1, canonical.find('\n', path_end + 1) - path_end - 1);
}

TEST(SigV4SignTest, CanonicalUriEncodesTheWirePathAgain) {
  // Non-S3 services sign the already-encoded path encoded once more, as
  // botocore does (quote(path, safe='/~')).
  EXPECT_EQ(CanonicalUri("https://h/"), "/");
  EXPECT_EQ(CanonicalUri("https://h"), "/");
  EXPECT_EQ(CanonicalUri("https://h/a%20b/c"), "/a%2520b/c");
  EXPECT_EQ(CanonicalUri("https://h/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(CanonicalUri("https://h/a/./b/../c//d/", false), "/a/./b/../c//d/");
  EXPECT_EQ(CanonicalUri("https://h/a:b@c$d"), "/a%3Ab%40c%24d");
  EXPECT_EQ(CanonicalUri("https://h/x?y#fragment"), "/x");
}

TEST(SigV4SignTest, CanonicalQueryDecodesThenEncodes) {
  EXPECT_EQ(CanonicalQuery("https://h/?b=2&a=1&a=0"), "a=0&a=1&b=2");
  EXPECT_EQ(CanonicalQuery("https://h/?flag&x="), "flag=&x=");
  EXPECT_EQ(CanonicalQuery("https://h/?k=a b"), "k=a%20b");
  EXPECT_EQ(CanonicalQuery("https://h/?k=a%20b"), "k=a%20b");
  EXPECT_EQ(CanonicalQuery("https://h/?k=%e1%88%b4"), "k=%E1%88%B4");
  EXPECT_EQ(CanonicalQuery("https://h/?k=a+b&k=100%"), "k=100%25&k=a%2Bb");
  EXPECT_EQ(CanonicalQuery("https://h/?&&k=v&"), "k=v");
}

}  // namespace
}  // namespace mem0::aws::sigv4
