"""Drives `mem0 serve` with only the standard library (http.client + json),
as any mem0 REST client would: every route with mem0's shapes, scope
isolation, paging, history, a bad-input table, the API key, /metrics and
/openapi.json. Usage: rest_client_check.py HOST PORT API_KEY. Exit 1 and a
list of failures when anything is off."""
import http.client
import json
import sys

HOST, PORT, KEY = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ENGINE = sys.argv[4] if len(sys.argv) > 4 else "sqlite"
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
    return condition


def call(method, path, body=None, raw=None, headers=None, key=KEY):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    h = {} if headers is None else dict(headers)
    if key is not None:
        h["X-API-Key"] = key
    data = raw if raw is not None else (None if body is None else json.dumps(body))
    if data is not None:
        h.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=h)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may answer before reading a body it refuses
    resp = conn.getresponse()
    text = resp.read().decode()
    conn.close()
    ctype = resp.getheader("Content-Type", "")
    parsed = json.loads(text) if ctype.startswith("application/json") else text
    return resp.status, parsed


def ok(method, path, body=None):
    status, reply = call(method, path, body)
    check(status == 200, f"{method} {path}: status {status}: {reply}")
    return reply


# Health needs no key.
status, reply = call("GET", "/health", key=None)
check(status == 200 and reply == {"status": "ok"}, f"health: {status} {reply}")

# Add: mem0's shapes, three memories for alice, one for bob.
added = ok("POST", "/memories", {
    "messages": [{"role": "user", "content": "I love Thai food"},
                 {"role": "assistant", "content": "Noted, Thai food it is"}],
    "user_id": "alice", "metadata": {"topic": "food"}, "infer": False})
check(len(added["results"]) == 2 and added["results"][0]["event"] == "ADD", f"add: {added}")
check(added["relations"] == {"added_entities": [], "deleted_entities": []}, f"add relations: {added}")
mid = added["results"][0]["id"]
ok("POST", "/memories", {"messages": [{"role": "user", "content": "My sister lives in Oslo"}],
                         "user_id": "alice", "agent_id": None})
ok("POST", "/memories", {"messages": [{"role": "user", "content": "Bob also loves Thai food"}],
                         "user_id": "bob"})

item = ok("GET", f"/memories/{mid}")
check(item["memory"] == "I love Thai food" and item["metadata"] == {"topic": "food"}
      and item["user_id"] == "alice" and "hash" in item and "created_at" in item, f"get: {item}")

# get_all with paging.
page = ok("GET", "/memories?user_id=alice&limit=2")
check(len(page["results"]) == 2 and "next_token" in page, f"page 1: {page}")
rest = ok("GET", "/memories?user_id=alice&limit=2&next_token=" + page.get("next_token", ""))
check(len(rest["results"]) == 1 and "next_token" not in rest, f"page 2: {rest}")
ids = {m["id"] for m in page["results"] + rest["results"]}
check(len(ids) == 3, f"pages overlap: {ids}")
bob = ok("GET", "/memories?user_id=bob")
check([m["memory"] for m in bob["results"]] == ["Bob also loves Thai food"], f"bob: {bob}")

# Search: scope isolation and limit.
found = ok("POST", "/search", {"query": "Thai food", "user_id": "alice", "limit": 1})
check(len(found["results"]) == 1 and found["results"][0]["user_id"] == "alice"
      and "score" in found["results"][0] and isinstance(found["relations"], list),
      f"search: {found}")
found = ok("POST", "/search", {"query": "Thai food", "user_id": "bob", "threshold": 0.0,
                               "filters": {}})
check(all(m["user_id"] == "bob" for m in found["results"]) and found["results"], f"bob: {found}")

# Update, delete, history.
updated = ok("PUT", f"/memories/{mid}", {"text": "I love Thai and Lao food"})
check(updated.get("message") == "Memory updated successfully!"
      and updated["result"]["memory"] == "I love Thai and Lao food", f"update: {updated}")
