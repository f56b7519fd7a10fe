// Drives `mem0 --config CONFIG mcp --user alice` with the official MCP
// TypeScript SDK over stdio: lists the tools, calls each one, checks the
// results and that another user's id is refused. Prints OK, or an error and
// exits 1.
//   node tests/mcp/sdk_check.mjs <mem0 binary> <config file>
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [mem0, config] = process.argv.slice(2);
if (!mem0 || !config) {
  console.error("usage: sdk_check.mjs <mem0 binary> <config file>");
  process.exit(2);
}

const transport = new StdioClientTransport({
  command: mem0,
  args: ["--config", config, "mcp", "--user", "alice"],
  stderr: "inherit",
});
const client = new Client({ name: "mem0-sdk-check", version: "1.0.0" });

async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  assert.ok(Array.isArray(result.content), `${name}: content`);
  assert.equal(result.content[0].type, "text", `${name}: text content`);
  if (result.isError) return { error: result.content[0].text };
  assert.deepEqual(JSON.parse(result.content[0].text),
                   name === "memory_history" ? result.structuredContent.results
                                             : result.structuredContent,
                   `${name}: text and structuredContent agree`);
  return result.structuredContent;
}

async function ok(name, args) {
  const result = await call(name, args);
  assert.ok(!result.error, `${name} failed: ${result.error}`);
  return result;
}

try {
  await client.connect(transport);
  assert.equal(client.getServerVersion().name, "mem0-cpp");
  assert.deepEqual(client.getServerCapabilities().tools, { listChanged: false });
  await client.ping();

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  assert.deepEqual(names, ["add_memory", "delete_memory", "get_memory", "list_memories",
                           "memory_history", "related_memories", "search_memories",
                           "update_memory"]);
  for (const tool of tools) assert.equal(tool.inputSchema.type, "object", tool.name);

  const added = await ok("add_memory", { text: "I love Thai food", metadata: { topic: "food" } });
  assert.equal(added.results.length, 1);
  assert.equal(added.results[0].event, "ADD");
  const id = added.results[0].id;
  await ok("add_memory", {
    messages: [{ role: "user", content: "My sister lives in Oslo" }],
    infer: false,
  });

  const found = await ok("search_memories", { query: "Thai food", limit: 1 });
  assert.equal(found.results.length, 1);
  assert.equal(found.results[0].id, id);
  assert.equal(found.results[0].user_id, "alice");

  const page = await ok("list_memories", { limit: 1 });
  assert.equal(page.results.length, 1);
  assert.ok(page.next_token, "list_memories: next_token");
  const rest = await ok("list_memories", { limit: 10, next_token: page.next_token });
  assert.equal(rest.results.length, 1);

  const got = await ok("get_memory", { memory_id: id });
  assert.equal(got.memory, "I love Thai food");
  assert.equal(got.metadata.topic, "food");

  const updated = await ok("update_memory", { memory_id: id, text: "I love Thai and Lao food" });
  assert.equal(updated.result.memory, "I love Thai and Lao food");

  const history = await ok("memory_history", { memory_id: id });
  assert.deepEqual(history.results.map((h) => h.event), ["ADD", "UPDATE"]);

  const related = await ok("related_memories", { memory_id: id });
  assert.equal(related.memory_id, id);
  assert.ok(Array.isArray(related.results) && Array.isArray(related.relations));

  // Another user's scope is refused.
  const refused = await call("search_memories", { query: "Thai", user_id: "bob" });
  assert.ok(refused.error, "user_id bob must be refused");
  const refusedAdd = await call("add_memory", { text: "Bob's secret", user_id: "bob" });
  assert.ok(refusedAdd.error, "add for bob must be refused");

  await ok("delete_memory", { memory_id: id });
  const gone = await call("get_memory", { memory_id: id });
  assert.ok(gone.error, "deleted memory must be gone");

  // Protocol errors surface as JSON-RPC errors.
  await assert.rejects(client.callTool({ name: "no_such_tool", arguments: {} }));

  await client.close();
  console.log("OK");
} catch (e) {
  console.error(e);
  await client.close().catch(() => {});
  process.exit(1);
}
