#!/usr/bin/env python3
"""Event-vs-audit parity on the BUILT bundles against moto (a manual check, never part of `npm test`
or CI; scripts/emulator/README.md shows how to run it).

    python3 scripts/emulator/parity.py [--seeds 1-5] [--steps 12] [--with-config] [-v]
    (after `npm run build`, moto running)

For each seed: reset moto, build a random (seeded) world with boto3 — several VPCs (one with an
Amazon IPv6 block), subnets on explicit and main route tables, default and explicit NACLs (IPv4 and
IPv6 entries), groups shared by interfaces, Elastic IPs and IPv6 addresses, a prefix list holding
0.0.0.0/0 and an office one, exemption tags, a group named as a twin in the default VPC — then make
a seeded sequence of single changes through boto3. After each change its CloudTrail record is
written in the real shape (catalogue.py's), delivered in an SQS batch to the event bundle in
`notify` mode with POWERTOOLS_LOG_LEVEL=DEBUG (its "findings in scope" log line carries the
findings in full), and the audit bundle is run on the region. Compared, per resource the event
reports on (its resolved scope, as logged in "group evaluated"):

- the event's findings = the audit's findings for that resource (the rules the event judges for
  that kind of resource: an interface only `eni-internet-exposed`), by `id` (rule, resource and
  evidence key), `severity`, `suppressed`, the evidence's ports and `exposure`;
- the scope itself, recomputed here from moto's state (DESIGN §7): the event's groups → the
  interfaces using them; a NACL → the subnets behind it and their interfaces; a route table → the
  subnets using it (explicitly or as the main table) and their interfaces; an interface → itself.
  A resource the spec puts in scope that the event left out is a difference (a silent miss);
- the notice: sent exactly when an in-scope finding at or above `low` is active (§8 "No noise"),
  its `ruleIds` attribute = the active findings' rule ids.

Prints each difference; exits 1 when there is one. KEEP keeps every batch, log, answer and audit.
"""

import ipaddress
import json
import os
import random
import subprocess
import sys

import burst
from botocore.exceptions import ClientError
import catalogue as cat
from burst import REGION, ec2

HERE = cat.HERE
ROOT = cat.ROOT
WORK = burst.WORK
EXEMPT = cat.EXEMPT
VERBOSE = "-v" in sys.argv
SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def arg(name, default):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def seeds_of(text):
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


# --- the world -----------------------------------------------------------------------------------

PORTS = [22, 3389, 443, 80, 9200, 5432, 25, 8080]


def v6_subnet(vpc_block, index):
    net = ipaddress.ip_network(vpc_block)
    return str(list(net.subnets(new_prefix=64))[index]) if index < 256 else None