deleted = ok("DELETE", f"/memories/{mid}")
check(deleted == {"message": "Memory deleted successfully"}, f"delete: {deleted}")
history = ok("GET", f"/memories/{mid}/history")
check([h["event"] for h in history] == ["ADD", "UPDATE", "DELETE"]
      and history[2]["is_deleted"] is True and history[1]["old_memory"] == "I love Thai food",
      f"history: {history}")
status, reply = call("GET", f"/memories/{mid}")
check(status == 404 and reply == {"detail": "Memory not found"}, f"get deleted: {status} {reply}")

# Bad input: (method, path, body or raw text, status, words in the detail).
big = json.dumps({"query": "x" * (2 * 1024 * 1024), "user_id": "alice"})
table = [
    ("POST", "/memories", "{not json", 400, "malformed"),
    ("POST", "/memories", "[1, 2]", 400, "object"),
    ("POST", "/memories", "[" * 10000 + "]" * 10000, 400, ""),
    ("POST", "/memories", {"user_id": "alice"}, 400, "messages"),
    ("POST", "/memories", {"messages": "hi", "user_id": "alice"}, 400, "messages"),
    ("POST", "/memories", {"messages": [{"role": "user", "content": 5}], "user_id": "a"}, 400,
     "messages[0].content"),
    ("POST", "/memories", {"messages": [{"role": "user", "content": "x"}], "user_id": 7}, 400,
     "user_id: expected a string"),
    ("POST", "/memories", {"messages": [{"role": "user", "content": "x"}]}, 400, "user_id"),
    ("POST", "/memories", {"messages": [{"role": "user", "content": "x"}], "user_id": "a",
                           "metadata": [1]}, 400, "metadata"),
    ("POST", "/memories", {"messages": [{"role": "user", "content": "x"}], "user_id": "a",
                           "infer": "yes"}, 400, "infer"),
    ("POST", "/search", {"user_id": "alice"}, 400, "query"),
    ("POST", "/search", {"query": "x"}, 400, "user_id"),
    ("POST", "/search", {"query": "x", "user_id": "a", "limit": "3"}, 400, "limit"),
    ("POST", "/search", {"query": "x", "user_id": "a", "limit": 0}, 400, "limit"),
    ("POST", "/search", {"query": "x", "user_id": "a", "threshold": 2}, 400, "threshold"),
    ("POST", "/search", {"query": "x", "user_id": "a", "filters": "f"}, 400, "filters"),
    ("POST", "/search", big, 413, "limit"),
    ("GET", "/memories", None, 400, "user_id"),
    ("GET", "/memories?user_id=a&limit=abc", None, 400, "limit"),
    ("GET", "/memories?user_id=a&next_token=forged", None, 400, "page_token"),
    ("DELETE", "/memories", None, 400, "user_id"),
    ("PUT", "/memories/no-such-id", {"text": "x"}, 404, "Memory not found"),
    ("PUT", "/memories/no-such-id", {"text": 3}, 400, "text"),
    ("PUT", "/memories/no-such-id", {}, 400, "text"),
    ("DELETE", "/memories/no-such-id", None, 404, "Memory not found"),
    ("GET", "/memories/no-such-id", None, 404, "Memory not found"),
    ("GET", "/nowhere", None, 404, "Not Found"),
    ("GET", "/memories/a/b/c", None, 404, "Not Found"),
    ("GET", "/search", None, 405, "Method Not Allowed"),
    ("DELETE", "/reset", None, 405, "Method Not Allowed"),
    ("POST", "/memories/x/history", "{}", 405, "Method Not Allowed"),
]
for method, path, body, want, words in table:
    raw = body if isinstance(body, str) else None
    status, reply = call(method, path, None if raw is not None else body, raw=raw)
    check(status == want and isinstance(reply, dict) and set(reply) == {"detail"}
          and words in reply["detail"],
          f"{method} {path} {str(body)[:80]}: want {want} '{words}', got {status} {str(reply)[:200]}")

