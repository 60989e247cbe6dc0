"""A checking proxy in front of moto: every AWS call the built bundles send, checked against the
AWS API reference before moto answers it (moto accepts much that EC2, SNS, STS and Security Hub
refuse).

    moto_server -p 5081 &
    APICHECK_LOG=/tmp/apicheck.jsonl python3 scripts/emulator/apicheck.py 5181 http://127.0.0.1:5081 &
    export AWS_ENDPOINT_URL=http://127.0.0.1:5181   # then run world.py, catalogue.py, remedy.py, …

Only calls made by the AWS SDK for JavaScript (the bundles, the CLI) are checked; boto3's (the
scripts building their worlds) are forwarded as they are. Each checked call is one line of
APICHECK_LOG: the service, the action, what was checked and every violation found. The proxy never
changes a call or an answer. `python3 scripts/emulator/apicheck.py report LOG` prints the calls seen
per action and every violation (exit 1 when there is one).

The constraints (each from the API reference of the call; /work/notes/spec-apicheck.md has the table):
- EC2 Describe*: MaxResults within the operation's range; not together with an id list where the
  reference forbids it; at most 200 values per filter; filter names the operation documents.
- EC2 writes: RevokeSecurityGroup* by ids or by permissions, never both, with a GroupId; a tcp/udp
  permission with both ports. Create/ReplaceNetworkAclEntry: RuleNumber 1-32766, RuleAction allow or
  deny, exactly one of CidrBlock / Ipv6CidrBlock, PortRange From/To for tcp and udp, an ICMP type
  and code for icmp (and icmpv6). DeleteNetworkAclEntry: its three required members.
  ModifySubnetAttribute: one attribute.
- SNS Publish: Subject under 100 characters, no line breaks or control characters, starting with
  a letter, number or punctuation mark; Message and attributes within 256 KiB; with
  MessageStructure json, a JSON object of string values holding `default`; at most 10 attributes,
  none empty, a String.Array a JSON array.
- STS AssumeRole: RoleSessionName [\\w+=,.@-]{2,64}, DurationSeconds 900-43200, RoleArn 20-2048.
- Security Hub BatchImportFindings: 1-100 findings, each under 240 KB, with its required fields,
  non-blank strings (`.*\\S.*`, no line break), the documented lengths (Id 512, Title 256,
  Description 1024, Remediation text 512, ProductFields 50 pairs of 128/2048, Resources 32,
  RelatedRequirements 32, Types 50) and enums. BatchUpdateFindings: 1-100 identifiers.
- Organizations ListAccounts: MaxResults 1-20.
"""

import http.server
import json
import os
import re
import socketserver
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relay import reply  # noqa: E402

LOG = os.environ.get("APICHECK_LOG", "/tmp/apicheck.jsonl")
LOCK = threading.Lock()

# EC2 Describe* page-size ranges (botocore's model: DescribeVpcsMaxResults 5-1000, …).
MAX_RESULTS = {
    "DescribeVpcs": (5, 1000),
    "DescribeSubnets": (5, 1000),
    "DescribeSecurityGroups": (5, 1000),
    "DescribeSecurityGroupRules": (5, 1000),
    "DescribeNetworkAcls": (5, 1000),
    "DescribeRouteTables": (5, 100),
    "DescribeInternetGateways": (5, 1000),
    "DescribeNatGateways": (5, 1000),
    "DescribeVpcEndpoints": (1, 1000),
    "DescribeNetworkInterfaces": (5, 1000),
    "DescribeManagedPrefixLists": (1, 100),
    "GetManagedPrefixListEntries": (1, 100),
}

# Id lists that the reference says cannot go with MaxResults ("You cannot specify this parameter and
# the … IDs parameter in the same request"), and the id lists of the calls the guardrail makes.
NO_MAX_WITH = {
    "DescribeNetworkInterfaces": "NetworkInterfaceId",
    "DescribeSecurityGroups": "GroupId",
    "DescribeInstances": "InstanceId",
}
ID_LISTS = {
    "DescribeSecurityGroups": ("GroupId", "GroupName"),
    "DescribeNetworkAcls": ("NetworkAclId",),
    "DescribeVpcEndpoints": ("VpcEndpointId",),
    "DescribeSecurityGroupRules": ("SecurityGroupRuleId",),
    "DescribeManagedPrefixLists": ("PrefixListId",),
}

