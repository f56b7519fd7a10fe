// `mem0 graph ...`: the memory graph from the command line, on either engine.
#include <iostream>

#include "cli/cli.h"
#include "mem0/store/graph_store.h"
#include "store/bounded_json.h"

namespace mem0::cli {
namespace {

using Json = nlohmann::json;

Json NodeJson(const store::MemoryNode& n) {
  Json out = {{"node_id", n.node_id},
              {"content", n.content},
              {"metadata", store::StoredJsonForOutput(n.metadata_json)},
              {"created_at", n.created_at}};
  if (!n.scope.empty()) out["scope"] = n.scope;
  if (n.updated_at) out["updated_at"] = *n.updated_at;
  return out;
}

Json SubgraphJson(const store::Subgraph& g) { return Json::parse(store::SubgraphToJson(g)); }

Result<store::Direction> ParseDirection(const std::string& text) {
  if (text == "outgoing") return store::Direction::kOutgoing;
  if (text == "incoming") return store::Direction::kIncoming;
  if (text == "both") return store::Direction::kBoth;
  return MakeError(ErrorCode::kInvalidArgument, "--direction must be outgoing, incoming or both");
}

}  // namespace

void AddGraphCommands(CLI::App& app, Runner& runner) {
  auto* graph = app.add_subcommand("graph", "memory nodes and typed relationships");
  graph->require_subcommand(1);
  struct Args {
    std::string node, id, content, metadata, scope, from, to, type, properties, edge;
    std::string direction = "both", format = "json";
    std::vector<std::string> types;
    int limit = 100, depth = 2;
    bool repair = false;
    std::optional<std::string> new_content, new_metadata;
  };
  auto a = std::make_shared<Args>();
  auto& options = runner.options();
  auto open = [&options]() { return OpenGraphStore(options); };

  auto* add_node = graph->add_subcommand("add-node", "create a memory node; prints its id");
  add_node->add_option("--id", a->id, "node id (default: a new UUID)");
  add_node->add_option("--content", a->content, "memory text")->required();
  add_node->add_option("--metadata", a->metadata, "metadata JSON object");
  add_node->add_option("--scope", a->scope, "scope, e.g. user:alice");
  runner.Attach(
      add_node,
      [a, open]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(auto store, open());
        MEM0_ASSIGN_OR_RETURN(
            std::string id,
            store->CreateMemoryNode(a->content, a->metadata.empty() ? "{}" : a->metadata, a->id,
                                    a->scope));
        return Json{{"node_id", id}};
      },
      [](const Json& j) { return j["node_id"].get<std::string>() + "\n"; });

