#!/usr/bin/env python3
"""Differential oracle for the rule engine (DESIGN §3-§6, §8-§9 exemptions and acceptance).

Generates seeded random snapshots (and configs), evaluates every rule of DESIGN §5 with an
evaluator written from the spec and the README's documented readings alone (no code shared with
`shared/`), runs the built CLI on the same input and compares:

- the findings as (ruleId, resourceId) -> severity, suppressed, ports (per protocol, exact sets);
- the SG findings' `exposure`;
- `summary.notJudged` as (resourceId, ruleId, "unused" or not).

Usage:
  python3 scripts/emulator/oracle.py [--seeds N] [--start S] [--keep DIR] [--cli PATH] [--brute]
  python3 scripts/emulator/oracle.py --seed S --dump FILE   # write one world (snapshot+config)

Standard library only. Exit 1 when a seed differs.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date
from fractions import Fraction

# ---------------------------------------------------------------------------------------------
# Address sets: sorted disjoint inclusive intervals of ints (IPv4 32-bit, IPv6 128-bit).

V4_MAX = (1 << 32) - 1
V6_MAX = (1 << 128) - 1


def norm(iv):
    iv = sorted(iv)
    out = []
    for lo, hi in iv:
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def union(a, b):
    return norm(list(a) + list(b))


def subtract(a, b):
    out = []
    b = norm(b)
    for lo, hi in a:
        cur = lo
        for blo, bhi in b:
            if bhi < cur or blo > hi:
                continue
            if blo > cur:
                out.append((cur, blo - 1))
            cur = max(cur, bhi + 1)
            if cur > hi:
                break
        if cur <= hi:
            out.append((cur, hi))
    return out


def intersect(a, b):
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def size(a):
    return sum(hi - lo + 1 for lo, hi in a)


def contains(big, small):
    return not subtract(small, big)


def cidr(text):
    """(family, interval) with host bits cleared."""
    n = ipaddress.ip_network(text, strict=False)
    fam = 4 if n.version == 4 else 6
    return fam, (int(n.network_address), int(n.broadcast_address))


RESERVED_V4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
]
PUBLIC = {
    4: subtract([(0, V4_MAX)], norm([cidr(c)[1] for c in RESERVED_V4])),
    6: [cidr("2000::/3")[1]],
}
FULL = {4: [(0, V4_MAX)], 6: [(0, V6_MAX)]}
BROAD = {4: 1 << 24, 6: 1 << 96}


def pairs_of(items):
    """Config ports ("22/tcp", "5985-5986", "53/udp") as a set of (proto, port)."""
    out = set()
    for it in items:
        rng, _, proto = it.partition("/")
        lo, _, hi = rng.partition("-")
        for p in range(int(lo), int(hi or lo) + 1):
            out.add((proto or "tcp", p))
    return out


class Cfg:
    def __init__(self, raw):
        self.raw = raw
        hr = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432,
              5500, 5601, 8080, 8088, 8888, 9200, 9300]
        self.admin = pairs_of(raw.get("adminPorts", ["22/tcp", "3389/tcp", "3389/udp"]))
        self.high = pairs_of(raw.get("highRiskPorts", [f"{p}/tcp" for p in hr]))
        self.auth = pairs_of(raw.get("authorizedPorts", ["80/tcp", "443/tcp"]))
        eph = raw.get("ephemeralPorts", {"from": 1024, "to": 65535})
        self.eph = (eph["from"], eph["to"])
        self.coverage = Fraction(str(raw.get("worldOpenCoverage", 0.99)))
        self.allow_lists = raw.get("allowLists", [])
        self.types = set(raw.get("allowInterfaceTypes", []))
        self.requesters = set(raw.get("allowRequesterIds", []))
        self.judge_unused = raw.get("judgeUnused", True)
        self.off = {r for r, m in raw.get("rules", {}).items() if m == "off"}

    def special_ports(self):
        s = set()
        for _, p in self.admin | self.high | self.auth:
            s.add(p)
            s.add(p + 1)
        s.add(self.eph[0])
        s.add(self.eph[1] + 1)
        return s


def world_open(cfg, fam, srcs):
    pub = PUBLIC[fam]
    return Fraction(size(intersect(norm(srcs), pub)), size(pub)) >= cfg.coverage


def broad(fam, srcs):
    return size(intersect(norm(srcs), PUBLIC[fam])) >= BROAD[fam]


# ---------------------------------------------------------------------------------------------
# Port sets per protocol: {"tcp": [(lo,hi)...], "udp": [...]}, built from piecewise evaluation.

PROTOS = ("tcp", "udp")


def segments(bounds):
    """Sorted segment starts/ends over 0..65535 from a set of boundaries."""
    b = sorted({x for x in bounds if 0 <= x <= 65535} | {0})
    out = []
    for i, lo in enumerate(b):
        hi = (b[i + 1] - 1) if i + 1 < len(b) else 65535
        out.append((lo, hi))
    return out


def portset_from(pred, bounds, brute=False):
    """Port intervals where pred(port) holds; pred is constant on each segment of bounds."""
    if brute:
        return norm([(p, p) for p in range(65536) if pred(p)])
    return norm([(lo, hi) for lo, hi in segments(bounds) if pred(lo)])


def ports_text_to_set(items):
    """Parse evidence ports ["22/tcp", "1024-3388/tcp"] into {proto: intervals}."""
    out = {}
    for it in items:
        rng, proto = it.split("/")
        if "-" in rng:
            lo, hi = rng.split("-")
        else:
            lo = hi = rng
        out.setdefault(proto, []).append((int(lo), int(hi)))
    return {k: norm(v) for k, v in out.items() if v}


def fmt_ports(ps):
    parts = []
    for proto in sorted(ps):
        for lo, hi in ps[proto]:
            parts.append(f"{lo}/{proto}" if lo == hi else f"{lo}-{hi}/{proto}")
    return parts


def clean(ps):
    return {k: norm(v) for k, v in ps.items() if v}


def ps_union(*sets):
    out = {}
    for s in sets:
        for k, v in s.items():
            out[k] = union(out.get(k, []), v)
    return clean(out)


def ps_minus(a, b):
    return clean({k: subtract(v, b.get(k, [])) for k, v in a.items()})


def ps_from_pairs(pairs):
    out = {}
    for proto, p in pairs:
        out.setdefault(proto, []).append((p, p))
    return clean(out)


def ps_inter(a, b):
    return clean({k: intersect(v, b.get(k, [])) for k, v in a.items()})


def ps_empty(a):
    return not any(a.values())


# ---------------------------------------------------------------------------------------------
# Protocols

def proto_name(p):
    p = str(p).lower()
    return {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "-1"}.get(p, p)


# ---------------------------------------------------------------------------------------------
# Security groups

class SgRule:
    """One ingress permission's tcp/udp part: protocols, port range, sources per family."""

    def __init__(self, protos, lo, hi, srcs, unresolved):
        self.protos = protos
        self.lo = lo
        self.hi = hi
        self.srcs = srcs  # {4: [...], 6: [...]}
        self.unresolved = unresolved


def sg_rules(group, prefix_lists, direction="IpPermissions"):
    """tcp/udp (and -1) rules of a group with resolved sources; unresolved prefix-list ids."""
    out = []
    unresolved = set()
    for perm in group.get(direction, []):
        p = proto_name(perm["IpProtocol"])
        if p == "-1":
            protos, lo, hi = ("tcp", "udp"), 0, 65535
        elif p in PROTOS:
            protos = (p,)
            lo, hi = perm["FromPort"], perm["ToPort"]
            if lo == -1 and hi == -1:
                lo, hi = 0, 65535
        else:
            continue  # icmp, icmpv6, other protocols never count
        srcs = {4: [], 6: []}
        for r in perm.get("IpRanges", []):
            f, iv = cidr(r["CidrIp"])
            srcs[f].append(iv)
        for r in perm.get("Ipv6Ranges", []):
            f, iv = cidr(r["CidrIpv6"])
            srcs[f].append(iv)
        unres = []
        for r in perm.get("PrefixListIds", []):
            pl = prefix_lists.get(r["PrefixListId"])
            if pl is None:
                unres.append(r["PrefixListId"])
                unresolved.add(r["PrefixListId"])
                continue
            if pl.get("OwnerId") == "AWS" or pl.get("PrefixListName", "").startswith("com.amazonaws."):
                continue  # an AWS service's addresses, never an internet source
            for e in pl.get("Entries", []):
                f, iv = cidr(e["Cidr"])
                srcs[f].append(iv)
        out.append(SgRule(protos, lo, hi, srcs, unres))
    return out, unresolved


