#!/usr/bin/env python3
"""DESIGN §15 (organization mode) checked on the BUILT bundles and CLI against moto: a manual check,
never part of `npm test` or CI (scripts/emulator/README.md, section "Organization", shows how to run it).

    python3 scripts/emulator/org.py [audit|accounts|hub|cli|events|allowlist|noorg|blind|readdenied|lookalike|all]   (after `npm run build`, moto running)

The world (moto is reset first): an organization whose management account is moto's own
123456789012, which plays the central account (the functions' own: no AssumeRole for it), and four
members made with organizations:CreateAccount:
  a   ACTIVE, member role assumable: group `a-ssh` (22/tcp from 0.0.0.0/0) in eu-west-1
  b   ACTIVE, assumable: group `b-rdp` (3389/tcp from 0.0.0.0/0) in us-east-1
  c   ACTIVE, not onboarded: the proxy answers AccessDenied to every AssumeRole into it
  d   closed (organizations:CloseAccount): not ACTIVE, never read
  e   ACTIVE, in the configuration's excludeAccounts: never read, its events rejected
and in the central account the group `central-ssh` (22/tcp from 0.0.0.0/0) in eu-west-1.

Every bundle and CLI run reaches moto through a proxy started here (a free loopback port) that
records each call with the account of its credentials (moto's AssumeRole keys are mapped to the
account of the role assumed; the plain test key is the central account), answers AccessDenied to
AssumeRole into `c`, and keeps each SNS Publish (subject, message, attributes). Each check prints
PASS or FAIL with what it saw; the exit code is 1 when one fails.

  audit     audit bundle, payload {"organization": true, "regions": ["eu-west-1", "us-east-1"]}
  accounts  audit bundle, payload {"accounts": [a, b], "regions": ["eu-west-1"]}
  hub       audit bundle with VPC_GUARDRAIL_SECURITY_HUB=true, the organization audit: only the central
            account's findings imported (BatchImportFindings, at most 100 a call, its default product),
            the members' counted under securityHub.notImported
  cli       vpc-guardrail audit --organization --role-name VpcGuardrailMember --regions eu-west-1,us-east-1
            and audit --accounts a,b --regions eu-west-1 (the built CLI, dist/cli/vpc-guardrail.mjs)
  events    event bundle (remediate mode), one SQS batch: a world-open change in a (revoked through
            the member role), in the central account (its own role), in e (excluded), in c (AssumeRole
            denied: a "could not evaluate" notice, acknowledged) and the member role's own call in b
  allowlist the configuration's `accounts` allow-list [a] instead: the audit bundle's organization audit
            reads the central account and a only; in the event bundle b's change is rejected, the
            central account's (not listed, always governed) revoked
  noorg     before the world: moto without an organization (ListAccounts lists nothing): the audit
            bundle and the CLI fail naming it instead of answering a clean audit of no account; with
            notify on (as the schedule sends it), one high "audit failed" notice first
  blind     audit bundle, payload {"accounts": [c], "regions": [...], "notify": true}: nothing can be
            read, so the invocation fails, and one high "audit failed: 2 of 2 region(s) not read"
            notice naming each account-region and the denied role is published first
  readdenied event bundle, a change in b whose member role is assumed but whose Describe calls the proxy
            refuses (UnauthorizedOperation, as an SCP would): one acknowledged "could not evaluate"
            notice advising to check b's member role and that account's SCPs, not the function role
  lookalike event bundle, world-open changes by a role *named* VpcGuardrailMember in the central account
            (judged, revoked with the function's own role, told) and in a (the guardrail's own: ignored)

Environment: AWS_ENDPOINT_URL (moto, default http://127.0.0.1:5077), KEEP (a directory to keep the
answers, logs, calls and notices in; default a temporary one, printed at the end).
"""

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

from identity import assumed_role_identity
from relay import error_code, forward, read_call, reply

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5077")
MOTO = urllib.parse.urlparse(ENDPOINT)
CENTRAL = "123456789012"  # moto's own account: the organization's management account here
ROLE = "VpcGuardrailMember"
REGIONS = ["eu-west-1", "us-east-1"]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.environ.get("KEEP") or tempfile.mkdtemp(prefix="vpc-guardrail-org-")
os.makedirs(WORK, exist_ok=True)
KW = dict(endpoint_url=ENDPOINT, aws_access_key_id="testing", aws_secret_access_key="testing")

results = []  # (scenario, check, ok, detail)


def check(scenario, name, ok, detail=""):
    results.append((scenario, name, bool(ok), detail))
    print(f"{'PASS' if ok else 'FAIL'}  {scenario}: {name}{'' if ok else f'  -- {detail}'}", flush=True)


# --- the proxy ----------------------------------------------------------------------------------

calls = []  # {action, account, region (of the request's signature), params, status, error}
key_account = {"testing": CENTRAL}  # access key id -> account (moto's AssumeRole keys)
deny = set()
deny_reads = set()  # accounts whose EC2 Describe* calls the proxy refuses (UnauthorizedOperation)
lock = threading.Lock()
DENIED = (b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
          b"<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message>"
          b"</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>")
READ_REFUSED = (b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>'
                b"<Message>You are not authorized to perform this operation.</Message></Error></Errors>"
                b"<RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>")


HUB_PATHS = {"/findings/import": "BatchImportFindings", "/findings/batchupdate": "BatchUpdateFindings",
             "/findings": "GetFindings"}