def build_world(rng):
    """A random world; returns its ids (what the changes pick from)."""
    w = {"vpcs": [], "subnets": [], "tables": [], "nacls": [], "groups": [], "enis": [], "igws": {}}
    pl_world = ec2.create_managed_prefix_list(PrefixListName="anywhere", MaxEntries=5, AddressFamily="IPv4",
                                              Entries=[{"Cidr": "0.0.0.0/0"}])["PrefixList"]["PrefixListId"]
    pl_office = ec2.create_managed_prefix_list(PrefixListName="office", MaxEntries=5, AddressFamily="IPv4",
                                               Entries=[{"Cidr": "203.0.113.0/24"}])["PrefixList"]["PrefixListId"]
    w["prefixLists"] = [pl_world, pl_office]
    for v in range(rng.choice([2, 3])):
        ipv6 = v == 0 or rng.random() < 0.4
        args = {"CidrBlock": f"10.{v}.0.0/16"}
        if ipv6:
            args["AmazonProvidedIpv6CidrBlock"] = True
        vpc = ec2.create_vpc(**args)["Vpc"]["VpcId"]
        block = None
        if ipv6:
            block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
        igw = cat.igw_for(vpc)
        w["vpcs"].append(vpc)
        w["igws"][vpc] = igw
        main = cat.main_table(vpc)["RouteTableId"]
        if rng.random() < 0.6:
            ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        pub = cat.table(vpc, f"pub-{v}", igw)
        if ipv6:
            ec2.create_route(RouteTableId=pub, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
        priv = cat.table(vpc, f"priv-{v}")
        w["tables"] += [main, pub, priv]
        acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        inbound = [(100, "6", (22, 22), "0.0.0.0/0"), (110, "6", (443, 443), "0.0.0.0/0"),
                   (120, "6", (1024, 65535), "0.0.0.0/0")]
        if ipv6:
            inbound += [(130, "6", (3389, 3389), "::/0"), (140, "6", (1024, 65535), "::/0")]
        for n, p, ports, cidr in inbound:
            cat.entry(acl, n, p, ports, cidr)
        cat.entry(acl, 100, "-1", None, "0.0.0.0/0", egress=True)
        if ipv6 and rng.random() < 0.7:
            cat.entry(acl, 110, "-1", None, "::/0", egress=True)
        w["nacls"] += [acl, cat.default_nacl(vpc)["NetworkAclId"]]
        names = ["web-public", "app-private", "db-private", "batch", "edge-public"]
        rng.shuffle(names)
        for i in range(4):
            sargs = {"VpcId": vpc, "CidrBlock": f"10.{v}.{i}.0/24",
                     "TagSpecifications": cat.tag_spec("subnet", names[i])}
            if block:
                sargs["Ipv6CidrBlock"] = v6_subnet(block, i)
            s = ec2.create_subnet(**sargs)["Subnet"]["SubnetId"]
            w["subnets"].append(s)
            where = rng.choice(["main", "pub", "priv"])
            if where != "main":
                ec2.associate_route_table(RouteTableId=pub if where == "pub" else priv, SubnetId=s)
            if rng.random() < 0.4:
                cat.associate_nacl(acl, s)
            if rng.random() < 0.3:
                ec2.modify_subnet_attribute(SubnetId=s, MapPublicIpOnLaunch={"Value": True})
        groups = []
        for j in range(4):
            g = ec2.create_security_group(GroupName=f"g{v}{j}", Description="parity", VpcId=vpc)["GroupId"]
            perms = [random_permission(rng, w) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.4:
                perms.append({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
            for p in perms:
                try:
                    ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[p])
                except ClientError:  # the same rule drawn twice
                    pass
            if rng.random() < 0.25:
                ec2.create_tags(Resources=[g], Tags=[{"Key": EXEMPT, "Value": rng.choice(
                    ["sg-open-admin-port", "*", "sg-open-high-risk-port"])}])
            groups.append(g)
        w["groups"] += groups
        for k in range(4):
            s = rng.choice([x for x in w["subnets"] if subnet_vpc(x) == vpc])
            chosen = rng.sample(groups, rng.choice([1, 1, 2]))
            eni = ec2.create_network_interface(SubnetId=s, Groups=chosen)["NetworkInterface"]["NetworkInterfaceId"]
            if rng.random() < 0.6:
                alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
                ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)
            if block and rng.random() < 0.4:
                ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=1)
            w["enis"].append(eni)
    # The default VPC: a group by name (its twin in the first VPC), with an exposed interface.
    dvpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    # moto's default VPC has an internet gateway but its main table no default route (EC2's has one).
    dmain = cat.main_table(dvpc)
    digw = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [dvpc]}])["InternetGateways"]
    if digw and not any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in dmain["Routes"]):
        ec2.create_route(RouteTableId=dmain["RouteTableId"], DestinationCidrBlock="0.0.0.0/0",
                         GatewayId=digw[0]["InternetGatewayId"])
    dsub = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [dvpc]}])["Subnets"][0]["SubnetId"]
    legacy = ec2.create_security_group(GroupName="legacy-web", Description="legacy", VpcId=dvpc)["GroupId"]
    ec2.create_security_group(GroupName="legacy-web", Description="twin", VpcId=w["vpcs"][0])
    eni = ec2.create_network_interface(SubnetId=dsub, Groups=[legacy])["NetworkInterface"]["NetworkInterfaceId"]
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)
    w["legacy"] = legacy
    w["enis"].append(eni)
    return w


_subnet_vpcs = {}


def subnet_vpc(s):
    if s not in _subnet_vpcs:
        _subnet_vpcs[s] = ec2.describe_subnets(SubnetIds=[s])["Subnets"][0]["VpcId"]
    return _subnet_vpcs[s]


def random_permission(rng, w, world_bias=0.6):
    port = rng.choice(PORTS)
    base = {"IpProtocol": rng.choice(["tcp", "tcp", "tcp", "udp"]), "FromPort": port, "ToPort": port}
    kind = rng.random()
    if kind < world_bias * 0.5:
        base["IpRanges"] = [{"CidrIp": "0.0.0.0/0"}]
    elif kind < world_bias * 0.75:
        base["Ipv6Ranges"] = [{"CidrIpv6": "::/0"}]
    elif kind < world_bias * 0.85:
        base["IpRanges"] = [{"CidrIp": "0.0.0.0/1"}, {"CidrIp": "128.0.0.0/1"}]
    elif kind < world_bias:
        base["PrefixListIds"] = [{"PrefixListId": rng.choice(w["prefixLists"])}]
    elif kind < 0.75:
        base["IpRanges"] = [{"CidrIp": "16.0.0.0/4"}]  # broad, not world-open
    elif kind < 0.85:
        base["IpRanges"] = [{"CidrIp": "10.0.0.0/8"}]
    else:
        base["IpProtocol"] = "-1"
        base.pop("FromPort")
        base.pop("ToPort")
        base["IpRanges"] = [{"CidrIp": rng.choice(["0.0.0.0/0", "10.0.0.0/8"])}]
    return base


