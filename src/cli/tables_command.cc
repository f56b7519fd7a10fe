// `mem0 tables ...`: create, describe, check and delete mem0's DynamoDB
// tables, and print the same tables as CloudFormation, a dynamodb-shell
// script or a least-privilege IAM policy (see mem0/provisioning.h).
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/cli.h"
#include "mem0/provision/provisioning.h"

namespace mem0::cli {
namespace {

// The `mem0 tables` flags that reproduce `config`.
std::string TablesCommandFlags(const provision::TablesConfig& config) {
  const provision::TablesConfig defaults;
  std::vector<std::string> flags;
  if (config.ttl_enabled) flags.push_back("--ttl");
  if (config.ttl_attribute != defaults.ttl_attribute) {
    flags.push_back("--ttl-attribute " + config.ttl_attribute);
  }
  if (!config.gsi_enabled) flags.push_back("--no-gsi");
  if (config.gsi_enabled && config.gsi_name != defaults.gsi_name) {
    flags.push_back("--gsi-name " + config.gsi_name);
  }
  if (config.billing_mode == "PROVISIONED") {
    flags.push_back("--billing-mode PROVISIONED --read-capacity " +
                    std::to_string(config.read_capacity) + " --write-capacity " +
                    std::to_string(config.write_capacity));
    if (config.gsi_enabled) {
      flags.push_back("--gsi-read-capacity " + std::to_string(config.gsi_read_capacity) +
                      " --gsi-write-capacity " + std::to_string(config.gsi_write_capacity));
    }
  }
  if (!config.sse_kms_key.empty()) flags.push_back("--sse-kms-key " + config.sse_kms_key);
  if (config.point_in_time_recovery) flags.push_back("--pitr");
  if (config.deletion_protection) flags.push_back("--deletion-protection");
  if (!config.table_class.empty()) flags.push_back("--table-class " + config.table_class);
  for (const auto& [key, value] : config.tags) flags.push_back("--tag " + key + "=" + value);
  std::string joined;
  for (const auto& flag : flags) joined += (joined.empty() ? "" : " ") + flag;
  return joined;
}

// The command line that generates a file for `config`, for its header.
std::string GeneratorCommand(const provision::TablesConfig& config, const std::string& subcommand) {
  const provision::TablesConfig defaults;
  std::string command = "mem0";
  if (config.conversation_table != defaults.conversation_table) {
    command += " --conversation-table " + config.conversation_table;
  }
  if (config.graph_table != defaults.graph_table) command += " --graph-table " + config.graph_table;
  command += " tables " + subcommand;
  const std::string flags = TablesCommandFlags(config);
  if (!flags.empty()) command += " " + flags;
  return command;
}

using Json = nlohmann::json;

// The flags that describe the tables (shared by create, check, cloudformation
// and ddbsh so the four always mean the same tables).
struct TableFlags {
  bool ttl = false;
  std::string ttl_attribute = provision::TablesConfig{}.ttl_attribute;
  bool no_gsi = false;
  std::string gsi_name = provision::TablesConfig{}.gsi_name;
  std::string billing_mode = provision::TablesConfig{}.billing_mode;
  int64_t read_capacity = provision::TablesConfig{}.read_capacity;
  int64_t write_capacity = provision::TablesConfig{}.write_capacity;
  int64_t gsi_read_capacity = 0;   // 0: the table's
  int64_t gsi_write_capacity = 0;  // 0: the table's
  std::string sse_kms_key;
  bool pitr = false;
  bool deletion_protection = false;
  std::vector<std::string> tags;  // K=V
  std::string table_class;
  double wait_timeout_seconds = 600;
  std::vector<CLI::Option*> capacity_options;
};

void AddTableFlags(CLI::App* command, TableFlags& flags, bool with_wait) {
  command->add_flag("--ttl", flags.ttl,
                    "enable TTL on the conversation table (also implied by --ttl-days > 0)");
  command->add_option("--ttl-attribute", flags.ttl_attribute, "TTL attribute name")
      ->capture_default_str();
  command->add_flag("--no-gsi", flags.no_gsi, "create the graph table without its GSI");
  command->add_option("--gsi-name", flags.gsi_name, "graph table GSI name")->capture_default_str();
  command->add_option("--billing-mode", flags.billing_mode, "PAY_PER_REQUEST or PROVISIONED")
      ->check(CLI::IsMember({"PAY_PER_REQUEST", "PROVISIONED"}))
      ->capture_default_str();
  flags.capacity_options = {
      command->add_option("--read-capacity", flags.read_capacity, "table RCUs (PROVISIONED)")
          ->check(CLI::PositiveNumber),
      command->add_option("--write-capacity", flags.write_capacity, "table WCUs (PROVISIONED)")
          ->check(CLI::PositiveNumber),
      command
          ->add_option("--gsi-read-capacity", flags.gsi_read_capacity,
                       "GSI RCUs (PROVISIONED; default: --read-capacity)")
          ->check(CLI::PositiveNumber),
      command
          ->add_option("--gsi-write-capacity", flags.gsi_write_capacity,
                       "GSI WCUs (PROVISIONED; default: --write-capacity)")
          ->check(CLI::PositiveNumber)};
  command->add_option("--sse-kms-key", flags.sse_kms_key,
                      "encrypt with KMS: a key ARN, or aws/dynamodb for the AWS managed key "
                      "(default: the AWS owned key)");
  command->add_flag("--pitr", flags.pitr, "enable point-in-time recovery");
  command->add_flag("--deletion-protection", flags.deletion_protection,
                    "enable deletion protection");
  command->add_option("--tag", flags.tags, "tag KEY=VALUE (repeatable)");
  command->add_option("--table-class", flags.table_class, "STANDARD or STANDARD_INFREQUENT_ACCESS")
      ->check(CLI::IsMember({"STANDARD", "STANDARD_INFREQUENT_ACCESS"}));
  if (with_wait) {
    command
        ->add_option("--wait-timeout", flags.wait_timeout_seconds,
                     "seconds to wait for tables to become ACTIVE")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
  }
}

std::chrono::milliseconds Seconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// The table names, region and TTL-days come from the global options.
provision::TablesConfig BaseConfig(const GlobalOptions& options) {
  provision::TablesConfig config;
  config.region = options.region;
  if (!options.endpoint_url.empty()) config.endpoint_url = options.endpoint_url;
  config.allow_insecure_http = options.allow_insecure_http;
  config.conversation_table = options.conversation_table;
  config.graph_table = options.graph_table;
  config.ttl_enabled = options.ttl_days > 0;
  return config;
}

Result<provision::TablesConfig> ToConfig(const GlobalOptions& options, const TableFlags& flags) {
  provision::TablesConfig config = BaseConfig(options);
  config.ttl_enabled = config.ttl_enabled || flags.ttl;
  config.ttl_attribute = flags.ttl_attribute;
  config.gsi_enabled = !flags.no_gsi;
  config.gsi_name = flags.gsi_name;
  config.billing_mode = flags.billing_mode;
  if (config.billing_mode != "PROVISIONED") {
    for (const CLI::Option* option : flags.capacity_options) {
      if (option->count() > 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         option->get_name() + " applies only with --billing-mode PROVISIONED");
      }
    }
  }
  config.read_capacity = flags.read_capacity;
  config.write_capacity = flags.write_capacity;
  config.gsi_read_capacity =
      flags.gsi_read_capacity > 0 ? flags.gsi_read_capacity : flags.read_capacity;
  config.gsi_write_capacity =
      flags.gsi_write_capacity > 0 ? flags.gsi_write_capacity : flags.write_capacity;
  config.sse_kms_key = flags.sse_kms_key;
  config.point_in_time_recovery = flags.pitr;
  config.deletion_protection = flags.deletion_protection;
  for (const auto& tag : flags.tags) {
    auto equals = tag.find('=');
    if (equals == std::string::npos || equals == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "--tag expects KEY=VALUE, got '" + tag + "'");
    }
    config.tags.emplace_back(tag.substr(0, equals), tag.substr(equals + 1));
  }
  config.table_class = flags.table_class;
  config.wait_timeout = Seconds(flags.wait_timeout_seconds);
  MEM0_RETURN_IF_ERROR(provision::ValidateTablesConfig(config));
  return config;
}

