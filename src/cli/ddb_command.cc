// `mem0 ddb OPERATION 'JSON'`: one DynamoDB call through the whole client
// stack (credentials, signing, retries), like `aws dynamodb` for scripts.
#include "cli/cli.h"

namespace mem0::cli {

void AddDdbCommand(CLI::App& app, Runner& runner) {
  auto* ddb = app.add_subcommand("ddb", "send one DynamoDB API call and print the response JSON");
  auto operation = std::make_shared<std::string>();
  auto input = std::make_shared<std::string>("{}");
  ddb->add_option("operation", *operation, "API operation, e.g. PutItem, Query, DescribeTable")
      ->required();
  ddb->add_option("json", *input, "request JSON, @file, or - for stdin");
  runner.Attach(ddb, [&runner, operation, input]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(std::string body, ReadArgument(*input));
    auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "request for " + *operation + " is not a JSON object");
    }
    MEM0_ASSIGN_OR_RETURN(dynamodb::Client * client, runner.Client());
    MEM0_ASSIGN_OR_RETURN(std::string response, client->Invoke(*operation, parsed.dump()));
    auto json = nlohmann::json::parse(response, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return MakeError(ErrorCode::kServiceError, "response is not JSON: " + response);
    }
    return json;
  });
}

}  // namespace mem0::cli
