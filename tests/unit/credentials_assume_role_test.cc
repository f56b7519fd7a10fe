// Shared profiles that assume a role (role_arn with source_profile or
// credential_source) against a loopback STS that checks each AssumeRole is
// SigV4-signed by the expected source credentials; plus the retries of STS,
// ECS and IMDS calls.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mem0/aws/credentials.h"
#include "support/fake_identity_services.h"
#include "support/loopback_server.h"
#include "support/test_env.h"

namespace mem0::aws {
namespace {

using mem0::testing::EnvFrom;
using mem0::testing::ExpectNoSecrets;
using mem0::testing::FakeClock;
using mem0::testing::FakeFailure;
using mem0::testing::FakeSts;
using mem0::testing::LoopbackServer;
using mem0::testing::RecordingSleeper;
using mem0::testing::TempDir;
using std::chrono::system_clock;
using namespace std::chrono_literals;

// The fake services' default Expiration: 2030-01-01T00:00:00Z.
const system_clock::time_point kExpiration =
    system_clock::time_point(std::chrono::seconds(1893456000));

constexpr char kBaseKeyId[] = "AKIDBASE";
constexpr char kBaseSecret[] = "base-secret-key";

std::string UnixSeconds(system_clock::time_point time) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
}

class AssumeRoleTestBase : public ::testing::Test {
 protected:
  AssumeRoleTestBase()
      : clock_(std::make_shared<FakeClock>(kExpiration - 1h)),
        sleeper_(std::make_shared<RecordingSleeper>()) {
    env_["HOME"] = home_.path();
    env_["AWS_EC2_METADATA_DISABLED"] = "true";
    // Static keys every role chain can start from.
    home_.Write(".aws/credentials", std::string("[base]\naws_access_key_id = ") + kBaseKeyId +
                                        "\naws_secret_access_key = " + kBaseSecret + "\n");
  }

  CredentialsChainOptions Options() {
    CredentialsChainOptions options;
    options.env.environment = EnvFrom(env_);
    options.env.clock = clock_;
    options.env.sleeper = sleeper_;
    options.jitter = [] { return 0.5; };
    options.sts_endpoint = sts_.url();
    return options;
  }

  Result<Credentials> Fetch(const std::string& profile) {
    auto options = Options();
    options.profile = profile;
    return MakeProfileCredentialsProvider(options)->GetCredentials();
  }

  TempDir home_;
  std::map<std::string, std::string> env_;
  std::shared_ptr<FakeClock> clock_;
  std::shared_ptr<RecordingSleeper> sleeper_;
  FakeSts sts_;
};

class CredentialsAssumeRoleTest : public AssumeRoleTestBase {};

TEST_F(CredentialsAssumeRoleTest, SourceProfileWithStaticKeysSignsAssumeRole) {
  const std::string role = "arn:aws:iam::111122223333:role/deploy";
  home_.Write(".aws/config",
              "[profile deploy]\n"
              "role_arn = " +
                  role +
                  "\n"
                  "source_profile = base\n"
                  "external_id = ext id&1\n"
                  "role_session_name = ci-run\n"
                  "duration_seconds = 1800\n"
                  "region = eu-west-1\n");
  sts_.AllowOnly(role, kBaseKeyId);
  auto credentials = Fetch("deploy");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, FakeSts::AccessKeyIdFor(role));
  EXPECT_EQ(credentials->secret_access_key, FakeSts::SecretFor(role));
  EXPECT_EQ(credentials->session_token, FakeSts::TokenFor(role, kBaseKeyId));
  EXPECT_EQ(credentials->expiration, kExpiration);

  auto calls = sts_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].action, "AssumeRole");
  EXPECT_EQ(calls[0].version, "2011-06-15");
  EXPECT_EQ(calls[0].role_arn, role);
  EXPECT_EQ(calls[0].external_id, "ext id&1");
  EXPECT_EQ(calls[0].session_name, "ci-run");
  EXPECT_EQ(calls[0].duration_seconds, "1800");
  EXPECT_EQ(calls[0].signer_access_key_id, kBaseKeyId);
  // Signed for the profile's region on the fake clock's date.
  EXPECT_EQ(calls[0].credential_scope, "20291231/eu-west-1/sts/aws4_request");
  EXPECT_EQ(calls[0].security_token, "");
  EXPECT_EQ(calls[0].content_type.rfind("application/x-www-form-urlencoded", 0), 0u);
}

