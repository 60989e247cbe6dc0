#!/usr/bin/env python3
"""DESIGN §8's remediation promises, checked on the BUILT event bundle against moto with seeded
random worlds (a manual check, never part of `npm test` or CI; scripts/emulator/README.md).

    python3 scripts/emulator/remedy.py [--seeds 1-40] [--focus nacl|sg] [--redeliver | --throttle
        [--last-receive] | --redrive] [-v]
    (after `npm run build`, moto running; --throttle: see `throttled`; --redrive: see
    `refused_then_redriven`)

Per seed (`random.Random(seed)`: the same seed makes the same world, change and configuration),
after a moto reset: a random world (VPCs with one or two IPv4 blocks and sometimes an IPv6 block,
groups with mixed rules — world-open admin ports, VPC ranges, group references, prefix lists —,
custom and default NACLs with admin-port entries, return ranges and deny entries, interfaces,
exemption tags), one dangerous change made through the EC2 API (an authorize with several
permissions and sources in one call, a modified rule, a NACL entry created or replaced, a NACL
association, an egress rule) and a configuration (global mode, per-rule modes, the opt-in fixes on
or off, naclAdminSources, naclEntryLimit, an allow-list entry, notifyMinSeverity) and sometimes a
refused read. BEFORE delivering the change's CloudTrail record, the expected outcome is computed
here from DESIGN's words alone (§4 world-open, §5 precedence, §8 precision, NACL precision,
exemptions, modes, safety) and the state moto holds:

- which security-group rules are revoked (by SecurityGroupRuleId, one call per group and direction);
- the NACL's inbound entries after the fix (§8's algorithm, written here from the spec), and the
  properties it promises: only admin ports change, never wider, kept sources keep what they had,
  the port closed to the internet when the fix is planned;
- the subnet attribute fix (opt-in);
- nothing written in notify / dry-run / exempt / accepted / refused-read cases.
Then the event is delivered (the bundle behind burst.py's recording proxy), the whole world is read
again and diffed against the expectation (every group's rules, every NACL's entries and
associations, route tables, subnets, interfaces), the EC2 write calls are counted, and the one SNS
notice is checked: FIXED exactly for the findings the audit bundle, run after, no longer reports;
OPEN for those it still reports; `action`/`severity` attributes. Exits 1 on a difference.
"""

import datetime
import ipaddress
import json
import os
import random
import re
import subprocess
import sys

import burst
import catalogue as cat
import parity
from botocore.exceptions import ClientError
from burst import REGION, calls, ec2

WORK = burst.WORK
EXEMPT = cat.EXEMPT
VERBOSE = "-v" in sys.argv
TODAY = datetime.datetime.now(datetime.timezone.utc).date()
YESTERDAY = TODAY - datetime.timedelta(days=1)
SEV = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


arg = parity.arg
seeds_of = parity.seeds_of


# --- interval arithmetic (DESIGN §4: exact, IPv6 as 128-bit) --------------------------------------


def iv(cidr):
    n = ipaddress.ip_network(cidr, strict=False)
    return int(n.network_address), int(n.broadcast_address) + 1


def norm(ivs):
    out = []
    for s, e in sorted(x for x in ivs if x[0] < x[1]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def inter(a, b):
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return norm(out)


def minus(a, b):
    out = a
    for s2, e2 in b:
        nxt = []
        for s1, e1 in out:
            if e2 <= s1 or s2 >= e1:
                nxt.append((s1, e1))
                continue
            if s1 < s2:
                nxt.append((s1, s2))
            if e2 < e1:
                nxt.append((e2, e1))
        out = nxt
    return norm(out)


def size(a):
    return sum(e - s for s, e in a)


NOT_PUBLIC4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
               "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
               "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3"]
PUBLIC = {"v4": minus([(0, 2 ** 32)], norm([iv(c) for c in NOT_PUBLIC4])), "v6": [iv("2000::/3")]}
FULL = {"v4": [(0, 2 ** 32)], "v6": [(0, 2 ** 128)]}


def fam(cidr):
    return "v6" if ":" in cidr else "v4"


def world_open(allowed, family):
    return size(inter(allowed, PUBLIC[family])) >= 0.99 * size(PUBLIC[family])


def canon(cidr):
    return str(ipaddress.ip_network(cidr, strict=False))


# --- DESIGN §4/§5 port classes (the defaults) -----------------------------------------------------

ADMIN = [("tcp", 22), ("tcp", 3389), ("udp", 3389)]
HIGH_RISK = {20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601,
             8080, 8088, 8888, 9200, 9300}
AUTHORIZED = {("tcp", 80), ("tcp", 443)}
PROTO_NUM = {"tcp": "6", "udp": "17"}


# --- the world ------------------------------------------------------------------------------------


