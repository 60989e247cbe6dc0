#!/usr/bin/env python3
"""Builds a realistic two-VPC world in an EC2 emulator (moto) for a manual end-to-end check of the
built bundles: `moto_server -p 5077 &` then
`AWS_ENDPOINT_URL=http://127.0.0.1:5077 python3 scripts/emulator/world.py > /tmp/world.json`.

Not part of `npm test` (tests never touch the network): the run and its results are recorded in
scripts/emulator/README.md. Prints the ids of what it made as JSON, so a check can name them.
"""

import json
import os
import sys

import boto3

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5077")
REGION = os.environ.get("AWS_REGION", "eu-west-1")
EXEMPT = "vpc-guardrail:exempt"

ec2 = boto3.client(
    "ec2",
    endpoint_url=ENDPOINT,
    region_name=REGION,
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)


def tags(name, extra=None):
    pairs = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in (extra or {}).items()]
    return pairs


def tag_spec(kind, name, extra=None):
    return [{"ResourceType": kind, "Tags": tags(name, extra)}]


def world_v4(port_from, port_to, proto="tcp", cidr="0.0.0.0/0"):
    return {"IpProtocol": proto, "FromPort": port_from, "ToPort": port_to, "IpRanges": [{"CidrIp": cidr}]}


out = {}

# --- VPC A: public and private tiers, IPv6 ------------------------------------------------------
vpc_a = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                       TagSpecifications=tag_spec("vpc", "prod"))["Vpc"]["VpcId"]
vpc_a_v6 = ec2.describe_vpcs(VpcIds=[vpc_a])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
v6_prefix = vpc_a_v6.split("::")[0]  # e.g. 2600:1f18:xxxx:xx00
out["vpcA"] = vpc_a


def subnet(vpc, cidr, name, v6=None):
    args = {"VpcId": vpc, "CidrBlock": cidr, "TagSpecifications": tag_spec("subnet", name)}
    if v6:
        args["Ipv6CidrBlock"] = v6
    return ec2.create_subnet(**args)["Subnet"]["SubnetId"]


# The first /64 of the VPC's Amazon /56 (e.g. 2400:6500:652f:a500::/56 -> 2400:6500:652f:a501::/64).
pub_a = subnet(vpc_a, "10.0.1.0/24", "prod-public-a", f"{v6_prefix[:-2]}01::/64")
priv_a = subnet(vpc_a, "10.0.2.0/24", "prod-private-a")
leaky = subnet(vpc_a, "10.0.3.0/24", "prod-private-leaky")
pub_noroute = subnet(vpc_a, "10.0.4.0/24", "prod-public-noroute")
ec2.modify_subnet_attribute(SubnetId=pub_a, MapPublicIpOnLaunch={"Value": True})
out.update(pubA=pub_a, privA=priv_a, leaky=leaky, pubNoRoute=pub_noroute)