class Proxy(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body, action, params = read_call(self)
        # Security Hub is REST-JSON: the path, not X-Amz-Target, names the call.
        action = HUB_PATHS.get(self.path.split("?")[0], action)
        key = re.search(r"Credential=([^/]+)/\d{8}/([^/]+)/", self.headers.get("Authorization", ""))
        with lock:
            account = key_account.get(key.group(1) if key else "", "?")
        region = key.group(2) if key else "?"
        target = re.search(r"::(\d{12}):", params.get("RoleArn", "")) if action == "AssumeRole" else None
        if target and target.group(1) in deny:
            status, headers, data = 403, [("Content-Type", "text/xml")], DENIED
        elif action.startswith("Describe") and account in deny_reads:
            status, headers, data = 403, [("Content-Type", "text/xml")], READ_REFUSED
        else:
            status, headers, data = forward(self, MOTO, body)
            if target and status == 200:
                issued = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", data)
                if issued:
                    with lock:
                        key_account[issued.group(1).decode()] = target.group(1)
        with lock:
            calls.append({"action": action, "account": account, "region": region, "params": params, "status": status,
                          "error": error_code(status, data)})
        reply(self, status, headers, data)

    do_GET = do_PATCH = do_POST


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
threading.Thread(target=server.serve_forever, daemon=True).start()
PROXY = f"http://127.0.0.1:{server.server_address[1]}"


def notices():
    """The SNS Publish calls recorded: subject, message (the default one), attributes by name."""
    out = []
    for c in calls:
        if c["action"] != "Publish":
            continue
        p = c["params"]
        message = p.get("Message", "")
        if p.get("MessageStructure") == "json":
            message = json.loads(message).get("default", message)
        attrs = {}
        for k, v in p.items():
            m = re.fullmatch(r"MessageAttributes\.entry\.(\d+)\.Name", k)
            if m:
                attrs[v] = p.get(f"MessageAttributes.entry.{m.group(1)}.Value.StringValue")
        out.append({"subject": p.get("Subject", ""), "message": message, "attributes": attrs})
    return out


def assumed(account):
    """The AssumeRole calls made into `account` (role ARNs and session names)."""
    return [c["params"] for c in calls if c["action"] == "AssumeRole" and f"::{account}:" in c["params"].get("RoleArn", "")]


def keep(name, value):
    with open(os.path.join(WORK, name), "w") as f:
        f.write(value if isinstance(value, str) else json.dumps(value, indent=1))


# --- the world ----------------------------------------------------------------------------------


def reset():
    conn = http.client.HTTPConnection(MOTO.hostname, MOTO.port, timeout=30)
    conn.request("POST", "/moto-api/reset")
    conn.getresponse().read()


def ec2_of(account, region):
    """An EC2 client acting in `account` (moto's AssumeRole gives keys of the role's account)."""
    if account == CENTRAL:
        return boto3.client("ec2", region_name=region, **KW)
    sts = boto3.client("sts", region_name=region, **KW)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Setup", RoleSessionName="setup")["Credentials"]
    return boto3.client("ec2", endpoint_url=ENDPOINT, region_name=region, aws_access_key_id=c["AccessKeyId"],
                        aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])


def open_group(account, region, port, name):
    ec2 = ec2_of(account, region)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return group


def world():
    reset()
    calls.clear()
    org = boto3.client("organizations", region_name="us-east-1", **KW)
    org.create_organization(FeatureSet="ALL")
    ids = {name: org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
           for name in "abcde"}
    org.close_account(AccountId=ids["d"])
    ids["central"] = CENTRAL
    ids["groups"] = {
        "a": open_group(ids["a"], "eu-west-1", 22, "a-ssh"),
        "b": open_group(ids["b"], "us-east-1", 3389, "b-rdp"),
        "c": open_group(ids["c"], "eu-west-1", 22, "c-ssh"),
        "e": open_group(ids["e"], "eu-west-1", 22, "e-ssh"),
        "central": open_group(CENTRAL, "eu-west-1", 22, "central-ssh"),
    }
    deny.clear()
    deny.add(ids["c"])
    keep("world.json", ids)
    return ids


def env(ids, **extra):
    """The environment of a bundle or CLI run: through the proxy, organization mode, e excluded."""
    out = dict(os.environ, AWS_ENDPOINT_URL=PROXY, AWS_REGION="eu-west-1", AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", VPC_GUARDRAIL_MEMBER_ROLE_NAME=ROLE,
               VPC_GUARDRAIL_CONFIG=json.dumps({"excludeAccounts": [ids["e"]]}))
    out.update(extra)
    return out


def invoke(name, ids, function, payload, **extra):
    out = os.path.join(WORK, f"{name}-answer.json")
    with open(os.path.join(WORK, f"{name}-log.jsonl"), "w") as log:
        rc = subprocess.run(["node", os.path.join(HERE, "invoke.mjs"), function, payload], cwd=ROOT,
                            env=env(ids, OUT=out, **extra), stdout=log, stderr=subprocess.STDOUT).returncode
    with open(out) as f:
        return rc, json.load(f)


def sg_findings(findings, rule="sg-open-admin-port"):
    return sorted((f.get("accountId"), f.get("region"), f["resourceId"]) for f in findings if f["ruleId"] == rule)


# --- audit bundle ---------------------------------------------------------------------------------


def expected_open(ids, accounts):
    where = {"a": "eu-west-1", "b": "us-east-1", "c": "eu-west-1", "e": "eu-west-1", "central": "eu-west-1"}
    return sorted((ids[k], where[k], ids["groups"][k]) for k in accounts)


def read_by_calls():
    """The account-regions whose VPCs were read (DescribeVpcs seen by the proxy, with their keys)."""
    return sorted({(c["account"], c["region"]) for c in calls if c["action"] == "DescribeVpcs" and c["status"] == 200})


