// The OpenAPI 3.1 document of the REST server's routes (GET /openapi.json).
// tests/integration/server_test.cc checks that it lists exactly the routes
// served.
#include <nlohmann/json.hpp>

#include "mem0/server/server.h"

namespace mem0::server {
namespace {

using Json = nlohmann::json;

Json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

Json JsonContent(Json schema) { return {{"application/json", {{"schema", std::move(schema)}}}}; }

Json Reply(const std::string& description, Json schema) {
  return {{"description", description}, {"content", JsonContent(std::move(schema))}};
}

Json Errors(std::initializer_list<int> statuses) {
  Json out = Json::object();
  for (int status : statuses) {
    const char* text = status == 400   ? "bad input"
                       : status == 401 ? "missing or wrong API key"
                       : status == 404 ? "no such memory"
                       : status == 413 ? "body larger than the limit"
                                       : "storage unavailable";
    out[std::to_string(status)] = Reply(text, Ref("Error"));
  }
  return out;
}

Json Operation(const std::string& id, const std::string& summary, Json ok, Json errors,
               Json parameters = Json::array(), Json body = nullptr) {
  Json responses = std::move(errors);
  responses["200"] = std::move(ok);
  Json op = {{"operationId", id},
             {"summary", summary},
             {"responses", std::move(responses)},
             {"security",
              Json::array({{{"ApiKeyHeader", Json::array()}}, {{"BearerAuth", Json::array()}}})}};
  if (!parameters.empty()) op["parameters"] = std::move(parameters);
  if (!body.is_null()) {
    op["requestBody"] = {{"required", true}, {"content", JsonContent(std::move(body))}};
  }
  return op;
}

Json QueryParam(const std::string& name, Json schema, const std::string& description) {
  return {{"name", name},
          {"in", "query"},
          {"required", false},
          {"schema", std::move(schema)},
          {"description", description}};
}

Json ScopeParams() {
  return Json::array({QueryParam("user_id", {{"type", "string"}}, "the user's memories"),
                      QueryParam("agent_id", {{"type", "string"}}, "the agent's memories"),
                      QueryParam("run_id", {{"type", "string"}}, "the run's memories")});
}

Json IdParam() {
  return Json::array({{{"name", "memory_id"},
                       {"in", "path"},
                       {"required", true},
                       {"schema", {{"type", "string"}}}}});
}

Json Message(const std::string& text) {
  return {{"type", "object"},
          {"required", Json::array({"message"})},
          {"properties", {{"message", {{"type", "string"}, {"const", text}}}}}};
}

// One of the page's files: no API key needed (they hold no data).
Json PageFile(const std::string& id, const std::string& summary, const std::string& type) {
  return {{"get",
           {{"operationId", id},
            {"summary", summary},
            {"security", Json::array()},
            {"responses",
             {{"200",
               {{"description", "the file"},
                {"content", {{type, {{"schema", {{"type", "string"}}}}}}}}},
              {"304", {{"description", "not modified (If-None-Match)"}}}}}}}};
}

Json BuildDocument() {
  const Json string = {{"type", "string"}};
  const Json nullable_string = {{"type", Json::array({"string", "null"})}};
  const Json object = {{"type", "object"}};
  Json schemas = {
      {"Error",
       {{"type", "object"},
        {"required", Json::array({"detail"})},
        {"properties", {{"detail", string}}}}},
      {"Message",
       {{"type", "object"},
        {"required", Json::array({"role", "content"})},
        {"properties", {{"role", string}, {"content", string}, {"name", string}}}}},
      {"MemoryCreate",
       {{"type", "object"},
        {"required", Json::array({"messages"})},
        {"description", "one of user_id, agent_id, run_id is required"},
        {"properties",
         {{"messages", {{"type", "array"}, {"items", Ref("Message")}, {"minItems", 1}}},
          {"user_id", nullable_string},
          {"agent_id", nullable_string},
          {"run_id", nullable_string},
          {"metadata", {{"type", Json::array({"object", "null"})}}},
          {"infer", {{"type", Json::array({"boolean", "null"})}}}}}}},
      {"MemoryUpdate",
       {{"type", "object"},
        {"required", Json::array({"text"})},
        {"properties",
         {{"text", string}, {"metadata", {{"type", Json::array({"object", "null"})}}}}}}},
      {"SearchRequest",
       {{"type", "object"},
        {"required", Json::array({"query"})},
        {"description", "one of user_id, agent_id, run_id is required"},
        {"properties",
         {{"query", string},
          {"user_id", nullable_string},
          {"agent_id", nullable_string},
          {"run_id", nullable_string},
          {"filters", {{"type", Json::array({"object", "null"})}}},
          {"limit", {{"type", "integer"}, {"minimum", 1}}},
          {"threshold", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}}}}}},
      {"MemoryItem",
       {{"type", "object"},
        {"required", Json::array({"id", "memory", "hash", "metadata", "created_at", "updated_at"})},
        {"properties",
         {{"id", string},
          {"memory", string},
          {"hash", string},
          {"metadata", object},
          {"score", {{"type", "number"}}},
          {"created_at", string},
          {"updated_at", nullable_string},
          {"user_id", string},
          {"agent_id", string},
          {"run_id", string},
          {"actor_id", string},
          {"role", string}}}}},
      {"Relation",
       {{"type", "object"},
        {"properties", {{"source", string}, {"relationship", string}, {"destination", string}}}}},
      {"AddResult",
       {{"type", "object"},
        {"properties",
         {{"results",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"id", string},
                {"memory", string},
                {"event", {{"enum", Json::array({"ADD", "UPDATE", "DELETE", "NONE"})}}},
                {"previous_memory", string}}}}}}},
          {"relations", object}}}}},
      {"MemoryList",
       {{"type", "object"},
        {"properties",
         {{"results", {{"type", "array"}, {"items", Ref("MemoryItem")}}},
          {"relations", {{"type", "array"}, {"items", Ref("Relation")}}},
          {"next_token", string}}}}},
      {"GraphNode",
       {{"type", "object"},
        {"required", Json::array({"id", "kind", "label"})},
        {"properties",
         {{"id", string},
          {"kind", {{"enum", Json::array({"memory", "entity"})}}},
          {"label", string},
          {"created_at", string},
          {"updated_at", nullable_string},
          {"entity_type", string}}}}},
      {"GraphEdge",
       {{"type", "object"},
        {"required", Json::array({"id", "source", "target", "kind", "label"})},
        {"properties",
         {{"id", string},
          {"source", string},
          {"target", string},
          {"kind", {{"enum", Json::array({"mentions", "relation"})}}},
          {"label", string}}}}},
      {"Graph",
       {{"type", "object"},
        {"required", Json::array({"nodes", "edges", "truncated"})},
        {"properties",
         {{"nodes", {{"type", "array"}, {"items", Ref("GraphNode")}}},
          {"edges", {{"type", "array"}, {"items", Ref("GraphEdge")}}},
          {"truncated", {{"type", "boolean"}}}}}}},
      {"HistoryEntry",
       {{"type", "object"},
        {"properties",
         {{"id", string},
          {"memory_id", string},
          {"old_memory", nullable_string},
          {"new_memory", nullable_string},
          {"event", {{"enum", Json::array({"ADD", "UPDATE", "DELETE"})}}},
          {"created_at", string},
          {"updated_at", nullable_string},
          {"is_deleted", {{"type", "boolean"}}}}}}},
  };

  Json list_params = ScopeParams();
  list_params.push_back(
      QueryParam("limit", {{"type", "integer"}, {"minimum", 1}}, "page size (default 100)"));
  list_params.push_back(QueryParam("next_token", string, "next_token of the previous page"));

  Json graph_params = ScopeParams();
  graph_params.push_back(QueryParam("limit",
                                    {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}},
                                    "memories drawn, oldest first (default 200)"));

  Json updated = Message("Memory updated successfully!");
  updated["properties"]["result"] = Ref("MemoryItem");
  Json deleted_all = Message("All relevant memories deleted");
  deleted_all["properties"]["deleted"] = {{"type", "integer"}};

  Json paths = {
      {"/memories",
       {{"post", Operation("add_memory", "Store messages as memories",
                           Reply("what was added", Ref("AddResult")), Errors({400, 401, 413, 503}),
                           Json::array(), Ref("MemoryCreate"))},
        {"get",
         Operation("get_all_memories", "The scope's memories, oldest first, a page at a time",
                   Reply("a page", Ref("MemoryList")), Errors({400, 401, 503}), list_params)},
        {"delete",
         Operation("delete_all_memories", "Delete every memory of the scope",
                   Reply("how many", deleted_all), Errors({400, 401, 503}), ScopeParams())}}},
      {"/memories/{memory_id}",
       {{"get", Operation("get_memory", "One memory", Reply("the memory", Ref("MemoryItem")),
                          Errors({401, 404, 503}), IdParam())},
        {"put", Operation("update_memory", "Change a memory's text (and metadata)",
                          Reply("the updated memory", updated), Errors({400, 401, 404, 413, 503}),
                          IdParam(), Ref("MemoryUpdate"))},
        {"delete", Operation("delete_memory", "Delete a memory",
                             Reply("deleted", Message("Memory deleted successfully")),
                             Errors({401, 404, 503}), IdParam())}}},
      {"/memories/{memory_id}/history",
       {{"get", Operation("memory_history", "A memory's ADD / UPDATE / DELETE trail, oldest first",
                          Reply("the trail", {{"type", "array"}, {"items", Ref("HistoryEntry")}}),
                          Errors({401, 503}), IdParam())}}},
      {"/search",
       {{"post", Operation("search_memories", "The scope's memories that best match the query",
                           Reply("best first", Ref("MemoryList")), Errors({400, 401, 413, 503}),
                           Json::array(), Ref("SearchRequest"))}}},
      {"/reset",
       {{"post", Operation("reset", "Delete every memory, relation and history record",
                           Reply("done", Message("Reset all memories")), Errors({401, 503}))}}},
      {"/mcp",
       {{"post",
         Operation("mcp", "MCP streamable HTTP transport: one JSON-RPC message per POST",
                   {{"description", "the JSON-RPC reply (202 with no body for a notification)"},
                    {"content", JsonContent({{"type", "object"}})}},
                   Errors({400, 401}), Json::array(), {{"type", "object"}})}}},
      {"/health",
       {{"get",
         {{"operationId", "health"},
          {"summary", "Liveness (no API key needed)"},
          {"security", Json::array()},
          {"responses",
           {{"200", Reply("up", {{"type", "object"},
                                 {"properties", {{"status", {{"const", "ok"}}}}}})}}}}}}},
      {"/metrics",
       {{"get", Operation("metrics", "Prometheus text exposition",
                          {{"description", "metrics"},
                           {"content", {{"text/plain", {{"schema", string}}}}}},
                          Errors({401}))}}},
      {"/graph",
       {{"get", Operation("memory_graph",
                          "The scope's memories, the entities they mention and their relations",
                          Reply("nodes and edges", Ref("Graph")), Errors({400, 401, 503}),
                          graph_params)}}},
      {"/", PageFile("page",
                     "The page: lists, searches and draws a scope's memories "
                     "(/?user_id=U opens on that user's)",
                     "text/html")},
      {"/page.js", PageFile("page_script", "The page's script", "text/javascript")},
      {"/page.css", PageFile("page_style", "The page's style sheet", "text/css")},
      {"/favicon.svg", PageFile("page_icon", "The page's icon", "image/svg+xml")},
      {"/openapi.json",
       {{"get",
         Operation("openapi", "This document", Reply("OpenAPI 3.1", object), Errors({401}))}}},
  };

  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "mem0 REST API (mem0-cpp)"},
            {"version", "1.0.0"},
            {"description",
             "mem0's memory server: errors are {\"detail\": \"...\"}; 404 and 405 for unknown "
             "routes and methods."}}},
          {"paths", std::move(paths)},
          {"components",
           {{"schemas", std::move(schemas)},
            {"securitySchemes",
             {{"ApiKeyHeader", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}},
              {"BearerAuth", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace

std::string OpenApiJson() {
  static const std::string document = BuildDocument().dump();
  return document;
}

}  // namespace mem0::server