# Filter names from each operation's reference (those a guardrail could use; a name not listed
# is a violation to look up).
FILTERS = {
    "DescribeVpcs": {"vpc-id", "cidr", "cidr-block-association.cidr-block", "is-default", "owner-id", "state"},
    "DescribeSubnets": {"vpc-id", "subnet-id", "availability-zone", "cidr-block", "state", "owner-id"},
    "DescribeSecurityGroups": {
        "vpc-id", "group-id", "group-name", "ip-permission.prefix-list-id", "ip-permission.cidr",
        "ip-permission.group-id", "ip-permission.from-port", "ip-permission.to-port", "owner-id",
    },
    "DescribeSecurityGroupRules": {"group-id", "security-group-rule-id", "tag-key"},
    "DescribeNetworkAcls": {"vpc-id", "network-acl-id", "association.subnet-id", "default", "owner-id"},
    "DescribeRouteTables": {
        "vpc-id", "route-table-id", "association.main", "association.subnet-id",
        "route.destination-prefix-list-id", "route.gateway-id", "owner-id",
    },
    "DescribeInternetGateways": {"attachment.vpc-id", "attachment.state", "internet-gateway-id", "owner-id"},
    "DescribeNatGateways": {"vpc-id", "nat-gateway-id", "subnet-id", "state"},
    "DescribeVpcEndpoints": {"vpc-id", "vpc-endpoint-id", "service-name", "vpc-endpoint-type", "vpc-endpoint-state"},
    "DescribeNetworkInterfaces": {
        "vpc-id", "network-interface-id", "group-id", "attachment.instance-id", "subnet-id",
        "interface-type", "requester-id", "status",
    },
    "DescribeManagedPrefixLists": {"owner-id", "prefix-list-id", "prefix-list-name"},
}

FILTER_VALUES_MAX = 200
NON_BLANK = re.compile(r"[^\n\r\u0085\u2028\u2029]*\S[^\n\r\u0085\u2028\u2029]*")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def indexed(params, prefix):
    """The values of `Prefix.1`, `Prefix.2`, … in order."""
    out, i = [], 1
    while f"{prefix}.{i}" in params:
        out.append(params[f"{prefix}.{i}"])
        i += 1
    return out


def members(params, prefix):
    """The numbered sub-structures `Prefix.N.*` as dicts of their remaining keys."""
    out = {}
    for key, value in params.items():
        m = re.match(rf"^{re.escape(prefix)}\.(\d+)\.(.+)$", key)
        if m:
            out.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return [out[k] for k in sorted(out)]


