// Least-privilege IAM policies derived from the client's operations.
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
// IAM

enum class IamScope { kTable, kItem, kUnused };

struct IamMapping {
  std::vector<std::string> actions;  // without the "dynamodb:" prefix
  IamScope scope = IamScope::kUnused;
  bool on_index = false;  // the operation can target a GSI
};

// Exhaustive over Operation (a new enumerator without a case fails -Wswitch),
// so the policy follows the client's operation list.
IamMapping IamMappingFor(Operation op) {
  switch (op) {
    case Operation::kCreateTable:
    case Operation::kDescribeTable:
    case Operation::kDeleteTable:
    case Operation::kUpdateTimeToLive:
    case Operation::kDescribeTimeToLive:
    case Operation::kUpdateContinuousBackups:
    case Operation::kDescribeContinuousBackups:
      return {{dynamodb::OperationName(op)}, IamScope::kTable, false};
    case Operation::kPutItem:
    case Operation::kGetItem:
    case Operation::kUpdateItem:
    case Operation::kDeleteItem:
    case Operation::kBatchGetItem:
    case Operation::kBatchWriteItem:
      return {{dynamodb::OperationName(op)}, IamScope::kItem, false};
    case Operation::kQuery:
    case Operation::kScan:
      return {{dynamodb::OperationName(op)}, IamScope::kItem, true};
    // Transactions are authorized per item by the underlying actions; a
    // ConditionCheck needs its own permission.
    case Operation::kTransactWriteItems:
      return {
          {"PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"}, IamScope::kItem, false};
    case Operation::kTransactGetItems:
      return {{"GetItem"}, IamScope::kItem, false};
    // Account-level (Resource "*"), and no mem0 code path lists tables.
    case Operation::kListTables:
    case Operation::kOther:
      return {{}, IamScope::kUnused, false};
  }
  return {};
}

std::vector<Operation> AllOperations() {
  std::vector<Operation> ops;
  for (size_t i = 0; i < dynamodb::kOperationCount; ++i) ops.push_back(static_cast<Operation>(i));
  return ops;
}

std::vector<std::string> ActionsWhere(const std::function<bool(const IamMapping&)>& keep) {
  std::set<std::string> actions;
  for (Operation op : AllOperations()) {
    IamMapping mapping = IamMappingFor(op);
    if (!keep(mapping)) continue;
    for (const auto& action : mapping.actions) actions.insert("dynamodb:" + action);
  }
  return {actions.begin(), actions.end()};
}

std::string Partition(const std::string& region) {
  if (region.rfind("cn-", 0) == 0) return "aws-cn";
  if (region.rfind("us-gov-", 0) == 0) return "aws-us-gov";
  return "aws";
}

}  // namespace

std::vector<std::string> IamActionsFor(dynamodb::Operation op) {
  std::vector<std::string> actions;
  for (const auto& action : IamMappingFor(op).actions) actions.push_back("dynamodb:" + action);
  return actions;
}

std::vector<std::string> RequiredIamActions() {
  return ActionsWhere([](const IamMapping& m) { return m.scope != IamScope::kUnused; });
}

Result<std::string> IamPolicyJson(const TablesConfig& config, const IamPolicyOptions& options) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  if (options.account_id.empty())
    return InvalidArgument("the account id must not be empty (use *)");
  const std::string region =
      !options.region.empty() ? options.region : (config.region.empty() ? "*" : config.region);
  const std::string prefix =
      "arn:" + Partition(region) + ":dynamodb:" + region + ":" + options.account_id + ":table/";
  const std::string conversation_arn = prefix + config.conversation_table;
  const std::string graph_arn = prefix + config.graph_table;
  const Json tables = Json::array({conversation_arn, graph_arn});

  Json statements = Json::array();
  if (options.tenant_scoped) {
    if (options.tenant_variable.empty()) return InvalidArgument("the tenant variable is empty");
    // Scan carries no partition key, and ForAllValues is vacuously true when
    // the key is absent: allowing it would expose every tenant's items.
    auto actions = ActionsWhere([](const IamMapping& m) { return m.scope == IamScope::kItem; });
    actions.erase(std::remove(actions.begin(), actions.end(), "dynamodb:Scan"), actions.end());
    statements.push_back(
        Json{{"Sid", "Mem0TenantConversationItems"},
             {"Effect", "Allow"},
             {"Action", actions},
             {"Resource", Json::array({conversation_arn})},
             {"Condition", Json{{"ForAllValues:StringEquals",
                                 Json{{"dynamodb:LeadingKeys",
                                       Json::array({options.tenant_variable,
                                                    std::string(dynamodb::layout::kPartsPrefix) +
                                                        options.tenant_variable})}}}}}});
  } else {
    statements.push_back(Json{
        {"Sid", "Mem0TableAdministration"},
        {"Effect", "Allow"},
        {"Action", ActionsWhere([](const IamMapping& m) { return m.scope == IamScope::kTable; })},
        {"Resource", tables}});
    statements.push_back(Json{
        {"Sid", "Mem0ItemAccess"},
        {"Effect", "Allow"},
        {"Action", ActionsWhere([](const IamMapping& m) { return m.scope == IamScope::kItem; })},
        {"Resource", tables}});
    if (config.gsi_enabled) {
      statements.push_back(
          Json{{"Sid", "Mem0GraphIndexQueries"},
               {"Effect", "Allow"},
               {"Action", ActionsWhere([](const IamMapping& m) { return m.on_index; })},
               {"Resource", Json::array({graph_arn + "/index/" + config.gsi_name})}});
    }
  }
  Json policy;
  policy["Version"] = "2012-10-17";
  policy["Statement"] = std::move(statements);
  return policy.dump(2) + "\n";
}

}  // namespace mem0::provision