def common_org_checks(s, ids, reported, errors, findings, excluded):
    want = sorted((ids[k], r) for k in ("central", "a", "b") for r in REGIONS)
    check(s, "reported exactly the ACTIVE governed account-regions (central, a, b x 2 regions)", reported == want,
          f"reported {reported}, expected {want}")
    check(s, "read exactly those account-regions, each with its own account's credentials", read_by_calls() == want,
          f"read {read_by_calls()}")
    errs = sorted((e["accountId"], e["region"], e.get("operation"), e.get("code")) for e in errors)
    check(s, "c (AssumeRole denied) listed per region as an error, the rest reported",
          errs == sorted((ids["c"], r, "AssumeRole", "AccessDenied") for r in REGIONS), f"errors {errs}")
    check(s, "the errors name the member role ARN",
          all(f"arn:aws:iam::{ids['c']}:role/{ROLE}" in e.get("message", "") for e in errors) and errors,
          json.dumps(errors)[:300])
    check(s, "e (excludeAccounts) listed as excluded, not read",
          [x["accountId"] for x in excluded] == [ids["e"]] and not assumed(ids["e"]), f"excluded {excluded}")
    check(s, "d (closed) neither read nor listed",
          not assumed(ids["d"]) and ids["d"] not in json.dumps([reported, errors, excluded]))
    check(s, "no AssumeRole into the central account (read with its own role)", not assumed(CENTRAL),
          f"{assumed(CENTRAL)}")
    check(s, "every AssumeRole names the member role", all(
        p["RoleArn"].endswith(f":role/{ROLE}") for p in (c["params"] for c in calls if c["action"] == "AssumeRole")))
    got = sg_findings(findings)
    want_sg = expected_open(ids, ("central", "a", "b"))
    check(s, "sg-open-admin-port on the open groups of central, a and b, each with its account and region",
          got == want_sg, f"got {got}, expected {want_sg}")
    foreign = sorted({f.get("accountId") for f in findings} - {ids["central"], ids["a"], ids["b"]})
    check(s, "no finding of another account", not foreign, f"{foreign}")


def scenario_audit(ids):
    s = "audit bundle {organization:true}"
    calls.clear()
    rc, answer = invoke("audit-org", ids, "audit", json.dumps({"organization": True, "regions": REGIONS}))
    keep("audit-org-calls.json", calls)
    check(s, "answered (exit 0)", rc == 0 and "error" not in answer, json.dumps(answer)[:300])
    check(s, "organizations:ListAccounts called", any(c["action"] == "ListAccounts" for c in calls))
    reported = sorted({(r["accountId"], r["region"]) for r in answer.get("regions", [])})
    common_org_checks(s, ids, reported, answer.get("errors", []), answer.get("findings", []),
                      answer.get("excludedAccounts", []))
    per_account = {a["accountId"]: a for a in answer.get("accounts", [])}
    counts_ok = all(per_account.get(acc, {}).get("summary", {}).get("total") ==
                    sum(1 for f in answer.get("findings", []) if f.get("accountId") == acc)
                    for acc in (ids["central"], ids["a"], ids["b"]))
    check(s, "summary per account counts that account's findings", counts_ok,
          json.dumps({k: v.get("summary", {}).get("total") for k, v in per_account.items()}))
    check(s, "c counted with 2 failed regions", per_account.get(ids["c"], {}).get("failed") == 2,
          json.dumps(per_account.get(ids["c"])))
    sessions = {p.get("RoleSessionName", "") for p in (c["params"] for c in calls if c["action"] == "AssumeRole")}
    check(s, "member sessions named after the invocation (vpc-guardrail-<request id>)",
          sessions and all(n.startswith("vpc-guardrail-emulator-") for n in sessions), f"{sessions}")
    return answer


def scenario_hub(ids):
    """DESIGN §16 in organization mode: the audit bundle with Security Hub on imports the central
    account's own findings only (a default product takes a finding only from its own account), at
    most 100 per call, under arn:aws:securityhub:<region>:<central>:product/<central>/default, and
    counts the members' findings under notImported."""
    s = "Security Hub: audit bundle {organization:true}"
    # Enough findings in the central account for two BatchImportFindings calls (at most 100 each).
    ec2 = ec2_of(CENTRAL, "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    for n in range(105):
        group = ec2.create_security_group(GroupName=f"hub-{n}", Description="hub", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    calls.clear()
    rc, answer = invoke("hub-audit", ids, "audit", json.dumps({"organization": True, "regions": REGIONS}),
                        VPC_GUARDRAIL_SECURITY_HUB="true")
    keep("hub-audit-calls.json", calls)
    hub = answer.get("securityHub") or {}
    findings = answer.get("findings", [])
    own = [f for f in findings if f.get("accountId") == CENTRAL]
    want_ids = sorted(f"vpc-guardrail/{CENTRAL}/{f['region']}/{f['ruleId']}/{f['resourceId']}" for f in own)
    members = {}
    for f in findings:
        if f.get("accountId") != CENTRAL:
            members[f["accountId"]] = members.get(f["accountId"], 0) + 1
    check(s, "answered; every central finding imported, none failed", rc == 0 and hub.get("imported") == len(own) > 0
          and hub.get("failedCount") == 0, json.dumps(hub)[:300])
    check(s, "members' findings counted per account under notImported, not sent",
          hub.get("notImported") == [{"accountId": a, "findings": n} for a, n in sorted(members.items())],
          json.dumps(hub.get("notImported")))
    imports = [c for c in calls if c["action"] == "BatchImportFindings"]
    sent = [f for c in imports for f in c["params"].get("Findings", [])]
    product = f"arn:aws:securityhub:eu-west-1:{CENTRAL}:product/{CENTRAL}/default"
    check(s, "BatchImportFindings with the central account's own credentials, at most 100 findings a call",
          imports and all(c["account"] == CENTRAL and c["region"] == "eu-west-1" and len(c["params"].get("Findings", [])) <= 100
                          for c in imports) and len(imports) == -(-len(own) // 100)
          and hub.get("calls") == len(imports) + sum(1 for c in calls if c["action"] == "GetFindings"),
          json.dumps([(c["account"], c["region"], len(c["params"].get("Findings", []))) for c in imports]))
    check(s, "exactly the central findings sent, each under the central account's default product",
          sorted(f["Id"] for f in sent) == want_ids and all(f["ProductArn"] == product and f["AwsAccountId"] == CENTRAL
                                                            for f in sent), json.dumps(sorted(f["Id"] for f in sent))[:300])
    hub_client = boto3.client("securityhub", region_name="eu-west-1", **KW)
    held = [f for page in hub_client.get_paginator("get_findings").paginate() for f in page["Findings"]]
    check(s, "Security Hub (moto) holds exactly those findings, ACTIVE",
          sorted(f["Id"] for f in held) == want_ids and all(f.get("RecordState") == "ACTIVE" for f in held),
          json.dumps(sorted(f["Id"] for f in held))[:300])
    check(s, "the sweep read what Security Hub holds (GetFindings, central keys) and closed nothing firing",
          any(c["action"] == "GetFindings" and c["account"] == CENTRAL for c in calls) and hub.get("stale") == 0,
          json.dumps(hub)[:300])

    # The sweep: a group deleted (no event handles a deletion) — its finding is closed by the next audit.
    s = "Security Hub sweep: a deleted group's finding"
    gone = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["hub-0"]}])["SecurityGroups"][0]["GroupId"]
    ec2.delete_security_group(GroupId=gone)
    gone_id = f"vpc-guardrail/{CENTRAL}/us-east-1/sg-open-admin-port/{gone}"
    calls.clear()
    rc, answer = invoke("hub-sweep", ids, "audit", json.dumps({"organization": True, "regions": REGIONS}),
                        VPC_GUARDRAIL_SECURITY_HUB="true")
    keep("hub-sweep-calls.json", calls)
    hub = answer.get("securityHub") or {}
    check(s, "answered; one stale finding closed", rc == 0 and hub.get("stale") == 1 and hub.get("archived") == 1,
          json.dumps(hub)[:400])
    updates = [c for c in calls if c["action"] == "BatchUpdateFindings"]
    check(s, "BatchUpdateFindings RESOLVED tried for it alone (moto has no such call: listed as failed)",
          [[i.get("Id") for i in c["params"].get("FindingIdentifiers", [])] for c in updates] == [[gone_id]]
          and [f.get("id") for f in hub.get("failed", [])] == [gone_id], json.dumps(hub.get("failed"))[:300])
    held = {f["Id"]: f for page in hub_client.get_paginator("get_findings").paginate() for f in page["Findings"]}
    check(s, "moto holds it ARCHIVED and RESOLVED; every other finding still ACTIVE",
          held.get(gone_id, {}).get("RecordState") == "ARCHIVED"
          and (held.get(gone_id, {}).get("Workflow") or {}).get("Status") == "RESOLVED"
          and all(f.get("RecordState") == "ACTIVE" for i, f in held.items() if i != gone_id),
          json.dumps(held.get(gone_id))[:400])