def check_ec2(action, p):
    bad = []
    if action in MAX_RESULTS and "MaxResults" in p:
        low, high = MAX_RESULTS[action]
        n = int(p["MaxResults"])
        if not low <= n <= high:
            bad.append(f"MaxResults {n} outside {low}-{high}")
        ids = NO_MAX_WITH.get(action)
        if ids and indexed(p, ids):
            bad.append(f"MaxResults together with {ids}.N")
    for name in ID_LISTS.get(action, ()):
        ids = indexed(p, name)
        if len(ids) > 1000:
            bad.append(f"{len(ids)} values of {name}.N")
    filter_key = "Filter"
    for f in members(p, filter_key):
        name = f.get("Name", "")
        values = [v for k, v in f.items() if k.startswith("Value.")]
        if len(values) > FILTER_VALUES_MAX:
            bad.append(f"filter {name}: {len(values)} values > {FILTER_VALUES_MAX}")
        if len(values) == 0:
            bad.append(f"filter {name}: no value")
        if action in FILTERS and name not in FILTERS[action] and not name.startswith("tag"):
            bad.append(f"filter {name} is not a filter of {action}")
    if action in ("RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress"):
        ids = indexed(p, "SecurityGroupRuleId")
        perms = members(p, "IpPermissions")
        if not p.get("GroupId"):
            bad.append("no GroupId")
        if ids and perms:
            bad.append("SecurityGroupRuleIds and IpPermissions together")
        if not ids and not perms:
            bad.append("neither SecurityGroupRuleIds nor IpPermissions")
        for perm in perms:
            proto = perm.get("IpProtocol", "")
            if proto in ("tcp", "udp", "6", "17") and ("FromPort" not in perm or "ToPort" not in perm):
                bad.append(f"permission {proto} without FromPort/ToPort")
            if not any(k.startswith(("IpRanges.", "Ipv6Ranges.", "PrefixListIds.", "Groups.")) for k in perm):
                bad.append("permission without a source")
    if action in ("CreateNetworkAclEntry", "ReplaceNetworkAclEntry"):
        for req in ("NetworkAclId", "RuleNumber", "Protocol", "RuleAction", "Egress"):
            if req not in p:
                bad.append(f"no {req}")
        n = int(p.get("RuleNumber", "0"))
        if not 1 <= n <= 32766:
            bad.append(f"RuleNumber {n} outside 1-32766")
        if p.get("RuleAction") not in ("allow", "deny"):
            bad.append(f"RuleAction {p.get('RuleAction')!r}")
        if ("CidrBlock" in p) == ("Ipv6CidrBlock" in p):
            bad.append("not exactly one of CidrBlock and Ipv6CidrBlock")
        proto = p.get("Protocol", "").lower()
        if proto in ("6", "17", "tcp", "udp") and ("PortRange.From" not in p or "PortRange.To" not in p):
            bad.append(f"protocol {proto} without PortRange From and To")
        if proto in ("1", "icmp") and ("Icmp.Type" not in p or "Icmp.Code" not in p):
            bad.append("icmp without an ICMP type and code")
        if proto in ("58", "icmpv6") and "Ipv6CidrBlock" in p and ("Icmp.Type" not in p or "Icmp.Code" not in p):
            bad.append("icmpv6 from an IPv6 block without an ICMP type and code")
        if proto not in ("-1", "all") and not re.fullmatch(r"-1|tcp|udp|icmp|icmpv6|\d{1,3}", proto):
            bad.append(f"Protocol {proto!r}")
    if action == "DeleteNetworkAclEntry":
        for req in ("NetworkAclId", "RuleNumber", "Egress"):
            if req not in p:
                bad.append(f"no {req}")
    if action == "ModifySubnetAttribute":
        attrs = {k.split(".")[0] for k in p if k not in ("Action", "Version", "SubnetId", "DryRun")}
        if len(attrs) != 1:
            bad.append(f"{len(attrs)} attributes in one call: {sorted(attrs)}")
        if not p.get("SubnetId"):
            bad.append("no SubnetId")
    return bad


def check_sns(action, p):
    bad = []
    if action != "Publish":
        return bad
    subject = p.get("Subject")
    if subject is not None:
        units = len(subject.encode("utf-16-le")) // 2
        if units >= 100:
            bad.append(f"Subject of {units} characters (must be less than 100)")
        if CONTROL.search(subject):
            bad.append("Subject with a line break or control character")
        if subject == "" or not re.match(r"[A-Za-z0-9!-/:-@\[-`{-~]", subject):
            bad.append(f"Subject does not start with a letter, number or punctuation mark: {subject[:10]!r}")
    message = p.get("Message", "")
    attrs = members(p, "MessageAttributes.entry")
    size = len(message.encode())
    for a in attrs:
        size += len(a.get("Name", "").encode()) + len(a.get("Value.DataType", "").encode())
        size += len(a.get("Value.StringValue", "").encode())
    if size > 262144:
        bad.append(f"message and attributes of {size} bytes > 262144")
    if len(attrs) > 10:
        bad.append(f"{len(attrs)} message attributes > 10")
    for a in attrs:
        name, kind, value = a.get("Name", ""), a.get("Value.DataType", ""), a.get("Value.StringValue")
        if not re.fullmatch(r"[A-Za-z0-9_\-.]{1,256}", name) or name.startswith(("AWS.", "Amazon.", ".")):
            bad.append(f"attribute name {name!r}")
        if value is None or value == "":
            bad.append(f"attribute {name} empty")
        if kind == "String.Array":
            try:
                if not isinstance(json.loads(value or ""), list):
                    bad.append(f"attribute {name}: String.Array not a JSON array")
            except ValueError:
                bad.append(f"attribute {name}: String.Array not JSON")
        elif kind not in ("String", "Number", "Binary") and not kind.startswith(("String.", "Number.")):
            bad.append(f"attribute {name}: DataType {kind!r}")
    if p.get("MessageStructure") == "json":
        try:
            body = json.loads(message)
            if not isinstance(body, dict) or not isinstance(body.get("default"), str):
                bad.append("MessageStructure json without a string `default`")
            elif any(not isinstance(v, str) for v in body.values()):
                bad.append("MessageStructure json with a value that is not a string")
        except ValueError:
            bad.append("MessageStructure json, Message not JSON")
    return bad