const char* TypeLetter(dynamodb::ScalarType type) {
  switch (type) {
    case dynamodb::ScalarType::kS:
      return "S";
    case dynamodb::ScalarType::kN:
      return "N";
    case dynamodb::ScalarType::kB:
      return "B";
  }
  return "S";
}

Json KeyJson(const dynamodb::KeyElement& key) {
  return {{"name", key.name}, {"type", TypeLetter(key.type)}};
}

Json ThroughputJson(const std::optional<dynamodb::ProvisionedThroughput>& t) {
  if (!t) return nullptr;
  return {{"read_capacity_units", t->read_capacity_units},
          {"write_capacity_units", t->write_capacity_units}};
}

Json DescriptionJson(const dynamodb::TableDescription& d) {
  Json indexes = Json::array();
  for (const auto& gsi : d.global_secondary_indexes) {
    indexes.push_back({{"name", gsi.name},
                       {"hash_key", KeyJson(gsi.hash_key)},
                       {"range_key", gsi.range_key ? KeyJson(*gsi.range_key) : Json(nullptr)},
                       {"projection", gsi.projection_type},
                       {"throughput", ThroughputJson(gsi.throughput)},
                       {"status", gsi.status}});
  }
  return {{"name", d.table_name},
          {"arn", d.table_arn},
          {"status", d.status},
          {"hash_key", KeyJson(d.hash_key)},
          {"range_key", d.range_key ? KeyJson(*d.range_key) : Json(nullptr)},
          {"global_secondary_indexes", indexes},
          {"billing_mode", d.billing_mode},
          {"throughput", ThroughputJson(d.throughput)},
          {"sse",
           {{"status", d.sse_status}, {"type", d.sse_type}, {"kms_key_arn", d.kms_master_key_arn}}},
          {"table_class", d.table_class},
          {"deletion_protection", d.deletion_protection},
          {"item_count", d.item_count}};
}