def scenario_accounts(ids):
    s = "audit bundle {accounts:[a,b]}"
    calls.clear()
    rc, answer = invoke("audit-accounts", ids, "audit",
                        json.dumps({"accounts": [ids["a"], ids["b"]], "regions": ["eu-west-1"]}))
    keep("audit-accounts-calls.json", calls)
    check(s, "answered (exit 0)", rc == 0 and "error" not in answer, json.dumps(answer)[:300])
    read = sorted((r["accountId"], r["region"]) for r in answer.get("regions", []))
    want = sorted([(ids["a"], "eu-west-1"), (ids["b"], "eu-west-1")])
    check(s, "reported and read exactly a and b in eu-west-1 (not the central account)",
          read == want and read_by_calls() == want, f"reported {read}, read {read_by_calls()}")
    check(s, "no ListAccounts, no error", not any(c["action"] == "ListAccounts" for c in calls)
          and not answer.get("errors"), json.dumps(answer.get("errors")))
    got = sg_findings(answer.get("findings", []))
    check(s, "a's open group found; b's (in us-east-1) not in this region", got == expected_open(ids, ("a",)), f"{got}")


# --- the CLI ------------------------------------------------------------------------------------


def cli(name, ids, args):
    config = os.path.join(WORK, "config.json")
    keep("config.json", {"excludeAccounts": [ids["e"]]})
    with open(os.path.join(WORK, f"{name}.json"), "w") as out, open(os.path.join(WORK, f"{name}.err"), "w") as err:
        rc = subprocess.run(["node", "dist/cli/vpc-guardrail.mjs", "audit", *args, "--format", "json", "--config", config],
                            cwd=ROOT, env=env(ids), stdout=out, stderr=err).returncode
    text = open(os.path.join(WORK, f"{name}.json")).read()
    return rc, (json.loads(text) if text.strip() else {}), open(os.path.join(WORK, f"{name}.err")).read()


