#!/usr/bin/env python3
"""Checks mem0's CloudFormation template without AWS.

  cfn_check.py validate TEMPLATE [--param K=V ...]
      Parses the YAML, checks the template's structure, and for every
      combination of the TtlEnabled / BillingMode / KmsKey parameters
      (so every Fn::If branch) resolves the intrinsics and checks each
      resource against the documented AWS::DynamoDB::Table property set and
      allowed values. Prints the resources resolved with the default (or
      --param) values as JSON; exits 1 listing every problem.

  cfn_check.py deploy TEMPLATE --endpoint-url URL [--param K=V ...]
      Validates, then creates the resolved tables on that endpoint (DynamoDB
      Local) the way CloudFormation would: CreateTable, then TTL and
      point-in-time recovery. Prints {"tables": [...], "unsupported": [...]}.
"""
import argparse
import itertools
import json
import re
import sys

import yaml

# The documented AWS::DynamoDB::Table property set (CloudFormation template
# reference, AWS::DynamoDB::Table and its property types).
TABLE_PROPERTIES = {
    "AttributeDefinitions", "BillingMode", "ContributorInsightsSpecification",
    "DeletionProtectionEnabled", "GlobalSecondaryIndexes", "ImportSourceSpecification",
    "KeySchema", "KinesisStreamSpecification", "LocalSecondaryIndexes", "OnDemandThroughput",
    "PointInTimeRecoverySpecification", "ProvisionedThroughput", "ResourcePolicy",
    "SSESpecification", "StreamSpecification", "TableClass", "TableName", "Tags",
    "TimeToLiveSpecification", "WarmThroughput",
}
ATTRIBUTE_DEFINITION = {"AttributeName", "AttributeType"}
KEY_SCHEMA = {"AttributeName", "KeyType"}
GLOBAL_SECONDARY_INDEX = {
    "IndexName", "KeySchema", "Projection", "ContributorInsightsSpecification",
    "OnDemandThroughput", "ProvisionedThroughput", "WarmThroughput",
}
PROJECTION = {"NonKeyAttributes", "ProjectionType"}
PROVISIONED_THROUGHPUT = {"ReadCapacityUnits", "WriteCapacityUnits"}
SSE_SPECIFICATION = {"KMSMasterKeyId", "SSEEnabled", "SSEType"}
TIME_TO_LIVE = {"AttributeName", "Enabled"}
POINT_IN_TIME_RECOVERY = {"PointInTimeRecoveryEnabled", "RecoveryPeriodInDays"}
TAG = {"Key", "Value"}

BILLING_MODES = {"PROVISIONED", "PAY_PER_REQUEST"}
ATTRIBUTE_TYPES = {"S", "N", "B"}
KEY_TYPES = {"HASH", "RANGE"}
PROJECTION_TYPES = {"ALL", "KEYS_ONLY", "INCLUDE"}
TABLE_CLASSES = {"STANDARD", "STANDARD_INFREQUENT_ACCESS"}
SSE_TYPES = {"KMS"}
TABLE_ATTRIBUTES = {"Arn", "StreamArn"}  # Fn::GetAtt on AWS::DynamoDB::Table

TEMPLATE_SECTIONS = {
    "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
    "Conditions", "Transform", "Resources", "Outputs",
}
PARAMETER_KEYS = {
    "Type", "Default", "AllowedValues", "AllowedPattern", "ConstraintDescription", "Description",
    "MaxLength", "MaxValue", "MinLength", "MinValue", "NoEcho",
}
RESOURCE_KEYS = {
    "Type", "Properties", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Condition",
    "Metadata",
}
DELETION_POLICIES = {"Delete", "Retain", "RetainExceptOnCreate", "Snapshot"}
PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
}
NAME_PATTERN = re.compile(r"[a-zA-Z0-9_.-]{3,255}")

NO_VALUE = object()


class Problems(list):
    def add(self, where, message):
        self.append(f"{where}: {message}")


def check_keys(value, allowed, where, problems, required=()):
    if not isinstance(value, dict):
        problems.add(where, f"expected an object, got {value!r}")
        return False
    for key in value:
        if key not in allowed:
            problems.add(where, f"{key} is not a documented property here")
    for key in required:
        if key not in value:
            problems.add(where, f"missing required property {key}")
    return True


# --- intrinsic functions -----------------------------------------------------

