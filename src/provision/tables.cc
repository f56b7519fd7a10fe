// Create, check and delete the tables, with drift reports.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "mem0/provision/provisioning.h"
#include "provision/provision_internal.h"

namespace mem0::provision {
namespace {

// ---------------------------------------------------------------------------
// Comparison of a live table with its CreateTableRequest

std::string KeyText(const KeyElement& key) {
  return key.name + " (" + dynamodb::ScalarTypeName(key.type) + ")";
}
std::string OptionalKeyText(const std::optional<KeyElement>& key) {
  return key ? KeyText(*key) : "none";
}
bool SameKey(const std::optional<KeyElement>& a, const std::optional<KeyElement>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->name == b->name && a->type == b->type);
}
std::string IndexText(const GlobalSecondaryIndex& index) {
  std::string text = KeyText(index.hash_key) + " HASH";
  if (index.range_key) text += ", " + KeyText(*index.range_key) + " RANGE";
  return text + ", projection " + index.projection_type;
}
std::string ThroughputText(const std::optional<dynamodb::ProvisionedThroughput>& t) {
  if (!t) return "none";
  return std::to_string(t->read_capacity_units) + " RCU, " +
         std::to_string(t->write_capacity_units) + " WCU";
}
bool SameThroughput(const std::optional<dynamodb::ProvisionedThroughput>& a,
                    const std::optional<dynamodb::ProvisionedThroughput>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->read_capacity_units == b->read_capacity_units &&
                a->write_capacity_units == b->write_capacity_units);
}

// The encryption DescribeTable reports, in SseText's words.
std::string LiveSseText(const TableDescription& table) {
  const bool kms = (table.sse_status == "ENABLED" || table.sse_status == "ENABLING" ||
                    table.sse_status == "UPDATING") &&
                   table.sse_type == "KMS";
  if (!kms) return "AWS owned key";
  return "KMS key " + (table.kms_master_key_arn.empty() ? "(unknown)" : table.kms_master_key_arn);
}

// Whether the live encryption satisfies `kms_key`. DescribeTable reports the
// key ARN only, so the AWS managed key and aliases cannot be told apart from
// other KMS keys here: those are accepted as any KMS key, and noted.
bool SseMatches(const std::string& kms_key, const TableDescription& table,
                std::vector<std::string>& unverified) {
  const bool live_kms = LiveSseText(table) != "AWS owned key";
  switch (SseKindOf(kms_key)) {
    case SseKind::kAwsOwned:
      return !live_kms;
    case SseKind::kAwsManaged:
      if (live_kms) {
        unverified.push_back(table.table_name +
                             ": encryption: a KMS key is used; whether it is aws/dynamodb is not "
                             "checked (needs kms:DescribeKey)");
      }
      return live_kms;
    case SseKind::kCustomerKey: {
      if (!live_kms) return false;
      const std::string& arn = table.kms_master_key_arn;
      if (kms_key.rfind("arn:", 0) == 0 && kms_key.find(":key/") != std::string::npos) {
        return arn == kms_key;
      }
      if (kms_key.find('/') == std::string::npos && kms_key.rfind("arn:", 0) != 0) {
        return arn.size() > kms_key.size() && arn.ends_with("/" + kms_key);  // a bare key id
      }
      unverified.push_back(table.table_name + ": encryption: KMS key " + arn +
                           " is used; whether alias " + kms_key + " names it is not checked");
      return true;
    }
  }
  return false;
}