def build_world(rng):
    w = {"vpcs": [], "groups": [], "nacls": [], "subnets": [], "enis": [], "kept": {}, "defaultGroups": {}}
    pl = lambda name, fam_, cidr: ec2.create_managed_prefix_list(  # noqa: E731
        PrefixListName=name, MaxEntries=5, AddressFamily=fam_, Entries=[{"Cidr": cidr}])["PrefixList"]["PrefixListId"]
    w["pl"] = {"world4": pl("anywhere", "IPv4", "0.0.0.0/0"), "world6": pl("anywhere6", "IPv6", "::/0"),
               "office": pl("office", "IPv4", "203.0.113.0/24")}
    mixed = ec2.create_managed_prefix_list(PrefixListName="mixed", MaxEntries=5, AddressFamily="IPv4", Entries=[
        {"Cidr": "10.9.0.0/16"}, {"Cidr": "0.0.0.0/0"}])["PrefixList"]["PrefixListId"]
    w["pl"]["mixed"] = mixed
    w["plEntries"] = {w["pl"]["world4"]: ["0.0.0.0/0"], w["pl"]["world6"]: ["::/0"],
                      w["pl"]["office"]: ["203.0.113.0/24"], mixed: ["10.9.0.0/16", "0.0.0.0/0"]}
    for v in range(rng.choice([1, 2, 2])):
        ipv6 = rng.random() < 0.6
        args = {"CidrBlock": f"10.{v}.0.0/16", "TagSpecifications": cat.tag_spec("vpc", f"vpc{v}")}
        if ipv6:
            args["AmazonProvidedIpv6CidrBlock"] = True
        vpc = ec2.create_vpc(**args)["Vpc"]["VpcId"]
        if rng.random() < 0.4:
            ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=f"10.{v + 50}.0.0/16")
        # A block no longer in force (moto lists it `disassociated`): never a kept source (DESIGN §8).
        # Drawn from a copy of the seed's state, so every other draw of the seed stays as it was.
        if random.Random(hash(rng.getstate())).random() < 0.3:
            gone = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=f"10.{v + 80}.0.0/16")
            ec2.disassociate_vpc_cidr_block(AssociationId=gone["CidrBlockAssociation"]["AssociationId"])
        d = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]
        v4 = [canon(b["CidrBlock"]) for b in d.get("CidrBlockAssociationSet", [])
              if b["CidrBlockState"]["State"] == "associated"]
        v6 = [canon(b["Ipv6CidrBlock"]) for b in d.get("Ipv6CidrBlockAssociationSet", [])]
        w["kept"][vpc] = {"v4": v4, "v6": v6}
        w["vpcs"].append(vpc)
        igw = cat.igw_for(vpc)
        pub = cat.table(vpc, f"pub-{v}", igw)
        if v6:
            ec2.create_route(RouteTableId=pub, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
        dacl = cat.default_nacl(vpc)["NetworkAclId"]
        if v6:  # EC2's default NACL allows ::/0 both ways (moto's lists only IPv4)
            cat.entry(dacl, 101, "-1", None, "::/0")
            cat.entry(dacl, 101, "-1", None, "::/0", egress=True)
        acls = [dacl]
        for k in range(rng.choice([1, 2])):
            acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
            for n, proto, ports, cidr, action in random_entries(rng, w["kept"][vpc]):
                cat.entry(acl, n, proto, ports, cidr, action=action)
            cat.entry(acl, 100, "-1", None, "0.0.0.0/0", egress=True)
            if v6:
                cat.entry(acl, 101, "-1", None, "::/0", egress=True)
            acls.append(acl)
            if rng.random() < 0.2:
                ec2.create_tags(Resources=[acl], Tags=[{"Key": EXEMPT, "Value": rng.choice(
                    ["nacl-open-admin-port", "*", "nacl-open-admin-port@2020-01-31", f"nacl-open-admin-port@{TODAY}",
                     f"*@{YESTERDAY}"])}])
        w["nacls"] += acls
        subs = []
        for i in range(3):
            sargs = {"VpcId": vpc, "CidrBlock": f"10.{v}.{i}.0/24",
                     "TagSpecifications": cat.tag_spec("subnet", rng.choice(["web", "app", "db"]) + f"-{i}")}
            if v6:
                sargs["Ipv6CidrBlock"] = str(list(ipaddress.ip_network(v6[0]).subnets(new_prefix=64))[i])
            s = ec2.create_subnet(**sargs)["Subnet"]["SubnetId"]
            subs.append(s)
            if rng.random() < 0.7:
                ec2.associate_route_table(RouteTableId=pub, SubnetId=s)
            if rng.random() < 0.6:
                cat.associate_nacl(rng.choice(acls[1:]), s)
            if rng.random() < 0.4:
                ec2.modify_subnet_attribute(SubnetId=s, MapPublicIpOnLaunch={"Value": True})
        w["subnets"] += subs
        dg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                  {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
        w["defaultGroups"][vpc] = dg["GroupId"]
        groups = []
        for j in range(4):
            g = ec2.create_security_group(GroupName=f"g{v}{j}", Description="remedy", VpcId=vpc)["GroupId"]
            groups.append(g)
            for _ in range(rng.randint(1, 3)):
                try:
                    ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[random_permission(rng, w, vpc, groups)])
                except ClientError:
                    pass
            if rng.random() < 0.3:
                try:
                    ec2.authorize_security_group_egress(GroupId=g, IpPermissions=[{
                        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
                except ClientError:
                    pass
            if rng.random() < 0.25:
                ec2.create_tags(Resources=[g], Tags=[{"Key": EXEMPT, "Value": rng.choice(
                    ["sg-open-admin-port", "*", "sg-open-high-risk-port", "sg-open-admin-port@2020-01-31",
                     "sg-open-admin-port@2099-12-31,sg-open-unauthorized-port", "eni-internet-exposed",
                     f"sg-open-admin-port@{TODAY}", f"sg-open-all-traffic@{YESTERDAY}, sg-open-admin-port",
                     "sg-open-high-risk-port , sg-open-all-traffic"])}])
        w["groups"] += groups
        for k in range(3):
            s = rng.choice(subs)
            kind = {"InterfaceType": "efa"} if rng.random() < 0.3 else {}
            eni = ec2.create_network_interface(SubnetId=s, Groups=rng.sample(groups, rng.choice([1, 1, 2])), **kind)[
                "NetworkInterface"]["NetworkInterfaceId"]
            if rng.random() < 0.6:
                alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
                ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)
            if v6 and rng.random() < 0.4:
                ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=1)
            w["enis"].append(eni)
    return w


NACL_PORTS = [("6", (22, 22)), ("6", (3389, 3389)), ("17", (3389, 3389)), ("6", (1024, 65535)), ("6", (0, 65535)),
              ("6", (20, 30)), ("6", (443, 443)), ("17", (1024, 65535)), ("6", (22, 3389)), ("-1", None)]


def random_entries(rng, kept):
    """3–7 inbound entries at distinct numbers: admin ports, return ranges, all traffic, denies."""
    pool = [10, 50, 90, 95, 98, 99, 100, 101, 110, 120, 130, 140, 150, 200, 210, 300]
    if rng.random() < 0.2:
        pool = [1, 2, 3, 4, 5, 6]  # crowded low numbers: a fix may find no free number below
    numbers = rng.sample(pool, rng.randint(3, min(7, len(pool))))
    out = []
    for n in sorted(numbers):
        proto, ports = rng.choice(NACL_PORTS)
        pool = ["0.0.0.0/0"] * 4 + ["10.0.0.0/8", kept["v4"][0], "0.0.0.0/1", "203.0.113.0/24",
                                    str(list(ipaddress.ip_network(kept["v4"][0]).subnets(new_prefix=24))[5]),
                                    "172.16.50.0/24"]
        if kept["v6"]:
            pool += ["::/0", "::/0", kept["v6"][0]]
        cidr = rng.choice(pool)
        action = "deny" if rng.random() < 0.25 else "allow"
        out.append((n, proto, ports, cidr, action))
    return out


PORTS = [(22, 22), (3389, 3389), (80, 80), (443, 443), (9200, 9200), (5432, 5432), (8080, 8080), (25, 25),
         (20, 25), (1000, 2000), (0, 65535), (8443, 8443)]


def random_sources(rng, w, vpc, groups, world_bias):
    """1–4 sources of one permission: world ones, VPC ranges, a group, prefix lists, split halves."""
    p = {}

    def add(key, value):
        p.setdefault(key, [])
        if value not in p[key]:
            p[key].append(value)

    for _ in range(rng.randint(1, 4)):
        k = rng.random()
        if k < world_bias * 0.5:
            add("IpRanges", {"CidrIp": "0.0.0.0/0", "Description": "vendor"})
        elif k < world_bias * 0.7:
            add("Ipv6Ranges", {"CidrIpv6": "::/0"})
        elif k < world_bias * 0.85:
            add("PrefixListIds", {"PrefixListId": rng.choice([w["pl"]["world4"], w["pl"]["world6"], w["pl"]["mixed"]])})
        elif k < world_bias:
            add("IpRanges", {"CidrIp": "0.0.0.0/1"})
            add("IpRanges", {"CidrIp": "128.0.0.0/1"})
        elif k < world_bias + 0.1:
            add("Ipv6Ranges", {"CidrIpv6": "2000::/3"})
        elif k < world_bias + 0.2:
            add("PrefixListIds", {"PrefixListId": w["pl"]["office"]})
        elif k < world_bias + 0.3 and len(groups) > 1:
            add("UserIdGroupPairs", {"GroupId": groups[0]})
        elif k < world_bias + 0.4:
            add("IpRanges", {"CidrIp": "16.0.0.0/4"})
        else:
            add("IpRanges", {"CidrIp": w["kept"][vpc]["v4"][0]})
    return p


def random_permission(rng, w, vpc, groups, world_bias=0.5):
    proto = rng.choice(["tcp", "tcp", "tcp", "udp", "-1", "icmp", "50"])
    p = {"IpProtocol": proto}
    if proto in ("tcp", "udp"):
        lo, hi = rng.choice(PORTS)
        p["FromPort"], p["ToPort"] = lo, hi
    elif proto == "icmp":
        p["FromPort"], p["ToPort"] = 8, -1
    elif proto == "50":  # moto wants ports even where EC2 ignores them
        p["FromPort"], p["ToPort"] = -1, -1
    p.update(random_sources(rng, w, vpc, groups, world_bias))
    return p


# --- the state of the whole world -----------------------------------------------------------------


def rule_tuple(r):
    src = r.get("CidrIpv4") or (canon(r["CidrIpv6"]) if r.get("CidrIpv6") else None) or r.get("PrefixListId") or (
        r.get("ReferencedGroupInfo") or {}).get("GroupId")
    return (r["GroupId"], r["IsEgress"], r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), src)


def entry_tuple(e):
    ports = (e["PortRange"]["From"], e["PortRange"]["To"]) if e.get("PortRange") else None
    return (e["RuleNumber"], e["Egress"], str(e["Protocol"]), ports, canon(e.get("CidrBlock") or e.get("Ipv6CidrBlock")),
            e["RuleAction"])


def state():
    """Everything a fix could touch, read from moto."""
    rules = {r["SecurityGroupRuleId"]: rule_tuple(r) for r in ec2.describe_security_group_rules()["SecurityGroupRules"]}
    nacls = {}
    for a in ec2.describe_network_acls()["NetworkAcls"]:
        nacls[a["NetworkAclId"]] = {"entries": sorted(entry_tuple(e) for e in a["Entries"]),
                                    "subnets": sorted(x["SubnetId"] for x in a["Associations"]),
                                    "tags": sorted((t["Key"], t["Value"]) for t in a.get("Tags", []))}
    tables = {}
    for t in ec2.describe_route_tables()["RouteTables"]:
        tables[t["RouteTableId"]] = {
            "routes": sorted(json.dumps({k: v for k, v in r.items() if k != "State"}, sort_keys=True) for r in t["Routes"]),
            "assoc": sorted(json.dumps({k: a.get(k) for k in ("SubnetId", "Main")}, sort_keys=True)
                            for a in t.get("Associations", []))}
    subnets = {s["SubnetId"]: s["MapPublicIpOnLaunch"] for s in ec2.describe_subnets()["Subnets"]}
    described = ec2.describe_network_interfaces()["NetworkInterfaces"]
    enis = {e["NetworkInterfaceId"]: sorted(g["GroupId"] for g in e["Groups"]) for e in described}
    types = {e["NetworkInterfaceId"]: e.get("InterfaceType") for e in described}
    groups = {g["GroupId"]: {"vpc": g["VpcId"], "name": g["GroupName"],
                             "tags": {t["Key"]: t["Value"] for t in g.get("Tags", [])}}
              for g in ec2.describe_security_groups()["SecurityGroups"]}
    vpcs = {v["VpcId"]: [canon(b["CidrBlock"]) for b in v.get("CidrBlockAssociationSet", [])]
            for v in ec2.describe_vpcs()["Vpcs"]}
    return {"rules": rules, "nacls": nacls, "tables": tables, "subnets": subnets, "enis": enis, "groups": groups,
            "vpcs": vpcs, "types": types}


def nacl_vpc(acl):
    return ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["VpcId"]


def diff(expected, actual, prefix=""):
    out = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in sorted(set(expected) | set(actual), key=str):
            if k not in actual:
                out.append(f"{prefix}{k}: expected {expected[k]}, gone")
            elif k not in expected:
                out.append(f"{prefix}{k}: appeared {actual[k]}")
            else:
                out += diff(expected[k], actual[k], f"{prefix}{k}.")
    elif expected != actual:
        out.append(f"{prefix[:-1]}: expected {expected}, got {actual}")
    return out


# --- the oracle: DESIGN §8, written from the spec ---------------------------------------------------


def rule_mode(config, rule):
    own = config.get("rules", {}).get(rule)
    if own == "off":
        return "off"
    if config.get("mode", "notify") == "dry-run":
        return "notify" if own == "notify" else "dry-run"
    return own or config.get("mode", "notify")


def acts(config, rule, opt_in=False):
    """True when the rule's finding is remediated (not merely planned) under this configuration."""
    if opt_in and config.get("rules", {}).get(rule) != "remediate":
        return False
    return rule_mode(config, rule) == "remediate"


def exempted(tags, rule):
    """DESIGN §8: `*` or a comma list of rule ids, each optionally `@YYYY-MM-DD` (through that day)."""
    value = tags.get(EXEMPT)
    if value is None:
        return False
    for item in value.split(","):
        rid, _, date = item.strip().partition("@")
        if rid in ("*", rule) and (not date or date >= TODAY.isoformat()):
            return True
    return False


def allow_list(config, resource, rule, ports):
    """(suppressed, allow-listed ports) of a finding with `ports` (a set of (transport, port))."""
    listed = set()
    for e in config.get("allowLists", []):
        if e["resourceId"] != resource or ("ruleIds" in e and rule not in e["ruleIds"]):
            continue
        if "ports" not in e:
            return True, set()
        for spec in e["ports"]:
            p, _, t = spec.partition("/")
            lo, _, hi = p.partition("-")
            listed |= {(t or "tcp", x) for x in range(int(lo), int(hi or lo) + 1)}
    mine = listed & ports
    return (bool(ports) and mine == ports), mine


def rule_ports(r):
    """(transports, lo, hi) a described rule opens; ICMP and other protocols open no tcp/udp port."""
    proto = str(r[2])
    if proto in ("-1", "all"):
        return ("tcp", "udp"), 0, 65535
    t = {"6": "tcp", "17": "udp"}.get(proto, proto)
    if t in ("tcp", "udp"):
        return (t,), r[3], r[4]
    return (), 0, -1


def source_ivs(src, w):
    """(family, intervals) of a rule's source; a group reference has none."""
    if src is None or src.startswith("sg-"):
        return []
    if src.startswith("pl-"):
        return [(fam(c), [iv(c)]) for c in w["plEntries"].get(src, [])]
    return [(fam(src), [iv(src)])]


def world_source_families(src, w):
    """DESIGN §8: the rule's own source is 0.0.0.0/0, ::/0, or a prefix list holding them."""
    if src in ("0.0.0.0/0", "::/0"):
        return {fam(src)}
    if src and src.startswith("pl-"):
        return {fam(c) for c in w["plEntries"].get(src, []) if c in ("0.0.0.0/0", "::/0")}
    return set()


def sg_findings(group, rules, w):
    """The group's sg-open-* findings (DESIGN §4/§5): [(rule id, {(transport, family): set of ports})]."""
    ingress = [r for r in rules.values() if r[0] == group and not r[1]]
    bounds = {0, 65536}
    for r in ingress:
        ts, lo, hi = rule_ports(r)
        if ts:
            bounds |= {lo, hi + 1}
    bounds = sorted(bounds)
    world = {(t, f): set() for t in ("tcp", "udp") for f in ("v4", "v6")}
    for a, b in zip(bounds, bounds[1:]):
        for t in ("tcp", "udp"):
            cover = {"v4": [], "v6": []}
            for r in ingress:
                ts, lo, hi = rule_ports(r)
                if t in ts and lo <= a and b - 1 <= hi:
                    for f, ivs in source_ivs(r[5], w):
                        cover[f] += ivs
            for f in ("v4", "v6"):
                if world_open(norm(cover[f]), f):
                    world[(t, f)] |= set(range(a, b))
    any_tcp = world[("tcp", "v4")] | world[("tcp", "v6")]
    if len(any_tcp) == 65536:
        return [("sg-open-all-traffic", world)]
    out = []
    classes = [("sg-open-admin-port", lambda t, p: (t, p) in ADMIN),
               ("sg-open-high-risk-port", lambda t, p: t == "tcp" and p in HIGH_RISK and (t, p) not in ADMIN),
               ("sg-open-unauthorized-port", lambda t, p: (t, p) not in ADMIN and not (t == "tcp" and p in HIGH_RISK)
                and (t, p) not in AUTHORIZED)]
    for rid, pick in classes:
        ports = {k: {p for p in v if pick(k[0], p)} for k, v in world.items()}
        if any(ports.values()):
            out.append((rid, ports))
    return out


def expected_revokes(group, st, w, config, named=frozenset()):
    """Rule ids revoked in the group: {egress flag: set of ids} (DESIGN §8 precision). `named`: the
    groups the batch's calls name, whose interfaces the event bundle reads with one filter."""
    rules, tags = st["rules"], st["groups"][group]["tags"]
    out = {False: set(), True: set()}
    # The interfaces the event bundle sees on the group: on moto, not those moto_missed leaves out
    # (with judgeUnused false a group whose every interface it hides reads as unused, not judged).
    attached = [e for e, gs in st["enis"].items() if group in gs and not moto_hides(set(gs), named)]
    if not attached and config.get("judgeUnused", True) is False:
        return out  # not judged (DESIGN §8 judgeUnused)
    # Accepted by shape: every attached interface of an accepted type suppresses the sg-open-* findings.
    shape = bool(attached) and all(st["types"][e] in config.get("allowInterfaceTypes", []) for e in attached)
    for rid, ports in ([] if shape else sg_findings(group, rules, w)):
        flat = {(t, p) for (t, f), s in ports.items() for p in s}
        suppressed, listed = allow_list(config, group, rid, flat)
        if exempted(tags, rid) or suppressed or not acts(config, rid):
            continue
        for sid, r in rules.items():
            if r[0] != group or r[1]:
                continue
            ts, lo, hi = rule_ports(r)
            # The authorized ports (80/443) are no offending port of any finding: a world rule on
            # them alone stays even beside an allow-all rule (README, Remediation safety).
            touched = {(t, p) for f in world_source_families(r[5], w) for t in ts
                       for p in ports[(t, f)] if lo <= p <= hi and (t, p) not in AUTHORIZED}
            # An allow-list entry holding only some of the ports spares the rules that open, of
            # them, only allow-listed ones (README, allowLists).
            if touched and not touched <= listed:
                out[False].add(sid)
    # sg-default-not-restricted (opt-in): every rule of a VPC's default group.
    if st["groups"][group]["name"] == "default" and acts(config, "sg-default-not-restricted", True):
        mine = {sid: r for sid, r in rules.items() if r[0] == group}
        if mine and not exempted(tags, "sg-default-not-restricted") and not allow_list(
                config, group, "sg-default-not-restricted", set())[0]:
            for sid, r in mine.items():
                out[r[1]].add(sid)
    return out


# NACLs: first match per (protocol, port, family).


def matches(e, proto, port):
    if e[2] == "-1":
        return True
    if e[2] != proto:
        return False
    return e[3] is None or e[3][0] <= port <= e[3][1]


def evaluate(entries, proto, port, family):
    """(allowed intervals, [(entry, public share)] of the allow entries) for inbound first match."""
    remaining, allowed, shares = FULL[family], [], []
    for e in sorted((x for x in entries if not x[1] and fam(x[4]) == family), key=lambda x: x[0]):
        if not matches(e, proto, port):
            continue
        part = inter(remaining, [iv(e[4])])
        if e[5] == "allow":
            allowed = norm(allowed + part)
            shares.append((e, inter(part, PUBLIC[family])))
        remaining = minus(remaining, [iv(e[4])])
    return allowed, shares


def admin_only(e):
    if e[2] not in ("6", "17"):
        return False
    t = "tcp" if e[2] == "6" else "udp"
    return any(e[3][0] >= p and e[3][1] <= p for tt, p in ADMIN if tt == t)


def probe_ports(entries, extra=()):
    pts = {0, 65535, 22, 3389, *extra}
    for e in entries:
        if e[3]:
            pts |= {max(0, e[3][0] - 1), e[3][0], e[3][1], min(65535, e[3][1] + 1)}
    return sorted(pts)


def widens(was, now, proto):
    for port in probe_ports(was + now):
        for f in ("v4", "v6"):
            a, _ = evaluate(now, proto, port, f)
            b, _ = evaluate(was, proto, port, f)
            if minus(a, b):
                return True
    return False


def free_below(anchor, count, taken):
    out = []
    n = anchor - 1
    while n >= 1 and len(out) < count:
        if n not in taken:
            out.append(n)
        n -= 1
    return out if len(out) == count else None


def kept_only(e, sources):
    """The entry admits only kept sources: what the fix keeps (never its anchor, never narrowed)."""
    a = iv(e[4])
    return any(iv(src)[0] <= a[0] and a[1] <= iv(src)[1] for src in sources)


def allowed_already(entries, proto, ports, src, below):
    """An inbound allow before `below` admitting exactly `src` on the whole range: the allow the fix
    needs is there (§8 "an existing identical entry counts as done"; a retried fix finds its own)."""
    return any(not e[1] and e[5] == "allow" and e[0] < below and e[2] == proto and e[3]
               and e[3][0] <= ports[0] and e[3][1] >= ports[1] and iv(e[4]) == iv(src) for e in entries)


def apply_fix(entries, creates, replaces, deletes):
    gone = {e[0] for e in deletes} | {e[0] for e in replaces}
    out = [e for e in entries if e[1] or e[0] not in gone]
    return sorted(out + list(replaces) + list(creates))


def nacl_plan(entries, kept, limit):
    """DESIGN §8 "NACL precision" on one NACL's entries: (entries after, creates, replaces, deletes,
    refused items). Items in order tcp 22, tcp 3389, udp 3389, IPv4 before IPv6."""
    current = list(entries)
    taken = {e[0] for e in entries if not e[1]}
    creates, replaces, deletes, refused, changed = [], [], [], [], set()
    for t, port in ADMIN:
        proto = PROTO_NUM[t]
        for f in ("v4", "v6"):
            allowed, shares = evaluate(current, proto, port, f)
            if not world_open(allowed, f):
                continue
            contributors = [e for e, share in shares if share and e[0] not in changed]
            sources = kept[f]
            contributors = [e for e in contributors if not kept_only(e, sources)] or contributors
            if not contributors:
                continue
            cand = None
            if all(admin_only(e) for e in contributors):
                if not sources:
                    cand = ([], [], list(contributors))
                else:
                    c, r, reserved, ok = [], [], set(taken), True
                    for e in contributors:
                        further = [src for src in sources[1:] if not allowed_already(current, e[2], e[3], src, e[0])]
                        nums = free_below(e[0], len(further), reserved)
                        if nums is None:
                            cand, ok = "no free numbers", False
                            break
                        r.append((e[0], False, e[2], e[3], sources[0], e[5]))
                        for n, src in zip(nums, further):
                            reserved.add(n)
                            c.append((n, False, e[2], e[3], src, "allow"))
                    if ok:
                        cand = (c, r, [])
                if isinstance(cand, tuple):
                    nxt = apply_fix(current, *cand)
                    if world_open(evaluate(nxt, proto, port, f)[0], f):
                        cand = None  # a broader allow behind would take over: the deny path
            if cand is None:
                deny = free_below(contributors[0][0], 1, taken)
                needed = [src for src in sources
                          if not (deny and allowed_already(current, proto, (port, port), src, deny[0]))]
                nums = free_below(contributors[0][0], 1 + len(needed), taken)
                if nums is None:
                    cand = "no free numbers"
                else:
                    world = "0.0.0.0/0" if f == "v4" else "::/0"
                    c = [(nums[0], False, proto, (port, port), world, "deny")]
                    c += [(n, False, proto, (port, port), src, "allow") for n, src in zip(nums[1:], needed)]
                    cand = (c, [], [])
            if isinstance(cand, str):
                refused.append((t, port, f, cand))
                continue
            nxt = apply_fix(current, *cand)
            if widens(current, nxt, proto):
                refused.append((t, port, f, "widens"))
                continue
            count = lambda es: sum(1 for e in es if not e[1] and fam(e[4]) == f and e[0] <= 32766)  # noqa: E731
            if max(count(current), count(nxt)) > limit:
                refused.append((t, port, f, "naclEntryLimit"))
                continue
            current = nxt
            for e in cand[0]:
                taken.add(e[0])
                creates.append(e)
            for e in cand[1]:
                changed.add(e[0])
                replaces.append(e)
            for e in cand[2]:
                changed.add(e[0])
                deletes.append(e)
    return current, creates, replaces, deletes, refused


def nacl_open_admin(entries):
    return any(world_open(evaluate(entries, PROTO_NUM[t], p, f)[0], f) for t, p in ADMIN for f in ("v4", "v6"))


def nacl_properties(before, after, kept):
    """What DESIGN §8 promises of any NACL fix, checked on moto's entries before and after."""
    out = []
    if sorted(e for e in before if e[1]) != sorted(e for e in after if e[1]):
        out.append("NACL: outbound entries changed")
    admin = {(PROTO_NUM[t], p) for t, p in ADMIN}
    for proto in ("6", "17", "1", "50"):
        for port in probe_ports(before + after, (80, 443, 3390, 21, 23)):
            for f in ("v4", "v6"):
                a, _ = evaluate(after, proto, port, f)
                b, _ = evaluate(before, proto, port, f)
                if minus(a, b):
                    out.append(f"NACL: wider after the fix on {proto}/{port} {f}: {minus(a, b)[:2]}")
                if (proto, port) not in admin and a != b:
                    out.append(f"NACL: a port other than the admin ones changed: {proto}/{port} {f}")
                if (proto, port) in admin:
                    for block in kept[f]:
                        if inter(a, [iv(block)]) != inter(b, [iv(block)]):
                            out.append(f"NACL: kept source {block} lost {proto}/{port}")
    return out


# --- the changes ----------------------------------------------------------------------------------


def new_rules(group, before_ids):
    return [r for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])[
        "SecurityGroupRules"] if r["SecurityGroupRuleId"] not in before_ids]


