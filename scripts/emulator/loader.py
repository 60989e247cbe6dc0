#!/usr/bin/env python3
"""The LIVE loading path (DESIGN §3 snapshot contract, §11 `audit --region` / `snapshot`, the audit
function's region read) on the BUILT CLI and bundle against moto: a manual check, never part of
`npm test` or CI (scripts/emulator/README.md shows how to run it).

    python3 scripts/emulator/loader.py [--seeds 1-4] [--page 2] [--empty-first] [-v]
    (after `npm run build`, moto running, AWS_ENDPOINT_URL pointing at it)

For each seed: reset moto, build parity.py's random world (several VPCs, some with an Amazon IPv6
block, Name-tagged subnets auto-assigning public IPv4 or not, explicit and default NACLs with IPv4 and
IPv6 entries, main and explicit route tables, groups shared by interfaces, Elastic IPs, IPv6
addresses, prefix lists, exemption tags), then add what parity.py's world lacks: groups with egress
rules, ICMP / ICMPv6, numeric protocols (6, 17, 50, 58), the VPC's own IPv4 and IPv6 ranges, group
references, prefix lists in both directions; public and private NAT gateways and routes to them;
gateway and interface VPC endpoints with full-access and restricted policies (and the gateway
endpoint's prefix-list route); a route to a prefix list; a route to a deleted interface (EC2 makes it
`blackhole`, moto keeps it `active`: a moto quirk); exemption tags on NACLs and subnets; a detached
internet gateway; a prefix list whose world entry is on a later page; a list a rule names that is
deleted since (not judged on every path).

Every call of the four paths goes through a paging proxy in front of moto: moto ignores `MaxResults`
(one page whatever is asked), so the proxy answers each `Describe*` / `GetManagedPrefixListEntries`
in pages of at most `--page` items with a `nextToken`, as EC2 may (a page is never longer than
asked; EC2 may return fewer). Every list the loader reads then takes several pages. `--empty-first`:
the first page of every listing is empty but carries a token, as EC2 answers filtered scans.

The four paths, compared pairwise against (a):
  (a) `vpc-guardrail audit --region R --format json` (live),
  (b) `vpc-guardrail snapshot --region R`, then `audit --snapshot` of that file,
  (c) the audit function bundle (`invoke.mjs audit '{}'`),
  (d) the README's hand-built snapshot recipe ("Snapshot format"): its `sh` block, taken from the
      README and run as written with the AWS CLI (`--output json`), its audit line left out, then
      `audit --snapshot` of the snapshot.json it writes;
  (d2) the same lists assembled from boto3's paginated answers, timestamps as the AWS CLI prints
      them (ISO 8601, `+00:00`), `ManagedPrefixLists` from describe-managed-prefix-lists +
      get-managed-prefix-list-entries;
and with `--vpc V` (a VPC drawn per seed): (e) `audit --region R --vpc V`, (f) `snapshot --region R
--vpc V` + `audit --snapshot`, (g) the function with `{"vpcIds": [V]}`, each against (a)'s findings
whose vpcId is V and (a)'s notJudged entries about V's resources.
Compared: every finding whole (id, severity, title, detail, evidence, remediation, suppression), and
`summary.notJudged`. What DESIGN/the README allow to differ, said before running:
  - (d)/(d2) have no `accountId`/`region` keys (the recipe writes none), and these are labels
    "copied onto every finding as given" (README, input rules): their findings carry neither, so
    those two fields are left out of the comparison for (d)/(d2) only.
  - the function's `summary.warnings` are prefixed with the region (README "Warnings"); warnings are
    printed, not compared.
Exit 1 on a difference. KEEP keeps each seed's outputs.
"""

import datetime
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import burst
import catalogue as cat
import parity
import relay
from botocore.exceptions import ClientError
from burst import REGION, ec2