void CompareTable(const CreateTableRequest& expected, const TableDescription& actual,
                  const TablesConfig& config, DriftReport& report) {
  const std::string& table = expected.table_name;
  auto add = [&](std::string setting, std::string want, std::string found, bool conflict) {
    report.drift.push_back(
        {table, std::move(setting), std::move(want), std::move(found), conflict});
  };
  if (actual.status != "ACTIVE") add("status", "ACTIVE", actual.status, false);
  if (!SameKey(expected.hash_key, actual.hash_key)) {
    add("hash key", KeyText(expected.hash_key), KeyText(actual.hash_key), true);
  }
  if (!SameKey(expected.range_key, actual.range_key)) {
    add("range key", OptionalKeyText(expected.range_key), OptionalKeyText(actual.range_key), true);
  }

  const bool provisioned = expected.billing_mode == kProvisioned;
  for (const auto& want : expected.global_secondary_indexes) {
    const std::string setting = "index " + want.name;
    auto found =
        std::find_if(actual.global_secondary_indexes.begin(), actual.global_secondary_indexes.end(),
                     [&](const GlobalSecondaryIndex& g) { return g.name == want.name; });
    if (found == actual.global_secondary_indexes.end()) {
      add(setting, IndexText(want), "missing", true);
      continue;
    }
    if (!SameKey(want.hash_key, found->hash_key) || !SameKey(want.range_key, found->range_key) ||
        want.projection_type != found->projection_type) {
      add(setting, IndexText(want), IndexText(*found), true);
    }
    if (found->status != "ACTIVE" && !found->status.empty()) {
      add(setting + " status", "ACTIVE", found->status, false);
    }
    if (provisioned && actual.billing_mode == kProvisioned &&
        !SameThroughput(want.throughput.value_or(*expected.throughput), found->throughput)) {
      add(setting + " throughput", ThroughputText(want.throughput.value_or(*expected.throughput)),
          ThroughputText(found->throughput), false);
    }
  }
  for (const auto& live : actual.global_secondary_indexes) {
    const bool wanted = std::any_of(
        expected.global_secondary_indexes.begin(), expected.global_secondary_indexes.end(),
        [&](const GlobalSecondaryIndex& g) { return g.name == live.name; });
    if (!wanted) add("index " + live.name, "absent", IndexText(live), false);
  }

  if (expected.billing_mode != actual.billing_mode) {
    add("billing mode", expected.billing_mode, actual.billing_mode, false);
  } else if (provisioned && !SameThroughput(expected.throughput, actual.throughput)) {
    add("throughput", ThroughputText(expected.throughput), ThroughputText(actual.throughput),
        false);
  }
  if (!SseMatches(config.sse_kms_key, actual, report.unverified)) {
    add("encryption", SseText(config.sse_kms_key), LiveSseText(actual), false);
  }
  // No TableClassSummary means the default class.
  const std::string want_class = config.table_class.empty() ? "STANDARD" : config.table_class;
  const std::string live_class = actual.table_class.empty() ? "STANDARD" : actual.table_class;
  if (want_class != live_class) add("table class", want_class, live_class, false);
  if (expected.deletion_protection != actual.deletion_protection) {
    add("deletion protection", expected.deletion_protection ? "enabled" : "disabled",
        actual.deletion_protection ? "enabled" : "disabled", false);
  }
}