def resolve(node, params, conditions, template, problems, where):
    """Evaluates Ref / Fn::If / Fn::Equals / Fn::Not / Fn::And / Fn::Or /
    Condition with the given parameter values; GetAtt and resource Refs stay
    symbolic. Returns NO_VALUE for AWS::NoValue."""
    if isinstance(node, list):
        out = []
        for i, item in enumerate(node):
            value = resolve(item, params, conditions, template, problems, f"{where}[{i}]")
            if value is not NO_VALUE:
                out.append(value)
        return out
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (key, arg), = node.items()
        if key == "Ref":
            if arg == "AWS::NoValue":
                return NO_VALUE
            if arg in params:
                return params[arg]
            if arg in template.get("Resources", {}):
                return {"Ref": arg}
            if arg in PSEUDO_PARAMETERS:
                return {"Ref": arg}
            problems.add(where, f"Ref to unknown name {arg}")
            return None
        if key == "Fn::GetAtt":
            if (not isinstance(arg, list) or len(arg) != 2 or
                    arg[0] not in template.get("Resources", {})):
                problems.add(where, f"Fn::GetAtt needs [resource, attribute], got {arg!r}")
            elif arg[1] not in TABLE_ATTRIBUTES:
                problems.add(where, f"AWS::DynamoDB::Table has no attribute {arg[1]}")
            return {"Fn::GetAtt": arg}
        if key == "Fn::If":
            if not isinstance(arg, list) or len(arg) != 3:
                problems.add(where, "Fn::If needs [condition, then, else]")
                return None
            name = arg[0]
            if name not in conditions:
                problems.add(where, f"Fn::If on unknown condition {name}")
                return None
            branch = arg[1] if conditions[name] else arg[2]
            return resolve(branch, params, conditions, template, problems, where)
        if key in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition"):
            return evaluate_condition(node, params, conditions, template, problems, where)
    out = {}
    for key, value in node.items():
        resolved = resolve(value, params, conditions, template, problems, f"{where}.{key}")
        if resolved is not NO_VALUE:
            out[key] = resolved
    return out


def evaluate_condition(node, params, conditions, template, problems, where):
    if not isinstance(node, dict) or len(node) != 1:
        problems.add(where, f"not a condition: {node!r}")
        return False
    (key, arg), = node.items()
    if key == "Condition":
        if arg not in conditions:
            problems.add(where, f"unknown condition {arg}")
            return False
        return conditions[arg]
    if key == "Fn::Equals":
        if not isinstance(arg, list) or len(arg) != 2:
            problems.add(where, "Fn::Equals needs two values")
            return False
        a, b = (resolve(v, params, conditions, template, problems, where) for v in arg)
        return str(a) == str(b)
    if key == "Fn::Not":
        if not isinstance(arg, list) or len(arg) != 1:
            problems.add(where, "Fn::Not needs one condition")
            return False
        return not evaluate_condition(arg[0], params, conditions, template, problems, where)
    if key in ("Fn::And", "Fn::Or"):
        if not isinstance(arg, list) or not 2 <= len(arg) <= 10:
            problems.add(where, f"{key} needs 2 to 10 conditions")
            return False
        values = [evaluate_condition(c, params, conditions, template, problems, where) for c in arg]
        return all(values) if key == "Fn::And" else any(values)
    problems.add(where, f"unsupported condition function {key}")
    return False


def parameter_values(template, overrides, problems):
    params = {}
    for name, spec in template.get("Parameters", {}).items():
        where = f"Parameters.{name}"
        if check_keys(spec, PARAMETER_KEYS, where, problems, required=("Type",)):
            if spec["Type"] not in ("String", "Number"):
                problems.add(where, f"unexpected parameter type {spec['Type']}")
        value = overrides.get(name, spec.get("Default"))
        if value is None:
            problems.add(where, "no Default and no value given")
            continue
        value = str(value) if spec.get("Type") == "String" else value
        if "AllowedValues" in spec and str(value) not in [str(v) for v in spec["AllowedValues"]]:
            problems.add(where, f"value {value!r} not in AllowedValues {spec['AllowedValues']}")
        if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], str(value)):
            problems.add(where, f"value {value!r} does not match {spec['AllowedPattern']}")
        if "MinLength" in spec and len(str(value)) < int(spec["MinLength"]):
            problems.add(where, f"value {value!r} shorter than MinLength")
        if spec.get("Type") == "Number":
            try:
                value = int(value)
            except ValueError:
                problems.add(where, f"value {value!r} is not a number")
                continue
            if "MinValue" in spec and value < int(spec["MinValue"]):
                problems.add(where, f"value {value} below MinValue")
        params[name] = value
    for name in overrides:
        if name not in template.get("Parameters", {}):
            problems.add("--param", f"template has no parameter {name}")
    return params