igw = ec2.create_internet_gateway(TagSpecifications=tag_spec("internet-gateway", "prod-igw"))[
    "InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_a)
out["igw"] = igw

rt_pub = ec2.create_route_table(VpcId=vpc_a, TagSpecifications=tag_spec("route-table", "prod-public"))[
    "RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=rt_pub, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
ec2.create_route(RouteTableId=rt_pub, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
ec2.associate_route_table(RouteTableId=rt_pub, SubnetId=pub_a)
ec2.associate_route_table(RouteTableId=rt_pub, SubnetId=leaky)
out["rtPublic"] = rt_pub

# NAT gateways: one where it belongs, one in a private subnet (its traffic cannot leave).
eip1 = ec2.allocate_address(Domain="vpc")["AllocationId"]
eip2 = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat_ok = ec2.create_nat_gateway(SubnetId=pub_a, AllocationId=eip1)["NatGateway"]["NatGatewayId"]
nat_bad = ec2.create_nat_gateway(SubnetId=priv_a, AllocationId=eip2)["NatGateway"]["NatGatewayId"]
out.update(natOk=nat_ok, natBad=nat_bad)

rt_priv = ec2.create_route_table(VpcId=vpc_a, TagSpecifications=tag_spec("route-table", "prod-private"))[
    "RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=rt_priv, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_ok)
ec2.associate_route_table(RouteTableId=rt_priv, SubnetId=priv_a)
ec2.associate_route_table(RouteTableId=rt_priv, SubnetId=pub_noroute)
out["rtPrivate"] = rt_priv

# A blackhole route: a route to an interface that is then deleted.
doomed = ec2.create_network_interface(SubnetId=priv_a)["NetworkInterface"]["NetworkInterfaceId"]
ec2.create_route(RouteTableId=rt_priv, DestinationCidrBlock="192.168.50.0/24", NetworkInterfaceId=doomed)
ec2.delete_network_interface(NetworkInterfaceId=doomed)
out["blackholeTarget"] = doomed

# --- Prefix list holding the world ----------------------------------------------------------------
pl_world = ec2.create_managed_prefix_list(PrefixListName="everyone", AddressFamily="IPv4", MaxEntries=5,
                                          Entries=[{"Cidr": "0.0.0.0/0", "Description": "world"}])[
    "PrefixList"]["PrefixListId"]
pl_office = ec2.create_managed_prefix_list(PrefixListName="office", AddressFamily="IPv4", MaxEntries=5,
                                           Entries=[{"Cidr": "203.0.113.0/24"}])["PrefixList"]["PrefixListId"]
out.update(plWorld=pl_world, plOffice=pl_office)

# --- NACL on the public subnet: admin open, the return range, egress to web only ------------------
nacl = ec2.create_network_acl(VpcId=vpc_a, TagSpecifications=tag_spec("network-acl", "prod-public-nacl"))[
    "NetworkAcl"]["NetworkAclId"]


def entry(number, egress, proto, lo, hi, cidr="0.0.0.0/0", action="allow"):
    args = {"NetworkAclId": nacl, "RuleNumber": number, "Protocol": proto, "RuleAction": action,
            "Egress": egress, "PortRange": {"From": lo, "To": hi}}
    if ":" in cidr:
        args["Ipv6CidrBlock"] = cidr
    else:
        args["CidrBlock"] = cidr
    ec2.create_network_acl_entry(**args)


entry(100, False, "6", 22, 22)                      # admin, world-open
entry(110, False, "6", 3389, 3389, "::/0")          # admin over IPv6
entry(120, False, "6", 1024, 65535)                 # the return range (leaves 3389 open)
entry(130, False, "6", 1024, 65535, "::/0")
entry(100, True, "6", 80, 80)                       # egress: web only
entry(110, True, "6", 443, 443)
entry(120, True, "6", 443, 443, "::/0")
# Associate with the public subnet (replace its default association).
assoc = next(a["NetworkAclAssociationId"]
             for n in ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_a]}])["NetworkAcls"]
             for a in n["Associations"] if a["SubnetId"] == pub_a)
ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=nacl)
out["nacl"] = nacl

# A second, unassociated NACL that is world-open on 3389 udp only.
nacl2 = ec2.create_network_acl(VpcId=vpc_a, TagSpecifications=tag_spec("network-acl", "spare"))[
    "NetworkAcl"]["NetworkAclId"]
ec2.create_network_acl_entry(NetworkAclId=nacl2, RuleNumber=100, Protocol="17", RuleAction="allow", Egress=False,
                             CidrBlock="0.0.0.0/0", PortRange={"From": 3389, "To": 3389})
out["naclSpare"] = nacl2

# --- Security groups --------------------------------------------------------------------------------


def group(vpc, name, extra_tags=None):
    return ec2.create_security_group(VpcId=vpc, GroupName=name, Description=name,
                                     TagSpecifications=tag_spec("security-group", name, extra_tags))["GroupId"]