TEST_F(CredentialsAssumeRoleTest, DefaultSessionNameAndNoOptionalParameters) {
  home_.Write(".aws/config",
              "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
  auto credentials = Fetch("");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  auto calls = sts_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].session_name, "mem0-cpp-" + UnixSeconds(kExpiration - 1h));
  EXPECT_EQ(calls[0].external_id, "");
  EXPECT_EQ(calls[0].duration_seconds, "");
  // No region anywhere: us-east-1.
  EXPECT_EQ(calls[0].credential_scope, "20291231/us-east-1/sts/aws4_request");
}

TEST_F(CredentialsAssumeRoleTest, ChainsThroughRoleProfilesSigningEachHopWithThePrevious) {
  const std::string first = "arn:aws:iam::111111111111:role/first";
  const std::string second = "arn:aws:iam::222222222222:role/second";
  home_.Write(".aws/config", "[profile second]\nrole_arn = " + second +
                                 "\nsource_profile = first\n"
                                 "[profile first]\nrole_arn = " +
                                 first + "\nsource_profile = base\n");
  sts_.AllowOnly(first, kBaseKeyId);
  sts_.AllowOnly(second, FakeSts::AccessKeyIdFor(first));
  auto credentials = Fetch("second");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, FakeSts::AccessKeyIdFor(second));
  EXPECT_EQ(credentials->session_token, FakeSts::TokenFor(second, FakeSts::AccessKeyIdFor(first)));

  auto calls = sts_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].role_arn, first);
  EXPECT_EQ(calls[0].signer_access_key_id, kBaseKeyId);
  EXPECT_EQ(calls[1].role_arn, second);
  EXPECT_EQ(calls[1].signer_access_key_id, FakeSts::AccessKeyIdFor(first));
  // The intermediate credentials are temporary: their token is sent along.
  EXPECT_EQ(calls[1].security_token, FakeSts::TokenFor(first, kBaseKeyId));
}

TEST_F(CredentialsAssumeRoleTest, SourceProfileWithStaticKeysWinsOverItsOwnRole) {
  // As in botocore: a source profile holding keys provides them, even if it
  // also names a role (which only matters when it is used directly).
  home_.Write(".aws/credentials",
              "[keys-and-role]\naws_access_key_id = AKIDBOTH\n"
              "aws_secret_access_key = both-secret\n");
  home_.Write(".aws/config",
              "[profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = keys-and-role\n"
              "[profile keys-and-role]\nrole_arn = arn:aws:iam::1:role/ignored\n"
              "source_profile = base\n");
  auto credentials = Fetch("top");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  auto calls = sts_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].signer_access_key_id, "AKIDBOTH");
}

TEST_F(CredentialsAssumeRoleTest, ProfileMayUseItsOwnStaticKeysAsSource) {
  home_.Write(".aws/credentials",
              "[self]\naws_access_key_id = AKIDSELF\n"
              "aws_secret_access_key = self-secret\n");
  home_.Write(".aws/config",
              "[profile self]\nrole_arn = arn:aws:iam::1:role/self\n"
              "source_profile = self\n");
  auto credentials = Fetch("self");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, FakeSts::AccessKeyIdFor("arn:aws:iam::1:role/self"));
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].signer_access_key_id, "AKIDSELF");
}

TEST_F(CredentialsAssumeRoleTest, SourceProfileWithCredentialProcess) {
  std::string script = home_.WriteScript("creds.sh",
                                         "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", "
                                         "\"SecretAccessKey\": \"process-secret\"}'\n");
  home_.Write(".aws/config",
              "[profile app]\nrole_arn = arn:aws:iam::1:role/app\n"
              "source_profile = tool\n"
              "[profile tool]\ncredential_process = " +
                  script + "\n");
  auto credentials = Fetch("app");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].signer_access_key_id, "AKIDPROCESS");
}