def condition_refs(node):
    """Names of the conditions a condition refers to through {"Condition": name}."""
    if isinstance(node, list):
        return [r for item in node for r in condition_refs(item)]
    if isinstance(node, dict):
        if set(node) == {"Condition"}:
            return [node["Condition"]]
        return [r for value in node.values() for r in condition_refs(value)]
    return []


def evaluate_conditions(template, params, problems):
    conditions = {}
    pending = dict(template.get("Conditions", {}))
    # Conditions may refer to each other; evaluate in dependency order.
    for _ in range(len(pending) + 1):
        for name in list(pending):
            if all(r in conditions for r in condition_refs(pending[name])):
                conditions[name] = evaluate_condition(
                    pending.pop(name), params, conditions, template, problems, f"Conditions.{name}")
    for name in pending:
        problems.add(f"Conditions.{name}", "depends on an unknown or circular condition")
    return conditions


# --- AWS::DynamoDB::Table checks ---------------------------------------------

def check_key_schema(schema, where, problems):
    if not isinstance(schema, list) or not 1 <= len(schema) <= 2:
        problems.add(where, "KeySchema needs one or two elements")
        return []
    names = []
    for i, element in enumerate(schema):
        w = f"{where}[{i}]"
        if check_keys(element, KEY_SCHEMA, w, problems, required=KEY_SCHEMA):
            if element.get("KeyType") not in KEY_TYPES:
                problems.add(w, f"KeyType {element.get('KeyType')!r} not in {sorted(KEY_TYPES)}")
            names.append(element.get("AttributeName"))
    types = [e.get("KeyType") for e in schema if isinstance(e, dict)]
    if types and (types[0] != "HASH" or types[1:] not in ([], ["RANGE"])):
        problems.add(where, f"KeySchema must be HASH then optional RANGE, got {types}")
    return names


def check_throughput(value, where, problems):
    if check_keys(value, PROVISIONED_THROUGHPUT, where, problems, required=PROVISIONED_THROUGHPUT):
        for key in PROVISIONED_THROUGHPUT:
            if not isinstance(value.get(key), int) or value.get(key) < 1:
                problems.add(where, f"{key} must be a positive integer, got {value.get(key)!r}")