def rules_bounds(rules):
    b = set()
    for r in rules:
        b.add(r.lo)
        b.add(r.hi + 1)
    return b


def sources_at(rules, fam, proto, port):
    s = []
    for r in rules:
        if proto in r.protos and r.lo <= port <= r.hi:
            s.extend(r.srcs[fam])
    return s


def sg_world_ports(cfg, rules, fam, brute=False):
    """{proto: intervals} world-open in family fam."""
    bounds = rules_bounds(rules) | cfg.special_ports()
    return clean({
        proto: portset_from(lambda p, proto=proto: world_open(cfg, fam, sources_at(rules, fam, proto, p)),
                            bounds, brute)
        for proto in PROTOS
    })


def sg_broad_ports(cfg, rules, fam, brute=False):
    bounds = rules_bounds(rules) | cfg.special_ports()
    return clean({
        proto: portset_from(lambda p, proto=proto: broad(fam, sources_at(rules, fam, proto, p)), bounds, brute)
        for proto in PROTOS
    })


# ---------------------------------------------------------------------------------------------
# NACLs

class NaclEntry:
    def __init__(self, e):
        self.num = e["RuleNumber"]
        self.allow = e["RuleAction"] == "allow"
        self.egress = e["Egress"]
        if "CidrBlock" in e:
            self.fam, self.iv = cidr(e["CidrBlock"])
        else:
            self.fam, self.iv = cidr(e["Ipv6CidrBlock"])
        p = proto_name(e["Protocol"])
        self.proto = p
        if p in PROTOS:
            pr = e["PortRange"]
            self.lo, self.hi = pr["From"], pr["To"]
        else:
            self.lo, self.hi = 0, 65535

    def matches(self, proto, port):
        if self.proto == "-1":
            return True
        return self.proto == proto and self.lo <= port <= self.hi


class Nacl:
    def __init__(self, acl):
        self.id = acl["NetworkAclId"]
        self.entries = sorted((NaclEntry(e) for e in acl.get("Entries", [])), key=lambda e: e.num)

    def dir_entries(self, egress, fam):
        return [e for e in self.entries if e.egress == egress and e.fam == fam]

    def bounds(self, egress):
        b = set()
        for e in self.entries:
            if e.egress == egress and e.proto in PROTOS:
                b.add(e.lo)
                b.add(e.hi + 1)
        return b

    def permitted(self, egress, fam, proto, port):
        remaining = FULL[fam]
        allowed = []
        for e in self.dir_entries(egress, fam):
            if not e.matches(proto, port):
                continue
            part = intersect(remaining, [e.iv])
            if e.allow:
                allowed = union(allowed, part)
            remaining = subtract(remaining, [e.iv])
            if not remaining:
                break
        return allowed

    def first_match_share(self, egress, fam, proto, port, target):
        remaining = FULL[fam]
        for e in self.dir_entries(egress, fam):
            if not e.matches(proto, port):
                continue
            if e is target:
                return intersect(remaining, [e.iv])
            remaining = subtract(remaining, [e.iv])
        return []

    def world_ports(self, cfg, egress, fam, brute=False):
        bounds = self.bounds(egress) | cfg.special_ports()
        return clean({
            proto: portset_from(
                lambda p, proto=proto: world_open(cfg, fam, self.permitted(egress, fam, proto, p)), bounds, brute)
            for proto in PROTOS
        })


# ---------------------------------------------------------------------------------------------
# Routes

def table_has_igw_default(cfg, table, fam, pls):
    """README readings: a route to an igw- whose destination is a prefix list sends that list's
    entries of the family there (resolved from ManagedPrefixLists; an unresolved one sends nothing
    known here, `unresolved_igw_lists` names it)."""
    igw = []
    for r in table.get("Routes", []):
        if r.get("State") != "active":
            continue
        if not str(r.get("GatewayId", "")).startswith("igw-"):
            continue
        dest = r.get("DestinationCidrBlock") if fam == 4 else r.get("DestinationIpv6CidrBlock")
        if dest is not None:
            dests = [dest]
        elif r.get("DestinationPrefixListId") in pls:
            dests = [e["Cidr"] for e in pls[r["DestinationPrefixListId"]].get("Entries") or []]
        else:
            continue
        for d in dests:
            f, iv = cidr(d)
            if f != fam:
                continue
            if iv == FULL[fam][0]:
                return True
            igw.append(iv)
    return world_open(cfg, fam, igw)


def unresolved_igw_lists(table, pls):
    """The prefix lists active routes to an igw- have as destination that ManagedPrefixLists lacks."""
    return sorted({r["DestinationPrefixListId"] for r in table.get("Routes", [])
                   if r.get("State") == "active" and str(r.get("GatewayId", "")).startswith("igw-")
                   and "DestinationPrefixListId" in r and r["DestinationPrefixListId"] not in pls})


# ---------------------------------------------------------------------------------------------
# Exemptions

NOW = date(2026, 12, 7)


CATALOGUE = {
    "sg-open-all-traffic", "sg-open-admin-port", "sg-open-high-risk-port", "sg-open-unauthorized-port",
    "sg-broad-public-source", "sg-default-not-restricted", "nacl-open-admin-port", "nacl-broad-public-source",
    "nacl-ephemeral-return-blocked", "subnet-private-has-igw-route", "subnet-public-no-igw-route",
    "subnet-auto-assign-public-ip", "nat-gateway-in-private-subnet", "route-blackhole", "vpce-policy-full-access",
    "eni-internet-exposed",
}


def exempt_rules(tags):
    """Rule ids (or '*') exempted by the tag value, entries in force only. An entry that cannot be
    read (an impossible date, a rule id not in the catalogue) exempts nothing; the others still do
    (README Exemptions: "any matching entry in force suppresses"); an empty value exempts nothing."""
    for t in tags or []:
        if t.get("Key") == "vpc-guardrail:exempt":
            out = set()
            for part in t["Value"].split(","):
                part = part.strip()
                rid, _, d = part.partition("@")
                if rid != "*" and rid not in CATALOGUE:
                    continue
                if d:
                    try:
                        until = date.fromisoformat(d)
                    except ValueError:
                        continue
                    if until < NOW:
                        continue
                out.add(rid)
            return out
    return set()


def tag_exempts(tags, rule_id):
    ex = exempt_rules(tags)
    return "*" in ex or rule_id in ex


def parse_cfg_ports(items):
    pairs = []
    for it in items:
        if "/" in it:
            rng, proto = it.split("/")
        else:
            rng, proto = it, "tcp"
        lo, _, hi = rng.partition("-")
        pairs.append((proto, int(lo), int(hi or lo)))
    out = {}
    for proto, lo, hi in pairs:
        out.setdefault(proto, []).append((lo, hi))
    return clean(out)


# ---------------------------------------------------------------------------------------------
# The evaluator