def change_authorize(rng, w, egress=False):
    vpc = rng.choice(w["vpcs"])
    mine = [g for g in w["groups"] if g in w["vpcGroups"][vpc]]
    g = w["defaultGroups"][vpc] if rng.random() < 0.15 else rng.choice(mine)
    perms = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        p = random_permission(rng, w, vpc, mine, world_bias=0.8)
        if not any(json.dumps(p, sort_keys=True) == json.dumps(q, sort_keys=True) for q in perms):
            perms.append(p)
    before = {r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [g]}])["SecurityGroupRules"]}
    call = ec2.authorize_security_group_egress if egress else ec2.authorize_security_group_ingress
    try:
        call(GroupId=g, IpPermissions=perms)
    except ClientError:
        return None
    made = new_rules(g, before)  # EC2 lists every rule the call made (moto only the last permission's)
    name = "AuthorizeSecurityGroupEgress" if egress else "AuthorizeSecurityGroupIngress"
    ev = cat.record(name, {"groupId": g, "ipPermissions": cat.items([burst.ct_permission(p) for p in perms])},
                    cat.ok_response(securityGroupRuleSet=cat.items([burst.ct_rule(r) for r in made])))
    return ev, f"{name} {g} {json.dumps(perms)}", {"kind": "sg", "group": g}