std::string TtlText(const dynamodb::TimeToLiveDescription& ttl) {
  if (ttl.status == "DISABLED" || ttl.status.empty()) return "disabled";
  std::string status = ttl.status;
  std::transform(status.begin(), status.end(), status.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return status + " on " + ttl.attribute_name;
}

// Compares TTL; a TTL on another attribute is a conflict when TTL is wanted
// (DynamoDB allows one TTL attribute per table).
void CompareTtl(const std::string& table, bool want, const std::string& attribute,
                const dynamodb::TimeToLiveDescription& ttl, std::vector<Drift>& drift) {
  if (want) {
    if (TtlOn(ttl) && ttl.attribute_name != attribute) {
      drift.push_back({table, "ttl", "enabled on " + attribute, TtlText(ttl), true});
    } else if (!TtlOn(ttl)) {
      drift.push_back({table, "ttl", "enabled on " + attribute, TtlText(ttl), false});
    }
  } else if (TtlOn(ttl)) {
    drift.push_back({table, "ttl", "disabled", TtlText(ttl), false});
  }
}

// DynamoDB Local answers operations it does not implement (continuous backups,
// tagging) with UnknownOperationException.
bool IsUnsupportedOperation(const Error& error) {
  return error.type == "UnknownOperationException";
}

// Checks one existing table (description already read) for TTL and PITR too.
Status CheckOne(dynamodb::Client& client, const TablesConfig& config, const TableSpec& spec,
                const TableDescription& live, DriftReport& report) {
  const std::string& table = spec.request.table_name;
  CompareTable(spec.request, live, config, report);
  MEM0_ASSIGN_OR_RETURN(auto ttl, client.DescribeTimeToLive(table));
  CompareTtl(table, spec.is_conversation && config.ttl_enabled, config.ttl_attribute, ttl,
             report.drift);
  auto pitr = client.DescribeContinuousBackups(table);
  if (!pitr.ok()) {
    if (!IsUnsupportedOperation(pitr.error())) {
      return WithContext(pitr.error(), "reading point-in-time recovery of " + table);
    }
    report.unverified.push_back(table +
                                ": point-in-time recovery: the endpoint does not support "
                                "DescribeContinuousBackups (" +
                                pitr.error().type + ")");
  } else if (*pitr != config.point_in_time_recovery) {
    report.drift.push_back({table, "point-in-time recovery",
                            config.point_in_time_recovery ? "enabled" : "disabled",
                            *pitr ? "enabled" : "disabled", false});
  }
  if (!config.tags.empty()) {
    report.unverified.push_back(table +
                                ": tags: not read back (needs ListTagsOfResource, which mem0 "
                                "does not call)");
  }
  return {};
}

std::vector<std::string> DriftLines(const std::vector<Drift>& drift, bool conflicts_only) {
  std::vector<std::string> lines;
  for (const auto& d : drift) {
    if (!conflicts_only || d.conflict) lines.push_back(d.ToString());
  }
  return lines;
}

}  // namespace

std::string Drift::ToString() const {
  return table + ": " + setting + ": expected " + expected + ", found " + actual +
         (conflict ? " (conflict)" : "");
}

bool DriftReport::has_conflict() const {
  return std::any_of(drift.begin(), drift.end(), [](const Drift& d) { return d.conflict; });
}

Result<DriftReport> CheckDynamoDBTables(dynamodb::Client& client, const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  DriftReport report;
  for (const auto& spec : Specs(config)) {
    const std::string& table = spec.request.table_name;
    auto live = client.DescribeTable(table);
    if (!live.ok()) {
      if (live.error().code != ErrorCode::kNotFound) {
        return WithContext(live.error(), "describing " + table);
      }
      report.drift.push_back({table, "table", "exists", "missing", true});
      continue;
    }
    MEM0_RETURN_IF_ERROR(CheckOne(client, config, spec, *live, report));
  }
  return report;
}