def check_sts(action, p):
    bad = []
    if action == "AssumeRole":
        name = p.get("RoleSessionName", "")
        if not re.fullmatch(r"[\w+=,.@-]{2,64}", name, re.ASCII):
            bad.append(f"RoleSessionName {name!r}")
        if "DurationSeconds" in p and not 900 <= int(p["DurationSeconds"]) <= 43200:
            bad.append(f"DurationSeconds {p['DurationSeconds']}")
        if not 20 <= len(p.get("RoleArn", "")) <= 2048:
            bad.append("RoleArn length")
    return bad


def non_blank(path, value, bad, limit=None):
    if not isinstance(value, str) or not NON_BLANK.fullmatch(value):
        bad.append(f"{path}: blank or with a line break: {str(value)[:40]!r}")
    elif limit is not None and len(value.encode("utf-16-le")) // 2 > limit:
        bad.append(f"{path}: {len(value)} characters > {limit}")


def check_finding(i, f, bad):
    at = f"Findings[{i}]"
    if len(json.dumps(f).encode()) > 240 * 1024:
        bad.append(f"{at}: larger than 240 KB")
    for req in ("SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt",
                "Title", "Description", "Resources"):
        if req not in f:
            bad.append(f"{at}: no {req}")
    limits = {"Id": 512, "Title": 256, "Description": 1024, "GeneratorId": 512, "ProductArn": 512}
    for key in ("SchemaVersion", "Id", "ProductArn", "ProductName", "CompanyName", "Region", "GeneratorId",
                "AwsAccountId", "CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt", "Title",
                "Description"):
        if key in f:
            non_blank(f"{at}.{key}", f[key], bad, limits.get(key))
    if not re.fullmatch(r"\d{12}", str(f.get("AwsAccountId", ""))):
        bad.append(f"{at}.AwsAccountId {f.get('AwsAccountId')!r}")
    for key in ("CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"):
        if key in f and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", f[key]):
            bad.append(f"{at}.{key} not ISO 8601: {f[key]!r}")
    types = f.get("Types", [])
    if len(types) > 50:
        bad.append(f"{at}.Types: {len(types)} > 50")
    for t in types:
        non_blank(f"{at}.Types[]", t, bad)
        if not re.fullmatch(r"[^/]+(/[^/]+){0,2}", t):
            bad.append(f"{at}.Types: {t!r} is not namespace/category/classifier")
    sev = f.get("Severity", {})
    if sev.get("Label") not in ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"):
        bad.append(f"{at}.Severity.Label {sev.get('Label')!r}")
    resources = f.get("Resources", [])
    if not 1 <= len(resources) <= 32:
        bad.append(f"{at}.Resources: {len(resources)} (1-32)")
    for r in resources:
        non_blank(f"{at}.Resources[].Type", r.get("Type"), bad)
        non_blank(f"{at}.Resources[].Id", r.get("Id"), bad, 512)
        if "Partition" in r and r["Partition"] not in ("aws", "aws-cn", "aws-us-gov", "aws-us-iso", "aws-us-iso-b"):
            bad.append(f"{at}.Resources[].Partition {r['Partition']!r}")
        other = (r.get("Details") or {}).get("Other") or {}
        if len(other) > 50:
            bad.append(f"{at}.Resources[].Details.Other: {len(other)} pairs > 50")
        for k, v in other.items():
            non_blank(f"{at}.Details.Other key", k, bad, 128)
            non_blank(f"{at}.Details.Other[{k}]", v, bad, 1024)
    comp = f.get("Compliance")
    if comp is not None:
        if comp.get("Status") not in ("PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"):
            bad.append(f"{at}.Compliance.Status {comp.get('Status')!r}")
        reqs = comp.get("RelatedRequirements", [])
        if len(reqs) > 32:
            bad.append(f"{at}.Compliance.RelatedRequirements: {len(reqs)} > 32")
        for r in reqs:
            non_blank(f"{at}.Compliance.RelatedRequirements[]", r, bad)
    text = ((f.get("Remediation") or {}).get("Recommendation") or {}).get("Text")
    if text is not None:
        non_blank(f"{at}.Remediation.Recommendation.Text", text, bad, 512)
    fields = f.get("ProductFields", {})
    if len(fields) > 50:
        bad.append(f"{at}.ProductFields: {len(fields)} pairs > 50")
    for k, v in fields.items():
        non_blank(f"{at}.ProductFields key", k, bad, 128)
        non_blank(f"{at}.ProductFields[{k}]", v, bad, 2048)
    if (f.get("Workflow") or {}).get("Status", "NEW") not in ("NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"):
        bad.append(f"{at}.Workflow.Status")
    if f.get("RecordState", "ACTIVE") not in ("ACTIVE", "ARCHIVED"):
        bad.append(f"{at}.RecordState")