Json DriftJson(const provision::DriftReport& report) {
  Json drift = Json::array();
  for (const auto& d : report.drift) {
    drift.push_back({{"table", d.table},
                     {"setting", d.setting},
                     {"expected", d.expected},
                     {"actual", d.actual},
                     {"conflict", d.conflict}});
  }
  return {{"ok", report.ok()}, {"drift", drift}, {"unverified", report.unverified}};
}

std::string DriftText(const Json& report) {
  std::string out;
  for (const auto& d : report["drift"]) {
    out += "drift: " + d["table"].get<std::string>() + ": " + d["setting"].get<std::string>() +
           ": expected " + d["expected"].get<std::string>() + ", found " +
           d["actual"].get<std::string>() + (d["conflict"].get<bool>() ? " (conflict)" : "") + "\n";
  }
  for (const auto& note : report["unverified"]) {
    out += "unverified: " + note.get<std::string>() + "\n";
  }
  if (report["drift"].empty()) out += "ok: the tables match the configuration\n";
  return out;
}

std::string DriftSummary(const provision::DriftReport& report) {
  std::string out = std::to_string(report.drift.size()) + " difference(s) from the configuration: ";
  for (size_t i = 0; i < report.drift.size(); ++i) {
    if (i) out += "; ";
    out += report.drift[i].ToString();
  }
  return out;
}

// Prints `document` now (for commands that report and then fail).
void PrintNow(const GlobalOptions& options, const Json& document,
              const std::function<std::string(const Json&)>& text) {
  if (options.output == "text" && text) {
    std::cout << text(document);
  } else {
    std::cout << document.dump(2) << "\n";
  }
}

Json OutcomeJson(const provision::TableOutcome& outcome) {
  return {{"name", outcome.table_name},
          {"arn", outcome.table_arn},
          {"created", outcome.created},
          {"ttl_enabled_now", outcome.ttl_enabled},
          {"pitr_enabled_now", outcome.pitr_enabled},
          {"description", DescriptionJson(outcome.description)}};
}