HERE = cat.HERE
ROOT = cat.ROOT
WORK = burst.WORK
MOTO = burst.MOTO
EXEMPT = cat.EXEMPT
VERBOSE = "-v" in sys.argv
PAGE = int(parity.arg("--page", "2"))
EMPTY_FIRST = "--empty-first" in sys.argv

# --- the paging proxy ----------------------------------------------------------------------------

pages = {}  # action -> pages answered with a nextToken
pages_lock = threading.Lock()
PAGED = re.compile(r"^(Describe\w+|GetManagedPrefixListEntries)$")


def _set_span(text):
    """(start, end) of the inner text of the answer's list element (the root's first child holding
    `<item>`s), or None."""
    m = re.search(r"<(\w+)>\s*<item>", text)
    if not m:
        return None
    tag = m.group(1)
    start = text.index(f"<{tag}>") + len(tag) + 2
    end = text.rindex(f"</{tag}>")
    return start, end


def _items(inner):
    """The top-level `<item>…</item>` spans of a list element's inner text."""
    out, depth, begin = [], 0, 0
    for m in re.finditer(r"<item>|</item>|<item/>", inner):
        if m.group() == "<item/>":
            if depth == 0:
                out.append(m.group())
            continue
        if m.group() == "<item>":
            if depth == 0:
                begin = m.start()
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                out.append(inner[begin:m.end()])
    return out


def page_of(params, data):
    """moto's whole answer cut to the page the request's token names."""
    text = data.decode()
    span = _set_span(text)
    asked = int(params.get("MaxResults") or 0)
    if span is None or not asked:
        return data
    size = min(asked, PAGE)
    token = params.get("NextToken") or ""
    offset = int(token[3:]) if token.startswith("pg-") else 0
    inner = text[span[0]:span[1]]
    items = _items(inner)
    chunk = items[offset:offset + size]
    if EMPTY_FIRST and not token:
        # EC2 answers a filtered scan with empty pages that still carry a token.
        chunk, size = [], 0
    text = re.sub(r"<nextToken>[^<]*</nextToken>|<nextToken/>", "", text[:span[0]] + "".join(chunk) + text[span[1]:])
    if offset + size < len(items) or (EMPTY_FIRST and not token):
        close = text.rindex("</")
        text = f"{text[:close]}<nextToken>pg-{offset + size}</nextToken>{text[close:]}"
    return text.encode()


def start_proxy():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            ctype = self.headers.get("Content-Type", "")
            params = {}
            if "json" not in ctype:
                params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
            action = params.get("Action", "")
            paged = bool(PAGED.match(action)) and "MaxResults" in params
            if paged and "NextToken" in params:
                # moto knows nothing of the proxy's tokens: it is asked for the whole list again.
                body = urllib.parse.urlencode({k: v for k, v in params.items() if k != "NextToken"}).encode()
            conn = http.client.HTTPConnection(MOTO.hostname, MOTO.port, timeout=60)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "connection", "content-length")}
            headers["Content-Length"] = str(len(body))
            conn.request("POST", self.path, body=body, headers=headers)
            answer = conn.getresponse()
            status, hdrs, data = answer.status, answer.getheaders(), answer.read()
            if paged and status == 200:
                data = page_of(params, data)
                if b"<nextToken>pg-" in data:
                    with pages_lock:
                        pages[action] = pages.get(action, 0) + 1
            relay.reply(self, status, hdrs, data)

        do_GET = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


# --- the world: parity.py's, plus what it lacks -------------------------------------------------