def check_table(name, properties, problems):
    where = f"Resources.{name}.Properties"
    if not check_keys(properties, TABLE_PROPERTIES, where, problems, required=("KeySchema",)):
        return
    table_name = properties.get("TableName")
    if table_name is not None and not NAME_PATTERN.fullmatch(str(table_name)):
        problems.add(where, f"TableName {table_name!r} is not a valid table name")
    billing = properties.get("BillingMode", "PROVISIONED")
    if billing not in BILLING_MODES:
        problems.add(where, f"BillingMode {billing!r} not in {sorted(BILLING_MODES)}")
    provisioned = billing == "PROVISIONED"

    definitions = {}
    for i, definition in enumerate(properties.get("AttributeDefinitions", [])):
        w = f"{where}.AttributeDefinitions[{i}]"
        if check_keys(definition, ATTRIBUTE_DEFINITION, w, problems, required=ATTRIBUTE_DEFINITION):
            if definition["AttributeType"] not in ATTRIBUTE_TYPES:
                problems.add(w, f"AttributeType {definition['AttributeType']!r} not in S/N/B")
            if definition["AttributeName"] in definitions:
                problems.add(w, f"{definition['AttributeName']} defined twice")
            definitions[definition["AttributeName"]] = definition["AttributeType"]

    used = set(check_key_schema(properties["KeySchema"], f"{where}.KeySchema", problems))
    if provisioned:
        if "ProvisionedThroughput" not in properties:
            problems.add(where, "PROVISIONED billing needs ProvisionedThroughput")
        else:
            check_throughput(properties["ProvisionedThroughput"], f"{where}.ProvisionedThroughput",
                             problems)
    elif "ProvisionedThroughput" in properties:
        problems.add(where, "ProvisionedThroughput with PAY_PER_REQUEST billing")

    for i, index in enumerate(properties.get("GlobalSecondaryIndexes", [])):
        w = f"{where}.GlobalSecondaryIndexes[{i}]"
        if not check_keys(index, GLOBAL_SECONDARY_INDEX, w, problems,
                          required=("IndexName", "KeySchema", "Projection")):
            continue
        if not NAME_PATTERN.fullmatch(str(index["IndexName"])):
            problems.add(w, f"IndexName {index['IndexName']!r} is not valid")
        used |= set(check_key_schema(index["KeySchema"], f"{w}.KeySchema", problems))
        if check_keys(index["Projection"], PROJECTION, f"{w}.Projection", problems):
            if index["Projection"].get("ProjectionType") not in PROJECTION_TYPES:
                problems.add(f"{w}.Projection", "ProjectionType not in ALL/KEYS_ONLY/INCLUDE")
        if provisioned:
            if "ProvisionedThroughput" not in index:
                problems.add(w, "PROVISIONED billing needs the index's ProvisionedThroughput")
            else:
                check_throughput(index["ProvisionedThroughput"], f"{w}.ProvisionedThroughput",
                                 problems)
        elif "ProvisionedThroughput" in index:
            problems.add(w, "ProvisionedThroughput with PAY_PER_REQUEST billing")

    for attribute in used - set(definitions):
        problems.add(where, f"key attribute {attribute} missing from AttributeDefinitions")
    for attribute in set(definitions) - used:
        problems.add(where, f"AttributeDefinitions has {attribute}, which no key uses")

    sse = properties.get("SSESpecification")
    if sse is not None and check_keys(sse, SSE_SPECIFICATION, f"{where}.SSESpecification",
                                      problems, required=("SSEEnabled",)):
        if not isinstance(sse["SSEEnabled"], bool):
            problems.add(f"{where}.SSESpecification", "SSEEnabled must be a boolean")
        if "SSEType" in sse and sse["SSEType"] not in SSE_TYPES:
            problems.add(f"{where}.SSESpecification", f"SSEType {sse['SSEType']!r} is not KMS")
        if not sse["SSEEnabled"] and ("SSEType" in sse or "KMSMasterKeyId" in sse):
            problems.add(f"{where}.SSESpecification", "SSEType/KMSMasterKeyId with SSE disabled")
    ttl = properties.get("TimeToLiveSpecification")
    if ttl is not None and check_keys(ttl, TIME_TO_LIVE, f"{where}.TimeToLiveSpecification",
                                      problems, required=("Enabled",)):
        if not isinstance(ttl["Enabled"], bool):
            problems.add(f"{where}.TimeToLiveSpecification", "Enabled must be a boolean")
        if ttl["Enabled"] and not ttl.get("AttributeName"):
            problems.add(f"{where}.TimeToLiveSpecification", "enabled TTL needs AttributeName")
    pitr = properties.get("PointInTimeRecoverySpecification")
    if pitr is not None and check_keys(pitr, POINT_IN_TIME_RECOVERY,
                                       f"{where}.PointInTimeRecoverySpecification", problems):
        if not isinstance(pitr.get("PointInTimeRecoveryEnabled", False), bool):
            problems.add(where, "PointInTimeRecoveryEnabled must be a boolean")
    if "DeletionProtectionEnabled" in properties and not isinstance(
            properties["DeletionProtectionEnabled"], bool):
        problems.add(where, "DeletionProtectionEnabled must be a boolean")
    if "TableClass" in properties and properties["TableClass"] not in TABLE_CLASSES:
        problems.add(where, f"TableClass {properties['TableClass']!r} not valid")
    for i, tag in enumerate(properties.get("Tags", [])):
        check_keys(tag, TAG, f"{where}.Tags[{i}]", problems, required=TAG)