std::string CreateText(const Json& report) {
  std::string out;
  for (const char* which : {"conversation", "graph"}) {
    const Json& t = report[which];
    out += (t["created"].get<bool>() ? "created " : "exists  ") + t["name"].get<std::string>() +
           " " + t["arn"].get<std::string>() + "\n";
  }
  return out + DriftText(report["remaining"]);
}

Result<Json> DescribeOne(dynamodb::Client& client, const std::string& table) {
  auto described = client.DescribeTable(table);
  if (!described.ok()) {
    if (described.error().code == ErrorCode::kNotFound) {
      return Json{{"name", table}, {"exists", false}};
    }
    return std::move(described).error();
  }
  Json out = DescriptionJson(*described);
  out["exists"] = true;
  MEM0_ASSIGN_OR_RETURN(auto ttl, client.DescribeTimeToLive(table));
  out["ttl"] = {{"status", ttl.status}, {"attribute", ttl.attribute_name}};
  auto pitr = client.DescribeContinuousBackups(table);
  if (pitr.ok()) {
    out["point_in_time_recovery"] = *pitr ? "ENABLED" : "DISABLED";
  } else if (pitr.error().type == "UnknownOperationException") {
    out["point_in_time_recovery"] = "unsupported by the endpoint";
  } else {
    return std::move(pitr).error();
  }
  return out;
}

std::string DescribeText(const Json& tables) {
  std::string out;
  for (const auto& t : tables["tables"]) {
    out += t["name"].get<std::string>() + ": ";
    if (!t["exists"].get<bool>()) {
      out += "missing\n";
      continue;
    }
    out += t["status"].get<std::string>() + ", " + t["billing_mode"].get<std::string>() +
           ", keys " + t["hash_key"]["name"].get<std::string>() +
           (t["range_key"].is_null() ? "" : "/" + t["range_key"]["name"].get<std::string>()) +
           ", ttl " + t["ttl"]["status"].get<std::string>() +
           (t["ttl"]["attribute"].get<std::string>().empty()
                ? ""
                : " (" + t["ttl"]["attribute"].get<std::string>() + ")");
    for (const auto& gsi : t["global_secondary_indexes"]) {
      out += ", index " + gsi["name"].get<std::string>();
    }
    out += "\n";
  }
  return out;
}

Result<std::string> ReadScript(const std::string& path) { return ReadInput(path, "script"); }

}  // namespace