def add_more(rng, w):
    notes = []
    ec2.create_internet_gateway()  # a detached one: listed region-wide, attached to nothing
    # A list that a group's ingress rule names and that is gone since (EC2 refuses to delete a list
    # in use, but a list shared from another account can vanish): "not judged" on every path.
    gone = ec2.create_managed_prefix_list(PrefixListName="gone", MaxEntries=2, AddressFamily="IPv4",
                                          Entries=[{"Cidr": "0.0.0.0/0"}])["PrefixList"]["PrefixListId"]
    g = rng.choice(w["groups"])
    ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "PrefixListIds": [{"PrefixListId": gone}]}])
    try:
        ec2.delete_managed_prefix_list(PrefixListId=gone)
    except ClientError as e:
        notes.append(f"prefix list {gone} in use, not deleted: {e}")
    entries = [{"Cidr": f"198.51.100.{i * 16}/28"} for i in range(2 * PAGE + 1)] + [{"Cidr": "0.0.0.0/0"}]
    w["longList"] = ec2.create_managed_prefix_list(
        PrefixListName="partners-then-world", MaxEntries=len(entries), AddressFamily="IPv4",
        Entries=entries)["PrefixList"]["PrefixListId"]
    vpcs = ec2.describe_vpcs(VpcIds=w["vpcs"])["Vpcs"]
    for vpc in vpcs:
        v = vpc["VpcId"]
        block = (vpc.get("Ipv6CidrBlockAssociationSet") or [{}])[0].get("Ipv6CidrBlock")
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [v]}])["Subnets"]
        tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [v]}])["RouteTables"]
        groups = [g for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [v]}])["SecurityGroups"]]
        mixed = ec2.create_security_group(GroupName=f"mixed-{v[-4:]}", Description="mixed", VpcId=v)["GroupId"]
        peer = rng.choice(groups)["GroupId"]
        ingress = [
            {"IpProtocol": "icmp", "FromPort": 8, "ToPort": 0, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "6", "FromPort": rng.choice([3389, 22]), "ToPort": rng.choice([3389, 5432]),
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            # A list whose world entry is its last: on a later page of GetManagedPrefixListEntries.
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": w["longList"]}]},
            {"IpProtocol": "17", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": vpc["CidrBlock"]}]},
            {"IpProtocol": "50", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "UserIdGroupPairs": [{"GroupId": peer}]},
            {"IpProtocol": "tcp", "FromPort": 1433, "ToPort": 1434,
             "PrefixListIds": [{"PrefixListId": rng.choice(w["prefixLists"])}]},
        ]
        if block:
            ingress += [
                {"IpProtocol": "58", "FromPort": 128, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                {"IpProtocol": "tcp", "FromPort": 9200, "ToPort": 9300, "Ipv6Ranges": [{"CidrIpv6": block}]},
                {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": rng.choice(["::/0", "2000::/3", block])}]},
            ]
        egress = [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": w["prefixLists"][0]}]},
        ]
        picked = rng.sample(ingress, rng.randint(3, len(ingress)))
        if v == w["vpcs"][0] and ingress[2] not in picked:
            picked.append(ingress[2])
        for p in picked:
            try:
                ec2.authorize_security_group_ingress(GroupId=mixed, IpPermissions=[p])
            except Exception as e:  # moto answers some with a 500
                notes.append(f"ingress {p}: {e}")
        for p in rng.sample(egress, rng.randint(1, 3)):
            try:
                ec2.authorize_security_group_egress(GroupId=mixed, IpPermissions=[p])
            except Exception as e:  # moto answers some with a 500
                notes.append(f"egress {p}: {e}")
        if rng.random() < 0.3:
            ec2.create_tags(Resources=[mixed], Tags=[{"Key": EXEMPT, "Value": "sg-open-admin-port"}])
        s = rng.choice(subnets)["SubnetId"]
        eni = ec2.create_network_interface(SubnetId=s, Groups=[mixed, peer])["NetworkInterface"]["NetworkInterfaceId"]
        if rng.random() < 0.7:
            alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
            ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)
        # NAT gateways: a public one (its own EIP), sometimes a private one.
        nat_sub = rng.choice(subnets)["SubnetId"]
        alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=nat_sub, AllocationId=alloc)["NatGateway"]["NatGatewayId"]
        if rng.random() < 0.5:
            ec2.create_nat_gateway(SubnetId=rng.choice(subnets)["SubnetId"], ConnectivityType="private")
        priv = [t for t in tables if not any(a.get("Main") for a in t.get("Associations", []))
                and not any(r.get("GatewayId", "").startswith("igw-") for r in t["Routes"])]
        if priv:
            t = priv[0]["RouteTableId"]
            try:
                ec2.create_route(RouteTableId=t, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
            except ClientError as e:
                notes.append(f"nat route: {e}")
            # A route to an interface deleted since: EC2 shows it `blackhole` (moto: `active`).
            gone = ec2.create_network_interface(SubnetId=s)["NetworkInterface"]["NetworkInterfaceId"]
            ec2.create_route(RouteTableId=t, DestinationCidrBlock="192.0.2.0/24", NetworkInterfaceId=gone)
            ec2.delete_network_interface(NetworkInterfaceId=gone)
        # A route to a prefix list through the internet gateway.
        try:
            ec2.create_route(RouteTableId=rng.choice(tables)["RouteTableId"],
                             DestinationPrefixListId=w["prefixLists"][1], GatewayId=w["igws"][v])
        except Exception as e:
            notes.append(f"prefix-list route: {e}")
        # Endpoints: an S3 gateway endpoint (full access or restricted) on some tables, an interface one.
        full = rng.random() < 0.6
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*" if full else "s3:GetObject",
             "Resource": "*" if full else "arn:aws:s3:::bucket/*"}]}
        ec2.create_vpc_endpoint(VpcId=v, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                                RouteTableIds=[t["RouteTableId"] for t in rng.sample(tables, rng.randint(1, len(tables)))],
                                PolicyDocument=json.dumps(policy))
        if rng.random() < 0.6:
            args = dict(VpcId=v, ServiceName=f"com.amazonaws.{REGION}.ssm", VpcEndpointType="Interface",
                        SubnetIds=[rng.choice(subnets)["SubnetId"]], SecurityGroupIds=[mixed])
            if rng.random() < 0.5:
                args["PolicyDocument"] = json.dumps(policy)
            ec2.create_vpc_endpoint(**args)
        # Exemption tags on a NACL and a subnet.
        acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [v]}])["NetworkAcls"]
        if rng.random() < 0.4:
            ec2.create_tags(Resources=[rng.choice(acls)["NetworkAclId"]],
                            Tags=[{"Key": EXEMPT, "Value": rng.choice(["*", "nacl-open-admin-port"])}])
        if rng.random() < 0.4:
            ec2.create_tags(Resources=[rng.choice(subnets)["SubnetId"]],
                            Tags=[{"Key": EXEMPT, "Value": "subnet-auto-assign-public-ip"}])
        # An IPv6 NACL entry on the default NACL (EC2 has 101 allow ::/0; moto none).
        if block:
            d = cat.default_nacl(v)["NetworkAclId"]
            for egress_ in (False, True):
                try:
                    cat.entry(d, 101, "-1", None, "::/0", egress=egress_)
                except ClientError:
                    pass
    return notes