def check_structure(template, problems):
    if not isinstance(template, dict):
        problems.add("template", "not a mapping")
        return
    for key in template:
        if key not in TEMPLATE_SECTIONS:
            problems.add("template", f"unknown section {key}")
    if template.get("AWSTemplateFormatVersion") not in (None, "2010-09-09"):
        problems.add("AWSTemplateFormatVersion", "must be the string 2010-09-09")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        problems.add("Resources", "missing or empty")
        return
    for name, resource in resources.items():
        where = f"Resources.{name}"
        if not check_keys(resource, RESOURCE_KEYS, where, problems, required=("Type", "Properties")):
            continue
        if resource["Type"] != "AWS::DynamoDB::Table":
            problems.add(where, f"Type {resource['Type']} is not AWS::DynamoDB::Table")
        for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
            if policy in resource and resource[policy] not in DELETION_POLICIES:
                problems.add(where, f"{policy} {resource[policy]!r} not valid")
    for name, output in template.get("Outputs", {}).items():
        check_keys(output, {"Description", "Value", "Export", "Condition"}, f"Outputs.{name}",
                   problems, required=("Value",))


def resolve_template(template, overrides, problems):
    params = parameter_values(template, overrides, problems)
    conditions = evaluate_conditions(template, params, problems)
    resources = {}
    for name, resource in template.get("Resources", {}).items():
        properties = resolve(resource.get("Properties", {}), params, conditions, template,
                             problems, f"Resources.{name}.Properties")
        check_table(name, properties, problems)
        resources[name] = properties
    resolve(template.get("Outputs", {}), params, conditions, template, problems, "Outputs")
    return resources


def validate(template, overrides):
    problems = Problems()
    check_structure(template, problems)
    if problems:
        return None, problems
    # Every branch: all combinations of the switch parameters present.
    variants = {
        "TtlEnabled": ["true", "false"],
        "BillingMode": ["PAY_PER_REQUEST", "PROVISIONED"],
        "KmsKey": ["", "aws/dynamodb",
                   "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
    }
    names = [n for n in variants if n in template.get("Parameters", {})]
    first_seen = {}  # problem -> the first parameter values showing it
    for combination in itertools.product(*(variants[n] for n in names)):
        values = dict(zip(names, combination))
        branch_problems = Problems()
        resolve_template(template, values, branch_problems)
        for p in branch_problems:
            first_seen.setdefault(p, values)
    problems.extend(f"{p} (with {values})" for p, values in first_seen.items())
    chosen = Problems()
    resources = resolve_template(template, overrides, chosen)
    problems.extend(p for p in chosen if p not in first_seen)
    return resources, problems


def deploy(resources, endpoint_url):
    import boto3  # only needed to deploy
    client = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name="us-east-1",
                          aws_access_key_id="AKIDLOCAL", aws_secret_access_key="local-secret")
    tables, unsupported = [], []
    for properties in resources.values():
        request = {k: properties[k] for k in (
            "TableName", "AttributeDefinitions", "KeySchema", "BillingMode",
            "ProvisionedThroughput", "GlobalSecondaryIndexes", "TableClass",
            "DeletionProtectionEnabled", "Tags") if k in properties}
        sse = properties.get("SSESpecification")
        if sse and sse.get("SSEEnabled"):
            request["SSESpecification"] = {"Enabled": True, "SSEType": sse.get("SSEType", "KMS")}
            if "KMSMasterKeyId" in sse:
                request["SSESpecification"]["KMSMasterKeyId"] = sse["KMSMasterKeyId"]
        name = request["TableName"]
        client.create_table(**request)
        client.get_waiter("table_exists").wait(TableName=name)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"], "Enabled": True})
        pitr = properties.get("PointInTimeRecoverySpecification", {})
        if pitr.get("PointInTimeRecoveryEnabled"):
            try:
                client.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
                    "PointInTimeRecoveryEnabled": True})
            except client.exceptions.ClientError as e:
                unsupported.append(f"{name}: point-in-time recovery: {e}")
        tables.append(name)
    return {"tables": tables, "unsupported": unsupported}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["validate", "deploy"])
    parser.add_argument("template")
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE")
    parser.add_argument("--endpoint-url")
    args = parser.parse_args()
    overrides = dict(p.split("=", 1) for p in args.param)
    with open(args.template, encoding="utf-8") as f:
        template = yaml.safe_load(f)
    resources, problems = validate(template, overrides)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if args.command == "validate":
        json.dump({"resources": resources, "outputs": sorted(template.get("Outputs", {}))},
                  sys.stdout, indent=2)
    else:
        if not args.endpoint_url:
            print("deploy needs --endpoint-url", file=sys.stderr)
            return 2
        json.dump(deploy(resources, args.endpoint_url), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