# --- the changes (boto3 call + its CloudTrail record) --------------------------------------------


def rules_of(g, egress=None):
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [g]}])["SecurityGroupRules"]
    return [r for r in rules if egress is None or r["IsEgress"] == egress]


def default_groups():
    return [g["GroupId"] for g in ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]]


def sg_authorize(rng, w, egress=False):
    # One call in ten on a VPC's default group (sg-default-not-restricted, DESIGN §5).
    g = rng.choice(default_groups()) if rng.random() < 0.1 else rng.choice(w["groups"])
    p = random_permission(rng, w, 0.8)
    call = ec2.authorize_security_group_egress if egress else ec2.authorize_security_group_ingress
    try:
        rules = call(GroupId=g, IpPermissions=[p]).get("SecurityGroupRules", [])
    except ClientError:  # already there: no call, no record
        return None
    name = "AuthorizeSecurityGroupEgress" if egress else "AuthorizeSecurityGroupIngress"
    response = cat.ok_response(securityGroupRuleSet=cat.items([burst.ct_rule(r) for r in rules]))
    return cat.record(name, {"groupId": g, "ipPermissions": cat.items([burst.ct_permission(p)])}, response), \
        f"{name} {g} {json.dumps(p)}"


def sg_authorize_by_name(rng, w):
    p = random_permission(rng, w, 0.9)
    try:
        ec2.authorize_security_group_ingress(GroupName="legacy-web", IpPermissions=[p])
    except ClientError:
        return None
    return cat.record("AuthorizeSecurityGroupIngress", {"groupName": "legacy-web", "ipPermissions": cat.items(
        [burst.ct_permission(p)])}, {"_return": True}), f"AuthorizeSecurityGroupIngress legacy-web {json.dumps(p)}"


def sg_revoke(rng, w):
    g = rng.choice(w["groups"])
    rules = rules_of(g, egress=False)
    if not rules:
        return None
    rule = rng.choice(rules)["SecurityGroupRuleId"]
    ec2.revoke_security_group_ingress(GroupId=g, SecurityGroupRuleIds=[rule])
    return cat.record("RevokeSecurityGroupIngress", {"groupId": g, "securityGroupRuleIds": cat.items(
        [{"securityGroupRuleId": rule}])}, cat.ok_response()), f"RevokeSecurityGroupIngress {g} {rule}"