def evaluate(snap, raw_cfg, brute=False):
    cfg = Cfg(raw_cfg)
    findings = {}  # (ruleId, resourceId) -> dict(severity, ports, suppressed, exposure)
    not_judged = set()  # (resourceId, ruleId or None, unused bool)

    subnets = {s["SubnetId"]: s for s in snap.get("Subnets", [])}
    groups = merged_groups(snap)
    pls = {p["PrefixListId"]: p for p in snap.get("ManagedPrefixLists", [])}
    tables = snap.get("RouteTables", [])
    acls = snap.get("NetworkAcls", [])
    enis = snap.get("NetworkInterfaces", [])

    # route table of a subnet
    explicit_rt, main_rt = {}, {}
    for t in tables:
        for a in t.get("Associations", []):
            if a.get("AssociationState", {}).get("State", "associated") not in ("associated", "associating"):
                continue
            if a.get("Main"):
                main_rt[t["VpcId"]] = t
            elif "SubnetId" in a:
                explicit_rt[a["SubnetId"]] = t

    def rt_of(sub):
        return explicit_rt.get(sub["SubnetId"]) or main_rt.get(sub["VpcId"])

    explicit_acl, default_acl = {}, {}
    for a in acls:
        if a.get("IsDefault"):
            default_acl[a["VpcId"]] = a
        for asn in a.get("Associations", []):
            explicit_acl[asn["SubnetId"]] = a

    def acl_of(sub):
        return explicit_acl.get(sub["SubnetId"]) or default_acl.get(sub["VpcId"])

    def has_igw(sub, fam=None):
        t = rt_of(sub)
        fams = (4, 6) if fam is None else (fam,)
        return any(table_has_igw_default(cfg, t, f, pls) for f in fams)

    def unknown_igw(sub, fam=None):
        """README: an unresolved list to an igw- leaves the way out unknown unless a resolved route
        settles it: of either family for the naming rules (fam None), of that family otherwise."""
        t = rt_of(sub)
        return t is not None and bool(unresolved_igw_lists(t, pls)) and not has_igw(sub, fam)

    def add(rule, res, sev, ports=None, tags=None, **kw):
        if rule in cfg.off:
            return {}  # a rule turned off reports nothing (and claims nothing: README Rules)
        f = {"severity": sev, "ports": clean(ports) if ports is not None else None,
             "suppressed": bool(tags is not None and tag_exempts(tags, rule))}
        f.update(kw)
        findings[(rule, res)] = f
        return f

    # which groups are used by interfaces, which NACLs by subnets
    used_groups = {}
    for n in enis:
        for g in n.get("Groups", []):
            used_groups.setdefault(g["GroupId"], []).append(n)
    used_acls = set()
    for s in subnets.values():
        a = acl_of(s)
        if a is not None:
            used_acls.add(a["NetworkAclId"])

    # ---- security groups
    sg_world = {}  # gid -> {4: ps, 6: ps}
    sg_findings = {}  # gid -> list of (rule, ports)
    sg_judged = set()
    for gid, g in groups.items():
        rules, unresolved = sg_rules(g, pls)
        w = {f: sg_world_ports(cfg, rules, f, brute) for f in (4, 6)}
        sg_world[gid] = w
        if not cfg.judge_unused and gid not in used_groups:
            not_judged.add((gid, None, True))
            continue
        sg_judged.add(gid)
        if unresolved:
            not_judged.add((gid, None, False))
        tags = g.get("Tags", [])
        world = ps_union(w[4], w[6])
        out = []
        all_tcp = world.get("tcp") == [(0, 65535)] and "sg-open-all-traffic" not in cfg.off
        if all_tcp:
            out.append(("sg-open-all-traffic", "critical", world))
        else:
            adm = ps_inter(world, ps_from_pairs(cfg.admin))
            hi = ps_minus(ps_inter(world, ps_from_pairs(cfg.high)), adm)
            un = ps_minus(world, ps_union(ps_from_pairs(cfg.admin), ps_from_pairs(cfg.high),
                                          ps_from_pairs(cfg.auth)))
            for rid, sev, ps in (("sg-open-admin-port", "critical", adm), ("sg-open-high-risk-port", "high", hi),
                                 ("sg-open-unauthorized-port", "medium", un)):
                if not ps_empty(ps):
                    out.append((rid, sev, ps))
        br = ps_minus(ps_union(sg_broad_ports(cfg, rules, 4, brute), sg_broad_ports(cfg, rules, 6, brute)), world)
        if not ps_empty(br):
            out.append(("sg-broad-public-source", "low", br))
        if g.get("GroupName") == "default" and (g.get("IpPermissions") or g.get("IpPermissionsEgress")):
            out.append(("sg-default-not-restricted", "medium", None))
        out = [x for x in out if x[0] not in cfg.off]
        sg_findings[gid] = out
        for rid, sev, ps in out:
            f = add(rid, gid, sev, ps, tags)
            if ps is not None:
                # per family: the finding's ports that family opens (world-open, or broad there)
                src = w if rid != "sg-broad-public-source" else {
                    4: sg_broad_ports(cfg, rules, 4, brute), 6: sg_broad_ports(cfg, rules, 6, brute)}
                f["families"] = {4: ps_inter(ps, src[4]), 6: ps_inter(ps, src[6])}

    # ---- NACLs
    for a in acls:
        aid = a["NetworkAclId"]
        if not cfg.judge_unused and aid not in used_acls:
            not_judged.add((aid, None, True))
            continue
        n = Nacl(a)
        tags = a.get("Tags", [])
        win = {f: n.world_ports(cfg, False, f, brute) for f in (4, 6)}
        admin_ps = ps_from_pairs(cfg.admin)
        open_admin = ps_inter(ps_union(win[4], win[6]), admin_ps)
        if not ps_empty(open_admin):
            f = add("nacl-open-admin-port", aid, "high", open_admin, tags)
            f["families"] = {fam: ps_inter(open_admin, win[fam]) for fam in (4, 6)}
        brd = {4: [], 6: []}
        for proto, p in sorted(cfg.admin):
            if any(lo <= p <= hi for lo, hi in open_admin.get(proto, [])):
                continue
            for fam in (4, 6):
                if broad(fam, n.permitted(False, fam, proto, p)):
                    brd[fam].append((proto, p))
        if brd[4] or brd[6]:
            f = add("nacl-broad-public-source", aid, "medium", ps_from_pairs(brd[4] + brd[6]), tags)
            f["families"] = {fam: ps_from_pairs(brd[fam]) for fam in (4, 6)}
        blocked, per_dir = ephemeral_blocked(cfg, n, brute)
        if not ps_empty(blocked):
            f = add("nacl-ephemeral-return-blocked", aid, "medium", blocked, tags)
            f["directions"] = per_dir

    # ---- subnets
    for sid, s in subnets.items():
        tags = s.get("Tags", [])
        name = next((t["Value"] for t in tags if t["Key"] == "Name"), "").lower()
        t = rt_of(s)
        if "private" in name:
            if t is None or unknown_igw(s):
                not_judged.add((sid, "subnet-private-has-igw-route", False))
            elif has_igw(s):
                add("subnet-private-has-igw-route", sid, "high", None, tags)
        if "public" in name:
            if t is None or unknown_igw(s):
                not_judged.add((sid, "subnet-public-no-igw-route", False))
            elif not has_igw(s):
                add("subnet-public-no-igw-route", sid, "low", None, tags)
        if s.get("MapPublicIpOnLaunch") is True:
            add("subnet-auto-assign-public-ip", sid, "medium", None, tags)

    # ---- NAT gateways
    for nat in snap.get("NatGateways", []):
        if nat.get("State", "available") not in ("pending", "available"):
            continue
        if nat.get("ConnectivityType", "public") != "public":
            continue
        s = subnets.get(nat.get("SubnetId"))
        if s is None or rt_of(s) is None or unknown_igw(s, 4):
            not_judged.add((nat["NatGatewayId"], "nat-gateway-in-private-subnet", False))
            continue
        # a public NAT gateway's traffic leaves over IPv4 (its Elastic IP): an IPv4 internet route
        if not has_igw(s, 4):
            add("nat-gateway-in-private-subnet", nat["NatGatewayId"], "medium", None, nat.get("Tags", []))

    # ---- route tables
    for t in tables:
        if any(r.get("State") == "blackhole" for r in t.get("Routes", [])):
            add("route-blackhole", t["RouteTableId"], "low", None, t.get("Tags", []))

    # ---- endpoints
    for e in snap.get("VpcEndpoints", []):
        if "PolicyDocument" not in e:
            continue
        if policy_full_access(e["PolicyDocument"]):
            add("vpce-policy-full-access", e["VpcEndpointId"], "low", None, e.get("Tags", []))

    # ---- interfaces
    exposure = {gid: 0 for gid in groups}
    for n in enis:
        nid = n["NetworkInterfaceId"]
        s = subnets.get(n.get("SubnetId"))
        gids = [g["GroupId"] for g in n.get("Groups", [])]
        if s is None or acl_of(s) is None or rt_of(s) is None:
            not_judged.add((nid, "eni-internet-exposed", False))
            continue
        if any(g not in groups for g in gids):
            # listed as not judged; the exposure through the groups it has is certain (groups
            # only add), so it is still reported (README readings)
            not_judged.add((nid, "eni-internet-exposed", False))
            gids = [g for g in gids if g in groups]
        fams = []
        if "PublicIp" in n.get("Association", {}) or any(
                "PublicIp" in p.get("Association", {}) for p in n.get("PrivateIpAddresses", [])):
            fams.append(4)
        v6 = [a["Ipv6Address"] for a in n.get("Ipv6Addresses", [])]
        v6 += [p["Ipv6Prefix"] for p in n.get("Ipv6Prefixes", [])]
        if any(intersect([cidr(a)[1]], PUBLIC[6]) for a in v6):
            fams.append(6)
        # README: a family it has a public address of whose way out an unresolved list leaves unknown
        if any(unknown_igw(s, f) for f in fams):
            not_judged.add((nid, "eni-internet-exposed", False))
        acl = Nacl(acl_of(s))
        rules = []
        for gid in gids:
            rules.extend(sg_rules(groups[gid], pls)[0])
        per_fam = {}
        for f in fams:
            if not has_igw(s, f):
                continue
            nin = acl.world_ports(cfg, False, f, brute)
            nout = acl.world_ports(cfg, True, f, brute)
            sgw = sg_world_ports(cfg, rules, f, brute)
            exp = {}
            for proto in PROTOS:
                if not nout.get(proto):
                    continue
                exp[proto] = intersect(nin.get(proto, []), sgw.get(proto, []))
            exp = clean(exp)
            if not ps_empty(exp):
                per_fam[f] = exp
        if not per_fam:
            continue
        for gid in set(gids):
            exposure[gid] += 1
        ports = ps_union(*per_fam.values())
        # acceptance through exempted groups
        accepted = {}
        for f, exp in per_fam.items():
            acc = {}
            for proto, ivs in exp.items():
                bounds = set()
                for lo, hi in ivs:
                    bounds |= {lo, hi + 1}
                for gid in gids:
                    bounds |= rules_bounds(sg_rules(groups[gid], pls)[0])
                bounds |= cfg.special_ports()
                for e in cfg.allow_lists:  # exemptions by allow-list change at its ports' edges
                    for lo, hi in parse_cfg_ports(e.get("ports", [])).get(proto, []):
                        bounds |= {lo, hi + 1}
                grs = {gid: sg_rules(groups[gid], pls)[0] for gid in gids}

                def ok(p, proto=proto, f=f, grs=grs, ivs=ivs):
                    if not any(lo <= p <= hi for lo, hi in ivs):
                        return False
                    openers = [gid for gid in gids if world_open(cfg, f, sources_at(grs[gid], f, proto, p))]
                    if not openers:
                        return False
                    if not all(group_exempt_for(cfg, groups[g], g, sg_findings, proto, p) for g in openers):
                        return False
                    rest = []
                    for gid in gids:
                        if not group_exempt_for(cfg, groups[gid], gid, sg_findings, proto, p):
                            rest.extend(sources_at(grs[gid], f, proto, p))
                    return not world_open(cfg, f, rest)

                acc[proto] = portset_from(ok, bounds, brute)
            accepted[f] = clean(acc)
        # a port is accepted when accepted in every family exposing it
        acc_all = None
        for f, exp in per_fam.items():
            a_f = ps_union(accepted[f], ps_minus(ports, exp))
            acc_all = a_f if acc_all is None else ps_inter(acc_all, a_f)
        left = ps_minus(ports, acc_all or {})
        tags = n.get("TagSet", [])
        own_entry = any(
            e["resourceId"] == nid and ("ruleIds" not in e or "eni-internet-exposed" in e["ruleIds"])
            and ("ports" not in e or ps_empty(ps_minus(ports, parse_cfg_ports(e["ports"]))))
            for e in cfg.allow_lists)
        if tag_exempts(tags, "eni-internet-exposed") or own_entry:
            # the interface's own exemption (tag, or an allow-list entry holding all its ports)
            # suppresses the whole finding, reported whole; an entry holding only the ports its
            # groups' exemptions leave is judged below, on those
            left = ports
        shown = left if not ps_empty(left) else ports
        sev = eni_severity(cfg, shown)
        f = add("eni-internet-exposed", nid, sev, shown, tags)
        f["families"] = {fam: per_fam.get(fam, {}) for fam in (4, 6)}
        if ps_empty(left):
            f["suppressed"] = True
    for gid, lst in sg_findings.items():
        for rid, _, _ in lst:
            if rid.startswith("sg-open-") or rid == "sg-broad-public-source" or rid == "sg-default-not-restricted":
                fnd = findings.get((rid, gid))
                if fnd is not None:
                    fnd["exposure"] = exposure.get(gid, 0)

    # ---- allow-lists and acceptance by shape
    for (rid, res), f in findings.items():
        for e in cfg.allow_lists:
            if e["resourceId"] != res:
                continue
            if "ruleIds" in e and rid not in e["ruleIds"]:
                continue
            if "ports" in e:
                if f["ports"] is None:
                    continue
                if not ps_empty(ps_minus(f["ports"], parse_cfg_ports(e["ports"]))):
                    continue
            f["suppressed"] = True
        if rid.startswith("sg-open-") and res in used_groups:
            if all(n.get("InterfaceType") in cfg.types or n.get("RequesterId") in cfg.requesters
                   for n in used_groups[res]):
                f["suppressed"] = True
    # a rule turned off judges nothing, so nothing is "not judged" for it either
    not_judged = {x for x in not_judged if x[1] not in cfg.off}
    return findings, not_judged