def scenario_cli(ids, bundle_answer):
    s = "CLI audit --organization"
    calls.clear()
    rc, report, err = cli("cli-org", ids, ["--organization", "--role-name", ROLE, "--regions", ",".join(REGIONS)])
    keep("cli-org-calls.json", calls)
    check(s, "exit 2: the report is incomplete (c could not be read)", rc == 2, f"exit {rc}, stderr {err[-300:]}")
    check(s, "stderr names c", ids["c"] in err, err[-300:])
    check(s, "stderr names e as skipped", ids["e"] in err, err[-300:])
    check(s, "organizations:ListAccounts called", any(c["action"] == "ListAccounts" for c in calls))
    # The JSON report counts regions per account; the progress lines name each account-region.
    reported = sorted((m.group(1), m.group(2)) for m in re.finditer(r"^audited (\d{12}) (\S+) ", err, re.M))
    counts = sorted((a["accountId"], a["regions"], a["failed"]) for a in report.get("accounts", []))
    check(s, "accounts: central, a, b with 2 regions read each, c with 2 failed",
          counts == sorted([(ids["central"], 2, 0), (ids["a"], 2, 0), (ids["b"], 2, 0), (ids["c"], 0, 2)]), f"{counts}")
    skipped = re.findall(r"^skipped: account (\d{12}) is in excludeAccounts$", err, re.M)
    check(s, "the JSON lists e under excludedAccounts, as the bundle answers",
          [x["accountId"] for x in report.get("excludedAccounts", [])] == [ids["e"]], json.dumps(report.get("excludedAccounts")))
    common_org_checks(s, ids, reported, report.get("errors", []), report.get("findings", []),
                      [{"accountId": a} for a in skipped])
    sessions = {p.get("RoleSessionName", "") for p in (c["params"] for c in calls if c["action"] == "AssumeRole")}
    check(s, "member sessions named after the run (vpc-guardrail-cli-<time>)",
          sessions and all(re.fullmatch(r"vpc-guardrail-cli-\d{8}T\d{6}Z", n) for n in sessions), f"{sessions}")
    if bundle_answer is not None:
        same = sorted(f["id"] for f in report.get("findings", [])) == sorted(f["id"] for f in bundle_answer.get("findings", []))
        check(s, "the same findings (ids) as the audit bundle's organization audit", same)

    s = "CLI audit --accounts a,b"
    calls.clear()
    rc, report, err = cli("cli-accounts", ids, ["--accounts", f"{ids['a']},{ids['b']}", "--regions", "eu-west-1"])
    check(s, "exit 1 (a critical finding, every account-region read)", rc == 1, f"exit {rc}, stderr {err[-300:]}")
    got = sg_findings(report.get("findings", []))
    check(s, "a's open group found, nothing of the central account", got == expected_open(ids, ("a",)), f"{got}")
    check(s, "no ListAccounts", not any(c["action"] == "ListAccounts" for c in calls))
    check(s, "read exactly a and b in eu-west-1", read_by_calls() == sorted([(ids["a"], "eu-west-1"), (ids["b"], "eu-west-1")]),
          f"{read_by_calls()}")


# --- the event bundle ---------------------------------------------------------------------------


def envelope(account, region, group, rules, event_id, identity, port):
    req = {"groupId": group, "ipPermissions": {"items": [{
        "ipProtocol": "tcp", "fromPort": port, "toPort": port, "groups": {},
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}}
    resp = {"requestId": event_id, "_return": True, "securityGroupRuleSet": {"items": [{
        "groupOwnerId": account, "groupId": group, "securityGroupRuleId": r["SecurityGroupRuleId"],
        "isEgress": False, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIpv4": "0.0.0.0/0",
        "securityGroupRuleArn": f"arn:aws:ec2:{region}:{account}:security-group-rule/{r['SecurityGroupRuleId']}",
    } for r in rules]}}
    return {"version": "0", "id": event_id, "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2",
            "account": account, "time": "2026-12-06T21:00:00Z", "region": region, "resources": [],
            "detail": {"eventVersion": "1.09", "userIdentity": identity, "eventTime": "2026-12-06T21:00:00Z",
                       "eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupIngress",
                       "awsRegion": region, "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15",
                       "requestParameters": req, "responseElements": resp, "requestID": event_id,
                       "eventID": event_id, "eventType": "AwsApiCall", "recipientAccountId": account}}


def change(ids, who, n, role="Admin", session="alice", port=3306):
    """Opens `port`/tcp to 0.0.0.0/0 on `who`'s group (really, in moto) and returns the call's event."""
    account, group = ids[who], ids["groups"][who]
    region = "us-east-1" if who == "b" else "eu-west-1"
    rules = ec2_of(account, region).authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])["SecurityGroupRules"]
    return envelope(account, region, group, rules, f"0000000{n}-0000-4000-8000-000000000000",
                    assumed_role_identity(account, role, session), port)


def world_rules(account, region, group):
    rules = ec2_of(account, region).describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"]
    return sorted(f"{r['FromPort']}" for r in rules if not r.get("IsEgress") and r.get("CidrIpv4") == "0.0.0.0/0")


def sqs_batch(events):
    """An SQS event of the EventBridge events (message ids m-<key>), as the central queue delivers them."""
    return {"Records": [{
        "messageId": f"m-{k}", "receiptHandle": f"rh-{k}", "body": json.dumps(v),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1765054800000", "SenderId": "AIDAEVENTBRIDGE",
                       "ApproximateFirstReceiveTimestamp": "1765054800000"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:eu-west-1:{CENTRAL}:VpcGuardrailCentral-EventQueue", "awsRegion": "eu-west-1",
    } for k, v in events.items()]}


def deliver(name, ids, events, arn):
    """One SQS batch of `events` to the event bundle (remediate mode, notices to `arn`); the batch, the
    calls and the notices kept under `name`. Returns the exit code, the answer and the notices."""
    path = os.path.join(WORK, f"{name}-batch.json")
    keep(f"{name}-batch.json", sqs_batch(events))
    calls.clear()
    rc, answer = invoke(name, ids, "on-network-change", path, VPC_GUARDRAIL_MODE="remediate",
                        VPC_GUARDRAIL_TOPIC_ARN=arn)
    keep(f"{name}-calls.json", calls)
    sent = notices()
    keep(f"{name}-notices.txt", "".join(f"--- {n['subject']}\n{json.dumps(n['attributes'])}\n{n['message']}\n" for n in sent))
    return rc, answer, sent


def ignored_log(name, message_id):
    """The function's "event ignored" log records of one message."""
    with open(os.path.join(WORK, f"{name}-log.jsonl")) as f:
        log = [json.loads(line) for line in f if line.startswith("{")]
    return [r for r in log if r.get("message") == "event ignored" and r.get("messageId") == message_id]