TEST_F(CredentialsAssumeRoleTest, CyclesAreAnErrorNamingThePath) {
  home_.Write(".aws/config",
              "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
              "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
              "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n"
              "[profile loner]\nrole_arn = arn:aws:iam::1:role/l\nsource_profile = loner\n");
  auto cycle = Fetch("a");
  ASSERT_FALSE(cycle.ok());
  EXPECT_EQ(cycle.error().code, ErrorCode::kCredentialsError);
  EXPECT_NE(cycle.error().message.find("cycle: \"a\" -> \"b\" -> \"c\" -> \"a\""),
            std::string::npos)
      << cycle.error().message;
  // Referring to itself without keys of its own is a cycle too.
  auto self = Fetch("loner");
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.error().message.find("cycle"), std::string::npos) << self.error().message;
  EXPECT_EQ(sts_.hits(), 0);
}

TEST_F(CredentialsAssumeRoleTest, ConfigurationMistakesAreClearErrors) {
  home_.Write(".aws/config",
              "[profile both]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n"
              "credential_source = Environment\n"
              "[profile neither]\nrole_arn = arn:aws:iam::1:role/x\n"
              "[profile missing]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nowhere\n"
              "[profile bad-source]\nrole_arn = arn:aws:iam::1:role/x\n"
              "credential_source = Laptop\n"
              "[profile mfa]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n"
              "mfa_serial = arn:aws:iam::1:mfa/me\n"
              "[profile empty-source]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = bare\n"
              "[profile bare]\nregion = us-east-1\n"
              "[profile bad-duration]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n"
              "duration_seconds = 1h\n");
  const std::map<std::string, std::string> expected = {
      {"both", "both source_profile and credential_source"},
      {"neither", "neither source_profile nor credential_source"},
      {"missing", "source_profile \"nowhere\" of shared profile \"missing\" does not exist"},
      {"bad-source", "credential_source \"Laptop\" of shared profile \"bad-source\" is not valid"},
      {"mfa", "mfa_serial"},
      {"empty-source",
       "source_profile \"bare\" of shared profile \"empty-source\" has no "
       "credentials"},
      {"bad-duration", "duration_seconds"},
  };
  for (const auto& [profile, text] : expected) {
    auto credentials = Fetch(profile);
    ASSERT_FALSE(credentials.ok()) << profile;
    EXPECT_EQ(credentials.error().code, ErrorCode::kCredentialsError) << profile;
    EXPECT_NE(credentials.error().message.find(text), std::string::npos)
        << profile << ": " << credentials.error().message;
    ExpectNoSecrets(credentials.error(), {kBaseSecret});
  }
  EXPECT_EQ(sts_.hits(), 0);
}

TEST_F(CredentialsAssumeRoleTest, CredentialSourceEnvironment) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENVSOURCE";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-source-secret";
  env_["AWS_SESSION_TOKEN"] = "env-source-token";
  home_.Write(".aws/config",
              "[profile ci]\nrole_arn = arn:aws:iam::1:role/ci\n"
              "credential_source = Environment\n");
  auto credentials = Fetch("ci");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].signer_access_key_id, "AKIDENVSOURCE");
  EXPECT_EQ(sts_.calls()[0].security_token, "env-source-token");

  // Named explicitly, an empty environment is an error, not a fall-through.
  env_.erase("AWS_ACCESS_KEY_ID");
  env_.erase("AWS_SECRET_ACCESS_KEY");
  auto missing = Fetch("ci");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("credential_source \"Environment\""), std::string::npos)
      << missing.error().message;
}

TEST_F(CredentialsAssumeRoleTest, CredentialSourceEcsContainer) {
  LoopbackServer agent([](httplib::Server& server) {
    server.Get("/creds", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(R"({"AccessKeyId":"ASIAECSSOURCE","SecretAccessKey":"ecs-secret",)"
                           R"("Token":"ecs-token","Expiration":"2030-01-01T00:00:00Z"})",
                           "application/json");
    });
  });
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/creds";
  home_.Write(".aws/config",
              "[profile task]\nrole_arn = arn:aws:iam::1:role/task\n"
              "credential_source = EcsContainer\n");
  auto credentials = Fetch("task");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].signer_access_key_id, "ASIAECSSOURCE");
  EXPECT_EQ(sts_.calls()[0].security_token, "ecs-token");
}