def perm_of_rule(r):
    """A SecurityGroupRules item as an IpPermissions item."""
    perm = {"IpProtocol": str(r["IpProtocol"])}
    for k in ("FromPort", "ToPort"):
        if k in r:
            perm[k] = r[k]
    perm["IpRanges"] = [{"CidrIp": r["CidrIpv4"]}] if "CidrIpv4" in r else []
    perm["Ipv6Ranges"] = [{"CidrIpv6": r["CidrIpv6"]}] if "CidrIpv6" in r else []
    perm["PrefixListIds"] = [{"PrefixListId": r["PrefixListId"]}] if "PrefixListId" in r else []
    perm["UserIdGroupPairs"] = [r["ReferencedGroupInfo"]] if "ReferencedGroupInfo" in r else []
    return perm


def merged_groups(snap):
    """DESIGN §3 two views: the union of IpPermissions and SecurityGroupRules (rules permit a union,
    so appending the rule items as permissions is the union); a group known only from the rules."""
    groups = {g["GroupId"]: dict(g) for g in snap.get("SecurityGroups", [])}
    for r in snap.get("SecurityGroupRules", []):
        g = groups.setdefault(r["GroupId"], {"GroupId": r["GroupId"], "IpPermissions": [], "IpPermissionsEgress": []})
        key = "IpPermissionsEgress" if r["IsEgress"] else "IpPermissions"
        g[key] = list(g.get(key, [])) + [perm_of_rule(r)]
    return groups


def group_exempt_for(cfg, g, gid, sg_findings, proto, port):
    """DESIGN §8 / README Exemptions: is the group exempted for this port?"""
    ex = exempt_rules(g.get("Tags", []))
    if "*" in ex or "eni-internet-exposed" in ex:
        return True
    own = sg_findings.get(gid, [])
    for rid, _, ps in own:
        if ps is None or not any(lo <= port <= hi for lo, hi in ps.get(proto, [])):
            continue
        if rid in ex:
            return True
        for e in cfg.allow_lists:
            if e["resourceId"] != gid or ("ruleIds" in e and rid not in e["ruleIds"]):
                continue
            if "ports" in e and not ps_empty(ps_minus(ps, parse_cfg_ports(e["ports"]))):
                continue
            return True
    for e in cfg.allow_lists:
        if e["resourceId"] != gid:
            continue
        rids = e.get("ruleIds")
        if rids is not None and "eni-internet-exposed" not in rids and not any(
                rid in rids and ps is not None and any(lo <= port <= hi for lo, hi in ps.get(proto, []))
                for rid, _, ps in own):
            continue
        if "ports" in e and not any(lo <= port <= hi for lo, hi in parse_cfg_ports(e["ports"]).get(proto, [])):
            continue
        return True
    return False


def eni_severity(cfg, ports):
    pairs = lambda s: ps_inter(ports, ps_from_pairs(s))  # noqa: E731
    if not ps_empty(pairs(cfg.admin)) or ports.get("tcp") == [(0, 65535)]:
        return "critical"
    if not ps_empty(pairs(cfg.high)):
        return "high"
    if ps_empty(ps_minus(ports, ps_from_pairs(cfg.auth))):
        return "info"
    return "medium"