def sg_modify(rng, w):
    g = rng.choice(w["groups"])
    rules = [r for r in rules_of(g, egress=False) if r.get("CidrIpv4")]
    if not rules:
        return None
    rule = rng.choice(rules)
    port = rng.choice(PORTS)
    new = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIpv4": rng.choice(["0.0.0.0/0", "10.1.0.0/16"])}
    ec2.modify_security_group_rules(GroupId=g, SecurityGroupRules=[
        {"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "SecurityGroupRule": new}])
    # moto gives the modified rule a new id: the record names the one it holds now.
    now = [r for r in rules_of(g, egress=False) if r.get("CidrIpv4") == new["CidrIpv4"] and r.get("FromPort") == port]
    rid = now[0]["SecurityGroupRuleId"] if now else rule["SecurityGroupRuleId"]
    request = {"ModifySecurityGroupRulesRequest": {"GroupId": g, "SecurityGroupRule": {
        "SecurityGroupRuleId": rid, "SecurityGroupRule": new, "tag": 1}}}
    response = {"ModifySecurityGroupRulesResponse": {"requestId": "r", "return": True}}
    return cat.record("ModifySecurityGroupRules", request, response), f"ModifySecurityGroupRules {g} {rid} {new}"


def nacl_entry(rng, w):
    acl = rng.choice(w["nacls"])
    entries = [e for e in cat.nacl_entries(acl) if e["RuleNumber"] < 32767]
    op = rng.choice(["create", "replace", "delete"]) if entries else "create"
    if op == "delete":
        e = rng.choice(entries)
        ec2.delete_network_acl_entry(NetworkAclId=acl, RuleNumber=e["RuleNumber"], Egress=e["Egress"])
        return cat.record("DeleteNetworkAclEntry", {"egress": e["Egress"], "networkAclId": acl,
                                                    "ruleNumber": e["RuleNumber"]}, cat.ok_response()), \
            f"DeleteNetworkAclEntry {acl} {e['RuleNumber']} egress={e['Egress']}"
    egress = rng.random() < 0.3
    cidr = rng.choice(["0.0.0.0/0", "::/0", "10.0.0.0/8", "0.0.0.0/1"])
    protocol, ports = rng.choice([("6", (22, 22)), ("6", (3389, 3389)), ("6", (1024, 65535)), ("-1", None),
                                  ("17", (3389, 3389)), ("6", (0, 65535))])
    action = rng.choice(["allow", "allow", "deny"])
    if op == "replace":
        e = rng.choice(entries)
        number, egress = e["RuleNumber"], e["Egress"]
        if (":" in cidr) != ("Ipv6CidrBlock" in e):
            cidr = "::/0" if "Ipv6CidrBlock" in e else "0.0.0.0/0"
        args = dict(NetworkAclId=acl, RuleNumber=number, Protocol=protocol, RuleAction=action, Egress=egress)
        args["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
        if ports:
            args["PortRange"] = {"From": ports[0], "To": ports[1]}
        ec2.replace_network_acl_entry(**args)
        return cat.record("ReplaceNetworkAclEntry", cat.entry_request(acl, number, protocol, ports, cidr, egress,
                                                                      action), cat.ok_response()), \
            f"ReplaceNetworkAclEntry {acl} {number} {protocol} {ports} {cidr} {action} egress={egress}"
    taken = {e["RuleNumber"] for e in entries if e["Egress"] == egress}
    number = rng.choice([n for n in range(50, 200, 5) if n not in taken])
    cat.entry(acl, number, protocol, ports, cidr, egress, action)
    return cat.record("CreateNetworkAclEntry", cat.entry_request(acl, number, protocol, ports, cidr, egress, action),
                      cat.ok_response()), \
        f"CreateNetworkAclEntry {acl} {number} {protocol} {ports} {cidr} {action} egress={egress}"


def nacl_association(rng, w):
    s = rng.choice(w["subnets"])
    vpc = subnet_vpc(s)
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    current = [a for a in acls for x in a["Associations"] if x["SubnetId"] == s]
    old = [x for x in current[0]["Associations"] if x["SubnetId"] == s][0]["NetworkAclAssociationId"]
    others = [a["NetworkAclId"] for a in acls if a["NetworkAclId"] != current[0]["NetworkAclId"]]
    if not others:
        return None
    target = rng.choice(others)
    new = ec2.replace_network_acl_association(AssociationId=old, NetworkAclId=target)["NewAssociationId"]
    return cat.record("ReplaceNetworkAclAssociation", {"associationId": old, "networkAclId": target},
                      {"requestId": "r", "newAssociationId": new}), f"ReplaceNetworkAclAssociation {s} → {target}"


def route_change(rng, w):
    rt = rng.choice(w["tables"])
    table = ec2.describe_route_tables(RouteTableIds=[rt])["RouteTables"][0]
    igw = w["igws"][table["VpcId"]]
    v6 = rng.random() < 0.35
    key, dest = ("DestinationIpv6CidrBlock", "::/0") if v6 else ("DestinationCidrBlock", "0.0.0.0/0")
    ct_key = "destinationIpv6CidrBlock" if v6 else "destinationCidrBlock"
    present = [r for r in table["Routes"] if r.get(key) == dest]
    if present:
        if rng.random() < 0.6:
            ec2.delete_route(RouteTableId=rt, **{key: dest})
            return cat.record("DeleteRoute", {"routeTableId": rt, ct_key: dest}, cat.ok_response()), \
                f"DeleteRoute {rt} {dest}"
        ec2.replace_route(RouteTableId=rt, GatewayId=igw, **{key: dest})
        return cat.record("ReplaceRoute", {"routeTableId": rt, ct_key: dest, "gatewayId": igw}, cat.ok_response()), \
            f"ReplaceRoute {rt} {dest}"
    ec2.create_route(RouteTableId=rt, GatewayId=igw, **{key: dest})
    return cat.record("CreateRoute", {"routeTableId": rt, ct_key: dest, "gatewayId": igw}, cat.ok_response()), \
        f"CreateRoute {rt} {dest} → {igw}"


def table_association(rng, w):
    s = rng.choice(w["subnets"])
    vpc = subnet_vpc(s)
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    explicit = [(t["RouteTableId"], a["RouteTableAssociationId"]) for t in tables for a in t.get("Associations", [])
                if a.get("SubnetId") == s]
    if explicit and rng.random() < 0.4:
        ec2.disassociate_route_table(AssociationId=explicit[0][1])
        return cat.record("DisassociateRouteTable", {"associationId": explicit[0][1]}, cat.ok_response()), \
            f"DisassociateRouteTable {s} from {explicit[0][0]}"
    others = [t["RouteTableId"] for t in tables if not explicit or t["RouteTableId"] != explicit[0][0]]
    target = rng.choice(others)
    if explicit:
        new = ec2.replace_route_table_association(AssociationId=explicit[0][1], RouteTableId=target)["NewAssociationId"]
        return cat.record("ReplaceRouteTableAssociation", {"associationId": explicit[0][1], "routeTableId": target},
                          {"requestId": "r", "newAssociationId": new, "associationState": {"state": "associated"}}), \
            f"ReplaceRouteTableAssociation {s} → {target}"
    assoc = ec2.associate_route_table(RouteTableId=target, SubnetId=s)["AssociationId"]
    return cat.record("AssociateRouteTable", {"routeTableId": target, "subnetId": s},
                      {"requestId": "r", "associationId": assoc, "associationState": {"state": "associated"}}), \
        f"AssociateRouteTable {s} → {target}"


def subnet_attribute(rng, w):
    s = rng.choice(w["subnets"])
    value = rng.random() < 0.6
    ec2.modify_subnet_attribute(SubnetId=s, MapPublicIpOnLaunch={"Value": value})
    return cat.record("ModifySubnetAttribute", {"subnetId": s, "mapPublicIpOnLaunch": {"value": value}},
                      cat.ok_response()), f"ModifySubnetAttribute {s} {value}"


def address(rng, w):
    bare = [e for e in ec2.describe_network_interfaces(NetworkInterfaceIds=w["enis"])["NetworkInterfaces"]
            if not e.get("Association")]
    if not bare:
        return None
    eni = rng.choice(bare)["NetworkInterfaceId"]
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    assoc = ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)["AssociationId"]
    return cat.record("AssociateAddress", {"allocationId": alloc, "networkInterfaceId": eni,
                                           "allowReassociation": False}, cat.ok_response(associationId=assoc)), \
        f"AssociateAddress {eni}"


def ipv6(rng, w):
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=w["enis"])["NetworkInterfaces"]
    with_block = [e["NetworkInterfaceId"] for e in enis if not e.get("Ipv6Addresses") and ec2.describe_subnets(
        SubnetIds=[e["SubnetId"]])["Subnets"][0].get("Ipv6CidrBlockAssociationSet")]
    if not with_block:
        return None
    eni = rng.choice(with_block)
    assigned = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=1)["AssignedIpv6Addresses"]
    return cat.record("AssignIpv6Addresses", {"networkInterfaceId": eni, "ipv6AddressCount": 1},
                      {"requestId": "r", "networkInterfaceId": eni,
                       "assignedIpv6Addresses": cat.items([{"ipv6Address": a} for a in assigned])}), \
        f"AssignIpv6Addresses {eni}"


def tags(rng, w):
    g = rng.choice(w["groups"])
    if rng.random() < 0.5:
        value = rng.choice(["sg-open-admin-port", "*", "eni-internet-exposed", "sg-open-admin-port@2020-01-31",
                            "sg-open-admin-port@2099-12-31,sg-open-high-risk-port"])
        ec2.create_tags(Resources=[g], Tags=[{"Key": EXEMPT, "Value": value}])
        return cat.record("CreateTags", cat.tag_request(g, value), cat.ok_response()), f"CreateTags {g} {value}"
    ec2.delete_tags(Resources=[g], Tags=[{"Key": EXEMPT}])
    return cat.record("DeleteTags", cat.tag_request(g), cat.ok_response()), f"DeleteTags {g}"


def interface_groups(rng, w):
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[rng.choice(w["enis"])])["NetworkInterfaces"][0]
    mine = [g for g in w["groups"] if g in vpc_groups(eni["VpcId"], w)]
    if not mine:
        return None
    chosen = rng.sample(mine, min(len(mine), rng.choice([1, 2, 2, 3])))
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni["NetworkInterfaceId"], Groups=chosen)
    return cat.record("ModifyNetworkInterfaceAttribute", {"networkInterfaceId": eni["NetworkInterfaceId"],
                                                          "groupSet": cat.items([{"groupId": g} for g in chosen])},
                      cat.ok_response()), f"ModifyNetworkInterfaceAttribute {eni['NetworkInterfaceId']} {chosen}"