def change_modify(rng, w):
    g = rng.choice(w["groups"])
    rules = [r for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [g]}])[
        "SecurityGroupRules"] if not r["IsEgress"] and r.get("CidrIpv4") and r.get("CidrIpv4") != "0.0.0.0/0"]
    if not rules:
        return None
    rule = rng.choice(rules)
    lo, hi = rng.choice(PORTS)
    new = {"IpProtocol": rng.choice(["tcp", "udp"]), "FromPort": lo, "ToPort": hi, "CidrIpv4": "0.0.0.0/0"}
    try:
        ec2.modify_security_group_rules(GroupId=g, SecurityGroupRules=[
            {"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "SecurityGroupRule": new}])
    except ClientError:
        return None
    now = [r for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [g]}])[
        "SecurityGroupRules"] if not r["IsEgress"] and r.get("CidrIpv4") == "0.0.0.0/0" and r.get("FromPort") == lo
        and r["IpProtocol"] == new["IpProtocol"]]
    rid = now[0]["SecurityGroupRuleId"] if now else rule["SecurityGroupRuleId"]
    request = {"ModifySecurityGroupRulesRequest": {"GroupId": g, "SecurityGroupRule": {
        "SecurityGroupRuleId": rid, "SecurityGroupRule": new, "tag": 1}}}
    response = {"ModifySecurityGroupRulesResponse": {"requestId": "r", "return": True}}
    return cat.record("ModifySecurityGroupRules", request, response), f"ModifySecurityGroupRules {g} {rid} {new}", \
        {"kind": "sg", "group": g}


WORLD_ENTRIES = [("6", (22, 22)), ("6", (3389, 3389)), ("17", (3389, 3389)), ("-1", None), ("6", (0, 65535)),
                 ("6", (1024, 65535)), ("6", (20, 30)), ("6", (22, 3389))]


