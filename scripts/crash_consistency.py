#!/usr/bin/env python3
"""Crash consistency: kill -9 the mem0 CLI at random points, then check.

Usage: crash_consistency.py MEM0 [--engine sqlite|dynamodb] [--endpoint-url U]
                            [--runs N] [--seed S]

Each run starts one write with the CLI and sends SIGKILL after a random delay
(often mid-write, sometimes after it finished): conversation store of an
overflowing conversation, append, graph relate, delete-node of a node with 60
edges, memory add and memory delete. Whatever exited 0 before the kill is
acknowledged. Afterwards:
  - every acknowledged conversation reads back whole, with every acknowledged
    append;
  - every acknowledged memory is there unless an acknowledged delete removed
    it, and deleted ones are gone;
  - `graph check --repair` then `graph check` finds nothing, and so does
    `conversation check` after `--repair`;
  - (DynamoDB) no overflow part of a deleted conversation is left.
Prints one summary line of JSON; exits 1 on any violation.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mem0")
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "dynamodb"])
    parser.add_argument("--endpoint-url", default="")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    workdir = tempfile.mkdtemp(prefix="mem0-crash-")
    run_id = uuid.uuid4().hex[:8]

    base = [args.mem0]
    if args.engine == "sqlite":
        base += ["--db", os.path.join(workdir, "crash.db")]
    else:
        conv, graph = f"CrashConv-{run_id}", f"CrashGraph-{run_id}"
        base += ["--engine", "dynamodb", "--endpoint-url", args.endpoint_url,
                 "--conversation-table", conv, "--graph-table", graph]
        env = os.environ
        env.setdefault("AWS_ACCESS_KEY_ID", "AKIDCRASH")
        env.setdefault("AWS_SECRET_ACCESS_KEY", "crash")
        env.setdefault("AWS_REGION", "us-east-1")
        subprocess.run(base + ["tables", "create"], check=True, capture_output=True)

    def run(argv, stdin=None, check=True):
        done = subprocess.run(base + argv, input=stdin, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise SystemExit(f"{argv}: exit {done.returncode}: {done.stderr}")
        return done

    def killed_run(argv, stdin=None):
        """Runs argv, SIGKILLs it after a random delay; stdout if it exited 0 first."""
        child = subprocess.Popen(base + argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        if stdin is not None:
            try:
                child.stdin.write(stdin)
            except BrokenPipeError:
                pass
        try:
            child.stdin.close()
        except BrokenPipeError:
            pass
        child.stdin = None  # closed: communicate() must not touch it
        deadline = time.monotonic() + rng.uniform(0, 0.25)
        while time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.002)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        return out if child.returncode == 0 else None

    big = lambda tag: json.dumps([{"role": "user", "content": tag + " " +
                                   "".join(rng.choice("abcdefghij") for _ in range(450000))}])
    conversations = {}  # id -> list of acknowledged message contents, in order
    deleted_conversations = []
    memories, deleted_memories = {}, set()
    stats = {"runs": 0, "acknowledged": 0, "killed": 0}

    # A hub node with 60 edges per delete-node round, and plain nodes to relate.
    run(["graph", "add-node", "--id", "anchor", "--content", "anchor"])
    hubs = []

    def new_hub():
        hub = f"hub-{uuid.uuid4().hex[:8]}"
        run(["graph", "add-node", "--id", hub, "--content", hub])
        for i in range(60):
            leaf = f"{hub}-leaf{i}"
            run(["graph", "add-node", "--id", leaf, "--content", leaf])
            run(["graph", "relate", "--from", hub, "--to", leaf, "--type", "HAS"])
        hubs.append(hub)

    ops = ["store", "append", "relate", "delete-node", "add", "delete", "delete-conversation"]
    for n in range(args.runs):
        op = ops[n % len(ops)] if n < len(ops) else rng.choice(ops)
        stats["runs"] += 1
        out = None
        if op == "store":
            messages = big(f"c{n}")
            out = killed_run(["conversation", "store", "--user", "crash"], messages)
            if out:
                conversations[json.loads(out)["conversation_id"]] = [json.loads(messages)[0]["content"]]
        elif op == "append" and conversations:
            cid = rng.choice(sorted(conversations))
            text = f"appended {n}"
            out = killed_run(["conversation", "append", "--user", "crash", "--id", cid],
                             json.dumps([{"role": "user", "content": text}]))
            if out is not None:
                conversations[cid].append(text)
            else:
                # Killed: the append may or may not have landed; learn which.
                got = json.loads(run(["conversation", "get", "--user", "crash", "--id", cid]).stdout)
                if got["messages"][-1]["content"] == text:
                    conversations[cid].append(text)
        elif op == "delete-conversation" and conversations:
            cid = rng.choice(sorted(conversations))
            out = killed_run(["conversation", "delete", "--user", "crash", "--id", cid])
            if out is not None:
                deleted_conversations.append(cid)
                del conversations[cid]
            else:
                # As a user would: run the delete again until it is done (a
                # retry that finds it gone says NotFound).
                run(["conversation", "delete", "--user", "crash", "--id", cid], check=False)
                deleted_conversations.append(cid)
                del conversations[cid]
        elif op == "relate":
            out = killed_run(["graph", "relate", "--from", "anchor", "--to", "anchor",
                              "--type", f"T{n % 5}"])
        elif op == "delete-node":
            if not hubs:
                new_hub()
            out = killed_run(["graph", "delete-node", "--node", hubs[-1]])
            if out is not None:
                hubs.pop()
        elif op == "add":
            text = f"fact number {n} about crash testing"
            out = killed_run(["add", "--user", "crash", "--no-infer", text])
            if out:
                for event in json.loads(out)["results"]:
                    memories[event["id"]] = text
        elif op == "delete" and memories:
            mid = rng.choice(sorted(memories))
            out = killed_run(["delete", mid])
            # A killed delete may have landed: then it must stay deleted.
            if out is not None or run(["get", mid], check=False).returncode != 0:
                deleted_memories.add(mid)
                del memories[mid]
        stats["acknowledged" if out is not None else "killed"] += 1

    problems = []
    for cid, contents in conversations.items():
        got = run(["conversation", "get", "--user", "crash", "--id", cid], check=False)
        if got.returncode != 0:
            problems.append(f"acknowledged conversation {cid} unreadable: {got.stderr.strip()}")
            continue
        have = [m["content"] for m in json.loads(got.stdout)["messages"]]
        if have[:1] != contents[:1] or [c for c in have if c in contents] != contents:
            problems.append(f"conversation {cid}: acknowledged messages missing")
    for mid, text in memories.items():
        got = run(["get", mid], check=False)
        if got.returncode != 0 or json.loads(got.stdout)["memory"] != text:
            problems.append(f"acknowledged memory {mid} missing")
    for mid in deleted_memories:
        if run(["get", mid], check=False).returncode == 0:
            problems.append(f"deleted memory {mid} still there")
    run(["graph", "check", "--repair"], check=False)
    check = json.loads(run(["graph", "check"]).stdout)
    if check["problems"]:
        problems.append(f"graph check after repair: {check['problems'][:3]}")
    # Parts of stores killed before their head: the sweep removes them all.
    run(["conversation", "check", "--user", "crash", "--repair", "--min-age-seconds", "0"])
    sweep = json.loads(run(["conversation", "check", "--user", "crash"]).stdout)
    if sweep["orphaned_parts"]:
        problems.append(f"orphaned overflow parts after repair: {sweep}")
    if args.engine == "dynamodb":
        for cid in deleted_conversations:
            query = {"TableName": conv, "KeyConditionExpression": "user_id = :p AND begins_with(conversation_id, :c)",
                     "ExpressionAttributeValues": {":p": {"S": "mem0#parts#crash"}, ":c": {"S": cid + "#"}}}
            left = json.loads(run(["ddb", "Query", json.dumps(query)]).stdout)
            if left.get("Count", 0):
                problems.append(f"deleted conversation {cid}: {left['Count']} overflow parts left")
        run(["tables", "delete", "--yes"], check=False)

    stats.update({"engine": args.engine, "seed": args.seed, "conversations": len(conversations),
                  "memories": len(memories), "deleted_conversations": len(deleted_conversations),
                  "problems": problems[:10], "problem_count": len(problems)})
    print(json.dumps(stats))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