_group_vpcs = {}


def vpc_groups(vpc, w):
    if not _group_vpcs:
        for g in ec2.describe_security_groups(GroupIds=w["groups"])["SecurityGroups"]:
            _group_vpcs[g["GroupId"]] = g["VpcId"]
    return [g for g, v in _group_vpcs.items() if v == vpc]


def reattach_gateway(rng, w):
    vpc = rng.choice(w["vpcs"])
    igw = w["igws"][vpc]
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    return cat.record("AttachInternetGateway", {"internetGatewayId": igw, "vpcId": vpc}, {"_return": True}), \
        f"AttachInternetGateway {igw} {vpc}"


def interface_tag(rng, w):
    eni = rng.choice(w["enis"])
    value = rng.choice(["eni-internet-exposed", "*", "sg-open-admin-port"])
    ec2.create_tags(Resources=[eni], Tags=[{"Key": EXEMPT, "Value": value}])
    return cat.record("CreateTags", cat.tag_request(eni, value), cat.ok_response()), f"CreateTags {eni} {value}"


CHANGES = [(sg_authorize, 4), (lambda r, w: sg_authorize(r, w, True), 1), (sg_authorize_by_name, 1), (sg_revoke, 2),
           (sg_modify, 1), (nacl_entry, 3), (nacl_association, 1), (route_change, 3), (table_association, 2),
           (subnet_attribute, 1), (address, 1), (ipv6, 1), (tags, 1), (interface_groups, 1),
           (reattach_gateway, 1), (interface_tag, 1)]