def change_nacl_entry(rng, w, replace=False):
    acl = rng.choice(w["nacls"])
    vpc = nacl_vpc(acl)
    entries = [e for e in cat.nacl_entries(acl) if not e["Egress"] and e["RuleNumber"] < 32767]
    proto, ports = rng.choice(WORLD_ENTRIES)
    # ::/0 also in a VPC without an IPv6 block (EC2 takes it): no kept IPv6 source, the entry is deleted.
    cidr = "::/0" if rng.random() < (0.3 if w["kept"][vpc]["v6"] else 0.12) else "0.0.0.0/0"
    if replace and entries:
        e = rng.choice(entries)
        number = e["RuleNumber"]
        if ("Ipv6CidrBlock" in e) != (":" in cidr):
            cidr = "::/0" if "Ipv6CidrBlock" in e else "0.0.0.0/0"
        args = dict(NetworkAclId=acl, RuleNumber=number, Protocol=proto, RuleAction="allow", Egress=False)
        args["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
        if ports:
            args["PortRange"] = {"From": ports[0], "To": ports[1]}
        ec2.replace_network_acl_entry(**args)
        name = "ReplaceNetworkAclEntry"
    else:
        used = {e["RuleNumber"] for e in entries}
        number = rng.choice([n for n in (5, 60, 105, 115, 160, 250, 400) if n not in used])
        cat.entry(acl, number, proto, ports, cidr)
        name = "CreateNetworkAclEntry"
    ev = cat.record(name, cat.entry_request(acl, number, proto, ports, cidr), cat.ok_response())
    return ev, f"{name} {acl} {number} {proto} {ports} {cidr}", {"kind": "nacl", "acl": acl}


def change_association(rng, w):
    acl = rng.choice([a for a in w["nacls"]])
    vpc = nacl_vpc(acl)
    subs = [s for s in w["subnets"] if ec2.describe_subnets(SubnetIds=[s])["Subnets"][0]["VpcId"] == vpc]
    s = rng.choice(subs)
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [s]}])["NetworkAcls"][0]
    if current["NetworkAclId"] == acl:
        return None
    old = [a for a in current["Associations"] if a["SubnetId"] == s][0]["NetworkAclAssociationId"]
    new = ec2.replace_network_acl_association(AssociationId=old, NetworkAclId=acl)["NewAssociationId"]
    ev = cat.record("ReplaceNetworkAclAssociation", {"associationId": old, "networkAclId": acl},
                    {"requestId": "r", "newAssociationId": new})
    return ev, f"ReplaceNetworkAclAssociation {s} -> {acl}", {"kind": "nacl", "acl": acl, "subnet": s}


CHANGES = [(change_authorize, 6), (change_modify, 2), (lambda r, w: change_nacl_entry(r, w), 4),
           (lambda r, w: change_nacl_entry(r, w, True), 2), (change_association, 2),
           (lambda r, w: change_authorize(r, w, True), 1)]
REDELIVER = "--redeliver" in sys.argv  # after a fix, deliver the batch again (ApproximateReceiveCount 2)
# The buffer's settings as the stack passes them (maxReceiveCount 5, visibility 360 s).
QUEUE_ENV = {"VPC_GUARDRAIL_QUEUE": "5,360"}
# --last-receive (with --throttle): the throttled delivery is the 5th receive; then the batch is
# redriven from the dead-letter queue (receive count 1 again, SentTimestamp 31 minutes after the
# call). --redrive: a delivery that writes, SNS refusing on its 5th receive, then the redrive.
LAST_RECEIVE = "--last-receive" in sys.argv
REDRIVE = "--redrive" in sys.argv
REDRIVEN_AFTER_MS = 31 * 60 * 1000
_sent_late = [False]
_sqs_batch = burst.sqs_batch


def _sqs_batch_sent(events, first):
    """burst.sqs_batch, with SentTimestamp 31 minutes after each call while a redrive is delivered
    (SQS gives a redriven message a new SentTimestamp; the product reads it as redriven from that)."""
    batch = _sqs_batch(events, first)
    if _sent_late[0]:
        for r, e in zip(batch["Records"], events):
            made = datetime.datetime.fromisoformat(e["detail"]["eventTime"].replace("Z", "+00:00"))
            r["attributes"]["SentTimestamp"] = str(int(made.timestamp() * 1000) + REDRIVEN_AFTER_MS)
    return batch


burst.sqs_batch = _sqs_batch_sent


def redriven(name, events, config, fault=None):
    """Delivers the batch as redriven from the dead-letter queue: receive count 1, sent late."""
    _sent_late[0] = True
    try:
        return cat.deliver(name, events, mode=config["mode"], config=config, receive=1, fault=fault,
                           extra_env=QUEUE_ENV)
    finally:
        _sent_late[0] = False
# A seed whose plan writes: its k-th write throttled past the SDK's retries, then the batch redelivered.
THROTTLE = "--throttle" in sys.argv
BATCH = "--batch" in sys.argv  # 2–3 changes per seed, delivered in one SQS batch
FOCUS = arg("--focus", "all")  # `nacl` or `sg`: only that kind of change, the fix mostly on
if FOCUS == "nacl":
    CHANGES = CHANGES[2:5]
elif FOCUS == "sg":
    CHANGES = CHANGES[:2] + CHANGES[5:]


def random_config(rng, w, scope):
    weights = [70, 12, 18] if FOCUS == "all" else [85, 5, 10]
    config = {"mode": rng.choices(["remediate", "notify", "dry-run"], weights)[0], "rules": {}}
    nacl = scope["kind"] == "nacl"
    if rng.random() < (0.3 if not nacl else 0.7 if FOCUS == "all" else 0.9):
        config["rules"]["nacl-open-admin-port"] = "remediate"
    if rng.random() < 0.3:
        config["rules"]["sg-default-not-restricted"] = "remediate"
    if rng.random() < 0.3:
        config["rules"]["subnet-auto-assign-public-ip"] = "remediate"
    if rng.random() < 0.15:
        config["rules"][rng.choice(["sg-open-admin-port", "sg-open-high-risk-port", "sg-open-unauthorized-port",
                                    "sg-open-all-traffic"])] = rng.choice(["notify", "remediate"])
    if rng.random() < 0.5:
        config["naclAdminSources"] = rng.choice([["172.16.50.0/24"], ["172.16.50.0/24", "2001:db8:50::/48"],
                                                 ["2001:db8:50::/48"]])
    if rng.random() < 0.12:
        config["naclEntryLimit"] = rng.randint(3, 8)
    if rng.random() < 0.25:
        target = scope.get("group") or scope.get("acl")
        entry = {"resourceId": target, "reason": "remedy.py"}
        if rng.random() < 0.7:
            entry["ports"] = rng.sample(["22/tcp", "3389/tcp", "9200/tcp", "5432/tcp", "8080/tcp", "3389/udp",
                                         "1000-2000/tcp"], rng.choice([1, 2]))
        if rng.random() < 0.3:
            entry["ruleIds"] = [rng.choice(["sg-open-admin-port", "sg-open-high-risk-port", "nacl-open-admin-port"])]
        config["allowLists"] = [entry]
    if rng.random() < 0.2:
        config["judgeUnused"] = False
    if rng.random() < 0.2:
        config["allowInterfaceTypes"] = ["efa"]
    if rng.random() < 0.15:
        config["notifyMinSeverity"] = rng.choice(["high", "critical"])
    if not config["rules"]:
        del config["rules"]
    return config


# --- expectations ---------------------------------------------------------------------------------


def kept_sources(blocks, config):
    """DESIGN §8: the VPC's associated blocks of each family in their listed order, then naclAdminSources."""
    kept = {f: list(blocks[f]) for f in ("v4", "v6")}
    for src in config.get("naclAdminSources", []):
        if canon(src) not in kept[fam(src)]:
            kept[fam(src)].append(canon(src))
    return kept