def scenario_allowlist(ids):
    """The configuration's `accounts` allow-list ([a]): b is not governed, the central account is."""
    config = json.dumps({"accounts": [ids["a"]]})
    s = "allow-list: audit bundle {organization:true}"
    calls.clear()
    rc, answer = invoke("allow-audit", ids, "audit", json.dumps({"organization": True, "regions": ["eu-west-1"]}),
                        VPC_GUARDRAIL_CONFIG=config)
    reported = sorted(r["accountId"] for r in answer.get("regions", []))
    check(s, "reported and read only the central account and a", rc == 0 and reported == sorted([CENTRAL, ids["a"]])
          and sorted(a for a, _ in read_by_calls()) == reported, f"reported {reported}, read {read_by_calls()}")
    excluded = {x["accountId"]: x["reason"] for x in answer.get("excludedAccounts", [])}
    check(s, "b, c and e listed as outside the allow-list (and never assumed)",
          sorted(excluded) == sorted(ids[k] for k in "bce")
          and all("not in the accounts allow-list" in r for r in excluded.values())
          and not any(assumed(ids[k]) for k in "bce"), json.dumps(excluded))
    calls.clear()
    rc, answer = invoke("allow-none", ids, "audit", json.dumps({"accounts": [ids["b"]], "regions": ["eu-west-1"]}),
                        VPC_GUARDRAIL_CONFIG=config)
    check(s, "{accounts:[b]} with b outside the allow-list: nothing read, b listed under excludedAccounts",
          rc == 0 and [x["accountId"] for x in answer.get("excludedAccounts", [])] == [ids["b"]]
          and answer.get("regions") == [] and not read_by_calls() and not assumed(ids["b"]), json.dumps(answer)[:300])

    s = "allow-list: event bundle"
    topic = boto3.client("sns", region_name="eu-west-1", **KW).create_topic(Name="vpc-guardrail")["TopicArn"]
    events = {"b": change(ids, "b", 6, port=5432), "central": change(ids, "central", 7, port=5432)}
    path = os.path.join(WORK, "allow-events-batch.json")
    keep("allow-events-batch.json", sqs_batch(events))
    calls.clear()
    rc, answer = invoke("allow-events", ids, "on-network-change", path, VPC_GUARDRAIL_MODE="remediate",
                        VPC_GUARDRAIL_TOPIC_ARN=topic, VPC_GUARDRAIL_CONFIG=config)
    keep("allow-events-calls.json", calls)
    b_log = ignored_log("allow-events", "m-b")
    check(s, "b's event rejected with a logged reason (not in the accounts allow-list), b never assumed",
          rc == 0 and b_log and b_log[0].get("code") == "other-account"
          and "not in the accounts allow-list" in b_log[0].get("reason", "") and not assumed(ids["b"]),
          json.dumps(b_log)[:300])
    check(s, "b's world rules stay", "5432" in world_rules(ids["b"], "us-east-1", ids["groups"]["b"]))
    revokes = sorted((c["account"], c["params"].get("GroupId")) for c in calls if c["action"] == "RevokeSecurityGroupIngress")
    check(s, "the central account, not in the list, is governed: its change revoked with its own role",
          revokes == [(CENTRAL, ids["groups"]["central"])] and not assumed(CENTRAL)
          and world_rules(CENTRAL, "eu-west-1", ids["groups"]["central"]) == [], f"{revokes}")


def scenario_events(ids):
    s = "event bundle (one SQS batch)"
    topic = boto3.client("sns", region_name="eu-west-1", **KW).create_topic(Name="vpc-guardrail")["TopicArn"]
    events = {
        "a": change(ids, "a", 1),
        "central": change(ids, "central", 2),
        "e": change(ids, "e", 3),
        "c": change(ids, "c", 4),
        "own": change(ids, "b", 5, role=ROLE, session="vpc-guardrail-earlier-invocation"),
    }
    rc, answer, sent = deliver("events", ids, events, topic)
    log = [json.loads(line) for line in open(os.path.join(WORK, "events-log.jsonl")) if line.startswith("{")]

    check(s, "every message acknowledged (no batchItemFailures)", rc == 0 and answer.get("batchItemFailures") == [],
          json.dumps(answer)[:300])
    # a: read and fixed through the member role; the notice names a in its subject and attributes
    check(s, "a: the member role assumed once", len(assumed(ids["a"])) == 1, f"{assumed(ids['a'])}")
    revokes = [c for c in calls if c["action"] == "RevokeSecurityGroupIngress"]
    by_account = sorted((c["account"], c["params"].get("GroupId"), c["status"]) for c in revokes)
    want = sorted([(ids["a"], ids["groups"]["a"], 200), (CENTRAL, ids["groups"]["central"], 200)])
    check(s, "one revoke in a (with a's credentials) and one in the central account (its own role), no other",
          by_account == want, f"{by_account}")
    check(s, "a: the world-open rules (22 and 3306) are gone in moto",
          world_rules(ids["a"], "eu-west-1", ids["groups"]["a"]) == [], "")
    check(s, "central: the world-open rules are gone, without AssumeRole",
          world_rules(CENTRAL, "eu-west-1", ids["groups"]["central"]) == [] and not assumed(CENTRAL))
    a_notice = [n for n in sent if n["attributes"].get("accountId") == ids["a"]]
    check(s, "a: one notice, accountId/region attributes, a's id in the subject, revoked",
          len(a_notice) == 1 and a_notice[0]["attributes"].get("region") == "eu-west-1"
          and ids["a"] in a_notice[0]["subject"] and "revoked" in a_notice[0]["subject"],
          json.dumps([n["subject"] for n in sent]))
    # e: excluded, rejected with a logged reason, never touched
    e_log = [r for r in log if r.get("message") == "event ignored" and r.get("messageId") == "m-e"]
    check(s, "e: rejected with a logged reason (excludeAccounts), no call in e, no notice",
          e_log and e_log[0].get("code") == "other-account" and "excludeAccounts" in e_log[0].get("reason", "")
          and not assumed(ids["e"]) and not any(c["account"] == ids["e"] for c in calls)
          and not any(n["attributes"].get("accountId") == ids["e"] for n in sent), json.dumps(e_log)[:300])
    check(s, "e: its world rule stays (not governed)", world_rules(ids["e"], "eu-west-1", ids["groups"]["e"]) == ["22", "3306"])
    # the member role's own call in b: ignored, b not even assumed
    own_log = [r for r in log if r.get("message") == "event ignored" and r.get("messageId") == "m-own"]
    check(s, "member role's own call (in b): ignored as own-role, b never assumed, its rule stays",
          own_log and own_log[0].get("code") == "own-role" and not assumed(ids["b"])
          and world_rules(ids["b"], "us-east-1", ids["groups"]["b"]) == ["3306", "3389"], json.dumps(own_log)[:300])
    # c: AssumeRole denied -> one "could not evaluate" notice naming account and role, acknowledged
    c_notice = [n for n in sent if n["attributes"].get("accountId") == ids["c"]]
    role_arn = f"arn:aws:iam::{ids['c']}:role/{ROLE}"
    check(s, "c: AssumeRole tried and denied", [c["status"] for c in calls if c["action"] == "AssumeRole"
                                               and f"::{ids['c']}:" in c["params"].get("RoleArn", "")] == [403])
    check(s, "c: one 'could not evaluate' notice naming the account and the role",
          len(c_notice) == 1 and "could not evaluate" in c_notice[0]["subject"].lower()
          and ids["c"] in c_notice[0]["message"] and role_arn in c_notice[0]["message"],
          json.dumps(c_notice)[:400])
    check(s, "c: the notice says to deploy the member template (not the central role's Describe permissions)",
          len(c_notice) == 1 and "Deploy the member template" in c_notice[0]["message"]
          and "ec2:Describe* permissions" not in c_notice[0]["message"], json.dumps(c_notice)[:400])
    check(s, "c: its world rules stay", world_rules(ids["c"], "eu-west-1", ids["groups"]["c"]) == ["22", "3306"])
    check(s, "member sessions named after the invocation (vpc-guardrail-<request id>)",
          all(p.get("RoleSessionName", "").startswith("vpc-guardrail-emulator-") for p in
              (c["params"] for c in calls if c["action"] == "AssumeRole")))
    check(s, "three notices in all (a, central, c)", len(sent) == 3, json.dumps([n["subject"] for n in sent]))