# --- running and comparing -----------------------------------------------------------------------


CONFIG = {}  # VPC_GUARDRAIL_CONFIG of both bundles (--with-config sets one per seed)


def seed_config(rng, w):
    """A config that changes what is judged: unused resources not judged, a higher notice floor, an
    allow-list entry on a random group (admin ports), a kept NACL admin source."""
    return {"judgeUnused": False, "notifyMinSeverity": "medium", "naclAdminSources": ["198.51.100.0/24"],
            "allowLists": [{"resourceId": rng.choice(w["groups"]), "ports": ["22/tcp", "3389/tcp"]}]}


def run_event(name, ev):
    out = cat.deliver(name, [ev], mode="notify", config=CONFIG, extra_env={"POWERTOOLS_LOG_LEVEL": "DEBUG"})
    evaluated, full = None, None
    for line in open(os.path.join(WORK, f"{name}-log.jsonl")):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("message") == "group evaluated":
            evaluated = entry
        if entry.get("message") == "findings in scope":
            full = entry["findings"]
    return out, evaluated, full


def run_audit(name):
    path = os.path.join(WORK, f"{name}-audit.json")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION, OUT=path,
               VPC_GUARDRAIL_CONFIG=json.dumps(CONFIG))
    with open(os.path.join(WORK, f"{name}-audit-log.jsonl"), "w") as log:
        subprocess.run(["node", os.path.join(HERE, "invoke.mjs"), "audit", "{}"], cwd=ROOT, env=env, stdout=log,
                       stderr=subprocess.STDOUT, check=False)
    return json.load(open(path))


def summary(f):
    """The whole finding (id, severity, title, detail, evidence, exposure, remediation, suppression)."""
    return json.dumps(f, sort_keys=True)