def check_json(service, action, body):
    bad = []
    if action == "BatchImportFindings":
        findings = body.get("Findings", [])
        if not 1 <= len(findings) <= 100:
            bad.append(f"{len(findings)} findings (1-100)")
        ids = [f.get("Id") for f in findings]
        if len(ids) != len(set(ids)):
            bad.append("an Id twice in one request")
        for i, f in enumerate(findings):
            check_finding(i, f, bad)
    elif action == "BatchUpdateFindings":
        ids = body.get("FindingIdentifiers", [])
        if not 1 <= len(ids) <= 100:
            bad.append(f"{len(ids)} FindingIdentifiers (1-100)")
        for i in ids:
            non_blank("FindingIdentifiers[].Id", i.get("Id"), bad)
            non_blank("FindingIdentifiers[].ProductArn", i.get("ProductArn"), bad)
        status = (body.get("Workflow") or {}).get("Status")
        if status is not None and status not in ("NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"):
            bad.append(f"Workflow.Status {status!r}")
    elif action == "ListAccounts":
        if "MaxResults" in body and not 1 <= body["MaxResults"] <= 20:
            bad.append(f"MaxResults {body['MaxResults']} outside 1-20")
    return bad


def service_of(handler):
    auth = handler.headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", auth)
    return m.group(1) if m else "?"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    moto = None

    def log_message(self, *args):
        pass

    def handle_any(self, method):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        agent = (self.headers.get("User-Agent", "") + " " + self.headers.get("X-Amz-User-Agent", "")).lower()
        if "aws-sdk-js" in agent and body:
            service = service_of(self)
            ctype = self.headers.get("Content-Type", "")
            if "json" in ctype:
                action = (self.headers.get("X-Amz-Target") or "").split(".")[-1] or self.path
                data = json.loads(body or b"{}")
                if service == "securityhub":
                    action = {"/findings/import": "BatchImportFindings", "/findings/batchupdate": "BatchUpdateFindings"}.get(
                        self.path.split("?")[0], action)
                bad = check_json(service, action, data)
                seen = {"n": len(data.get("Findings", data.get("FindingIdentifiers", [])))}
            else:
                params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
                action = params.get("Action", "?")
                check = {"ec2": check_ec2, "sns": check_sns, "sts": check_sts}.get(service, lambda a, p: [])
                bad = check(action, params)
                seen = {k: v for k, v in params.items() if k not in ("Action", "Version", "Message")}
                if "Message" in params:
                    seen["MessageBytes"] = len(params["Message"].encode())
            with LOCK, open(LOG, "a") as out:
                out.write(json.dumps({"service": service, "action": action, "violations": bad, "params": seen}) + "\n")
        status, headers, data = self.forward_other(method, body)
        reply(self, status, headers, data)

    def forward_other(self, method, body):
        import http.client

        conn = http.client.HTTPConnection(self.moto.hostname, self.moto.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(method, self.path, body=body or None, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.getheaders(), answer.read()

    def do_POST(self):
        self.handle_any("POST")

    def do_GET(self):
        self.handle_any("GET")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PATCH(self):
        self.handle_any("PATCH")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def report(path):
    counts, violations = {}, []
    with open(path) as f:
        for line in f:
            call = json.loads(line)
            key = f"{call['service']}:{call['action']}"
            counts[key] = counts.get(key, 0) + 1
            for v in call["violations"]:
                violations.append(f"{key}: {v}")
    for key in sorted(counts):
        print(f"{counts[key]:6d}  {key}")
    for v in sorted(set(violations)):
        print(f"VIOLATION {violations.count(v)}x {v}")
    return 1 if violations else 0


if __name__ == "__main__":
    if sys.argv[1] == "report":
        sys.exit(report(sys.argv[2]))
    Handler.moto = urllib.parse.urlparse(sys.argv[2])
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