# --- the four paths ------------------------------------------------------------------------------


def env_for(endpoint, extra=None):
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_REGION=REGION)
    env.pop("VPC_GUARDRAIL_CONFIG", None)
    env.update(extra or {})
    return env


CLI = os.path.join(ROOT, "dist", "cli", "vpc-guardrail.mjs")


def run(args, env, out_path):
    with open(out_path, "w") as out, open(out_path + ".err", "w") as err:
        p = subprocess.run(args, cwd=ROOT, env=env, stdout=out, stderr=err, check=False)
    return p.returncode


def function_answer(path, log):
    """The function's answer, or what stopped invoke.mjs from writing one (its stderr)."""
    if os.path.exists(path):
        return json.load(open(path))
    return {"error": open(log + ".err").read()[-600:] if os.path.exists(log + ".err") else "no answer"}


def cli_json(path):
    text = open(path).read()
    return json.loads(text) if text.strip() else {"error": open(path + ".err").read()}


def cli_dumps(value):
    """JSON as `aws … --output json` prints it: timestamps ISO 8601 with the offset."""
    def default(o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        raise TypeError(type(o))
    return json.dumps(value, indent=4, default=default)


def hand_built(endpoint):
    """The README's recipe, each list as the AWS CLI prints `--query <List> --output json`."""
    import boto3
    client = boto3.client("ec2", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
                          aws_secret_access_key="testing")

    def every(op, key, **kw):
        return [x for page in client.get_paginator(op).paginate(**kw) for x in page[key]]

    snap = {}
    for op, key in [("describe_vpcs", "Vpcs"), ("describe_subnets", "Subnets"),
                    ("describe_security_groups", "SecurityGroups"),
                    ("describe_security_group_rules", "SecurityGroupRules"),
                    ("describe_network_acls", "NetworkAcls"), ("describe_route_tables", "RouteTables"),
                    ("describe_internet_gateways", "InternetGateways"), ("describe_nat_gateways", "NatGateways"),
                    ("describe_vpc_endpoints", "VpcEndpoints"),
                    ("describe_network_interfaces", "NetworkInterfaces")]:
        snap[key] = json.loads(cli_dumps(every(op, key)))
    lists = every("describe_managed_prefix_lists", "PrefixLists")
    snap["ManagedPrefixLists"] = [
        {"PrefixListId": pl["PrefixListId"], "PrefixListName": pl.get("PrefixListName"),
         "Entries": json.loads(cli_dumps(every("get_managed_prefix_list_entries", "Entries",
                                               PrefixListId=pl["PrefixListId"])))}
        for pl in lists]
    return snap


def four_paths(seed, endpoint):
    env = env_for(endpoint)
    base = os.path.join(WORK, f"loader{seed}")
    out = {}
    codes = {}
    codes["a"] = run(["node", CLI, "audit", "--region", REGION, "--format", "json"], env, f"{base}-a-live.json")
    out["a"] = cli_json(f"{base}-a-live.json")
    codes["snap"] = run(["node", CLI, "snapshot", "--region", REGION], env, f"{base}-snapshot.json")
    codes["b"] = run(["node", CLI, "audit", "--snapshot", f"{base}-snapshot.json", "--format", "json"], env,
                     f"{base}-b-file.json")
    out["b"] = cli_json(f"{base}-b-file.json")
    fn = f"{base}-c-function.json"
    if os.path.exists(fn):  # a kept run's answer must not stand in for this one
        os.remove(fn)
    run(["node", os.path.join(HERE, "invoke.mjs"), "audit", "{}"], env_for(endpoint, {"OUT": fn}), f"{base}-c-log.jsonl")
    out["c"] = function_answer(fn, f"{base}-c-log.jsonl")
    codes["d-recipe"] = readme_recipe(endpoint, f"{base}-d-recipe-snapshot.json")
    codes["d"] = run(["node", CLI, "audit", "--snapshot", f"{base}-d-recipe-snapshot.json", "--format", "json"], env,
                     f"{base}-d-recipe.json")
    out["d"] = cli_json(f"{base}-d-recipe.json")
    with open(f"{base}-d2-boto3-snapshot.json", "w") as f:
        f.write(cli_dumps(hand_built(endpoint)))
    codes["d2"] = run(["node", CLI, "audit", "--snapshot", f"{base}-d2-boto3-snapshot.json", "--format", "json"], env,
                      f"{base}-d2-boto3.json")
    out["d2"] = cli_json(f"{base}-d2-boto3.json")
    return out, codes


def recipe_block():
    """The first `sh` block of the README's "Snapshot format" section, as a user copies it."""
    text = open(os.path.join(ROOT, "README.md")).read()
    section = text[text.index("\n## Snapshot format"):]
    block = section[section.index("```sh\n") + 6:]
    return block[:block.index("```")]


def readme_recipe(endpoint, path):
    """Runs the README's recipe with the AWS CLI (its `--output json`), in a scratch directory, with
    the audit line left out (it is run here with `--format json`); its snapshot.json goes to `path`."""
    import tempfile
    lines = [ln for ln in recipe_block().splitlines() if not ln.lstrip().startswith("vpc-guardrail ")]
    scratch = tempfile.mkdtemp(prefix="loader-recipe-", dir=WORK)
    env = env_for(endpoint, {"AWS_DEFAULT_REGION": REGION, "AWS_PAGER": ""})
    with open(path + ".err", "w") as err:
        code = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", "\n".join(lines)], cwd=scratch, env=env,
                              stderr=err, check=False).returncode
    os.replace(os.path.join(scratch, "snapshot.json"), path)
    return code