# The API key: missing, wrong, and right in both headers.
for headers, key, want in [({}, None, 401), ({}, "wrong", 401),
                           ({"Authorization": "Bearer wrong"}, None, 401),
                           ({"Authorization": "Basic " + KEY}, None, 401),
                           ({"Authorization": "Bearer " + KEY}, None, 200), ({}, KEY, 200)]:
    status, reply = call("GET", "/memories?user_id=bob", headers=headers, key=key)
    check(status == want, f"key {headers} {key is not None}: {status} {reply}")
    if want == 401:
        check(reply == {"detail": "missing or invalid API key"} and KEY not in json.dumps(reply),
              f"401 body: {reply}")

# GET /graph: the scope's memories as nodes (no relations without an LLM).
graph = ok("GET", "/graph?user_id=alice")
listed = ok("GET", "/memories?user_id=alice")["results"]
check(set(graph) == {"nodes", "edges", "truncated"} and graph["edges"] == []
      and sorted(n["id"] for n in graph["nodes"]) == sorted(m["id"] for m in listed)
      and all(n["kind"] == "memory" for n in graph["nodes"]) and graph["truncated"] is False,
      f"graph: {graph}")
check(len(ok("GET", "/graph?user_id=alice&limit=1")["nodes"]) == 1, "graph limit")
check(ok("GET", "/graph?user_id=alice&limit=1")["truncated"] is True, "graph truncated")
for path, words in [("/graph", "user_id"), ("/graph?user_id=alice&limit=0", "limit"),
                    ("/graph?user_id=alice&limit=1001", "limit")]:
    status, reply = call("GET", path)
    check(status == 400 and words in reply.get("detail", ""), f"{path}: {status} {reply}")
check(call("GET", "/graph?user_id=alice", key=None)[0] == 401, "graph needs the key")

# The page's files load without a key, under a strict CSP, and revalidate.
for path, ctype in [("/", "text/html"), ("/page.js", "text/javascript"), ("/page.css", "text/css"),
                    ("/favicon.svg", "image/svg+xml")]:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    csp = resp.getheader("Content-Security-Policy", "")
    etag = resp.getheader("ETag", "")
    check(resp.status == 200 and resp.getheader("Content-Type", "").startswith(ctype) and body
          and "default-src 'none'" in csp and "script-src 'self'" in csp
          and "unsafe-inline" not in csp and resp.getheader("Cache-Control") == "no-cache"
          and resp.getheader("X-Content-Type-Options") == "nosniff" and etag,
          f"page file {path}: {resp.status} {resp.getheaders()}")
    conn.request("GET", path, headers={"If-None-Match": etag})
    resp = conn.getresponse()
    check(resp.status == 304 and resp.read() == b"", f"page file {path} revalidated: {resp.status}")
    conn.close()

# delete_all and reset.
gone = ok("DELETE", "/memories?user_id=alice")
check(gone == {"message": "All relevant memories deleted", "deleted": 2}, f"delete_all: {gone}")
check(ok("GET", "/memories?user_id=alice")["results"] == [], "alice left")
check(len(ok("GET", "/memories?user_id=bob")["results"]) == 1, "bob kept")
check(ok("POST", "/reset") == {"message": "Reset all memories"}, "reset")
check(ok("GET", "/memories?user_id=bob")["results"] == [], "bob after reset")

# OpenAPI lists exactly the served routes; each answers (not 404 Not Found / 405).
spec = ok("GET", "/openapi.json")
check(spec.get("openapi", "").startswith("3.1"), "openapi version")
served = {("/memories", "get"), ("/memories", "post"), ("/memories", "delete"),
          ("/memories/{memory_id}", "get"), ("/memories/{memory_id}", "put"),
          ("/memories/{memory_id}", "delete"), ("/memories/{memory_id}/history", "get"),
          ("/search", "post"), ("/reset", "post"), ("/health", "get"), ("/metrics", "get"),
          ("/openapi.json", "get"), ("/mcp", "post"), ("/graph", "get"), ("/", "get"),
          ("/page.js", "get"), ("/page.css", "get"), ("/favicon.svg", "get")}