  auto* get_node = graph->add_subcommand("get-node", "print a node (exit 1 when absent)");
  get_node->add_option("--node", a->node, "node id")->required();
  runner.Attach(get_node, [a, open]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(auto store, open());
    MEM0_ASSIGN_OR_RETURN(auto node, store->GetNode(a->node));
    if (!node) return MakeError(ErrorCode::kNotFound, "node " + a->node + " not found");
    return NodeJson(*node);
  });

  auto* update_node = graph->add_subcommand("update-node", "change a node's content or metadata");
  update_node->add_option("--node", a->node, "node id")->required();
  update_node->add_option("--content", a->new_content, "new memory text");
  update_node->add_option("--metadata", a->new_metadata, "new metadata JSON object");
  runner.Attach(update_node, [a, open]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(auto store, open());
    MEM0_RETURN_IF_ERROR(store->UpdateNode(a->node, a->new_content, a->new_metadata));
    return Json{{"node_id", a->node}, {"updated", true}};
  });

  auto* delete_node = graph->add_subcommand("delete-node", "delete a node and all its edges");
  delete_node->add_option("--node", a->node, "node id")->required();
  runner.Attach(delete_node, [a, open]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(auto store, open());
    MEM0_ASSIGN_OR_RETURN(bool existed, store->DeleteNode(a->node));
    if (!existed) return MakeError(ErrorCode::kNotFound, "node " + a->node + " not found");
    return Json{{"node_id", a->node}, {"deleted", true}};
  });

  auto* relate = graph->add_subcommand("relate", "create a relationship; prints its id");
  relate->add_option("--from", a->from, "source node id")->required();
  relate->add_option("--to", a->to, "target node id")->required();
  relate->add_option("--type", a->type, "relationship type")->required();
  relate->add_option("--properties", a->properties, "properties JSON object");
  runner.Attach(
      relate,
      [a, open]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(auto store, open());
        MEM0_ASSIGN_OR_RETURN(std::string id, store->CreateRelationship(
                                                  a->from, a->to, a->type,
                                                  a->properties.empty() ? "{}" : a->properties));
        return Json{{"edge_id", id}};
      },
      [](const Json& j) { return j["edge_id"].get<std::string>() + "\n"; });

  auto* unrelate = graph->add_subcommand("unrelate", "delete a relationship");
  unrelate->add_option("--edge", a->edge, "edge id")->required();
  runner.Attach(unrelate, [a, open]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(auto store, open());
    MEM0_RETURN_IF_ERROR(store->DeleteRelationship(a->edge));
    return Json{{"edge_id", a->edge}, {"deleted", true}};
  });

  auto* related = graph->add_subcommand("related", "a node's neighbours");
  related->add_option("--node", a->node, "node id")->required();
  related->add_option("--direction", a->direction, "outgoing, incoming or both")
      ->check(CLI::IsMember({"outgoing", "incoming", "both"}));
  related->add_option("--type", a->types, "relationship type (repeatable)");
  related->add_option("--limit", a->limit, "at most this many")->check(CLI::PositiveNumber);
  related->add_option("--scope", a->scope, "only neighbours in this scope");
  runner.Attach(
      related,
      [a, open]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(store::Direction direction, ParseDirection(a->direction));
        MEM0_ASSIGN_OR_RETURN(auto store, open());
        MEM0_ASSIGN_OR_RETURN(auto found, store->GetRelatedMemories(
                                              a->node, {a->types, direction, a->limit, a->scope}));
        // As traverse does: a node that does not exist is an error, not a
        // node without neighbours.
        if (found.empty()) {
          MEM0_ASSIGN_OR_RETURN(auto node, store->GetNode(a->node));
          if (!node) return MakeError(ErrorCode::kNotFound, "node " + a->node + " not found");
        }
        Json out = {{"related", Json::array()}};
        for (const auto& r : found) {
          out["related"].push_back(
              {{"node_id", r.node_id},
               {"content", r.content},
               {"relationship", r.relationship},
               {"metadata", store::StoredJsonForOutput(r.metadata_json)},
               {"edge_properties", store::StoredJsonForOutput(r.edge_properties_json)},
               {"direction", r.direction},
               {"edge_id", r.edge_id}});
        }
        return out;
      },
      [](const Json& j) {
        std::string text;
        for (const auto& r : j["related"]) {
          text += (r["direction"] == "outgoing" ? "-[" : "<-[") +
                  r["relationship"].get<std::string>() +
                  (r["direction"] == "outgoing" ? "]-> " : "]- ") +
                  r["node_id"].get<std::string>() + ": " + r["content"].get<std::string>() + "\n";
        }
        return text;
      });

  auto* by_type = graph->add_subcommand("by-type", "edges of one relationship type, newest first");
  by_type->add_option("--type", a->type, "relationship type")->required();
  by_type->add_option("--limit", a->limit, "at most this many")->check(CLI::PositiveNumber);
  by_type->add_option("--scope", a->scope, "only edges within this scope");
  runner.Attach(by_type, [a, open]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(auto store, open());
    MEM0_ASSIGN_OR_RETURN(auto edges,
                          store->GetMemoriesByRelationshipType(
                              a->type, {a->limit, std::nullopt, std::nullopt, a->scope}));
    Json out = {{"edges", Json::array()}};
    for (const auto& e : edges) {
      out["edges"].push_back({{"edge_id", e.edge.edge_id},
                              {"relationship_type", e.edge.relationship_type},
                              {"source", NodeJson(e.source)},
                              {"target", NodeJson(e.target)},
                              {"properties", store::StoredJsonForOutput(e.edge.properties_json)},
                              {"created_at", e.edge.created_at}});
    }
    return out;
  });

  auto* traverse = graph->add_subcommand("traverse", "the subgraph within --depth hops");
  traverse->add_option("--node", a->node, "start node id")->required();
  traverse->add_option("--depth", a->depth, "hops")->check(CLI::Range(0, 10));
  traverse->add_option("--direction", a->direction, "outgoing, incoming or both")
      ->check(CLI::IsMember({"outgoing", "incoming", "both"}));
  traverse->add_option("--type", a->types, "relationship type (repeatable)");
  traverse->add_option("--scope", a->scope, "stay within this scope");
  runner.Attach(traverse, [a, open]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(store::Direction direction, ParseDirection(a->direction));
    MEM0_ASSIGN_OR_RETURN(auto store, open());
    MEM0_ASSIGN_OR_RETURN(auto subgraph,
                          store->Traverse(a->node, {a->depth, direction, a->types, a->scope}));
    return SubgraphJson(subgraph);
  });

  auto* export_graph =
      graph->add_subcommand("export", "the whole graph (or a subgraph) as JSON or DOT");
  export_graph->add_option("--format", a->format, "json or dot")
      ->check(CLI::IsMember({"json", "dot"}));
  export_graph->add_option("--node", a->node, "export the subgraph around this node");
  export_graph->add_option("--depth", a->depth, "hops around --node")->check(CLI::Range(0, 10));
  export_graph->add_option("--scope", a->scope, "only this scope");
  export_graph->callback([a, open, &runner] {
    auto exported = [&]() -> Result<store::Subgraph> {
      MEM0_ASSIGN_OR_RETURN(auto store, open());
      if (!a->node.empty())
        return store->Traverse(a->node, {a->depth, store::Direction::kBoth, {}, a->scope});
      return store->ExportAll(a->scope);
    }();
    if (!exported.ok()) {
      std::cerr << "error: " << exported.error().ToString() << "\n";
      runner.Fail();
      return;
    }
    std::cout << (a->format == "dot" ? store::SubgraphToDot(*exported)
                                     : SubgraphJson(*exported).dump(2) + "\n");
  });

  auto* check = graph->add_subcommand("check", "find (and with --repair, fix) dangling edge items");
  check->add_flag("--repair", a->repair, "delete the dangling halves");
  runner.Attach(check, [a, open, &runner]() -> CommandResult {
    MEM0_ASSIGN_OR_RETURN(auto store, open());
    MEM0_ASSIGN_OR_RETURN(auto report, store->Check(a->repair));
    // Problems left unrepaired make the exit code non-zero, for scripts.
    if (!report.problems.empty() && !a->repair) runner.Fail();
    return Json{{"problems", report.problems}, {"repaired", report.repaired}};
  });
}

}  // namespace mem0::cli