def expected_scope(ev):
    """DESIGN §7's scope, from moto's state after the change: the reported resource ids."""
    d = ev["detail"]
    name, req = d["eventName"], d["requestParameters"]
    enis = ec2.describe_network_interfaces()["NetworkInterfaces"]
    out = set()
    tagged = [x["resourceId"] for x in (req.get("resourcesSet") or {}).get("items", [])] if name.endswith("Tags") else []
    if name in ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                "ModifySecurityGroupRules") or any(t.startswith("sg-") for t in tagged):
        g = req.get("groupId") or (req.get("ModifySecurityGroupRulesRequest") or {}).get("GroupId") or (
            tagged[0] if tagged else None)
        if not g:  # by name: the default VPC's group
            dvpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
            g = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [req["groupName"]]},
                                                      {"Name": "vpc-id", "Values": [dvpc]}])["SecurityGroups"][0][
                "GroupId"]
        out.add(g)
        out |= {e["NetworkInterfaceId"] for e in enis if any(x["GroupId"] == g for x in e["Groups"])}
    elif name in ("CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry",
                  "ReplaceNetworkAclAssociation"):
        acl = ec2.describe_network_acls(NetworkAclIds=[req["networkAclId"]])["NetworkAcls"][0]
        subnets = {a["SubnetId"] for a in acl["Associations"]}
        out.add(acl["NetworkAclId"])
        if name == "ReplaceNetworkAclAssociation":
            mine = [a["SubnetId"] for a in acl["Associations"]
                    if a["NetworkAclAssociationId"] == d["responseElements"]["newAssociationId"]]
            out |= set(mine)
            subnets = set(mine)
        out |= {e["NetworkInterfaceId"] for e in enis if e["SubnetId"] in subnets}
    elif name in ("CreateRoute", "ReplaceRoute", "DeleteRoute", "AssociateRouteTable", "ReplaceRouteTableAssociation",
                  "DisassociateRouteTable"):
        tables = ec2.describe_route_tables()["RouteTables"]
        if name == "DisassociateRouteTable":  # README: the region's main tables routing to an igw-
            chosen = [t for t in tables if any(a.get("Main") for a in t.get("Associations", [])) and any(
                (r.get("DestinationCidrBlock") == "0.0.0.0/0" or r.get("DestinationIpv6CidrBlock") == "::/0")
                and r.get("GatewayId", "").startswith("igw-") for r in t["Routes"])]
        else:
            chosen = [t for t in tables if t["RouteTableId"] == req["routeTableId"]]
        subnets = set()
        all_subnets = ec2.describe_subnets()["Subnets"]
        for t in chosen:
            out.add(t["RouteTableId"])
            explicit = {a["SubnetId"] for a in t.get("Associations", []) if a.get("SubnetId")}
            subnets |= explicit
            if any(a.get("Main") for a in t.get("Associations", [])):
                assoc_any = {a["SubnetId"] for x in tables for a in x.get("Associations", []) if a.get("SubnetId")}
                subnets |= {s["SubnetId"] for s in all_subnets if s["VpcId"] == t["VpcId"] and
                            s["SubnetId"] not in assoc_any}
        out |= subnets
        out |= {e["NetworkInterfaceId"] for e in enis if e["SubnetId"] in subnets}
    elif tagged:  # an interface's tag: the interface
        out |= {t for t in tagged if t.startswith("eni-")}
    elif name == "ModifySubnetAttribute":
        out.add(req["subnetId"])
    elif name == "AttachInternetGateway":  # the VPC's tables targeting the gateway, their subnets
        tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [req["vpcId"]]}])["RouteTables"]
        chosen = [t for t in tables if any(r.get("GatewayId") == req["internetGatewayId"] for r in t["Routes"])]
        explicit_all = {a["SubnetId"] for t in tables for a in t.get("Associations", []) if a.get("SubnetId")}
        subnets = set()
        for t in chosen:
            out.add(t["RouteTableId"])
            subnets |= {a["SubnetId"] for a in t.get("Associations", []) if a.get("SubnetId")}
            if any(a.get("Main") for a in t.get("Associations", [])):
                subnets |= {s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [
                    req["vpcId"]]}])["Subnets"] if s["SubnetId"] not in explicit_all}
        out |= subnets
        out |= {e["NetworkInterfaceId"] for e in enis if e["SubnetId"] in subnets}
    elif name in ("AssociateAddress", "AssignIpv6Addresses", "ModifyNetworkInterfaceAttribute"):
        out.add(req["networkInterfaceId"])
    return out


def compare(name, ev, desc, out, evaluated, full, audit):
    diffs = []
    if evaluated is None:
        return [f"no 'group evaluated' log line (answer {out['answer']})"]
    scope = evaluated.get("scope") or {}
    resolved = set()
    for key in ("securityGroups", "networkAcls", "subnets", "routeTables", "natGateways", "vpcEndpoints",
                "networkInterfaces"):
        resolved |= set(scope.get(key) or [])
    want = expected_scope(ev)
    for rid in sorted(want - resolved):
        diffs.append(f"scope: {rid} is in DESIGN §7's scope but the event did not report on it")
    for rid in sorted(resolved - want):
        diffs.append(f"scope: {rid} reported but not in DESIGN §7's scope (as recomputed)")
    if full is None:
        full = []
    # The INFO line's ids and the DEBUG line's findings are the same evaluation.
    if sorted(f["id"] for f in evaluated.get("findings", [])) != sorted(f["id"] for f in full):
        diffs.append("the 'group evaluated' ids differ from the 'findings in scope' findings")
    ev_by_res, au_by_res = {}, {}
    iface_rules = {"eni-internet-exposed"}
    for f in full:
        ev_by_res.setdefault(f["resourceId"], []).append(summary(f))
    for f in audit.get("findings", []):
        if f["resourceId"] not in resolved:
            continue
        if f["resourceType"] == "AWS::EC2::NetworkInterface" and f["ruleId"] not in iface_rules:
            continue
        au_by_res.setdefault(f["resourceId"], []).append(summary(f))
    for rid in sorted(set(ev_by_res) | set(au_by_res)):
        e = sorted(ev_by_res.get(rid, []))
        a = sorted(au_by_res.get(rid, []))
        if e != a:
            diffs.append(f"{rid}: event {e}\n      audit {a}")
    # DESIGN §3 "Not judged is said": what the event could not judge about the resources it reports
    # on is what the audit could not judge about them (the 'group evaluated' line's `notJudged`, the
    # event's share of the engine's; the audit's `summary.notJudged`). For an interface only what
    # stops its one reported rule (`eni-internet-exposed`, or no rule named).
    def nj_key(n):
        return json.dumps({k: n.get(k) for k in ("resourceId", "reason", "ruleId")}, sort_keys=True)

    if "notJudged" not in evaluated:
        diffs.append("notJudged: the 'group evaluated' line carries no notJudged")
    ev_nj = sorted(nj_key(n) for n in evaluated.get("notJudged") or [])
    au_nj = sorted(nj_key(n) for n in (audit.get("summary") or {}).get("notJudged") or []
                   if n["resourceId"] in resolved
                   and (not n["resourceId"].startswith("eni-") or n.get("ruleId") in (None, "eni-internet-exposed")))
    if ev_nj != au_nj:
        diffs.append(f"notJudged: event {ev_nj}\n      audit {au_nj}")
    active = [f for f in full if not f.get("suppressed")]
    floor = SEVERITY_RANK[CONFIG.get("notifyMinSeverity", "low")]
    should_notify = any(SEVERITY_RANK[f["severity"]] >= floor for f in active)
    if d_tags(ev):  # DESIGN §8: an exemption tag change always notifies
        should_notify = True
    if should_notify != bool(out["notices"]):
        diffs.append(f"notice: expected {'one' if should_notify else 'none'}, got {len(out['notices'])}")
    if out["notices"]:  # the notice names every resource with an active finding (§8: findings listed)
        text = out["notices"][0]["text"]
        for rid in sorted({f["resourceId"] for f in active} - {rid for rid in resolved if rid in text}):
            diffs.append(f"notice: {rid} has an active finding but the notice does not name it")
    if out["notices"] and should_notify and not d_tags(ev):
        got = sorted(set(out["notices"][0]["attributes"].get("ruleIds") or []))
        if got != sorted({f["ruleId"] for f in active}):
            diffs.append(f"notice ruleIds {got} != active findings' {sorted({f['ruleId'] for f in active})}")
    return diffs