def expect_outcome(scopes, st, w, config):
    """From DESIGN alone: the state after delivery, and the EC2 write calls (action, key). Several
    scopes (one batch) are one merged scope: each group and NACL is fixed once."""
    after = {k: st[k] for k in st}  # shallow per kind; replaced where a fix changes it
    after["rules"], after["nacls"], after["subnets"] = dict(st["rules"]), dict(st["nacls"]), dict(st["subnets"])
    writes, notes, refused, seen = [], [], [], set()
    named = {x["group"] for x in scopes if x.get("group")}
    for scope in scopes:
        for key in ("group", "acl", "subnet"):
            if scope.get(key) in seen:
                scope = {k: v for k, v in scope.items() if k != key}
            seen.add(scope.get(key))
        if scope.get("group"):
            g = scope["group"]
            rev = expected_revokes(g, st, w, config, named)
            for egress in (False, True):
                if rev[egress]:
                    writes.append(("RevokeSecurityGroupEgress" if egress else "RevokeSecurityGroupIngress",
                                   tuple(sorted(rev[egress]))))
                    for sid in rev[egress]:
                        after["rules"].pop(sid)
        if scope.get("acl"):
            acl = scope["acl"]
            vpc = nacl_vpc(acl)
            entries = st["nacls"][acl]["entries"]
            kept = kept_sources(w["kept"][vpc], config)
            tags = dict(st["nacls"][acl]["tags"])
            open_ = nacl_open_admin(entries)
            flat = {(t, p) for t, p in ADMIN
                    if any(world_open(evaluate(entries, PROTO_NUM[t], p, f)[0], f) for f in ("v4", "v6"))}
            suppressed, listed = allow_list(config, acl, "nacl-open-admin-port", flat)
            unused = not st["nacls"][acl]["subnets"] and config.get("judgeUnused", True) is False
            fixing = open_ and acts(config, "nacl-open-admin-port", True) and not exempted(
                tags, "nacl-open-admin-port") and not suppressed and not listed and not unused
            if fixing:
                new, creates, replaces, deletes, mine = nacl_plan(entries, kept, config.get("naclEntryLimit", 20))
                refused += mine
                notes += [f"planned {acl}: +{len(creates)} ~{len(replaces)} -{len(deletes)} refused {mine}"]
                after["nacls"][acl] = dict(after["nacls"][acl], entries=sorted(new))
                writes += [("CreateNetworkAclEntry", acl, e[0]) for e in sorted(creates)]
                writes += [("ReplaceNetworkAclEntry", acl, e[0]) for e in sorted(replaces)]
                writes += [("DeleteNetworkAclEntry", acl, e[0]) for e in sorted(deletes)]
        s_ = scope.get("subnet")
        if s_ and st["subnets"][s_] and acts(config, "subnet-auto-assign-public-ip", True):
            after["subnets"][s_] = False
            writes.append(("ModifySubnetAttribute", s_))
    return after, writes, notes, refused


def write_key(c):
    p = c["params"]
    if c["action"].startswith("Revoke"):
        return c["action"], tuple(sorted(v for k, v in p.items() if k.startswith("SecurityGroupRuleId")))
    if c["action"].endswith("NetworkAclEntry"):
        return c["action"], p["NetworkAclId"], int(p["RuleNumber"])
    return c["action"], p.get("SubnetId")


def run_audit(name, config):
    path = os.path.join(WORK, f"{name}-audit.json")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION, OUT=path,
               VPC_GUARDRAIL_CONFIG=json.dumps({k: v for k, v in config.items() if k != "mode"}))
    with open(os.path.join(WORK, f"{name}-audit-log.jsonl"), "w") as log:
        subprocess.run(["node", os.path.join(cat.HERE, "invoke.mjs"), "audit", "{}"], cwd=cat.ROOT, env=env,
                       stdout=log, stderr=subprocess.STDOUT, check=False)
    return json.load(open(path))


def in_scope(scopes, st):
    """DESIGN §7's reported resources: the groups, NACLs (and subnet), and the interfaces using them."""
    out = set()
    described = ec2.describe_network_interfaces()["NetworkInterfaces"]
    for scope in scopes:
        if scope.get("group"):
            g = scope["group"]
            out |= {g} | {e for e, gs in st["enis"].items() if g in gs}
        if scope.get("acl"):
            subnets = {scope["subnet"]} if scope.get("subnet") else set(st["nacls"][scope["acl"]]["subnets"])
            out |= {scope["acl"]} | ({scope["subnet"]} if scope.get("subnet") else set())
            out |= {e["NetworkInterfaceId"] for e in described if e["SubnetId"] in subnets}
    return out


def reported(audit, resources):
    out = []
    for f in audit.get("findings", []):
        if f["resourceId"] not in resources:
            continue
        if f["resourceType"] == "AWS::EC2::NetworkInterface" and f["ruleId"] != "eni-internet-exposed":
            continue
        out.append(f)
    return out


def notice_states(text):
    """[(resource, rule id, FIXED|OPEN|ALREADY REMOVED)] from the digest's FINDINGS BY RESOURCE."""
    out, resource, label = [], None, None
    for line in text.splitlines():
        m = re.match(r"^  (\S+) \(AWS::", line)
        if m:
            resource = m.group(1)
            continue
        m = re.match(r"^    - (FIXED|OPEN|ALREADY REMOVED) \[", line)
        if m:
            label = m.group(1)
            continue
        m = re.match(r"^      rule (\S+);", line)
        if m and label:
            out.append((resource, m.group(1), label))
            label = None
    return out


def moto_hides(groups, named):
    """True when moto 5.2.1 leaves an interface with these groups out of `DescribeNetworkInterfaces`
    filtered on the `named` group ids: it matches a list attribute only when it is a subset or a
    superset of several values (EC2: any value)."""
    return len(named) > 1 and bool(groups & named) and not (groups <= named or groups >= named)


def moto_missed(resource, scopes, st):
    """An interface moto 5.2.1 leaves out of `DescribeNetworkInterfaces` filtered on several group ids."""
    named = {x["group"] for x in scopes if x.get("group")}
    return moto_hides(set(st["enis"].get(resource, [])), named)