def vpc_paths(seed, endpoint, vpc):
    """`--vpc` forms: (e) live audit, (f) `snapshot --vpc` then `audit --snapshot`, (g) the function
    with `vpcIds`. The snapshot (f) also names the resources of that VPC."""
    env = env_for(endpoint)
    base = os.path.join(WORK, f"loader{seed}-{vpc}")
    out, codes = {}, {}
    codes["e"] = run(["node", CLI, "audit", "--region", REGION, "--vpc", vpc, "--format", "json"], env, f"{base}-e.json")
    out["e"] = cli_json(f"{base}-e.json")
    codes["snap"] = run(["node", CLI, "snapshot", "--region", REGION, "--vpc", vpc], env, f"{base}-snapshot.json")
    codes["f"] = run(["node", CLI, "audit", "--snapshot", f"{base}-snapshot.json", "--format", "json"], env,
                     f"{base}-f.json")
    out["f"] = cli_json(f"{base}-f.json")
    fn = f"{base}-g.json"
    if os.path.exists(fn):
        os.remove(fn)
    run(["node", os.path.join(HERE, "invoke.mjs"), "audit", json.dumps({"vpcIds": [vpc]})],
        env_for(endpoint, {"OUT": fn}), f"{base}-g-log.jsonl")
    out["g"] = function_answer(fn, f"{base}-g-log.jsonl")
    snap = json.load(open(f"{base}-snapshot.json")) if codes["snap"] == 0 else {}
    return out, codes, snap