def ephemeral_blocked(cfg, n, brute=False):
    """nacl-ephemeral-return-blocked: blocked return ports {proto: intervals} (empty: fine)."""
    elo, ehi = cfg.eph
    blocked = {}
    per_dir = {"ingress": {}, "egress": {}}
    for egress in (False, True):
        for fam in (4, 6):
            for e in n.dir_entries(egress, fam):
                if not e.allow or e.proto not in ("tcp", "udp", "-1"):
                    continue
                if e.lo >= elo:
                    continue
                protos = PROTOS if e.proto == "-1" else (e.proto,)
                for proto in protos:
                    # peers e actually permits on its ports below the ephemeral range
                    svc_hi = min(e.hi, elo - 1)
                    bounds = n.bounds(egress) | {e.lo, svc_hi + 1}
                    peers = []
                    for lo, hi in segments(bounds):
                        if hi < e.lo or lo > svc_hi:
                            continue
                        peers = union(peers, n.first_match_share(egress, fam, proto, lo, e))
                    if not peers:
                        continue
                    ret_bounds = n.bounds(not egress) | {elo, ehi + 1} | cfg.special_ports()

                    def cut(q, proto=proto, peers=peers, fam=fam):
                        if q < elo or q > ehi or (proto, q) in cfg.admin:
                            return False
                        return not contains(n.permitted(not egress, fam, proto, q), peers)

                    b = portset_from(cut, ret_bounds, brute)
                    if b:
                        blocked[proto] = union(blocked.get(proto, []), b)
                        d = per_dir["egress" if egress else "ingress"]
                        d[proto] = union(d.get(proto, []), b)
    return clean(blocked), {k: clean(v) for k, v in per_dir.items()}


def policy_full_access(doc):
    if isinstance(doc, str):
        from urllib.parse import unquote
        if doc.startswith("%7B"):
            doc = unquote(doc)
        try:
            doc = json.loads(doc)
        except ValueError:
            return True  # unreadable: reported
    st = doc.get("Statement", [])
    if isinstance(st, dict):
        st = [st]
    if any(k in s and "Not" + k in s for s in st for k in ("Action", "Resource", "Principal")):
        return True  # IAM refuses Resource beside NotResource: unreadable, reported
    if any(s.get("Effect") == "Deny" for s in st):
        return False

    def star(v):
        if v == "*":
            return True
        if isinstance(v, list):
            return "*" in v
        return False

    for s in st:
        if s.get("Effect") != "Allow" or s.get("Condition"):
            continue
        if any(k in s for k in ("NotAction", "NotResource", "NotPrincipal")):
            continue
        p = s.get("Principal")
        if isinstance(p, dict):
            p = p.get("AWS") if set(p) == {"AWS"} else None
        if star(p) and star(s.get("Action")) and star(s.get("Resource")):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Generator

