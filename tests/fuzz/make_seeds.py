#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (valid inputs and
edge cases). Run from the repository root; the files are kept in the repo,
so this only needs running again when the seeds change."""
import base64
import hashlib
import json
import os
import pathlib

root = pathlib.Path(__file__).resolve().parent / "corpus"


def write(target, seeds):
    folder = root / target
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for i, seed in enumerate(seeds):
        # \xNN escapes in str seeds are raw bytes (invalid UTF-8 on purpose);
        # text with characters above U+00FF is written as UTF-8.
        if isinstance(seed, bytes):
            data = seed
        else:
            try:
                data = seed.encode("latin-1")
            except UnicodeEncodeError:
                data = seed.encode()
        (folder / f"seed-{i:03d}").write_bytes(data)


def j(value):
    return json.dumps(value, separators=(",", ":"))


# --- attribute_value_json: items and reply bodies ---------------------------
item = {"pk": {"S": "USER#u"}, "sk": {"S": "CONV#1"}, "n": {"N": "-12.5e3"},
        "b": {"B": base64.b64encode(b"\x00\xff").decode()}, "t": {"BOOL": True},
        "z": {"NULL": True}, "m": {"M": {"a": {"L": [{"S": "x"}, {"N": "1"}]}}},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AA=="]}}
avj = [j(item), j({"S": "text"}), j({"N": "0"}), j({"N": "1E+125"}), j({"N": "-1e-130"}),
       j({"B": ""}), j({"B": "!!"}), j({"M": {}}), j({"L": []}), j({"SS": []}),
       j({"NS": ["01"]}), j({"S": 5}), j({"S": "a", "N": "1"}), j({"BOOL": "true"}),
       j({"NULL": False}), '{"a":{"S":"\\ud83d\\ude00 \\u00e9"}}', '{"a":{"S":"\\ud800"}}',
       '{"a":{"N":"99999999999999999999999999999999999999"}}', '{"a":{"N":"9223372036854775808"}}',
       '{"a":{"N":"-9223372036854775809"}}', '{"a":{"N":"1e400"}}', '[1,2.5,-0,1e-400,true,null]',
       '{"a":1,"a":2}', '"\xc3\xa9"', '"\xc0\xaf"', '"\xed\xa0\x80"', '  {}  ', '{} x', '01', '1.',
       '-', '\xef\xbb\xbf{}', '[' * 130 + ']' * 130, '[' * 60 + ']' * 60,
       j({"m": {"M": {"m": {"M": {"m": {"L": [{"M": {}}]}}}}}}), '{"Item":' + j(item) + '}']
write("attribute_value_json", avj)

# --- client_response: [operation byte][status byte] body --------------------
def reply(op, status, body):
    return bytes([op, status]) + (body if isinstance(body, bytes) else body.encode())

crc = 0x80
cr = [reply(0, 0, j({"Item": item})), reply(0, crc, j({"Item": item, "ConsumedCapacity":
      {"TableName": "t", "CapacityUnits": 0.5}})), reply(0, 0, "{}"), reply(0, 0, j({"Item": 5})),
      reply(1, 0, j({"Attributes": item})), reply(2, 0, j({"Attributes": {"a": {"N": "x"}}})),
      reply(3, 0, ""), reply(4, 0, j({"Items": [item], "Count": 1, "ScannedCount": 1,
      "LastEvaluatedKey": {"pk": {"S": "p"}}})), reply(4, 0, j({"Items": {}, "Count": "1"})),
      reply(5, 0, j({"Items": [], "Count": -1})), reply(6, 0, j({"Responses": {"t": [item]},
      "UnprocessedKeys": {}})), reply(6, 0, j({"Responses": {"t": [item]}, "UnprocessedKeys":
      {"t": {"Keys": [{"pk": {"S": "p"}}]}}})), reply(7, 0, j({"UnprocessedItems": {}})),
      reply(7, 0, j({"UnprocessedItems": {"t": [{"PutRequest": {"Item": item}}]}})),
      reply(8, 0, "{}"), reply(9, 0, j({"Responses": [{"Item": item}, {}]})),
      reply(9, 0, j({"Responses": [1]})), reply(10, 0, j({"Table": {"TableName": "t",
      "TableStatus": "ACTIVE", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
      {"AttributeName": "sk", "KeyType": "RANGE"}], "AttributeDefinitions": [{"AttributeName":
      "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
      "GlobalSecondaryIndexes": [{"IndexName": "g", "KeySchema": [{"AttributeName": "sk",
      "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}, "IndexStatus": "ACTIVE"}],
      "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}, "ItemCount": 3}})),
      reply(11, 0, j({"TableNames": ["a", "b"]})), reply(11, 0, j({"TableNames": ["a"],
      "LastEvaluatedTableName": "a"})), reply(12, 0, j({"TimeToLiveDescription":
      {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}})),
      reply(13, 0, j({"ContinuousBackupsDescription": {"PointInTimeRecoveryDescription":
      {"PointInTimeRecoveryStatus": "ENABLED"}}})),
      reply(1, 4, j({"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
      "message": "The conditional request failed", "Item": item})),
      reply(8, 4, j({"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
      "Message": "cancelled", "CancellationReasons": [{"Code": "None"}, {"Code":
      "ConditionalCheckFailed", "Message": "m", "Item": item}]})),
      reply(8, 4, j({"__type": "x#TransactionCanceledException", "CancellationReasons": 3})),
      reply(0, 4, j({"__type": 5})), reply(0, 4, j({"__type": None, "message": []})),
      reply(0, 4, j({"__type": "x#ThrottlingException"})), reply(0, 6, "<html>oops</html>"),
      reply(0, 7, ""), reply(0, 8, "too large"), reply(0, 0, "not json"), reply(0, 0, "[]"),
      reply(0, crc | 1, j({"Item": {}})), reply(0, 0x40, j({"Item": {"a": {"S": "\\u0000"}}}))]
write("client_response", cr)

# --- page_tokens: [engine byte] user \0 token ---------------------------------
def b64(value):
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()

def user_hash(user):
    return hashlib.sha256(user.encode()).hexdigest()[:16]

tokens = [b64(j({"v": 1, "u": user_hash("u"), "after": "c1"})),
          b64(j({"v": 1, "u": user_hash("u"), "after": ""})),
          b64(j({"v": 1, "u": user_hash("u"), "after": "x" * 1100})),
          b64(j({"v": "x", "after": "a"})), b64(j({"v": 1, "u": 5, "after": "a"})),
          b64(j({"v": 1, "u": "0000000000000000", "after": "a"})),
          b64(j({"v": 1, "c": "2026-01-01T00:00:00+00:00", "id": "m1"})),
          b64(j({"v": 1, "c": 1, "id": "m1"})), b64(j({"v": 1, "c": "", "id": ""})),
          b64("[" * 200 + "]" * 200), b64("\xff\xfe"), b64("{}"), "", "!!!!", "YQ", "YQ==",
          "YQ=", "====", "a" * 3000, "node-7", "\x00", "n\u00e9"]
pt = []
for engine in range(5):
    for token in tokens:
        pt.append(bytes([engine]) + b"u\x00" + token.encode())
pt.append(bytes([0]) + b"\x00" + tokens[0].encode())
pt.append(bytes([2]) + "\u00e9\x00".encode() + tokens[6].encode())
write("page_tokens", pt[::2] + [pt[1], pt[3]])

# --- memory_config -------------------------------------------------------------
mc = ["", "{}", "---\n", "# comment\n",
      "conversation_store:\n  provider: dynamodb\n  config:\n    table_name: T\n"
      "    region: ${REGION}\n    endpoint_url: http://localhost:8000\n"
      "    aws_access_key_id: AKID\n    aws_secret_access_key: ${HOME}\n    ttl_enabled: true\n"
      "    ttl_days: 7\n",
      "graph_store:\n  provider: dynamodb\n  config: {table_name: G, enable_gsi: false, gsi_name: I}\n",
      "conversation_store:\n  provider: sqlite\n  config: {path: ~/data/mem.db, busy_timeout_ms: 500}\n"
      "graph_store:\n  provider: sqlite\n  config: {db_path: /var/lib/g.db}\n",
      "llm:\n  provider: openai\n  config: {model: m, base_url: 'https://x/v1', api_key: ${MISSING},"
      " temperature: 0.2, timeout_s: 45}\n",
      "embedder:\n  provider: openai\n  config: {model: e, dims: 1536, api_key: literal-$${NOT}}\n",
      "search: {bm25_k1: 1.5, bm25_b: 0.5, coordination: 0, vector_weight: 0.7,"
      " query_expansion: false, default_limit: 20, min_score: 0.1}\n",
      j({"version": "v1.1", "conversation_store": {"provider": "dynamodb", "config":
         {"table_name": "C", "use_iam_role": False, "aws_session_token": "Bearer-${NESTED}"}}}),
      "version: v1.1\nunknown: 1\n", "search: {bm25_k1: -1}\n", "search: {default_limit: 1e30}\n",
      "llm: ~\n", "conversation_store: [1, 2]\n", "a: &x [*x]\n", "a: &a {b: *a}\n",
      "!!binary aGVsbG8=\n", "key: \"${\"\n", "key: ${}\n", "x: ${EMPTY}${EMPTY}\n",
      "- - - - - - - - - - - - - - - - - - - -\n", "{" * 100 + "}" * 100, "[" * 500,
      "conversation_store: {provider: dynamodb, config: {endpoint_url: 'ftp://x'}}\n",
      "conversation_store: {provider: dynamodb, config: {ttl_days: 99999999999999999999}}\n",
      "graph_store: {provider: postgres}\n", "\t\x00\xff", "%YAML 1.2\n---\n{}\n...\n"]
write("memory_config", mc)

# --- aws_profile -----------------------------------------------------------------
ap = ["[default]\naws_access_key_id = AKID\naws_secret_access_key = secret\n",
      "[profile dev]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n",
      "[default]\ns3 =\n  max_concurrent_requests = 10\n  signature_version = s3v4\n",
      "[sso-session my]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
      "[profile s]\nsso_session = my\nsso_account_id = 1\nsso_role_name = r\n",
      "# comment\n; comment\n[default] ; trailing\nkey = value ; inline\nkey2 = a#b\n",
      "[  profile   spaced  ]\n  key  =  value  \n", "[default\nkey=value\n", "key=value\n",
      "[]\n=\n", "[default]\nKEY = Upper\nkey = lower\n", "[default]\nvalue\n  continued\n",
      "[default]\nx =\n\tnested = 1\n\tother\n", "[profile a]\n[profile a]\nk=1\n",
      "[services dev]\ndynamodb =\n  endpoint_url = http://localhost:8000\n",
      "[default]\r\nkey = value\r\n", "\xef\xbb\xbf[default]\nk=v\n", "[default]\nk=\xff\xfe\n",
      "[profile]\nk=v\n", "[sso-session]\nk=v\n", "[default]\n=novalue\n", "  \n\t\n[x]\n"]
write("aws_profile", ap)

# --- messages --------------------------------------------------------------------
ms = [j([{"role": "user", "content": "hi"}]),
      j([{"role": "user", "content": "I like tea", "name": "alice"},
         {"role": "assistant", "content": "noted"}]), "[]", "plain text", "", "{}",
      j([{"role": "user"}]), j([{"role": 1, "content": "x"}]), j([{"content": "x"}]),
      j([{"role": "user", "content": ["parts"]}]), j([{"role": "user", "content": None}]),
      j([1, "x"]), j({"role": "user", "content": "x"}), "[" * 300 + "]" * 300,
      j([{"role": "user", "content": "x", "meta": {"a": [[[[1]]]]}}]), "\xff\xfe",
      j([{"role": "user", "content": "\u00e9\U0001F600"}]), "[{\"role\":\"user\",\"content\":\"x\"}",
      j({"topic": "x", "tags": ["a"]}), '"string"', "null", "1e999"]
write("messages", ms)

# --- sigv4: [flags] method \0 url \0 region \0 [service \0] (name \0 value \0)* body
def sig(flags, method, url, region, headers, body="", service=None):
    parts = [method, url, region] + ([service] if service is not None else [])
    for name, value in headers:
        parts += [name, value]
    return bytes([flags]) + "\x00".join(parts).encode() + b"\x00" + body.encode()

host = [("Host", "example.amazonaws.com")]
sg = [sig(0, "GET", "https://example.amazonaws.com/", "us-east-1", host),
      sig(0, "POST", "https://dynamodb.us-east-1.amazonaws.com/", "us-east-1",
          [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.GetItem")],
          '{"TableName":"t"}'),
      sig(1, "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", "us-east-1", host,
          service="service"),
      sig(2, "GET", "https://example.amazonaws.com/example/../..//./path", "us-east-1", host),
      sig(0, "GET", "https://example.amazonaws.com/%E1%88%B4?%E1%88%B4=x&a=", "us-east-1", host),
      sig(0, "GET", "https://example.amazonaws.com/-._~0123456789", "us-east-1",
          [("My-Header1", "  value1  a   b  "), ("my-header1", "value2"), ("X", "multi\n  line")]),
      sig(16, "GET", "http://127.0.0.1:8000/", "local", []),
      sig(16 | 8, "POST", "https://sts.amazonaws.com/", "us-east-1", host, "Action=GetCallerIdentity"),
      sig(4, "PUT", "https://s3.amazonaws.com/bucket/key with space", "us-east-1", host, "body"),
      sig(0, "GET", "https://[::1]:443/", "us-east-1", []),
      sig(0, "GET", "https://EXAMPLE.com:443/A?b=%zz&c", "us-east-1", []),
      sig(0, "", "", "", []), sig(0, "GET", "not a url", "bad\r\nregion", [("", "")]),
      sig(0, "GET", "https://x/?a=1&a=0&A=2&a", "eu-west-1", [("Authorization", "old"),
          ("X-Amz-Date", "old"), ("User-Agent", "ua"), ("Connection", "close")]),
      sig(0, "GET", "https://x/%2F%2f/..%2F", "us-east-1", [("Name\r\nInjected", "v\r\nX: y")]),
      sig(0, "GET", "https://x/" + "a/" * 200, "us-east-1", []),
      sig(0, "GET", "https://user@x:8443/p#frag", "us-east-1", [])]
write("sigv4", sg)