TEST_F(CredentialsAssumeRoleTest, CredentialSourceEc2InstanceMetadata) {
  LoopbackServer imds([](httplib::Server& server) {
    server.Put("/latest/api/token", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("imds-session", "text/plain");
    });
    server.Get("/latest/meta-data/iam/security-credentials/",
               [](const httplib::Request&, httplib::Response& response) {
                 response.set_content("instance-role", "text/plain");
               });
    server.Get("/latest/meta-data/iam/security-credentials/instance-role",
               [](const httplib::Request&, httplib::Response& response) {
                 response.set_content(R"({"Code":"Success","AccessKeyId":"ASIAIMDSSOURCE",)"
                                      R"("SecretAccessKey":"imds-secret","Token":"imds-token",)"
                                      R"("Expiration":"2030-01-01T00:00:00Z"})",
                                      "application/json");
               });
  });
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  home_.Write(".aws/config",
              "[profile box]\nrole_arn = arn:aws:iam::1:role/box\n"
              "credential_source = Ec2InstanceMetadata\n");
  auto credentials = Fetch("box");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].signer_access_key_id, "ASIAIMDSSOURCE");
}

TEST_F(CredentialsAssumeRoleTest, RefreshedBeforeExpiry) {
  home_.Write(".aws/config",
              "[profile r]\nrole_arn = arn:aws:iam::1:role/r\n"
              "source_profile = base\n");
  auto options = Options();
  options.profile = "r";
  options.refresh_margin = 300s;
  auto provider = MakeProfileCredentialsProvider(options);
  ASSERT_TRUE(provider->GetCredentials().ok());
  ASSERT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(sts_.hits(), 1);
  clock_->Advance(std::chrono::duration_cast<std::chrono::milliseconds>(1h - 301s));
  ASSERT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(sts_.hits(), 1);
  clock_->Advance(2s);  // inside the margin: a new AssumeRole
  sts_.set_expiration(kExpiration + 1h);
  auto refreshed = provider->GetCredentials();
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().ToString();
  EXPECT_EQ(refreshed->expiration, kExpiration + 1h);
  EXPECT_EQ(sts_.hits(), 2);
  auto calls = sts_.calls();
  EXPECT_NE(calls[0].session_name, calls[1].session_name);
}

TEST_F(CredentialsAssumeRoleTest, EndpointFromAwsEndpointUrlSts) {
  home_.Write(".aws/config",
              "[profile r]\nrole_arn = arn:aws:iam::1:role/r\n"
              "source_profile = base\n");
  env_["AWS_ENDPOINT_URL_STS"] = sts_.url() + "/";
  env_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";  // the service variable wins
  auto options = Options();
  options.sts_endpoint.clear();
  options.profile = "r";
  auto credentials = MakeProfileCredentialsProvider(options)->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(sts_.hits(), 1);
}

TEST_F(CredentialsAssumeRoleTest, TheDefaultChainUsesTheRoleProfile) {
  home_.Write(".aws/config",
              "[profile r]\nrole_arn = arn:aws:iam::1:role/r\n"
              "source_profile = base\n");
  env_["AWS_PROFILE"] = "r";
  auto credentials = MakeDefaultCredentialsChain(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, FakeSts::AccessKeyIdFor("arn:aws:iam::1:role/r"));
}

// ---------------------------------------------------------------------------
// Retries of STS.

class CredentialsStsRetryTest : public AssumeRoleTestBase {
 protected:
  CredentialsStsRetryTest() {
    home_.Write(".aws/config",
                "[profile r]\nrole_arn = arn:aws:iam::1:role/r\n"
                "source_profile = base\n");
  }
};

TEST_F(CredentialsStsRetryTest, ServerErrorsAndThrottlingAreRetriedWithBackoff) {
  sts_.FailNext({{500, ""}, {503, ""}, FakeSts::Throttling(), {429, ""}});
  auto credentials = Fetch("r");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(sts_.hits(), 5);
  // Full jitter (0.5 here) of 100 ms doubling per attempt.
  EXPECT_EQ(sleeper_->delays(),
            (std::vector<std::chrono::milliseconds>{50ms, 100ms, 200ms, 400ms}));
}

TEST_F(CredentialsStsRetryTest, GivesUpAfterFiveAttempts) {
  sts_.FailNext({{500, ""}, {500, ""}, {500, ""}, {500, ""}, {500, ""}, {500, ""}});
  auto credentials = Fetch("r");
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().http_status, 500);
  EXPECT_TRUE(credentials.error().retryable);
  EXPECT_EQ(sts_.hits(), 5);
  EXPECT_EQ(sleeper_->delays().size(), 4u);
}