ID_KEYS = {"Vpcs": "VpcId", "Subnets": "SubnetId", "SecurityGroups": "GroupId", "NetworkAcls": "NetworkAclId",
           "RouteTables": "RouteTableId", "InternetGateways": "InternetGatewayId", "NatGateways": "NatGatewayId",
           "VpcEndpoints": "VpcEndpointId", "NetworkInterfaces": "NetworkInterfaceId"}


def compare_vpc(region_answer, out, snap, vpc):
    """DESIGN §11 `--vpc`: the VPC's findings are the region's findings about that VPC; what cannot
    be judged there is what the region audit could not judge about its resources."""
    diffs = []
    for k, v in out.items():
        if "findings" not in v:
            return [f"({k}) no findings: {json.dumps(v)[:400]}"]
    mine = {item[key] for lst, key in ID_KEYS.items() for item in snap.get(lst, []) if key in item}
    ref = {f["id"]: json.dumps(f, sort_keys=True) for f in region_answer["findings"] if f.get("vpcId") == vpc}
    ref_nj = sorted(json.dumps(n, sort_keys=True) for n in region_answer["summary"].get("notJudged") or []
                    if n["resourceId"] in mine)
    for k in ("e", "f", "g"):
        got = findings_of(out[k])
        for fid in sorted(set(ref) | set(got)):
            if ref.get(fid) != got.get(fid):
                diffs.append(f"({k}) finding {fid}: {delta(ref.get(fid), got.get(fid))}")
        nk = not_judged(out[k])
        if nk != ref_nj:
            diffs.append(f"({k}) notJudged:\n      region {ref_nj}\n      ({k}) {nk}")
    return diffs


def findings_of(answer, drop=()):
    return {f["id"]: json.dumps({k: v for k, v in f.items() if k not in drop}, sort_keys=True)
            for f in answer.get("findings") or []}


def not_judged(answer):
    return sorted(json.dumps(n, sort_keys=True) for n in (answer.get("summary") or {}).get("notJudged") or [])