def sg_read_allowance(name, ev):
    """DESIGN §12: "An SG event costs <= 6 EC2 read calls". README (Events, 2. Slice): "A security-group
    event costs 5 calls ... plus one GetManagedPrefixListEntries per prefix list those groups' ingress
    rules name", and a group named by name without a VPC "is described by name first ... One call more
    when its interfaces have other groups; an EC2 that answers GroupNames from every VPC (moto) gets its
    VPCs read" (DescribeVpcs). So: 5 + lists read (+ those two by-name calls on moto); <= 6 with at
    most one ingress list."""
    mine = [c["action"] for c in burst.calls if c["batch"] == name]
    allowed = 5 + mine.count("GetManagedPrefixListEntries")
    if "groupName" in ev["detail"]["requestParameters"]:
        allowed += mine.count("DescribeVpcs") + (1 if mine.count("DescribeSecurityGroups") > 1 else 0)
    return allowed


def d_tags(ev):
    return ev["detail"]["eventName"] in ("CreateTags", "DeleteTags")


def main():
    seeds = seeds_of(arg("--seeds", "1-3"))
    steps = int(arg("--steps", "12"))
    total, failed = 0, 0
    budget = {}
    for seed in seeds:
        rng = random.Random(seed)
        burst.reset()
        _subnet_vpcs.clear()
        _group_vpcs.clear()
        w = build_world(rng)
        CONFIG.clear()
        if "--with-config" in sys.argv:
            CONFIG.update(seed_config(rng, w))
        json.dump(w, open(os.path.join(WORK, f"seed{seed}-world.json"), "w"), indent=1)
        step = 0
        while step < steps:
            fn = rng.choices([c[0] for c in CHANGES], weights=[c[1] for c in CHANGES])[0]
            made = fn(rng, w)
            if made is None:
                continue
            ev, desc = made
            step += 1
            name = f"seed{seed}-step{step:02d}"
            out, evaluated, full = run_event(name, ev)
            audit = run_audit(name)
            diffs = compare(name, ev, desc, out, evaluated, full, audit)
            reads = sum(1 for c in burst.calls if c["batch"] == name and c["action"].startswith(("Describe", "Get")))
            kind = ev["detail"]["eventName"]
            budget[kind] = max(budget.get(kind, 0), reads)
            if "SecurityGroup" in kind and reads > sg_read_allowance(name, ev):
                diffs.append(f"§12: {reads} EC2 reads for a security-group event")
            total += 1
            failed += bool(diffs)
            print(f"{'DIFF' if diffs else 'SAME'} {name}: {desc}")
            for d in diffs:
                print(f"   {d}")
            if VERBOSE and out["notices"]:
                print(f"   notice: {out['notices'][0]['subject']}")
    print("most EC2 reads per event: " + ", ".join(f"{k} {v}" for k, v in sorted(budget.items())))
    print(f"{total - failed}/{total} changes at parity; kept in {WORK}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