TEST_F(CredentialsStsRetryTest, MaxAttemptsOption) {
  sts_.FailNext({{500, ""}, {500, ""}});
  auto options = Options();
  options.profile = "r";
  options.max_attempts = 2;
  auto credentials = MakeProfileCredentialsProvider(options)->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(sts_.hits(), 2);
}

TEST_F(CredentialsStsRetryTest, AccessDeniedIsNotRetriedAndLeaksNoSecret) {
  sts_.FailNext({FakeSts::AccessDenied()});
  auto credentials = Fetch("r");
  ASSERT_FALSE(credentials.ok());
  const Error& error = credentials.error();
  EXPECT_EQ(sts_.hits(), 1);
  EXPECT_TRUE(sleeper_->delays().empty());
  EXPECT_EQ(error.code, ErrorCode::kCredentialsError);
  EXPECT_EQ(error.type, "AccessDenied");
  EXPECT_EQ(error.http_status, 403);
  EXPECT_FALSE(error.retryable);
  EXPECT_NE(error.message.find("arn:aws:iam::1:role/r"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("not authorized"), std::string::npos) << error.message;
  ExpectNoSecrets(error, {kBaseSecret});
}

TEST_F(CredentialsStsRetryTest, UnreachableStsIsRetriedThenReported) {
  auto options = Options();
  options.profile = "r";
  {
    LoopbackServer closed([](httplib::Server&) {});
    options.sts_endpoint = closed.url();
  }  // nothing listens there any more
  auto credentials = MakeProfileCredentialsProvider(options)->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("after 5 attempts"), std::string::npos)
      << credentials.error().message;
  EXPECT_EQ(sleeper_->delays().size(), 4u);
  ExpectNoSecrets(credentials.error(), {kBaseSecret});
}

// Web identity (AssumeRoleWithWebIdentity) retries throttling and an
// unreachable identity provider, but not a rejected token.
TEST_F(CredentialsStsRetryTest, WebIdentityRetriesIdpCommunicationErrorsOnly) {
  std::atomic<int> hits{0};
  std::atomic<bool> reject_token{false};
  LoopbackServer sts([&](httplib::Server& server) {
    server.Post("/", [&](const httplib::Request&, httplib::Response& response) {
      int hit = hits++;
      auto error = [&](int status, const std::string& code) {
        response.status = status;
        response.set_content("<ErrorResponse><Error><Code>" + code +
                                 "</Code><Message>m</Message></Error></ErrorResponse>",
                             "text/xml");
      };
      if (reject_token) return error(400, "InvalidIdentityToken");
      if (hit == 0) return error(400, "IDPCommunicationError");
      if (hit == 1) return error(400, "Throttling");
      response.set_content(
          "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
          "<AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey>"
          "<SessionToken>web-token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>"
          "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
          "text/xml");
    });
  });
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.Write("token", "web-identity-jwt-secret");
  env_["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/web";
  auto options = Options();
  options.sts_endpoint = sts.url();
  auto credentials = MakeWebIdentityCredentialsProvider(options)->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAWEB");
  EXPECT_EQ(hits.load(), 3);

  reject_token = true;
  hits = 0;
  auto rejected = MakeWebIdentityCredentialsProvider(options)->GetCredentials();
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().type, "InvalidIdentityToken");
  EXPECT_EQ(hits.load(), 1);
  ExpectNoSecrets(rejected.error(), {"web-identity-jwt-secret"});
}

// ---------------------------------------------------------------------------
// Retries of ECS and IMDS.

class CredentialsMetadataRetryTest : public ::testing::Test {
 protected:
  CredentialsMetadataRetryTest() : sleeper_(std::make_shared<RecordingSleeper>()) {
    env_["HOME"] = home_.path();
  }

  CredentialsChainOptions Options() {
    CredentialsChainOptions options;
    options.env.environment = EnvFrom(env_);
    options.env.clock = std::make_shared<FakeClock>(kExpiration - 1h);
    options.env.sleeper = sleeper_;
    return options;
  }

  // Answers with each status in turn, then with credentials.
  static std::function<void(const httplib::Request&, httplib::Response&)> Failing(
      std::vector<int> statuses, std::atomic<int>& hits, const std::string& body) {
    return [statuses, &hits, body](const httplib::Request&, httplib::Response& response) {
      int hit = hits++;
      if (hit < static_cast<int>(statuses.size())) {
        response.status = statuses[hit];
        return;
      }
      response.set_content(body, "application/json");
    };
  }