documented = {(p, m) for p, ops in spec["paths"].items() for m in ops}
check(documented == served, f"openapi routes: {sorted(documented ^ served)}")
for path, method in sorted(documented):
    if path == "/reset":
        continue
    status, reply = call(method.upper(), path.replace("{memory_id}", "some-id"), raw="{}"
                         if method in ("post", "put") else None)
    check(status not in (405,) and not (status == 404 and reply == {"detail": "Not Found"}),
          f"documented {method} {path} not served: {status}")

# MCP's streamable HTTP transport on /mcp: the same memories as tools.
mcp_headers = {"Accept": "application/json, text/event-stream"}
status, reply = call("POST", "/mcp", {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                      "params": {"protocolVersion": "2025-06-18",
                                                 "capabilities": {},
                                                 "clientInfo": {"name": "check", "version": "1"}}},
                     headers=mcp_headers)
check(status == 200 and reply.get("result", {}).get("protocolVersion") == "2025-06-18",
      f"mcp initialize: {status} {reply}")
status, reply = call("POST", "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"},
                     headers=mcp_headers)
check(status == 202, f"mcp initialized notification: {status}")
status, reply = call("POST", "/mcp", {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                     headers=mcp_headers)
names = {t["name"] for t in reply.get("result", {}).get("tools", [])} if status == 200 else set()
check("search_memories" in names and "add_memory" in names, f"mcp tools/list: {status} {names}")
status, reply = call("POST", "/mcp", {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                                      "params": {"name": "add_memory",
                                                 "arguments": {"user_id": "carol",
                                                               "text": "Carol keeps bees"}}},
                     headers=mcp_headers)
check(status == 200 and not reply.get("result", {}).get("isError", True),
      f"mcp add_memory: {status} {reply}")
check(ok("GET", "/memories?user_id=carol")["results"][0]["memory"] == "Carol keeps bees",
      "mcp add visible over REST")
status, _ = call("POST", "/mcp", {"jsonrpc": "2.0", "id": 4, "method": "tools/list"},
                 headers=mcp_headers, key="wrong")
check(status == 401, f"mcp without the key: {status}")

# Metrics count what was served.
status, metrics = call("GET", "/metrics")
check(status == 200 and isinstance(metrics, str), f"metrics: {status}")
lines = metrics.splitlines()


def counter(route, method, code):
    prefix = f'mem0_http_requests_total{{route="{route}",method="{method}",status="{code}"}} '
    return sum(float(l[len(prefix):]) for l in lines if l.startswith(prefix))


check(counter("/memories", "POST", 200) == 3, f"POST /memories 200 count: {metrics[:2000]}")
check(counter("/search", "POST", 413) == 1, "413 counted")
check(counter("unmatched", "GET", 404) >= 1, "unmatched counted")
check(any(l.startswith('mem0_http_request_duration_seconds_bucket{route="/search",le="+Inf"}')
          for l in lines), "latency histogram")
check(any(l.startswith("process_resident_memory_bytes ") for l in lines), "process figures")
check(KEY not in metrics, "key not in metrics")


def total(name):
    return sum(float(l.rsplit(" ", 1)[1]) for l in lines if l.startswith(name + "{") or
               l.startswith(name + " "))


# Storage figures: DynamoDB requests, retries and consumed capacity by
# operation; SQLite lock waits.
check(any(l.startswith("mem0_sqlite_busy_waits_total ") for l in lines), "sqlite busy waits")
check(any(l.startswith("# TYPE mem0_dynamodb_retries_total counter") for l in lines),
      "dynamodb retries")
if ENGINE == "dynamodb":
    check(total("mem0_dynamodb_requests_total") > 10, f"dynamodb requests: {metrics[-3000:]}")
    check(any(l.startswith('mem0_dynamodb_requests_total{operation="Query"} ') for l in lines),
          "requests by operation")
    check(total("mem0_dynamodb_consumed_capacity_units_total") > 0, "consumed capacity")
else:
    check(total("mem0_dynamodb_requests_total") == 0, "no dynamodb requests on sqlite")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("OK")
