#!/usr/bin/env python3
"""DESIGN §14 "Figures to hold", measured on the BUILT event bundle against moto (a manual check,
never part of `npm test` or CI; scripts/emulator/README.md shows how to run it).

    python3 scripts/emulator/burst.py [apply|apply-live|twenty|all]   (after `npm run build`, moto running)

apply:  31 real AuthorizeSecurityGroupIngress calls on one group, made with boto3 the way a terraform
        apply makes them (one call per aws_security_group_rule / aws_vpc_security_group_ingress_rule,
        some with several CIDRs, group references, IPv6), 5 of them world-open on admin or high-risk
        ports. Each call's CloudTrail event is built from the real request and moto's answer (rule ids
        in responseElements.securityGroupRuleSet, as EC2 writes them), wrapped in an EventBridge
        envelope, then in an SQS record; batches of 10, three invocations at once (each its own
        process, as Lambda runs concurrent batches), then the last batch. All 31 calls are made first.
apply-live: the same, but each batch's calls are made just before it is delivered, while the
        batches before it run (an apply still going while the queue delivers).
twenty: 20 calls on 20 groups of one VPC, one batch.

Every invocation reaches moto through its own counting proxy (one port per batch), which records
each call's Action (EC2 and SNS use the Query protocol), the revokes' outcomes and the notices
published (subject and message). It prints the figures as JSON and exits 1 when one does not hold.
Environment: AWS_ENDPOINT_URL (moto, default http://127.0.0.1:5077), AWS_REGION (eu-west-1),
KEEP (a directory to keep the batches, logs and answers in).
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
REGION = os.environ.get("AWS_REGION", "eu-west-1")
ACCOUNT = "123456789012"  # moto's
MOTO = urllib.parse.urlparse(ENDPOINT)
kw = dict(endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
ec2 = boto3.client("ec2", **kw)
sns = boto3.client("sns", **kw)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.environ.get("KEEP") or tempfile.mkdtemp(prefix="vpc-guardrail-burst-")
os.makedirs(WORK, exist_ok=True)

# --- the counting proxy -------------------------------------------------------------------------

calls = []  # {batch, action, params, status, error}
calls_lock = threading.Lock()


def proxy_for(tag, fault=None):
    """A proxy to moto on a free loopback port; every request it forwards is recorded under `tag`.
    `fault(action, params)` may return `(status, code)`: that call is answered with that EC2 error
    instead of being forwarded (catalogue.py's injected failures)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body, action, params = read_call(self)
            injected = fault(action, params) if fault else None
            if injected:
                status, code = injected
                data = (f'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
                        f'<Message>injected by the harness</Message></Error></Errors>'
                        f'<RequestID>injected</RequestID></Response>').encode()
                headers = [("Content-Type", "text/xml")]
            else:
                status, headers, data = forward(self, MOTO, body)
                code = error_code(status, data)
            with calls_lock:
                calls.append({"batch": tag, "action": action, "params": params, "status": status, "error": code})
            reply(self, status, headers, data)

        do_GET = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- the world and the calls --------------------------------------------------------------------

identity = assumed_role_identity(ACCOUNT, "Deployer", "terraform")
TF_AGENT = ("APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0 "
            "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.6 api/ec2#1.195.0")


def ct_permission(p):
    """boto3's IpPermission as CloudTrail writes it in requestParameters (empty sets as {})."""

    def items(key, name, inner):
        values = [{inner[k]: v for k, v in x.items() if k in inner} for x in p.get(key, [])]
        return {name: {"items": values} if values else {}}

    out = {"ipProtocol": p["IpProtocol"]}
    if "FromPort" in p:
        out["fromPort"] = p["FromPort"]
        out["toPort"] = p["ToPort"]
    out.update(items("UserIdGroupPairs", "groups", {"GroupId": "groupId", "UserId": "userId"}))
    out.update(items("IpRanges", "ipRanges", {"CidrIp": "cidrIp", "Description": "description"}))
    out.update(items("Ipv6Ranges", "ipv6Ranges", {"CidrIpv6": "cidrIpv6", "Description": "description"}))
    out.update(items("PrefixListIds", "prefixListIds", {"PrefixListId": "prefixListId"}))
    return out


def ct_rule(r):
    """A SecurityGroupRule of moto's answer as CloudTrail writes it in securityGroupRuleSet."""
    out = {"groupOwnerId": ACCOUNT, "groupId": r["GroupId"], "securityGroupRuleId": r["SecurityGroupRuleId"],
           "isEgress": r.get("IsEgress", False), "ipProtocol": r["IpProtocol"],
           "fromPort": r.get("FromPort", -1), "toPort": r.get("ToPort", -1),
           "securityGroupRuleArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group-rule/{r['SecurityGroupRuleId']}"}
    for src, dst in (("CidrIpv4", "cidrIpv4"), ("CidrIpv6", "cidrIpv6"), ("PrefixListId", "prefixListId"),
                     ("Description", "description")):
        if r.get(src):
            out[dst] = r[src]
    ref = r.get("ReferencedGroupInfo")
    if ref:
        out["referencedGroupInfo"] = {"groupId": ref["GroupId"], "userId": ref.get("UserId", ACCOUNT)}
    return out


def authorize(group, permissions, n):
    """Makes the call; returns its EventBridge event (CloudTrail record of the real call) and rule ids."""
    answer = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=permissions)
    rules = answer.get("SecurityGroupRules", [])
    event_id = f"00000000-0000-4000-8000-{n:012d}"
    time = f"2026-12-06T21:00:{n % 60:02d}Z"
    response = {"requestId": f"req-{n}", "_return": True}
    if rules:  # EC2 writes the rule set when the API answered with rule ids
        response["securityGroupRuleSet"] = {"items": [ct_rule(r) for r in rules]}
    detail = {
        "eventVersion": "1.10", "userIdentity": identity, "eventTime": time,
        "eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupIngress", "awsRegion": REGION,
        "sourceIPAddress": "198.51.100.7", "userAgent": TF_AGENT,
        "requestParameters": {"groupId": group, "ipPermissions": {"items": [ct_permission(p) for p in permissions]}},
        "responseElements": response, "requestID": f"req-{n}", "eventID": event_id, "readOnly": False,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    event = {"version": "0", "id": f"eb-{event_id}", "detail-type": "AWS API Call via CloudTrail",
             "source": "aws.ec2", "account": ACCOUNT, "time": time, "region": REGION, "resources": [],
             "detail": detail}
    return event, [r["SecurityGroupRuleId"] for r in rules]


def tcp(port, cidrs=(), v6=(), groups=(), to=None):
    p = {"IpProtocol": "tcp", "FromPort": port, "ToPort": to if to is not None else port}
    if cidrs:
        p["IpRanges"] = [{"CidrIp": c, "Description": "terraform"} for c in cidrs]
    if v6:
        p["Ipv6Ranges"] = [{"CidrIpv6": c} for c in v6]
    if groups:
        p["UserIdGroupPairs"] = [{"GroupId": g} for g in groups]
    return p


def sqs_batch(events, first):
    return {"Records": [{
        "messageId": f"00000000-0000-4000-9000-{first + i:012d}", "receiptHandle": f"rh-{first + i}",
        "body": json.dumps(e),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1765054800000",
                       "SenderId": "AIDAEVENTBRIDGE", "ApproximateFirstReceiveTimestamp": "1765054800000"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:VpcGuardrail-EventQueue", "awsRegion": REGION,
    } for i, e in enumerate(events)]}


def reset():
    conn = http.client.HTTPConnection(MOTO.hostname, MOTO.port, timeout=30)
    conn.request("POST", "/moto-api/reset")
    conn.getresponse().read()
    calls.clear()


# --- delivery -----------------------------------------------------------------------------------


def deliver(name, batches, topic, at_once=3):
    """Runs the built bundle on each batch, `at_once` processes at a time, each behind its own proxy.
    A batch is a list of events or a function that makes its calls and returns their events (live
    mode: the apply is still making calls while the earlier batches run)."""
    answers = []
    for start in range(0, len(batches), at_once):
        running = []
        for k in range(start, min(start + at_once, len(batches))):
            events = batches[k]() if callable(batches[k]) else batches[k]
            path = os.path.join(WORK, f"{name}-batch-{k + 1}.json")
            json.dump(sqs_batch(events, k * 10), open(path, "w"))
            server = proxy_for(k + 1)
            env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{server.server_address[1]}",
                       AWS_REGION=REGION, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                       VPC_GUARDRAIL_MODE="remediate", VPC_GUARDRAIL_TOPIC_ARN=topic,
                       OUT=os.path.join(WORK, f"{name}-answer-{k + 1}.json"))
            log = open(os.path.join(WORK, f"{name}-log-{k + 1}.jsonl"), "w")
            proc = subprocess.Popen(["node", os.path.join(HERE, "invoke.mjs"), "on-network-change", path],
                                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            running.append((k, proc, server))
        for k, proc, server in running:
            proc.wait()
            server.shutdown()
            answers.append((k + 1, proc.returncode, json.load(open(os.path.join(WORK, f"{name}-answer-{k + 1}.json")))))
    return answers


def permission_signatures(params):
    """`tcp 22 from 0.0.0.0/0` for each source of a revoke by permissions (Query form parameters)."""
    out = []
    for key, value in params.items():
        m = re.fullmatch(r"IpPermissions\.(\d+)\.(?:IpRanges\.\d+\.CidrIp|Ipv6Ranges\.\d+\.CidrIpv6)", key)
        if m:
            n = m.group(1)
            out.append(f"{params.get(f'IpPermissions.{n}.IpProtocol')} {params.get(f'IpPermissions.{n}.FromPort')} from {value}")
    return sorted(out)


def figures(answers):
    batches = sorted({c["batch"] for c in calls})
    describe = {b: {} for b in batches}
    for c in calls:
        if c["action"].startswith("Describe"):
            d = describe[c["batch"]]
            d[c["action"]] = d.get(c["action"], 0) + 1
    revokes = [{"batch": c["batch"], "group": c["params"].get("GroupId"),
                "sources": permission_signatures(c["params"]),
                "rules": sorted(v for k, v in c["params"].items() if k.startswith("SecurityGroupRuleId")),
                "permissions": sorted(k for k in c["params"] if k.startswith("IpPermissions")) != [],
                "status": c["status"], "error": c["error"]}
               for c in calls if c["action"].startswith("Revoke")]
    notices = [{"batch": c["batch"], "subject": c["params"].get("Subject"), "message": c["params"].get("Message", "")}
               for c in calls if c["action"] == "Publish"]
    others = sorted({c["action"] for c in calls if not c["action"].startswith(("Describe", "Revoke", "Publish"))})
    return describe, revokes, notices, others, [(b, rc, a) for b, rc, a in answers]


def describe_count(per_batch):
    """Describe calls of a batch, prefix lists apart (the figure says "plus prefix lists")."""
    return sum(n for a, n in per_batch.items() if "PrefixList" not in a)


def rules_of(group):
    out = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])
    return {r["SecurityGroupRuleId"]: r for r in out["SecurityGroupRules"] if not r["IsEgress"]}