def check(name, scopes, config, fault, before, after_exp, writes_exp, planned, refused_items, out, audit_before,
          audit_after):
    diffs = []
    actual = state()
    refused = [c for c in calls if c["batch"] == name and c["error"] and c["action"].startswith(("Describe", "Get"))]
    faulted = bool(fault) and bool(refused)
    expected = before if faulted else after_exp
    if faulted:
        writes_exp = []
    for d in diff({k: expected[k] for k in ("rules", "nacls", "tables", "subnets", "enis")},
                  {k: actual[k] for k in ("rules", "nacls", "tables", "subnets", "enis")}):
        diffs.append(f"world: {d}")
    writes = [c for c in out["writes"]]
    got = [write_key(c) for c in writes]
    if config.get("mode") == "dry-run" or faulted:
        if got:
            diffs.append(f"writes in dry-run/refused read: {got}")
    else:
        # Per NACL: creates ascending, then replaces, then deletes (README, Remediation safety).
        nacl_writes = sorted((k for k in got if k[0].endswith("NetworkAclEntry")), key=lambda k: k[1])
        want_nacl = sorted((k for k in writes_exp if k[0].endswith("NetworkAclEntry")), key=lambda k: k[1])
        if sorted(got) != sorted(writes_exp):
            diffs.append(f"EC2 writes {got} != expected {writes_exp}")
        elif nacl_writes != want_nacl:
            diffs.append(f"NACL call order {nacl_writes} != creates ascending, replaces, deletes {want_nacl}")
        for c in writes:
            if c["status"] != 200:
                diffs.append(f"write {c['action']} failed: {c['error']}")
            if c["action"].startswith("Revoke") and any(k.startswith("IpPermissions") for k in c["params"]):
                diffs.append("a revoke by permissions, not by SecurityGroupRuleIds")
    for acl in sorted({x["acl"] for x in scopes if x.get("acl")} if not faulted else []):
        kept = kept_sources(before["kept"][nacl_vpc(acl)], config)
        diffs += nacl_properties(before["nacls"][acl]["entries"], actual["nacls"][acl]["entries"], kept)
    # The notice.
    resources = in_scope(scopes, before)
    # moto_hides: the event bundle never reads those interfaces, and with judgeUnused false a group
    # whose every interface moto hides reads as unused (not judged): neither can cause the notice.
    named = {x["group"] for x in scopes if x.get("group")}
    hidden = {e for e, gs in before["enis"].items() if moto_hides(set(gs), named)}
    unseen = {g for g in named if config.get("judgeUnused", True) is False
              and any(g in gs for gs in before["enis"].values())
              and all(e in hidden for e, gs in before["enis"].items() if g in gs)}
    if (hidden | unseen) & resources:
        print(f"   ~ moto: {sorted((hidden | unseen) & resources)} not judged by the event bundle: moto's "
              "DescribeNetworkInterfaces matches a several-value group-id filter only when the interface's "
              "groups are a subset or superset of the values (EC2: any value)")
    resources -= hidden | unseen
    floor = SEV[config.get("notifyMinSeverity", "low")]
    active = [f for f in reported(audit_before, resources) if not f.get("suppressed")]
    loud = any(SEV[f["severity"]] >= floor for f in active)
    want_notice = faulted or loud or (bool(got) and config.get("mode") != "dry-run")
    if len(out["notices"]) != (1 if want_notice else 0):
        diffs.append(f"notices: {len(out['notices'])}, expected {1 if want_notice else 0}")
    if out["exit"] != 0 or (out["answer"] or {}).get("batchItemFailures"):
        diffs.append(f"the batch failed: {out['answer']}")
    # The highest severity reported: what stays open as the audit after reads it, and what the
    # fix closed as it was (§8 "Notices tell the state after the actions").
    after_open = [f for f in reported(audit_after, resources) if not f.get("suppressed")]
    still = {(f["resourceId"], f["ruleId"]) for f in after_open}
    closed = [f for f in active if (f["resourceId"], f["ruleId"]) not in still]
    if out["notices"]:
        n = out["notices"][0]
        a = n["attributes"]
        if faulted:
            want_action = "failed"
        elif config.get("mode") == "dry-run" and planned:
            want_action = "dry-run"
        elif got:
            want_action = "remediated"
        else:
            want_action = "notified"
        if a.get("action") != want_action:
            diffs.append(f"notice action {a.get('action')}, expected {want_action}")
        # "could not evaluate": nothing was judged, the notice carries `high` (§8).
        want_sev = SEV["high"] if faulted else max([SEV[f["severity"]] for f in after_open + closed] + [0])
        if SEV.get(a.get("severity"), -1) != want_sev:
            diffs.append(f"notice severity {a.get('severity')}, expected {[k for k, v in SEV.items() if v == want_sev]}")
        # The subject leads with the worst finding still open (the README: of those at or above
        # notifyMinSeverity, "never the news" below it), else the worst one fixed; its tag is the
        # lead's own severity (README "Readings of the event pipeline").
        loud_open = [f for f in after_open if SEV[f["severity"]] >= floor]
        pool = loud_open or closed
        if not faulted and pool:
            top = max(SEV[f["severity"]] for f in pool)
            leads = {f["resourceId"] for f in pool if SEV[f["severity"]] == top}
            tag = [k for k, v in SEV.items() if v == top][0].upper()
            if not (n["subject"] or "").startswith(f"[{tag}] ") or not any(r[:7] in n["subject"] for r in leads):
                diffs.append(f"subject {n['subject']!r} does not lead with [{tag}] and one of {sorted(leads)} "
                             f"(the worst {'still open' if loud_open else 'fixed'})")
        # ACTIONS: one `done:` line per call made; a dry run one `would call:` per planned call.
        lines = n["text"].splitlines()
        section = lines[lines.index(next(x for x in lines if x.startswith("ACTIONS"))) + 1:] if any(
            x.startswith("ACTIONS") for x in lines) else []
        section = section[:section.index("")] if "" in section else section
        done = sum(1 for x in section if x.startswith("  done:"))
        would = sum(1 for x in section if x.startswith("  would call:"))
        if config.get("mode") == "dry-run" and not faulted:
            if would != len(planned) or done:
                diffs.append(f"dry run: {would} 'would call' lines, {done} 'done', planned {len(planned)}")
        elif done != len(got) or would:
            diffs.append(f"ACTIONS: {done} 'done' lines for {len(got)} calls made")
        # A NACL fix left undone says why (§8: notify only, saying why).
        for t, port, f, why in ([] if faulted else refused_items):
            if not re.search(r"nacl-open-admin-port on \S+: not fixable automatically: .*"
                             + {"no free numbers": "no (\\d+ )?free rule number", "naclEntryLimit": "naclEntryLimit",
                                "widens": "would let in"}[why], n["text"]):
                diffs.append(f"notice: the NACL fix of {port}/{t} {f} was not made ({why}) and the notice does not say why")
        if not faulted:
            after_active = {(f["resourceId"], f["ruleId"]) for f in reported(audit_after, resources)
                            if not f.get("suppressed")}
            before_active = {(f["resourceId"], f["ruleId"]) for f in active}
            states = notice_states(n["text"])
            said = {(r, rid): s for r, rid, s in states}
            for (r, rid), s in said.items():
                if s == "FIXED" and (r, rid) in after_active:
                    diffs.append(f"notice: FIXED {rid} on {r}, but the audit after still reports it")
                if s == "OPEN" and (r, rid) not in after_active:
                    diffs.append(f"notice: OPEN {rid} on {r}, but the audit after no longer reports it")
            for key in sorted(before_active - after_active):
                if said.get(key) != "FIXED":
                    diffs.append(f"notice: {key[1]} on {key[0]} was closed by the fix but the notice says {said.get(key)}")
            for key in sorted(before_active & after_active):
                if said.get(key) is None and moto_missed(key[0], scopes, before):
                    print(f"   ~ moto: {key[0]} not in the notice: moto's DescribeNetworkInterfaces matches a "
                          "several-value group-id filter only when the interface's groups are a subset or superset "
                          "of the values (EC2: any value)")
                elif said.get(key) not in ("OPEN",):
                    diffs.append(f"notice: {key[1]} on {key[0]} stays open but the notice says {said.get(key)}")
    return diffs


def event_rule_ids(events):
    """The rule ids the events' records name as theirs: every rule an authorize made
    (`securityGroupRuleSet`), the rule a ModifySecurityGroupRules names."""
    out = set()
    for ev in events:
        d = ev["detail"]
        for item in ((d.get("responseElements") or {}).get("securityGroupRuleSet") or {}).get("items", []):
            out.add(item["securityGroupRuleId"])
        modify = (d.get("requestParameters") or {}).get("ModifySecurityGroupRulesRequest")
        if modify:
            out.add(modify["SecurityGroupRule"]["SecurityGroupRuleId"])
    return out


def redeliver(name, events, config, before, first, audit_after, redrive=False):
    """§8 "Order and retries": the same batch redelivered (ApproximateReceiveCount 2) after the fix.
    Nothing is written or changed; nothing is called FIXED or `done:` (this invocation removed
    nothing); the offending rules these events added that the first delivery revoked are reported
    "already removed" — each of them, and no other rule — so the person still hears of it."""
    diffs = []
    # `redrive`: the same checks for the batch redriven from the dead-letter queue (receive count 1).
    out = (redriven(f"{name}-redriven", events, config) if redrive else
           cat.deliver(f"{name}-again", events, mode=config["mode"], config=config, receive=2))
    now = state()
    for d in diff({k: first[k] for k in ("rules", "nacls", "tables", "subnets", "enis")},
                  {k: now[k] for k in ("rules", "nacls", "tables", "subnets", "enis")}):
        diffs.append(f"redelivery: world: {d}")
    if out["writes"]:
        diffs.append(f"redelivery: writes {[write_key(c) for c in out['writes']]}")
    removed = set(before["rules"]) - set(first["rules"])
    world = {sid for sid in removed if world_source_families(before["rules"][sid][5], before)}
    mine = event_rule_ids(events) & removed
    want = mine & world
    text = out["notices"][0]["text"] if out["notices"] else ""
    lines = text.splitlines()
    start = next((i for i, x in enumerate(lines) if x.startswith("ALREADY REMOVED:")), None)
    listed = set()
    if start is not None:
        for x in lines[start + 1:]:
            if not x.strip():
                break
            m = re.match(r"^  (sgr-[0-9a-f]+) on ", x)
            if m:
                listed.add(m.group(1))
    if want - listed:
        diffs.append(f"redelivery: rules these events added and the first delivery revoked not reported "
                     f"already removed: {sorted(want - listed)}")
    if listed - mine:
        diffs.append(f"redelivery: reported already removed but not these events' revoked rules: {sorted(listed - mine)}")
    if any(state_ == "FIXED" for _, _, state_ in notice_states(text)) or re.search(r"^  done:", text, re.M):
        diffs.append("redelivery: the notice says FIXED or done: for what this invocation did not do")
    if len(out["notices"]) > 1:
        diffs.append(f"redelivery: {len(out['notices'])} notices")
    if want and not out["notices"]:
        diffs.append("redelivery: no notice, though rules these events added were removed (§8: still hears of it)")
    if out["exit"] != 0 or (out["answer"] or {}).get("batchItemFailures"):
        diffs.append(f"redelivery: the batch failed: {out['answer']}")
    return diffs, len(want)


def refused_then_redriven(name, events, config, before, after_exp, writes_exp):
    """§8 "a notice is never lost silently" past the last receive: the 5th receive makes the fix,
    SNS refuses its notice past the SDK's retries, every message fails (to the dead-letter queue);
    the operator redrives the batch (receive count 1 again: SQS treats it as a new message). The
    redrive writes nothing and its notice reports "already removed" every world rule these events
    added that the fix revoked, and nothing as FIXED or done: (redeliver's checks)."""
    diffs = []
    refuse = lambda a, p: (500, "InternalError") if a == "Publish" else None  # noqa: E731
    out1 = cat.deliver(f"{name}-refused", events, mode=config["mode"], config=config, fault=refuse, receive=5,
                       extra_env=QUEUE_ENV)
    failures = {f.get("itemIdentifier") for f in (out1["answer"] or {}).get("batchItemFailures") or []}
    if len(failures) != len(events):
        diffs.append(f"refused publish: {len(failures)} of {len(events)} messages failed (all must go to the DLQ)")
    made = [write_key(c) for c in out1["writes"] if c["status"] == 200]
    if sorted(made) != sorted(writes_exp):
        diffs.append(f"refused publish: writes {made} != the plan {writes_exp}")
    first = state()
    for d in diff({k: after_exp[k] for k in ("rules", "nacls", "tables", "subnets", "enis")},
                  {k: first[k] for k in ("rules", "nacls", "tables", "subnets", "enis")}):
        diffs.append(f"refused publish: world: {d}")
    more, _ = redeliver(name, events, config, before, first, None, redrive=True)
    return diffs + more