Result<ProvisioningReport> CreateDynamoDBTables(dynamodb::Client& client,
                                                const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  const auto specs = Specs(config);
  ProvisioningReport report;
  TableOutcome* outcomes[] = {&report.conversation, &report.graph};

  // Existing tables first: a conflict must stop us before anything is created.
  std::vector<Drift> conflicts;
  bool exists[2] = {false, false};
  for (size_t i = 0; i < specs.size(); ++i) {
    const std::string& table = specs[i].request.table_name;
    outcomes[i]->table_name = table;
    auto live = client.DescribeTable(table);
    if (!live.ok()) {
      if (live.error().code != ErrorCode::kNotFound) {
        return WithContext(live.error(), "describing " + table);
      }
      continue;
    }
    exists[i] = true;
    DriftReport found;
    CompareTable(specs[i].request, *live, config, found);
    if (specs[i].is_conversation && config.ttl_enabled) {
      MEM0_ASSIGN_OR_RETURN(auto ttl, client.DescribeTimeToLive(table));
      CompareTtl(table, true, config.ttl_attribute, ttl, found.drift);
    }
    for (auto& d : found.drift) {
      if (d.conflict) conflicts.push_back(std::move(d));
    }
  }
  if (!conflicts.empty()) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "existing tables conflict with the configuration (nothing was changed): " +
                         Join(DriftLines(conflicts, true), "; "));
  }

  for (size_t i = 0; i < specs.size(); ++i) {
    if (exists[i]) continue;
    auto created = client.CreateTable(specs[i].request);
    if (created.ok()) {
      outcomes[i]->created = true;
    } else if (created.error().code != ErrorCode::kAlreadyExists) {
      // Created concurrently by someone else is fine: the final check compares it.
      return WithContext(created.error(), "creating " + specs[i].request.table_name);
    }
  }
  for (TableOutcome* outcome : outcomes) {
    auto active = client.WaitUntilActive(outcome->table_name, config.wait_timeout);
    if (!active.ok()) {
      return WithContext(std::move(active).error(), "waiting for " + outcome->table_name);
    }
    outcome->description = std::move(active).value();
    outcome->table_arn = outcome->description.table_arn;
  }

  if (config.ttl_enabled) {
    const std::string& table = report.conversation.table_name;
    MEM0_ASSIGN_OR_RETURN(auto ttl, client.DescribeTimeToLive(table));
    if (ttl.status == "DISABLING") {
      return MakeError(ErrorCode::kServiceError,
                       "TTL on " + table +
                           " is still being disabled; DynamoDB allows enabling it again only "
                           "after that finishes (up to an hour)");
    }
    if (!TtlOn(ttl)) {
      auto enabled = client.UpdateTimeToLive(table, config.ttl_attribute, true);
      if (!enabled.ok()) {
        return WithContext(enabled.error(), "enabling TTL on " + table + " (attribute " +
                                                config.ttl_attribute + ")");
      }
      report.conversation.ttl_enabled = true;
    }
  }
  if (config.point_in_time_recovery) {
    for (TableOutcome* outcome : outcomes) {
      const std::string context = "enabling point-in-time recovery on " + outcome->table_name;
      auto enabled = client.DescribeContinuousBackups(outcome->table_name);
      if (!enabled.ok()) return WithContext(enabled.error(), context);
      if (*enabled) continue;
      auto updated = client.UpdateContinuousBackups(outcome->table_name, true);
      if (!updated.ok()) return WithContext(updated.error(), context);
      outcome->pitr_enabled = true;
    }
  }

  MEM0_ASSIGN_OR_RETURN(report.remaining, CheckDynamoDBTables(client, config));
  if (report.remaining.has_conflict()) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "tables conflict with the configuration: " +
                         Join(DriftLines(report.remaining.drift, true), "; "));
  }
  return report;
}

Result<DeletionReport> DeleteDynamoDBTables(dynamodb::Client& client, const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTableNames(config));
  if (config.wait_timeout.count() <= 0) return InvalidArgument("the wait timeout must be positive");
  DeletionReport report;
  std::vector<std::string> present;
  std::vector<std::string> protected_tables;
  for (const std::string& table : {config.conversation_table, config.graph_table}) {
    auto live = client.DescribeTable(table);
    if (!live.ok()) {
      if (live.error().code != ErrorCode::kNotFound) {
        return WithContext(live.error(), "describing " + table);
      }
      report.absent.push_back(table);
      continue;
    }
    if (live->deletion_protection) protected_tables.push_back(table);
    present.push_back(table);
  }
  if (!protected_tables.empty()) {
    return InvalidArgument("deletion protection is enabled on " + Join(protected_tables, ", ") +
                           "; nothing was deleted. Disable it first, e.g. `aws dynamodb "
                           "update-table --table-name " +
                           protected_tables.front() + " --no-deletion-protection-enabled`");
  }
  for (const std::string& table : present) {
    auto deleted = client.DeleteTable(table);
    if (!deleted.ok()) {
      if (deleted.error().code == ErrorCode::kNotFound) {
        report.absent.push_back(table);
        continue;
      }
      return WithContext(deleted.error(), "deleting " + table);
    }
    report.deleted.push_back(table);
  }
  for (const std::string& table : report.deleted) {
    MEM0_RETURN_IF_ERROR(client.WaitUntilDeleted(table, config.wait_timeout));
  }
  return report;
}

}  // namespace mem0::provision