  TempDir home_;
  std::map<std::string, std::string> env_;
  std::shared_ptr<RecordingSleeper> sleeper_;
};

constexpr char kEcsBody[] =
    R"({"AccessKeyId":"ASIAECS","SecretAccessKey":"ecs-secret","Token":"t",)"
    R"("Expiration":"2030-01-01T00:00:00Z"})";

TEST_F(CredentialsMetadataRetryTest, EcsServerErrorsAreRetriedUpToThreeAttempts) {
  std::atomic<int> hits{0};
  LoopbackServer agent([&](httplib::Server& server) {
    server.Get("/creds", Failing({500, 503}, hits, kEcsBody));
  });
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/creds";
  auto credentials = MakeContainerCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAECS");
  EXPECT_EQ(hits.load(), 3);
  EXPECT_EQ(sleeper_->delays().size(), 2u);
  for (auto delay : sleeper_->delays()) EXPECT_LT(delay, 400ms);

  std::atomic<int> more_hits{0};
  LoopbackServer down([&](httplib::Server& server) {
    server.Get("/creds", Failing({500, 500, 500, 500}, more_hits, kEcsBody));
  });
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = down.url() + "/creds";
  auto failed = MakeContainerCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(more_hits.load(), 3);
}

TEST_F(CredentialsMetadataRetryTest, EcsForbiddenIsNotRetried) {
  std::atomic<int> hits{0};
  LoopbackServer agent(
      [&](httplib::Server& server) { server.Get("/creds", Failing({403}, hits, kEcsBody)); });
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ecs-auth-secret";
  auto credentials = MakeContainerCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().http_status, 403);
  EXPECT_EQ(hits.load(), 1);
  EXPECT_TRUE(sleeper_->delays().empty());
  ExpectNoSecrets(credentials.error(), {"ecs-auth-secret"});
}

TEST_F(CredentialsMetadataRetryTest, ImdsServerErrorsAreRetriedForTokenAndCredentials) {
  std::atomic<int> token_hits{0}, role_hits{0}, credential_hits{0};
  LoopbackServer imds([&](httplib::Server& server) {
    server.Put("/latest/api/token", [&](const httplib::Request&, httplib::Response& response) {
      if (token_hits++ == 0) {
        response.status = 503;
        return;
      }
      response.set_content("session", "text/plain");
    });
    server.Get("/latest/meta-data/iam/security-credentials/",
               [&](const httplib::Request&, httplib::Response& response) {
                 if (role_hits++ < 2) {
                   response.status = 500;
                   return;
                 }
                 response.set_content("role", "text/plain");
               });
    server.Get("/latest/meta-data/iam/security-credentials/role",
               Failing({429}, credential_hits,
                       R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s"})"));
  });
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  auto credentials = MakeInstanceMetadataCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAIMDS");
  EXPECT_EQ(token_hits.load(), 2);
  EXPECT_EQ(role_hits.load(), 3);
  EXPECT_EQ(credential_hits.load(), 2);
  EXPECT_EQ(sleeper_->delays().size(), 4u);
}

TEST_F(CredentialsMetadataRetryTest, ImdsGivesUpAfterThreeAttempts) {
  std::atomic<int> gets{0};
  LoopbackServer imds([&](httplib::Server& server) {
    server.Put("/latest/api/token", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("session", "text/plain");
    });
    server.Get("/latest/meta-data/iam/security-credentials/",
               [&](const httplib::Request&, httplib::Response& response) {
                 ++gets;
                 response.status = 500;
               });
  });
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  auto credentials = MakeInstanceMetadataCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().http_status, 500);
  EXPECT_EQ(gets.load(), 3);
}

TEST_F(CredentialsMetadataRetryTest, UnreachableImdsIsNotRetried) {
  {
    LoopbackServer closed([](httplib::Server&) {});
    env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = closed.url();
  }
  auto credentials = MakeInstanceMetadataCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  // Off EC2 the chain must not wait: no backoff at all.
  EXPECT_TRUE(sleeper_->delays().empty());
}

}  // namespace
}  // namespace mem0::aws