void AddTablesCommand(CLI::App& app, Runner& runner) {
  auto* tables =
      app.add_subcommand("tables",
                         "create, check and delete mem0's DynamoDB tables, or print them as "
                         "CloudFormation, ddbsh or an IAM policy");
  tables->require_subcommand(1);
  // Generators print their document as text unless --output is given.
  const CLI::Option* output_option = app.get_option_no_throw("--output");
  auto text_by_default = [&runner, output_option] {
    if (output_option == nullptr || output_option->count() == 0) runner.options().output = "text";
  };

  {
    auto* create = tables->add_subcommand(
        "create", "create both tables (idempotent), wait until ACTIVE, enable TTL/PITR");
    auto flags = std::make_shared<TableFlags>();
    AddTableFlags(create, *flags, /*with_wait=*/true);
    runner.Attach(
        create,
        [&runner, flags]() -> CommandResult {
          MEM0_ASSIGN_OR_RETURN(provision::TablesConfig config, ToConfig(runner.options(), *flags));
          MEM0_ASSIGN_OR_RETURN(dynamodb::Client * client, runner.Client());
          MEM0_ASSIGN_OR_RETURN(provision::ProvisioningReport report,
                                provision::CreateDynamoDBTables(*client, config));
          Json out = {{"conversation", OutcomeJson(report.conversation)},
                      {"graph", OutcomeJson(report.graph)},
                      {"remaining", DriftJson(report.remaining)}};
          if (!report.remaining.ok()) {
            // The tables exist but are not what was asked for: show it and fail.
            PrintNow(runner.options(), out, CreateText);
            return MakeError(ErrorCode::kConditionFailed,
                             "tables exist but differ: " + DriftSummary(report.remaining));
          }
          return out;
        },
        CreateText);
  }
  {
    auto* describe = tables->add_subcommand("describe", "describe both tables, TTL and PITR");
    runner.Attach(
        describe,
        [&runner]() -> CommandResult {
          provision::TablesConfig config = BaseConfig(runner.options());
          MEM0_ASSIGN_OR_RETURN(dynamodb::Client * client, runner.Client());
          Json list = Json::array();
          for (const std::string& table : {config.conversation_table, config.graph_table}) {
            MEM0_ASSIGN_OR_RETURN(Json one, DescribeOne(*client, table));
            list.push_back(std::move(one));
          }
          return Json{{"tables", list}};
        },
        DescribeText);
  }
  {
    auto* check = tables->add_subcommand(
        "check", "compare the live tables with the configuration; exit 1 on any drift");
    auto flags = std::make_shared<TableFlags>();
    AddTableFlags(check, *flags, /*with_wait=*/false);
    runner.Attach(
        check,
        [&runner, flags]() -> CommandResult {
          MEM0_ASSIGN_OR_RETURN(provision::TablesConfig config, ToConfig(runner.options(), *flags));
          MEM0_ASSIGN_OR_RETURN(dynamodb::Client * client, runner.Client());
          MEM0_ASSIGN_OR_RETURN(provision::DriftReport report,
                                provision::CheckDynamoDBTables(*client, config));
          Json out = DriftJson(report);
          if (!report.ok()) {
            PrintNow(runner.options(), out, DriftText);
            return MakeError(ErrorCode::kConditionFailed, DriftSummary(report));
          }
          return out;
        },
        DriftText);
  }
  {
    auto* remove = tables->add_subcommand("delete", "delete both tables (needs --yes)");
    auto yes = std::make_shared<bool>(false);
    auto wait_seconds = std::make_shared<double>(600);
    remove->add_flag("--yes", *yes, "really delete the tables and every item in them");
    remove->add_option("--wait-timeout", *wait_seconds, "seconds to wait for deletion")
        ->check(CLI::PositiveNumber);
    runner.Attach(
        remove,
        [&runner, yes, wait_seconds]() -> CommandResult {
          provision::TablesConfig config = BaseConfig(runner.options());
          if (!*yes) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "refusing to delete " + config.conversation_table + " and " +
                                 config.graph_table + " without --yes");
          }
          config.wait_timeout = Seconds(*wait_seconds);
          MEM0_ASSIGN_OR_RETURN(dynamodb::Client * client, runner.Client());
          MEM0_ASSIGN_OR_RETURN(provision::DeletionReport report,
                                provision::DeleteDynamoDBTables(*client, config));
          return Json{{"deleted", report.deleted}, {"absent", report.absent}};
        },
        [](const Json& out) {
          std::string text;
          for (const auto& t : out["deleted"]) text += "deleted " + t.get<std::string>() + "\n";
          for (const auto& t : out["absent"]) text += "absent  " + t.get<std::string>() + "\n";
          return text;
        });
  }
  {
    auto* cloudformation = tables->add_subcommand(
        "cloudformation", "print a CloudFormation template equivalent to `tables create`");
    auto flags = std::make_shared<TableFlags>();
    AddTableFlags(cloudformation, *flags, /*with_wait=*/false);
    auto yaml = std::make_shared<std::string>();
    runner.Attach(
        cloudformation,
        [&runner, flags, yaml, text_by_default]() -> CommandResult {
          text_by_default();
          MEM0_ASSIGN_OR_RETURN(provision::TablesConfig config, ToConfig(runner.options(), *flags));
          MEM0_ASSIGN_OR_RETURN(*yaml, provision::CloudFormationTemplate(
                                           config, GeneratorCommand(config, "cloudformation")));
          MEM0_ASSIGN_OR_RETURN(std::string json, provision::CloudFormationTemplateJson(config));
          return Json::parse(json);
        },
        [yaml](const Json&) { return *yaml; });
  }
  {
    auto* ddbsh = tables->add_subcommand(
        "ddbsh", "print the dynamodb-shell (ddbsh) schema equivalent to `tables create`");
    auto flags = std::make_shared<TableFlags>();
    AddTableFlags(ddbsh, *flags, /*with_wait=*/false);
    auto drop_existing = std::make_shared<bool>(false);
    ddbsh->add_flag("--drop-existing", *drop_existing,
                    "drop both tables before creating them: DESTROYS EVERY ITEM when run");
    runner.Attach(
        ddbsh,
        [&runner, flags, drop_existing, text_by_default]() -> CommandResult {
          text_by_default();
          MEM0_ASSIGN_OR_RETURN(provision::TablesConfig config, ToConfig(runner.options(), *flags));
          const std::string command =
              GeneratorCommand(config, *drop_existing ? "ddbsh --drop-existing" : "ddbsh");
          MEM0_ASSIGN_OR_RETURN(std::string script,
                                provision::DdbshSchema(config, command, *drop_existing));
          return Json{{"script", script}};
        },
        [](const Json& out) { return out["script"].get<std::string>(); });
  }
  {
    auto* apply = tables->add_subcommand(
        "apply-ddbsh",
        "run a `tables ddbsh` script against DynamoDB without ddbsh (that statement subset only)");
    auto path = std::make_shared<std::string>("-");
    auto dry_run = std::make_shared<bool>(false);
    auto wait_seconds = std::make_shared<double>(600);
    apply->add_option("script", *path, "script file, or - for stdin (default)");
    apply->add_flag("--dry-run", *dry_run, "parse and list the statements; send nothing");
    apply->add_option("--wait-timeout", *wait_seconds, "seconds to wait per table")
        ->check(CLI::PositiveNumber);
    runner.Attach(
        apply,
        [&runner, path, dry_run, wait_seconds]() -> CommandResult {
          MEM0_ASSIGN_OR_RETURN(std::string script, ReadScript(*path));
          Json statements = Json::array();
          if (*dry_run) {
            MEM0_ASSIGN_OR_RETURN(auto parsed, provision::ParseDdbsh(script));
            for (const auto& s : parsed) {
              statements.push_back(
                  {{"line", s.line}, {"statement", s.ToString()}, {"outcome", "parsed"}});
            }
          } else {
            MEM0_ASSIGN_OR_RETURN(dynamodb::Client * client, runner.Client());
            MEM0_ASSIGN_OR_RETURN(auto outcomes,
                                  provision::ApplyDdbsh(*client, script, Seconds(*wait_seconds)));
            for (const auto& o : outcomes) {
              statements.push_back(
                  {{"line", o.line}, {"statement", o.statement}, {"outcome", o.outcome}});
            }
          }
          return Json{{"statements", statements}};
        },
        [](const Json& out) {
          std::string text;
          for (const auto& s : out["statements"]) {
            text +=
                s["statement"].get<std::string>() + ": " + s["outcome"].get<std::string>() + "\n";
          }
          return text;
        });
  }
  {
    auto* iam = tables->add_subcommand(
        "iam-policy",
        "print a least-privilege IAM policy for the tables (actions the client sends)");
    auto options = std::make_shared<provision::IamPolicyOptions>();
    auto flags = std::make_shared<TableFlags>();
    auto policy = std::make_shared<std::string>();
    iam->add_flag("--tenant-scoped", options->tenant_scoped,
                  "only the caller's own conversation items (dynamodb:LeadingKeys)");
    iam->add_option("--account-id", options->account_id, "AWS account id in the ARNs")
        ->capture_default_str();
    iam->add_option("--tenant-variable", options->tenant_variable,
                    "IAM policy variable holding the caller's user id")
        ->capture_default_str();
    iam->add_flag("--no-gsi", flags->no_gsi, "the graph table has no GSI");
    iam->add_option("--gsi-name", flags->gsi_name, "graph table GSI name")->capture_default_str();
    runner.Attach(
        iam,
        [&runner, options, flags, policy, text_by_default]() -> CommandResult {
          text_by_default();
          MEM0_ASSIGN_OR_RETURN(provision::TablesConfig config, ToConfig(runner.options(), *flags));
          MEM0_ASSIGN_OR_RETURN(*policy, provision::IamPolicyJson(config, *options));
          return Json::parse(*policy);
        },
        [policy](const Json&) { return *policy; });
  }
}

}  // namespace mem0::cli