# --- the scenarios ------------------------------------------------------------------------------


def scenario_apply(name="apply", live=False):
    reset()
    topic = sns.create_topic(Name="vpc-guardrail")["TopicArn"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    lb = ec2.create_security_group(GroupName="tf-lb", Description="managed by terraform", VpcId=vpc)["GroupId"]
    group = ec2.create_security_group(GroupName="tf-web", Description="managed by terraform", VpcId=vpc)["GroupId"]
    ec2.create_network_interface(SubnetId=subnet, Groups=[group], Description="web")
    # 31 calls in terraform's order of creation; the 5 world-open ones spread over the batches.
    specs = [
        tcp(443, ["10.0.0.0/16"]), tcp(8080, groups=[lb]), tcp(22, ["0.0.0.0/0"]),  # 3: world-open 22
        tcp(8443, ["10.0.0.0/16", "10.1.0.0/16", "192.168.0.0/16"]), tcp(9090, ["10.0.0.0/8"]),
        tcp(9100, groups=[lb]), tcp(443, groups=[lb]), tcp(5000, ["10.0.2.0/24"]),
        tcp(6379, ["10.0.3.0/24"]), tcp(3389, v6=["::/0"]),  # 10: world-open 3389 (IPv6)
        tcp(8000, ["10.0.4.0/24"]), tcp(8001, ["10.0.5.0/24"]), tcp(8002, ["10.0.6.0/24"]),
        tcp(8003, ["10.0.7.0/24"]), tcp(3306, ["0.0.0.0/0", "10.9.0.0/16"]),  # 15: world-open 3306 + a VPC range
        tcp(8004, ["10.0.8.0/24"]), tcp(8005, ["10.0.9.0/24"]), tcp(8006, ["10.0.10.0/24"]),
        tcp(8007, ["10.0.11.0/24"]), tcp(8008, ["10.0.12.0/24"]),
        tcp(8009, ["10.0.13.0/24"]), tcp(8010, ["10.0.14.0/24"]), tcp(8011, ["10.0.15.0/24"]),
        tcp(5432, ["0.0.0.0/0"]),  # 24: world-open 5432
        tcp(8012, ["10.0.16.0/24"]), tcp(8013, ["10.0.17.0/24"]), tcp(8014, ["10.0.18.0/24"]),
        tcp(8015, ["10.0.19.0/24"]), tcp(8016, ["10.0.20.0/24"]), tcp(8017, ["10.0.21.0/24"]),
        tcp(9200, ["0.0.0.0/0"]),  # 31: world-open 9200, alone in the last batch
    ]
    world_calls = {2, 9, 14, 23, 30}
    world_rules, all_rules, signature = [], [], {}
    before = set(rules_of(group))

    def make(calls_range):
        events = []
        for n in calls_range:
            event, ids = authorize(group, [specs[n]], n + 1)
            events.append(event)
            all_rules.extend(ids)
            before.update(ids)
            if n in world_calls:
                r = rules_of(group)
                for i in ids:
                    cidr = r[i].get("CidrIpv4") or r[i].get("CidrIpv6")
                    if cidr in ("0.0.0.0/0", "::/0"):
                        world_rules.append(i)
                        signature[i] = f"tcp {r[i]['FromPort']} from {cidr}"
        return events

    ranges = [range(i, min(i + 10, len(specs))) for i in range(0, len(specs), 10)]
    if live:  # each batch's calls are made just before it is delivered, while the others run
        batches = [lambda r=r: make(r) for r in ranges]
    else:
        made = make(range(len(specs)))
        batches = [made[r.start:r.stop] for r in ranges]
    answers = deliver(name, batches, topic)
    describe, revokes, notices, others, answered = figures(answers)
    after = rules_of(group)
    removed = sorted(before - set(after))
    # A rule is reported revoked by a notice when a `done:` action line of its digest names it (by
    # id, or by its permission when the revoke was by permissions); mentioned when the text names it.
    texts = [json.loads(n["message"]).get("default", "") if n["message"].startswith("{") else n["message"]
             for n in notices]

    def names(line, r):
        return r in line or signature[r] in line

    revoked_in = {r: [i for i, t in enumerate(texts) if any(
        ln.strip().startswith("done:") and names(ln, r) for ln in t.splitlines())] for r in world_rules}
    mentioned_in = {r: [i for i, t in enumerate(texts) if names(t, r)] for r in world_rules}
    successful = {r: [i for i, v in enumerate(revokes) if v["status"] == 200 and (
        r in v["rules"] or signature[r] in v["sources"])] for r in world_rules}
    checks = {
        "5 world-open rules made": len(world_rules) == 5,
        "each revoked by exactly one successful call": all(len(v) == 1 for v in successful.values()),
        "each reported revoked in exactly one notice": all(len(v) == 1 for v in revoked_in.values()),
        "no other notice about them": all(mentioned_in[r] == revoked_in[r] for r in world_rules),
        "<= 4 notices": len(notices) <= 4,
        "<= 6 Describe calls per batch (prefix lists apart)": all(describe_count(d) <= 6 for d in describe.values()),
        "nothing else removed": removed == sorted(world_rules),
        "every message acknowledged": all(rc == 0 and not (a or {}).get("batchItemFailures") for _, rc, a in answered),
    }
    return {
        "group": group, "calls": len(specs), "live": live, "rulesMade": len(all_rules), "worldOpenRules": world_rules,
        "describePerBatch": describe, "revokes": revokes, "otherCalls": others,
        "notices": [{"batch": n["batch"], "subject": n["subject"]} for n in notices],
        "revokedIn": revoked_in, "mentionedIn": mentioned_in, "removed": removed,
        "answers": [{"batch": b, "exit": rc, "answer": a} for b, rc, a in answered],
        "checks": checks,
    }, notices


def scenario_twenty():
    reset()
    topic = sns.create_topic(Name="vpc-guardrail")["TopicArn"]
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    groups = [ec2.create_security_group(GroupName=f"svc-{i}", Description="managed by terraform",
                                        VpcId=vpc)["GroupId"] for i in range(20)]
    for g in groups[:10]:
        ec2.create_network_interface(SubnetId=subnet, Groups=[g])
    events, world = [], []
    for i, g in enumerate(groups):
        # Every fourth call world-open on 22; the rest a VPC range on 443.
        p = tcp(22, ["0.0.0.0/0"]) if i % 4 == 0 else tcp(443, ["10.20.0.0/16"])
        event, ids = authorize(g, [p], 100 + i)
        events.append(event)
        if i % 4 == 0:
            world += ids
    answers = deliver("twenty", [events], topic)
    describe, revokes, notices, others, answered = figures(answers)
    left = set()
    for g in groups:
        left |= set(rules_of(g))
    checks = {
        "one notice": len(notices) == 1,
        "<= 6 Describe calls (prefix lists apart)": all(describe_count(d) <= 6 for d in describe.values()),
        "the 5 world-open rules removed, nothing else": not (set(world) & left) and len(left) == 15,
        "every message acknowledged": all(rc == 0 and not (a or {}).get("batchItemFailures") for _, rc, a in answered),
    }
    return {
        "groups": len(groups), "worldOpenRules": world, "describePerBatch": describe, "revokes": revokes,
        "otherCalls": others, "notices": [{"batch": n["batch"], "subject": n["subject"]} for n in notices],
        "answers": [{"batch": b, "exit": rc, "answer": a} for b, rc, a in answered], "checks": checks,
    }, notices


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    report, ok = {}, True
    scenarios = (("apply", scenario_apply), ("apply-live", lambda: scenario_apply("apply-live", True)),
                 ("twenty", scenario_twenty))
    for name, run in scenarios:
        if which not in (name, "all"):
            continue
        result, notices = run()
        report[name] = result
        json.dump(calls, open(os.path.join(WORK, f"{name}-calls.json"), "w"), indent=1)
        with open(os.path.join(WORK, f"{name}-notices.txt"), "w") as f:
            for n in notices:
                f.write(f"--- batch {n['batch']}: {n['subject']}\n{n['message']}\n")
        ok = ok and all(result["checks"].values())
    report["kept"] = WORK
    print(json.dumps(report, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