def scenario_noorg():
    """moto without an organization: ListAccounts answers an empty list, which must not read as clean."""
    s = "no organization"
    reset()
    ids = {"e": "000000000000"}
    rc, answer = invoke("noorg-audit", ids, "audit", json.dumps({"organization": True, "regions": ["eu-west-1"]}))
    check(s, "audit bundle {organization:true} fails naming it, not an empty clean answer",
          rc == 1 and "no ACTIVE account" in answer.get("error", ""), json.dumps(answer)[:300])
    with open(os.path.join(WORK, "noorg-cli.err"), "w") as err:
        rc = subprocess.run(["node", "dist/cli/vpc-guardrail.mjs", "audit", "--organization", "--regions", "eu-west-1"],
                            cwd=ROOT, env=env(ids), stdout=subprocess.DEVNULL, stderr=err).returncode
    text = open(os.path.join(WORK, "noorg-cli.err")).read()
    check(s, "CLI audit --organization exits 2 naming it", rc == 2 and "no ACTIVE account" in text, f"exit {rc}: {text}")
    # The same audit as the schedule sends it (notify on): told before it fails.
    calls.clear()
    arn = topic()
    rc, answer = invoke("noorg-notify", ids, "audit",
                        json.dumps({"organization": True, "regions": ["eu-west-1"], "notify": True}),
                        VPC_GUARDRAIL_TOPIC_ARN=arn)
    notice = blind_notice_checks(
        "noorg {organization:true, notify:true}", rc, answer, "no ACTIVE account",
        f"[HIGH] VPC Guardrail audit failed: the organization could not be listed in {CENTRAL} eu-west-1")
    check("noorg {organization:true, notify:true}", "the notice names the listing's answer",
          "NOT EVALUATED: eu-west-1: organizations:ListAccounts listed no ACTIVE account" in notice["message"],
          notice["message"][:400])


def topic():
    """An SNS topic in moto for the notices (the proxy records each Publish)."""
    sns = boto3.client("sns", region_name="eu-west-1", **KW)
    return sns.create_topic(Name="vpc-guardrail")["TopicArn"]


def blind_notice_checks(s, rc, answer, error_text, subject):
    """An audit that read nothing: it fails (as before), and with notify one high notice says so first."""
    sent = notices()
    keep(f"{s.split()[0]}-notices.json", sent)
    check(s, "the invocation fails naming why", rc == 1 and error_text in answer.get("error", ""),
          json.dumps(answer)[:300])
    check(s, "one notice, before the failure", len(sent) == 1, json.dumps([n["subject"] for n in sent]))
    notice = sent[0] if sent else {"subject": "", "message": "", "attributes": {}}
    check(s, "its subject says the audit failed and what was not read", notice["subject"] == subject,
          notice["subject"])
    check(s, "severity high, action failed", notice["attributes"].get("severity") == "high"
          and notice["attributes"].get("action") == "failed", json.dumps(notice["attributes"]))
    check(s, "no findings table (an estate no one read is not clean)",
          "NOTHING WAS EVALUATED" in notice["message"] and "no findings" not in notice["message"].lower(),
          notice["message"][:400])
    return notice