def delta(a, b):
    """The keys where two findings differ (a whole finding when one side has none)."""
    if a is None or b is None:
        return f"only in {'(a)' if b is None else 'this path'}: {a or b}"
    a, b = json.loads(a), json.loads(b)
    return "; ".join(f"{key}: (a) {json.dumps(a.get(key))} here {json.dumps(b.get(key))}"
                     for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key))


def compare(out):
    diffs = []
    for k, v in out.items():
        if "findings" not in v:
            diffs.append(f"({k}) no findings: {json.dumps(v)[:400]}")
    if diffs:
        return diffs
    for k in ("b", "c", "d", "d2"):
        drop = ("accountId", "region") if k.startswith("d") else ()
        ref, got = findings_of(out["a"], drop), findings_of(out[k], drop)
        for fid in sorted(set(ref) | set(got)):
            if ref.get(fid) != got.get(fid):
                diffs.append(f"({k}) finding {fid}: {delta(ref.get(fid), got.get(fid))}")
        if [f["id"] for f in out["a"]["findings"]] != [f["id"] for f in out[k]["findings"]] and set(ref) == set(got):
            diffs.append(f"({k}) the same findings in another order")
        na, nk = not_judged(out["a"]), not_judged(out[k])
        if na != nk:
            diffs.append(f"({k}) notJudged:\n      (a) {na}\n      ({k}) {nk}")
    return diffs


def moto_quirks():
    """What moto does unlike EC2 in this world, said rather than counted."""
    said = []
    for t in ec2.describe_route_tables()["RouteTables"]:
        for r in t["Routes"]:
            if r.get("NetworkInterfaceId") and r.get("State") == "active":
                try:
                    ec2.describe_network_interfaces(NetworkInterfaceIds=[r["NetworkInterfaceId"]])
                except ClientError:
                    said.append(f"{t['RouteTableId']} route to deleted {r['NetworkInterfaceId']} is `active` "
                                "(EC2: `blackhole`), so route-blackhole is not exercised")
    return said


def main():
    seeds = parity.seeds_of(parity.arg("--seeds", "1-4"))
    endpoint = start_proxy()
    total, failed = 0, 0
    for seed in seeds:
        rng = random.Random(seed)
        burst.reset()
        parity._subnet_vpcs.clear()
        parity._group_vpcs.clear()
        pages.clear()
        w = parity.build_world(rng)
        notes = add_more(rng, w)
        out, codes = four_paths(seed, endpoint)
        diffs = compare(out)
        vpc = rng.choice(w["vpcs"])
        vout, vcodes, vsnap = vpc_paths(seed, endpoint, vpc)
        if "findings" in out["a"]:
            diffs += [f"--vpc {vpc}: {d}" for d in compare_vpc(out["a"], vout, vsnap, vpc)]
        codes.update({f"vpc-{k}": c for k, c in vcodes.items()})
        total += 1
        failed += bool(diffs)
        a = out["a"]
        counts = f"{len(a.get('findings') or [])} findings, {len((a.get('summary') or {}).get('notJudged') or [])} not judged"
        print(f"{'DIFF' if diffs else 'SAME'} seed {seed}: {counts}; exit codes {codes}; "
              f"paged: {', '.join(f'{k} {v}' for k, v in sorted(pages.items()))}")
        for d in diffs:
            print(f"   {d}")
        for q in moto_quirks():
            print(f"   ~ moto: {q}")
        for n in notes:
            if "500 Internal Server Error" in n:  # EC2 takes these rules; moto fails on them
                print(f"   ~ moto: HTTP 500 on {n.split(': ')[0]}: the rule is not in this world")
        if VERBOSE:
            for n in notes:
                print(f"   note: {n}")
            for k in ("a", "b", "c", "d", "d2"):
                print(f"   ({k}) warnings: {(out[k].get('summary') or {}).get('warnings')}")
    print(f"{total - failed}/{total} seeds: the four paths agree; kept in {WORK}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