sg_web = group(vpc_a, "web")
ec2.authorize_security_group_ingress(GroupId=sg_web, IpPermissions=[
    world_v4(22, 22),
    {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    world_v4(443, 443),
    {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "PrefixListIds": [{"PrefixListId": pl_world}]},
    {"IpProtocol": "tcp", "FromPort": 5601, "ToPort": 5601, "PrefixListIds": [{"PrefixListId": pl_office}]},
    world_v4(9000, 9000),
    world_v4(5432, 5432, cidr="10.0.0.0/8"),
    world_v4(8443, 8443, cidr="0.0.0.0/1"),
])
sg_all = group(vpc_a, "wide-open")
ec2.authorize_security_group_ingress(GroupId=sg_all, IpPermissions=[{"IpProtocol": "-1",
                                                                     "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
sg_ref = group(vpc_a, "app")
ec2.authorize_security_group_ingress(GroupId=sg_ref, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": sg_web}]}])
sg_exempt = group(vpc_a, "bastion", {EXEMPT: "sg-open-admin-port"})
ec2.authorize_security_group_ingress(GroupId=sg_exempt, IpPermissions=[world_v4(22, 22)])
out.update(sgWeb=sg_web, sgAll=sg_all, sgRef=sg_ref, sgExempt=sg_exempt)

# --- Interfaces with public addresses ---------------------------------------------------------------
eni_web = ec2.create_network_interface(SubnetId=pub_a, Groups=[sg_web, sg_all],
                                       TagSpecifications=tag_spec("network-interface", "web-eni"))[
    "NetworkInterface"]["NetworkInterfaceId"]
eip3 = ec2.allocate_address(Domain="vpc")
ec2.associate_address(AllocationId=eip3["AllocationId"], NetworkInterfaceId=eni_web)
eni_bastion = ec2.create_network_interface(SubnetId=pub_a, Groups=[sg_exempt])["NetworkInterface"][
    "NetworkInterfaceId"]
eip4 = ec2.allocate_address(Domain="vpc")
ec2.associate_address(AllocationId=eip4["AllocationId"], NetworkInterfaceId=eni_bastion)
# An interface with a public IP in a private subnet: not exposed (no igw route).
eni_priv = ec2.create_network_interface(SubnetId=priv_a, Groups=[sg_all])["NetworkInterface"]["NetworkInterfaceId"]
eip5 = ec2.allocate_address(Domain="vpc")
ec2.associate_address(AllocationId=eip5["AllocationId"], NetworkInterfaceId=eni_priv)
# An IPv6-only exposure: the web group alone (3389/tcp from ::/0), through the NACL's ::/0 entries.
eni_v6 = ec2.create_network_interface(SubnetId=pub_a, Groups=[sg_web], Ipv6AddressCount=1)["NetworkInterface"][
    "NetworkInterfaceId"]
out.update(eniV6=eni_v6, eniWeb=eni_web, eniBastion=eni_bastion, eniPrivate=eni_priv, eniWebIp=eip3["PublicIp"])

# --- A gateway endpoint with the default full-access policy ----------------------------------------
full = json.dumps({"Version": "2008-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
vpce = ec2.create_vpc_endpoint(VpcId=vpc_a, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                               RouteTableIds=[rt_priv], PolicyDocument=full)["VpcEndpoint"]["VpcEndpointId"]
out["vpce"] = vpce

# --- VPC B: an instance with a public IP behind a udp/3389 group -----------------------------------
vpc_b = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=tag_spec("vpc", "dev"))["Vpc"]["VpcId"]
pub_b = subnet(vpc_b, "10.1.1.0/24", "dev-public")
igw_b = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw_b, VpcId=vpc_b)
main_b = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_b]},
                                            {"Name": "association.main", "Values": ["true"]}])[
    "RouteTables"][0]["RouteTableId"]
ec2.create_route(RouteTableId=main_b, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_b)
sg_rdp = group(vpc_b, "rdp")
ec2.authorize_security_group_ingress(GroupId=sg_rdp, IpPermissions=[world_v4(3389, 3389, "udp")])
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
inst = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                         NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": pub_b, "Groups": [sg_rdp],
                                             "AssociatePublicIpAddress": True}])["Instances"][0]
out.update(vpcB=vpc_b, pubB=pub_b, igwB=igw_b, rtMainB=main_b, sgRdp=sg_rdp, instance=inst["InstanceId"],
           instanceEni=inst["NetworkInterfaces"][0]["NetworkInterfaceId"])

# --- Rule shapes (unattached groups in VPC B) ---------------------------------------------------------
sg_shapes = group(vpc_b, "shapes")
ec2.authorize_security_group_ingress(GroupId=sg_shapes, IpPermissions=[
    {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},  # never counts
    {"IpProtocol": "50", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},  # ESP (moto needs ports)
    {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},  # unauthorized
    {"IpProtocol": "tcp", "FromPort": 20, "ToPort": 21, "IpRanges": [                             # high-risk
        {"CidrIp": "0.0.0.0/0", "Description": "ftp <script>"}, {"CidrIp": "203.0.113.0/24"}]},
    {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,                                       # a group reference
     "UserIdGroupPairs": [{"GroupId": sg_rdp}]},
])
ec2.authorize_security_group_egress(GroupId=sg_shapes, IpPermissions=[world_v4(22, 22)])  # egress: not judged by sg-open-*
sg_all6 = group(vpc_b, "all-tcp-v6")
ec2.authorize_security_group_ingress(GroupId=sg_all6, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
sg_split = group(vpc_b, "split-world")
ec2.authorize_security_group_ingress(GroupId=sg_split, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25,
     "IpRanges": [{"CidrIp": "0.0.0.0/1"}, {"CidrIp": "128.0.0.0/1"}]}])
out.update(sgShapes=sg_shapes, sgAll6=sg_all6, sgSplit=sg_split)

json.dump(out, sys.stdout, indent=2)
print()