def throttle_at(k):
    """A proxy fault: the k-th distinct EC2 write call of the delivery (from 1) answers 503
    RequestLimitExceeded on every attempt, so it stays throttled past the SDK's retries."""
    seen = []

    def fault(action, params):
        if action.startswith(("Describe", "Get")) or action in ("Publish", "CreateTopic"):
            return None
        key = (action, tuple(sorted((k, v) for k, v in params.items() if k not in ("Action", "Version"))))
        if key not in seen:
            seen.append(key)
        return (503, "RequestLimitExceeded") if seen.index(key) == k - 1 else None

    return fault


def throttled(name, events, config, before, after_exp, writes_exp, rng):
    """§8 "Order and retries" and §14 "Partial failure" under a throttled write: the first delivery
    makes the writes before the k-th, is throttled there, tells what it made and what is left in ONE
    notice (`partially-remediated`, or `failed` when k is 1; the stopped call "retried when these
    calls are delivered again") and fails every message of the batch; the redelivery (receive count
    2, no fault) makes exactly the rest — every write of the plan made once in all, nothing doubled
    (an allow the first attempt made is reused) — and the world ends as a fix in one go leaves it."""
    diffs = []
    k = rng.randint(1, len(writes_exp))
    # --last-receive: the 5th receive of a buffer whose maxReceiveCount is 5 (the stack's setting).
    out1 = cat.deliver(f"{name}-throttled", events, mode=config["mode"], config=config, fault=throttle_at(k),
                       **({"receive": 5, "extra_env": QUEUE_ENV} if LAST_RECEIVE else {}))
    failures = {f.get("itemIdentifier") for f in (out1["answer"] or {}).get("batchItemFailures") or []}
    if len(failures) != len(events):
        diffs.append(f"throttled delivery: {len(failures)} of {len(events)} messages failed (all must be retried)")
    if len(out1["notices"]) != 1:
        diffs.append(f"throttled delivery: {len(out1['notices'])} notices, not 1")
    else:
        n = out1["notices"][0]
        want = "failed" if k == 1 else "partially-remediated"
        if n["attributes"].get("action") != want:
            diffs.append(f"throttled delivery: action {n['attributes'].get('action')}, not {want}")
        said = (r"^  FAILED: .* — not retried again: last receive, the (message goes|messages go) to the dead-letter queue"
                if LAST_RECEIVE else r"^  FAILED: .* — retried when these calls are delivered again")
        if not re.search(said, n["text"], re.M):
            diffs.append(f"throttled delivery: no FAILED line saying {'no retry follows' if LAST_RECEIVE else 'the call is retried'}")
        if LAST_RECEIVE and "retried when" in n["text"]:
            diffs.append("throttled delivery: the last receive says a retry follows")
        done_lines = len(re.findall(r"^  done: ", n["text"], re.M))
        if done_lines != k - 1:
            diffs.append(f"throttled delivery: {done_lines} done: lines, {k - 1} calls made")
    made1 = [write_key(c) for c in out1["writes"] if c["status"] == 200]
    # After the last receive the batch comes back only when redriven from the dead-letter queue.
    out2 = (redriven(name, events, config) if LAST_RECEIVE else
            cat.deliver(name, events, mode=config["mode"], config=config, receive=2))
    made2 = [write_key(c) for c in out2["writes"] if c["status"] == 200]
    if out2["exit"] != 0 or (out2["answer"] or {}).get("batchItemFailures"):
        diffs.append(f"redelivery failed: {out2['answer']}")
    if sorted(made1 + made2) != sorted(writes_exp):
        diffs.append(f"writes in all {made1} + {made2} != the plan {writes_exp}")
    actual = state()
    for d in diff({k_: after_exp[k_] for k_ in ("rules", "nacls", "tables", "subnets", "enis")},
                  {k_: actual[k_] for k_ in ("rules", "nacls", "tables", "subnets", "enis")}):
        diffs.append(f"world after the redelivery: {d}")
    if len(out2["notices"]) > 1:
        diffs.append(f"redelivery: {len(out2['notices'])} notices")
    return diffs, k, out1


def main():
    seeds = seeds_of(arg("--seeds", "1-10"))
    total, failed, kinds = 0, 0, {}
    for seed in seeds:
        rng = random.Random(seed)
        burst.reset()
        w = build_world(rng)
        w["vpcGroups"] = {v: [g["GroupId"] for g in ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [v]}])["SecurityGroups"]] for v in w["vpcs"]}
        events, descs, scopes = [], [], []
        for _ in range(rng.choice([2, 3]) if BATCH else 1):  # no draw without --batch: the seeds stay as they were
            made = None
            while made is None:
                fn = rng.choices([c[0] for c in CHANGES], weights=[c[1] for c in CHANGES])[0]
                made = fn(rng, w)
            events.append(made[0])
            descs.append(made[1])
            scopes.append(made[2])
        desc = "\n       + ".join(descs)
        config = random_config(rng, w, scopes[0])
        fault, refuse = None, None
        if rng.random() < 0.1:
            refuse = rng.choice(["DescribeSecurityGroups", "DescribeSecurityGroupRules", "DescribeNetworkAcls",
                                 "DescribeNetworkInterfaces", "DescribeSubnets", "GetManagedPrefixListEntries"])
            fault = lambda a, p, refuse=refuse: (403, "UnauthorizedOperation") if a == refuse else None  # noqa: E731
        name = f"remedy{seed}"
        before = state()
        before["kept"] = w["kept"]
        before["plEntries"] = w["plEntries"]
        # The expectation, written down before the bundle runs.
        after_exp, writes_exp, notes, refused_items = expect_outcome(scopes, before, w, config)
        # A dry run plans what remediate would do (per-rule `notify` stays notify).
        planned = writes_exp if config["mode"] != "dry-run" else expect_outcome(
            scopes, before, w, dict(config, mode="remediate"))[1]
        if THROTTLE:
            if not writes_exp or fault or config["mode"] == "dry-run":
                continue
            diffs, k, out = throttled(name, events, config, before, after_exp, writes_exp, random.Random(seed * 7919))
            total += 1
            failed += bool(diffs)
            kind = "+".join(e["detail"]["eventName"] for e in events) + " (throttled)"
            kinds[kind] = kinds.get(kind, 0) + 1
            subject = out["notices"][0]["subject"] if out["notices"] else "(no notice)"
            print(f"{'DIFF' if diffs else 'OK  '} {name}: {desc}\n     write {k} of {len(writes_exp)} throttled: {subject}")
            for d in diffs:
                print(f"   ! {d}")
            continue
        if REDRIVE:
            if not writes_exp or fault or config["mode"] == "dry-run":
                continue
            diffs = refused_then_redriven(name, events, config, before, after_exp, writes_exp)
            total += 1
            failed += bool(diffs)
            kind = "+".join(e["detail"]["eventName"] for e in events) + " (publish refused, redriven)"
            kinds[kind] = kinds.get(kind, 0) + 1
            print(f"{'DIFF' if diffs else 'OK  '} {name}: {desc}\n     config {json.dumps(config)}\n     {len(writes_exp)} writes, SNS refusing, then redriven")
            for d in diffs:
                print(f"   ! {d}")
            continue
        audit_before = run_audit(f"{name}-before", config)
        out = cat.deliver(name, events, mode=config["mode"], config=config, fault=fault)
        audit_after = run_audit(f"{name}-after", config)
        diffs = check(name, scopes, config, fault, before, after_exp, writes_exp, planned, refused_items, out,
                      audit_before, audit_after)
        if REDELIVER and out["writes"] and not diffs and not fault and config["mode"] != "dry-run":
            more, reported_gone = redeliver(name, events, config, before, state(), audit_after)
            diffs += more
            desc += f"\n       redelivered: {reported_gone} rule(s) to report already removed"
        kind = "+".join(e["detail"]["eventName"] for e in events) + (" (writes)" if out["writes"] else "")
        kinds[kind] = kinds.get(kind, 0) + 1
        total += 1
        failed += bool(diffs)
        subject = out["notices"][0]["subject"] if out["notices"] else "(no notice)"
        print(f"{'DIFF' if diffs else 'OK  '} {name}: {desc}\n     config {json.dumps(config)}"
              f"{' refused: ' + refuse if refuse else ''}\n     writes {len(out['writes'])}: {subject}")
        if VERBOSE:
            for n_ in notes:
                print(f"     {n_}")
        for d in diffs:
            print(f"   ! {d}")
        json.dump({"events": events, "config": config, "expectedWrites": writes_exp, "diffs": diffs},
                  open(os.path.join(WORK, f"{name}-case.json"), "w"), indent=1, default=list)
    print("scenarios: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"{total - failed}/{total} scenarios as DESIGN §8 says; kept in {WORK}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