def scenario_readdenied(ids):
    """DESIGN §15, §8: b's member role is assumed, then its reads are refused (as an SCP of b, or a
    member role without the Describe permissions, does): one acknowledged "could not evaluate"
    notice whose advice names b's member role and account, not the function's own role."""
    s = "read refused in b (event bundle)"
    arn = topic()
    with lock:
        deny_reads.add(ids["b"])
    try:
        rc, answer, sent = deliver("readdenied", ids, {"b": change(ids, "b", 6, port=8443)}, arn)
    finally:
        with lock:
            deny_reads.clear()
    role = f"arn:aws:iam::{ids['b']}:role/{ROLE}"
    check(s, "acknowledged (no batchItemFailures)", rc == 0 and answer.get("batchItemFailures") == [],
          json.dumps(answer)[:300])
    check(s, "b's member role assumed, its reads refused", len(assumed(ids["b"])) == 1 and any(
        c["account"] == ids["b"] and c["status"] == 403 and c["action"].startswith("Describe") for c in calls))
    check(s, "nothing revoked", not any(c["action"].startswith("Revoke") for c in calls))
    check(s, "one 'could not evaluate' notice for b", len(sent) == 1
          and sent[0]["attributes"].get("accountId") == ids["b"]
          and "could not evaluate" in sent[0]["subject"] and sent[0]["attributes"].get("severity") == "high",
          json.dumps([(n["subject"], n["attributes"]) for n in sent]))
    message = sent[0]["message"] if sent else ""
    check(s, "its advice names b's member role and account (not the function role)",
          f"Check the ec2:Describe* permissions of the member role {role} in account {ids['b']}" in message
          and "function role" not in message, message[:800])
    check(s, "b's rule stays", "8443" in world_rules(ids["b"], "us-east-1", ids["groups"]["b"]))


def scenario_lookalike(ids):
    """DESIGN §15: in the central account the guardrail acts with the function's own role, never the
    member role: a world-open change there by a role *named* VpcGuardrailMember is judged and revoked
    like anyone's (before: ignored as own-role, unseen); in a member account (a) such a call stays the
    guardrail's own: ignored, a never assumed."""
    s = "look-alike member role (event bundle)"
    arn = topic()
    events = {"a": change(ids, "a", 7, role=ROLE, session="vpc-guardrail-earlier-invocation", port=2222),
              "central": change(ids, "central", 8, role=ROLE, session="vpc-guardrail-looks-legit", port=2223)}
    rc, answer, sent = deliver("lookalike", ids, events, arn)
    check(s, "acknowledged (no batchItemFailures)", rc == 0 and answer.get("batchItemFailures") == [],
          json.dumps(answer)[:300])
    revokes = sorted((c["account"], c["params"].get("GroupId"), c["status"]) for c in calls
                     if c["action"] == "RevokeSecurityGroupIngress")
    check(s, "central: revoked with the function's own role (no AssumeRole into the central account)",
          revokes == [(CENTRAL, ids["groups"]["central"], 200)] and not assumed(CENTRAL)
          and "2223" not in world_rules(CENTRAL, "eu-west-1", ids["groups"]["central"]), f"{revokes}")
    a_log = ignored_log("lookalike", "m-a")
    check(s, "a: the member role's call ignored as own-role, a never assumed, its rule stays",
          a_log and a_log[0].get("code") == "own-role" and not assumed(ids["a"])
          and "2222" in world_rules(ids["a"], "eu-west-1", ids["groups"]["a"]), json.dumps(a_log)[:300])
    check(s, "one notice: the central account's, naming the look-alike caller",
          len(sent) == 1 and sent[0]["attributes"].get("accountId") == CENTRAL
          and "vpc-guardrail-looks-legit" in sent[0]["message"], json.dumps([n["subject"] for n in sent]))


def scenario_blind(ids):
    """DESIGN §8 "a region not evaluated always notifies", §15: an audit (as the schedule sends it,
    notify on) of accounts none of which can be read — here c, whose AssumeRole the proxy denies —
    fails, and first publishes one notice naming each account-region and why."""
    s = "blind audit bundle {accounts:[c], notify:true}"
    calls.clear()
    arn = topic()
    rc, answer = invoke("blind-audit", ids, "audit",
                        json.dumps({"accounts": [ids["c"]], "regions": REGIONS, "notify": True}),
                        VPC_GUARDRAIL_TOPIC_ARN=arn)
    keep("blind-audit-calls.json", calls)
    notice = blind_notice_checks(
        s, rc, answer, "no region could be loaded",
        f"[HIGH] VPC Guardrail audit failed: 2 of 2 region(s) not read in 1 account eu-west-1,us-east-1")
    role = f"arn:aws:iam::{ids['c']}:role/{ROLE}"
    check(s, "each account-region named with the role denied",
          all(f"NOT EVALUATED: {ids['c']} {r}: cannot assume {role} in account {ids['c']}" in notice["message"]
              for r in REGIONS), notice["message"][:600])
    check(s, "nothing read in c", not any(c["account"] == ids["c"] and c["action"].startswith("Describe")
                                          for c in calls))


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which not in ("audit", "accounts", "hub", "cli", "events", "allowlist", "noorg", "blind", "readdenied",
                     "lookalike", "all"):
        sys.exit(f"usage: {sys.argv[0]} [audit|accounts|hub|cli|events|allowlist|noorg|blind|readdenied|lookalike|all]")
    if which in ("noorg", "all"):
        scenario_noorg()
    ids = world()
    print(json.dumps({k: v for k, v in ids.items()}), flush=True)
    bundle_answer = None
    if which in ("audit", "all"):
        bundle_answer = scenario_audit(ids)
    if which in ("accounts", "all"):
        scenario_accounts(ids)
    if which in ("cli", "all"):
        scenario_cli(ids, bundle_answer)
    if which in ("events", "all"):
        scenario_events(ids)  # it changes the world: after the audits
    if which in ("allowlist", "all"):
        scenario_allowlist(ids)
    if which in ("blind", "all"):
        scenario_blind(ids)
    if which in ("readdenied", "all"):
        scenario_readdenied(ids)
    if which in ("lookalike", "all"):
        scenario_lookalike(ids)
    if which in ("hub", "all"):
        scenario_hub(ids)  # it adds groups to the central account: last
    failed = [r for r in results if not r[2]]
    print(f"\n{len(results) - len(failed)} PASS, {len(failed)} FAIL; kept in {WORK}")
    server.shutdown()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