V4_SOURCES = [
    ["0.0.0.0/0"], ["0.0.0.0/1", "128.0.0.0/1"], ["10.0.0.0/8"], ["52.0.0.0/8"], ["0.0.0.0/2"],
    ["203.0.113.0/24"], ["192.168.0.0/16"], ["172.16.0.0/12"], ["64.0.0.0/2", "128.0.0.0/1"],
    ["0.0.0.0/1"], ["1.2.3.4/32"], ["100.0.0.0/6"], ["0.0.0.0/0", "10.0.0.0/8"],
    # world minus a blocklist (1.0.0.0/8 and 2.0.0.0/7 left out: ~1.1% of public space)
    ["0.0.0.0/8", "3.0.0.0/8", "4.0.0.0/6", "8.0.0.0/5", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2",
     "128.0.0.0/1"],
    # world minus a small blocklist (6.6.6.0/24)
    ["0.0.0.0/6", "4.0.0.0/7", "6.0.0.0/14", "6.4.0.0/15", "6.6.0.0/22", "6.6.4.0/23", "6.6.7.0/24",
     "6.6.8.0/21", "6.6.16.0/20", "6.6.32.0/19", "6.6.64.0/18", "6.6.128.0/17", "6.7.0.0/16",
     "6.8.0.0/13", "6.16.0.0/12", "6.32.0.0/11", "6.64.0.0/10", "6.128.0.0/9", "7.0.0.0/8",
     "8.0.0.0/5", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"],
    ["10.0.0.1/8"],
]
V6_SOURCES = [["::/0"], ["2000::/3"], ["2000::/4"], ["::/1", "8000::/1"], ["2600::/12"], ["2001:db8::/32"],
              ["fd00::/8"], ["::/1"], ["2000::/4", "3000::/4"], ["2600::/32"]]

PORTS = [(22, 22), (3389, 3389), (80, 80), (443, 443), (0, 65535), (1, 65535), (1024, 65535), (20, 25),
         (8080, 8080), (9100, 9110), (53, 53), (0, 1023), (3000, 3400), (0, 32767), (32768, 65535),
         (5432, 5432), (443, 8443), (-1, -1), (0, 0), (8443, 8443), (21, 23)]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0
        self.seed = seed
        # one seed in four: a world built for interface exposure (public tables, open NACLs,
        # world-open groups, exemptions and allow-lists): DESIGN §5 eni-internet-exposed, §8
        self.focus = seed % 4 == 3

    def id(self, prefix):
        self.n += 1
        return f"{prefix}-{self.seed % 65536:04x}{self.n:013x}"

    def pick(self, xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    def exempt_tag(self, rules, p=0.15):
        if not self.chance(p):
            return []
        items = []
        for _ in range(self.r.randint(1, 2)):
            rid = self.pick(rules + ["*"] + (["sg-open-admin"] if self.chance(0.1) else []))
            d = self.pick(["", "", "@2020-01-01", "@2099-12-31", "@2026-12-07", "@2026-12-06"]
                          + (["@2025-02-30"] if self.chance(0.1) else []))
            items.append(rid + d)
        if self.chance(0.03):
            items = [""]
        return [{"Key": "vpc-guardrail:exempt", "Value": ",".join(items)}]

    def sg_perm(self, ingress, group_ids, pl_ids):
        r = self.r
        proto = self.pick(["tcp", "tcp", "tcp", "udp", "-1", "icmp", "6", "17", "50", "icmpv6"])
        perm = {"IpProtocol": proto}
        if proto in ("tcp", "udp", "6", "17"):
            lo, hi = self.pick(PORTS)
            perm["FromPort"], perm["ToPort"] = lo, hi
        elif proto in ("icmp", "icmpv6"):
            perm["FromPort"], perm["ToPort"] = self.pick([(8, 0), (-1, -1), (3, 4)])
        if proto in ("6", "17", "-1") and self.chance(0.3):
            perm["IpProtocol"] = int(proto)  # as CloudFormation writes it
        elif proto == "tcp" and self.chance(0.1):
            perm["IpProtocol"] = "TCP"
        perm["IpRanges"] = []
        perm["Ipv6Ranges"] = []
        perm["PrefixListIds"] = []
        perm["UserIdGroupPairs"] = []
        kind = r.random()
        if kind < (0.5 if self.focus else 0.25):
            perm["IpRanges"] = [{"CidrIp": "0.0.0.0/0"}]
        elif kind < 0.55:
            perm["IpRanges"] = [{"CidrIp": c} for c in self.pick(V4_SOURCES)]
        elif kind < 0.75:
            perm["Ipv6Ranges"] = [{"CidrIpv6": c} for c in self.pick(V6_SOURCES)]
        elif kind < 0.88 and pl_ids:
            perm["PrefixListIds"] = [{"PrefixListId": self.pick(pl_ids)}]
        else:
            perm["UserIdGroupPairs"] = [{"GroupId": self.pick(group_ids), "UserId": "111122223333"}]
        if self.chance(0.15):
            perm["Ipv6Ranges"] += [{"CidrIpv6": c} for c in self.pick(V6_SOURCES)]
        return perm

    def rules_view(self, snap, g, extra=None):
        """SecurityGroupRules items for g's permissions (one per source), sometimes with a rule
        present in this view only, sometimes with one missing (the union is evaluated)."""
        items = []
        for egress, key in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
            perms = list(g.get(key, []))
            if extra or self.chance(0.2):
                perms.append(self.sg_perm(not egress, [g["GroupId"]], []))
            for perm in perms:
                base = {"GroupId": g["GroupId"], "GroupOwnerId": "111122223333", "IsEgress": egress,
                        "IpProtocol": perm["IpProtocol"]}
                if "FromPort" in perm:
                    base["FromPort"], base["ToPort"] = perm["FromPort"], perm["ToPort"]
                else:
                    base["FromPort"], base["ToPort"] = -1, -1
                for r in perm["IpRanges"]:
                    items.append(dict(base, CidrIpv4=r["CidrIp"]))
                for r in perm["Ipv6Ranges"]:
                    items.append(dict(base, CidrIpv6=r["CidrIpv6"]))
                for r in perm["PrefixListIds"]:
                    items.append(dict(base, PrefixListId=r["PrefixListId"]))
                for r in perm["UserIdGroupPairs"]:
                    items.append(dict(base, ReferencedGroupInfo={"GroupId": r["GroupId"], "UserId": r["UserId"]}))
        if items and extra is None and self.chance(0.2):
            items.pop(self.r.randrange(len(items)))
        for it in items:
            it["SecurityGroupRuleId"] = self.id("sgr")
            it["Tags"] = []
        snap.setdefault("SecurityGroupRules", []).extend(items)

    def nacl_entries(self):
        r = self.r
        entries = []
        used = set()
        if self.chance(0.5):
            # a permissive tail behind the random entries: more paths to the internet
            for egress in (False, True):
                entries.append({"RuleNumber": 300, "Protocol": "-1", "RuleAction": "allow", "Egress": egress,
                                "CidrBlock": "0.0.0.0/0"})
                entries.append({"RuleNumber": 300, "Protocol": "-1", "RuleAction": "allow", "Egress": egress,
                                "Ipv6CidrBlock": "::/0"})
                used |= {(egress, 4, 300), (egress, 6, 300)}
        for egress in (False, True):
            for fam in (4, 6):
                if fam == 6 and self.chance(0.3):
                    continue
                k = r.randint(0, 5)
                for _ in range(k):
                    num = self.pick([90, 95, 100, 100, 110, 120, 130, 140, 200, 32766, 50, 1])
                    if (egress, fam, num) in used:
                        continue
                    used.add((egress, fam, num))
                    proto = self.pick(["-1", "6", "6", "6", "17", "1", "tcp", "udp", "50"])
                    if fam == 4:
                        blk = {"CidrBlock": self.pick(["0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1",
                                                       "10.0.0.0/8", "10.1.0.0/16", "52.0.0.0/8", "64.0.0.0/2",
                                                       "203.0.113.0/24", "1.0.0.0/8"])}
                    else:
                        blk = {"Ipv6CidrBlock": self.pick(["::/0", "::/0", "2000::/3", "2000::/4", "::/1",
                                                           "2600::/12", "2001:db8::/32"])}
                    if proto == "1" and fam == 6:
                        proto = "58"
                    e = {"RuleNumber": num, "Protocol": proto,
                         "RuleAction": "allow" if self.chance(0.65) else "deny", "Egress": egress, **blk}
                    if proto in ("6", "17", "tcp", "udp"):
                        lo, hi = self.pick([p for p in PORTS if p[0] >= 0])
                        e["PortRange"] = {"From": lo, "To": hi}
                    elif proto in ("1", "58"):
                        e["IcmpTypeCode"] = {"Type": -1, "Code": -1}
                    entries.append(e)
            if self.chance(0.9):
                entries.append({"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": egress,
                                "CidrBlock": "0.0.0.0/0"})
                entries.append({"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": egress,
                                "Ipv6CidrBlock": "::/0"})
        r.shuffle(entries)
        return entries

    def default_nacl_entries(self):
        es = []
        for egress in (False, True):
            es.append({"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": egress,
                       "CidrBlock": "0.0.0.0/0"})
            es.append({"RuleNumber": 101, "Protocol": "-1", "RuleAction": "allow", "Egress": egress,
                       "Ipv6CidrBlock": "::/0"})
            es.append({"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": egress,
                       "CidrBlock": "0.0.0.0/0"})
            es.append({"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": egress,
                       "Ipv6CidrBlock": "::/0"})
        return es

    def policy(self):
        pr = self.pick(["*", {"AWS": "*"}, {"AWS": ["*"]}, ["*"], {"AWS": "arn:aws:iam::111122223333:root"}])
        ac = self.pick(["*", ["*"], "s3:*", ["s3:GetObject"], ["s3:GetObject", "*"]])
        rs = self.pick(["*", ["*"], "arn:aws:s3:::bucket/*"])
        st = {"Effect": "Allow", "Principal": pr, "Action": ac, "Resource": rs}
        if self.chance(0.1):
            st["Condition"] = {"StringEquals": {"aws:SourceVpc": "vpc-1"}}
        sts = [st]
        if self.chance(0.1):
            sts.append({"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"})
        if self.chance(0.05):
            del st["Resource"]  # a carve-out (IAM takes Resource or NotResource, never both)
            st["NotResource"] = "arn:aws:s3:::secret/*"
        if self.chance(0.05):
            st["Condition"] = {}
        doc = {"Version": "2008-10-17", "Statement": sts if self.chance(0.7) or len(sts) > 1 else st}
        form = self.r.random()
        if form < 0.1:
            return doc  # the policy object itself (CloudFormation's form)
        if form < 0.15:
            return json.dumps(doc)[:-1]  # not JSON: reported as unreadable
        if form < 0.2:
            from urllib.parse import quote
            return quote(json.dumps(doc))
        return json.dumps(doc)

    def world(self):
        r = self.r
        snap = {"accountId": "111122223333", "region": "eu-west-1", "Vpcs": [], "Subnets": [],
                "SecurityGroups": [], "NetworkAcls": [], "RouteTables": [], "InternetGateways": [],
                "NatGateways": [], "VpcEndpoints": [], "NetworkInterfaces": [], "ManagedPrefixLists": []}
        pl_ids = []
        for i in range(r.randint(0, 3)):
            plid = self.id("pl")
            pl_ids.append(plid)
            if self.chance(0.2):
                continue  # unresolved customer list
            if self.chance(0.2):
                snap["ManagedPrefixLists"].append({"PrefixListId": plid,
                                                   "PrefixListName": "com.amazonaws.eu-west-1.s3",
                                                   "AddressFamily": "IPv4", "OwnerId": "AWS"})
                continue
            srcs = self.pick(V4_SOURCES + V6_SOURCES + [[]])
            snap["ManagedPrefixLists"].append({"PrefixListId": plid, "PrefixListName": f"customer-{i}",
                                               "AddressFamily": "IPv4", "OwnerId": "111122223333",
                                               "Entries": [{"Cidr": c} for c in srcs]})
        all_groups = []
        all_subnets = []
        for vi in range(r.randint(1, 3)):
            vpc = self.id("vpc")
            v = {"VpcId": vpc, "CidrBlock": f"10.{vi}.0.0/16", "IsDefault": False, "OwnerId": "111122223333",
                 "State": "available"}
            snap["Vpcs"].append(v)
            igw = self.id("igw") if self.chance(0.85) else None
            if igw:
                snap["InternetGateways"].append({"InternetGatewayId": igw,
                                                 "Attachments": [{"VpcId": vpc, "State": "available"}]})
            subnets = []
            for si in range(r.randint(1, 4)):
                sid = self.id("subnet")
                name = self.pick(["app-private-1", "Public-A", "db", "PRIVATE-x", "public-private", None,
                                  "web-public", "Private"])
                tags = [{"Key": "Name", "Value": name}] if name else []
                tags += self.exempt_tag(["subnet-private-has-igw-route", "subnet-auto-assign-public-ip",
                                         "subnet-public-no-igw-route"])
                s = {"SubnetId": sid, "VpcId": vpc, "CidrBlock": f"10.{vi}.{si}.0/24", "AvailabilityZone": "eu-west-1a",
                     "MapPublicIpOnLaunch": self.chance(0.3), "State": "available", "OwnerId": "111122223333",
                     "Tags": tags}
                subnets.append(sid)
                snap["Subnets"].append(s)
            all_subnets += subnets
            # route tables
            tables = []
            for ti in range(r.randint(1, 3)):
                tid = self.id("rtb")
                routes = [{"DestinationCidrBlock": f"10.{vi}.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable",
                           "State": "active"}]
                dests = set()
                for _ in range(r.randint(0, 4)):
                    kind = self.pick(["v4def", "v4def", "v6def", "split", "split6", "pub6", "part", "pl", "half"])
                    target = self.pick(["igw", "igw", "igw", "nat", "pcx", "eni", "eigw", "vpce"])
                    tgt = {
                        "igw": {"GatewayId": igw or "igw-0000000000000dead"},
                        "nat": {"NatGatewayId": self.id("nat")},
                        "pcx": {"VpcPeeringConnectionId": self.id("pcx")},
                        "eni": {"NetworkInterfaceId": self.id("eni"), "InstanceId": self.id("i")},
                        "eigw": {"EgressOnlyInternetGatewayId": self.id("eigw")},
                        "vpce": {"GatewayId": self.id("vpce")},
                    }[target]
                    if kind == "pl":
                        dlist = [("DestinationPrefixListId", self.pick(pl_ids or ["pl-00000000000000s3"]))]
                    elif kind == "v4def":
                        dlist = [("DestinationCidrBlock", "0.0.0.0/0")]
                    elif kind == "v6def":
                        dlist = [("DestinationIpv6CidrBlock", "::/0")]
                    elif kind == "split":
                        dlist = [("DestinationCidrBlock", "0.0.0.0/1"), ("DestinationCidrBlock", "128.0.0.0/1")]
                    elif kind == "split6":
                        dlist = [("DestinationIpv6CidrBlock", "::/1"), ("DestinationIpv6CidrBlock", "8000::/1")]
                    elif kind == "pub6":
                        dlist = [("DestinationIpv6CidrBlock", "2000::/3")]
                    elif kind == "half":
                        dlist = [("DestinationCidrBlock", "0.0.0.0/1")]
                    else:
                        dlist = [("DestinationCidrBlock", "52.0.0.0/8")]
                    state = "blackhole" if self.chance(0.15) else "active"
                    for k, d in dlist:
                        if d in dests:
                            continue
                        dests.add(d)
                        routes.append({k: d, **tgt, "Origin": "CreateRoute", "State": state})
                tables.append({"RouteTableId": tid, "VpcId": vpc, "Routes": routes, "Associations": [],
                               "OwnerId": "111122223333",
                               "Tags": self.exempt_tag(["route-blackhole"])})
            if self.focus or self.chance(0.6):
                # a clean public table: more interfaces with a path from the internet
                t = tables[-1]
                t["Routes"] = [x for x in t["Routes"] if x.get("DestinationCidrBlock") not in ("0.0.0.0/0",)
                               and x.get("DestinationIpv6CidrBlock") != "::/0"]
                t["Routes"].append({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw or "igw-0000000000000dead",
                                    "Origin": "CreateRoute", "State": "active"})
                if self.chance(0.6):
                    t["Routes"].append({"DestinationIpv6CidrBlock": "::/0", "GatewayId": igw or "igw-000000000000dead",
                                        "Origin": "CreateRoute", "State": "active"})
            if self.focus or self.chance(0.92):
                tables[0]["Associations"].append({"Main": True, "RouteTableId": tables[0]["RouteTableId"],
                                                  "RouteTableAssociationId": self.id("rtbassoc"),
                                                  "AssociationState": {"State": "associated"}})
            for sid in subnets:
                if self.chance(0.5):
                    t = self.pick(tables)
                    t["Associations"].append({"Main": False, "SubnetId": sid, "RouteTableId": t["RouteTableId"],
                                              "RouteTableAssociationId": self.id("rtbassoc"),
                                              "AssociationState": {"State": self.pick(
                                                  ["associated", "associated", "associating", "disassociated"])}})
            snap["RouteTables"] += tables
            # NACLs
            nacls = []
            if self.chance(0.9):
                d = {"NetworkAclId": self.id("acl"), "VpcId": vpc, "IsDefault": True,
                     "Entries": self.default_nacl_entries() if self.focus or self.chance(0.7) else self.nacl_entries(),
                     "Associations": [], "OwnerId": "111122223333",
                     "Tags": self.exempt_tag(["nacl-open-admin-port", "nacl-broad-public-source",
                                              "nacl-ephemeral-return-blocked"])}
                nacls.append(d)
            for _ in range(r.randint(0, 3)):
                nacls.append({"NetworkAclId": self.id("acl"), "VpcId": vpc, "IsDefault": False,
                              "Entries": self.nacl_entries(), "Associations": [], "OwnerId": "111122223333",
                              "Tags": self.exempt_tag(["nacl-open-admin-port", "nacl-broad-public-source",
                                                       "nacl-ephemeral-return-blocked"])})
            for sid in subnets:
                if nacls and self.chance(0.15 if self.focus else 0.4):
                    a = self.pick(nacls)
                    a["Associations"].append({"NetworkAclAssociationId": self.id("aclassoc"),
                                              "NetworkAclId": a["NetworkAclId"], "SubnetId": sid})
            snap["NetworkAcls"] += nacls
            # groups
            gids = [self.id("sg") for _ in range(r.randint(1, 4))]
            all_groups += gids
            group_ids_of_vpc = gids
            for gi, gid in enumerate(gids):
                g = {"GroupId": gid, "GroupName": "default" if gi == 0 else f"g{gi}", "Description": "d",
                     "VpcId": vpc, "OwnerId": "111122223333"}
                g["IpPermissions"] = [self.sg_perm(True, gids, pl_ids) for _ in range(r.randint(0 if gi == 0 else 1, 4))]
                g["IpPermissionsEgress"] = [self.sg_perm(False, gids, pl_ids) for _ in range(r.randint(0, 2))]
                g["Tags"] = self.exempt_tag(["sg-open-all-traffic", "sg-open-admin-port", "sg-open-high-risk-port",
                                             "sg-open-unauthorized-port", "sg-broad-public-source",
                                             "sg-default-not-restricted", "eni-internet-exposed"],
                                            0.5 if self.focus else 0.3)
                if self.chance(0.25):
                    self.rules_view(snap, g)
                if self.chance(0.05) and gi > 0:
                    # known only from SecurityGroupRules (an event slice's other groups)
                    g = dict(g, IpPermissions=[], IpPermissionsEgress=[])
                    self.rules_view(snap, g, extra=3)
                    continue
                snap["SecurityGroups"].append(g)
            # NAT gateways
            for _ in range(r.randint(0, 2)):
                nat = {"NatGatewayId": self.id("nat"), "VpcId": vpc,
                       "SubnetId": self.pick(subnets) if self.chance(0.9) else self.id("subnet"),
                       "State": self.pick(["available", "available", "pending", "failed", "deleted"]),
                       "NatGatewayAddresses": [], "Tags": self.exempt_tag(["nat-gateway-in-private-subnet"])}
                ct = self.pick(["public", "public", "private", None])
                if ct:
                    nat["ConnectivityType"] = ct
                snap["NatGateways"].append(nat)
            # endpoints
            for _ in range(r.randint(0, 2)):
                e = {"VpcEndpointId": self.id("vpce"), "VpcEndpointType": self.pick(["Gateway", "Interface"]),
                     "VpcId": vpc, "ServiceName": "com.amazonaws.eu-west-1.s3", "State": "available",
                     "RouteTableIds": [], "SubnetIds": [], "Tags": self.exempt_tag(["vpce-policy-full-access"])}
                if self.chance(0.85):
                    e["PolicyDocument"] = self.policy()
                snap["VpcEndpoints"].append(e)
            # interfaces
            for _ in range(r.randint(0, 5)):
                nid = self.id("eni")
                n = {"NetworkInterfaceId": nid, "VpcId": vpc, "Status": "in-use",
                     "InterfaceType": self.pick(["interface", "interface", "network_load_balancer", "vpc_endpoint"]),
                     "PrivateIpAddress": "10.0.0.5"}
                if self.chance(0.2):
                    n["RequesterId"] = "amazon-elb"
                if self.chance(0.93):
                    n["SubnetId"] = self.pick(subnets) if self.chance(0.95) else self.id("subnet")
                k = r.randint(1, 3)
                gs = r.sample(group_ids_of_vpc, min(k, len(group_ids_of_vpc)))
                if self.chance(0.04):
                    gs.append(self.id("sg"))
                if self.chance(0.03):
                    gs.append(gs[0])  # listed twice
                n["Groups"] = [{"GroupId": g, "GroupName": "x"} for g in gs]
                prim = {"Primary": True, "PrivateIpAddress": "10.0.0.5"}
                if self.chance(0.9 if self.focus else 0.6):
                    ip = f"{self.pick([3, 52, 54, 18])}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
                    n["Association"] = {"PublicIp": ip, "IpOwnerId": "amazon"}
                    prim["Association"] = dict(n["Association"])
                n["PrivateIpAddresses"] = [prim]
                if self.chance(0.1):
                    n["PrivateIpAddresses"].append({"Primary": False, "PrivateIpAddress": "10.0.0.6",
                                                    "Association": {"PublicIp": "34.1.2.3", "IpOwnerId": "amazon"}})
                if self.chance(0.35):
                    n["Ipv6Addresses"] = [{"Ipv6Address": self.pick(["2a05:d018::10", "fd00::5", "2001:db8::1"])}]
                if self.chance(0.05):
                    n["Ipv6Prefixes"] = [{"Ipv6Prefix": self.pick(["2a05:d018:1:2::/80", "fd00:1::/80"])}]
                n["TagSet"] = self.exempt_tag(["eni-internet-exposed"])
                snap["NetworkInterfaces"].append(n)
        # config
        cfg = {}
        if self.chance(0.6 if self.focus else 0.3):
            al = []
            for _ in range(r.randint(1, 2)):
                kinds = [x["NetworkInterfaceId"] for x in snap["NetworkInterfaces"]]
                kinds += [x["NetworkAclId"] for x in snap["NetworkAcls"]]
                e = {"resourceId": self.pick(all_groups) if self.chance(0.7) or not kinds else self.pick(kinds)}
                if self.chance(0.5):
                    e["ruleIds"] = [self.pick(["sg-open-admin-port", "sg-open-unauthorized-port", "sg-open-all-traffic",
                                               "sg-open-high-risk-port", "eni-internet-exposed",
                                               "sg-broad-public-source", "nacl-open-admin-port",
                                               "nacl-ephemeral-return-blocked"])]
                if self.chance(0.5):
                    e["ports"] = self.pick([["22/tcp"], ["443"], ["9100-9110/tcp"], ["0-65535/tcp", "0-65535/udp"],
                                            ["8080/tcp", "22/tcp"], ["22", "3389/tcp", "3389/udp"], ["0-1023/tcp"]])
                al.append(e)
            cfg["allowLists"] = al
        if self.chance(0.15):
            cfg["allowInterfaceTypes"] = ["network_load_balancer", "vpc_endpoint"]
        if self.chance(0.1):
            cfg["allowRequesterIds"] = ["amazon-elb"]
        if self.chance(0.15):
            cfg["judgeUnused"] = False
        if self.chance(0.1):
            cfg["adminPorts"] = self.pick([["22/tcp"], ["22/tcp", "3389/tcp", "3389/udp", "5985-5986/tcp"],
                                           ["2222/tcp", "3389"]])
        if self.chance(0.1):
            cfg["highRiskPorts"] = self.pick([["3306", "5432", "53/udp"], ["20-25/tcp", "8080/tcp"]])
        if self.chance(0.1):
            cfg["authorizedPorts"] = self.pick([["80/tcp", "443/tcp", "53/udp"], ["443"], ["8443/tcp", "80"]])
        if self.chance(0.1):
            cfg["worldOpenCoverage"] = self.pick([0.5, 0.9, 1, 0.999])
        if self.chance(0.1):
            cfg["rules"] = {self.pick(["sg-open-all-traffic", "sg-open-admin-port", "nacl-open-admin-port",
                                       "sg-open-high-risk-port", "eni-internet-exposed"]): "off"}
        if self.chance(0.15):
            cfg["ephemeralPorts"] = self.pick([{"from": 32768, "to": 60999}, {"from": 49152, "to": 65535}])
        return snap, cfg


# ---------------------------------------------------------------------------------------------
# Comparison


def engine_view(out):
    f = {}
    for x in out["findings"]:
        key = (x["ruleId"], x["resourceId"])
        ev = x.get("evidence", {})
        ports = ports_text_to_set(ev["ports"]) if "ports" in ev else None
        f[key] = {"severity": x["severity"], "ports": ports, "suppressed": "suppressed" in x,
                  "exposure": x.get("exposure")}
        if x["ruleId"].startswith("sg-open-") or x["ruleId"] in (
                "sg-broad-public-source", "nacl-open-admin-port", "nacl-broad-public-source"):
            f[key]["families"] = {4: ports_text_to_set(ev.get("ipv4", [])), 6: ports_text_to_set(ev.get("ipv6", []))}
        elif x["ruleId"] == "nacl-ephemeral-return-blocked":
            dirs = {"ingress": {}, "egress": {}}
            for d in ev.get("directions", []):
                dirs[d["direction"]] = ports_text_to_set(d["blockedPorts"])
            f[key]["directions"] = dirs
        elif x["ruleId"] == "eni-internet-exposed":
            fams = {}
            for fam, name in ((4, "ipv4"), (6, "ipv6")):
                per = ev.get("families", {}).get(name, {}).get("ports", {})
                fams[fam] = ports_text_to_set([f"{r}/{proto}" for proto, rs in per.items() for r in rs])
            f[key]["families"] = fams
    nj = set()
    for x in out["summary"].get("notJudged", []):
        nj.add((x["resourceId"], x.get("ruleId"), x["reason"] == "unused"))
    return f, nj


PORT_RULES = {"sg-open-all-traffic", "sg-open-admin-port", "sg-open-high-risk-port", "sg-open-unauthorized-port",
              "sg-broad-public-source", "nacl-open-admin-port", "nacl-broad-public-source",
              "nacl-ephemeral-return-blocked", "eni-internet-exposed"}


def compare(mine, mine_nj, theirs, theirs_nj):
    diffs = []
    for key in sorted(set(mine) | set(theirs)):
        a, b = mine.get(key), theirs.get(key)
        if a is None:
            diffs.append(f"engine only: {key} {b['severity']} ports={fmt_ports(b['ports'] or {})}"
                         f" suppressed={b['suppressed']}")
            continue
        if b is None:
            diffs.append(f"oracle only: {key} {a['severity']} ports={fmt_ports(a['ports'] or {})}"
                         f" suppressed={a['suppressed']}")
            continue
        if a["severity"] != b["severity"]:
            diffs.append(f"severity {key}: oracle {a['severity']} engine {b['severity']}")
        if key[0] in PORT_RULES and clean(a["ports"] or {}) != clean(b["ports"] or {}):
            diffs.append(f"ports {key}: oracle {fmt_ports(a['ports'] or {})} engine {fmt_ports(b['ports'] or {})}")
        if "families" in a and "families" in b and any(
                clean(a["families"][fam]) != clean(b["families"][fam]) for fam in (4, 6)):
            diffs.append(f"families {key}: oracle " + str({fam: fmt_ports(a['families'][fam]) for fam in (4, 6)})
                         + " engine " + str({fam: fmt_ports(b['families'][fam]) for fam in (4, 6)}))
        if "directions" in a and a["directions"] != b.get("directions"):
            diffs.append(f"directions {key}: oracle {a['directions']} engine {b.get('directions')}")
        if a["suppressed"] != b["suppressed"]:
            diffs.append(f"suppressed {key}: oracle {a['suppressed']} engine {b['suppressed']}")
        if "exposure" in a and b["exposure"] is not None and a["exposure"] != b["exposure"]:
            diffs.append(f"exposure {key}: oracle {a['exposure']} engine {b['exposure']}")
    for x in sorted(mine_nj - theirs_nj, key=str):
        diffs.append(f"notJudged oracle only: {x}")
    for x in sorted(theirs_nj - mine_nj, key=str):
        diffs.append(f"notJudged engine only: {x}")
    return diffs


def run_cli(cli, snap, cfg, keep=None, seed=None):
    with tempfile.TemporaryDirectory() as d:
        d = keep or d
        sp = os.path.join(d, f"snap-{seed}.json")
        cp = os.path.join(d, f"cfg-{seed}.json")
        with open(sp, "w") as fh:
            json.dump(snap, fh, indent=1)
        with open(cp, "w") as fh:
            json.dump(cfg, fh)
        p = subprocess.run(["node", cli, "audit", "--snapshot", sp, "--config", cp, "--format", "json",
                            "--fail-on", "none"], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"CLI exit {p.returncode}: {p.stderr[:2000]}")
        return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--dump")
    ap.add_argument("--keep")
    ap.add_argument("--brute", action="store_true", help="evaluate every port 0-65535 (slow; checks segmentation)")
    ap.add_argument("--cli", default=os.path.join(os.path.dirname(__file__), "../../dist/cli/vpc-guardrail.mjs"))
    a = ap.parse_args()
    if a.seed is not None and a.dump:
        snap, cfg = Gen(a.seed).world()
        with open(a.dump, "w") as fh:
            json.dump({"snapshot": snap, "config": cfg}, fh, indent=1)
        return 0
    seeds = [a.seed] if a.seed is not None else range(a.start, a.start + a.seeds)
    bad = 0
    counts = {}
    for s in seeds:
        snap, cfg = Gen(s).world()
        mine, mine_nj = evaluate(snap, cfg, a.brute)
        out = run_cli(a.cli, snap, cfg, a.keep, s)
        theirs, theirs_nj = engine_view(out)
        for k, v in theirs.items():
            counts[k[0]] = counts.get(k[0], 0) + 1
            if v["suppressed"]:
                counts["suppressed " + k[0]] = counts.get("suppressed " + k[0], 0) + 1
        counts["notJudged"] = counts.get("notJudged", 0) + len(theirs_nj)
        diffs = compare(mine, mine_nj, theirs, theirs_nj)
        if diffs:
            bad += 1
            print(f"seed {s}: {len(diffs)} difference(s)", flush=True)
            for d in diffs:
                print("  " + d, flush=True)
    print(f"{len(list(seeds))} seeds, {bad} with differences; engine findings by rule: "
          + json.dumps(dict(sorted(counts.items()))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
