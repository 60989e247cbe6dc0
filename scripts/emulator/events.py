#!/usr/bin/env python3
"""After world.py: makes two changes in the emulator and writes the CloudTrail events (EventBridge
envelopes, real record shapes from test/fixtures/cloudtrail) that announce them, for the BUILT event
bundle: `python3 scripts/emulator/events.py /tmp/world.json /tmp/events` writes sg-event.json and
nacl-event.json there, and creates the SNS topic the function publishes to (its ARN on stdout).

1. AuthorizeSecurityGroupIngress: tcp 3306 from 0.0.0.0/0 and from 10.9.0.0/16 in one call on the
   "app" group (which the web interface does not use), and tcp 22 from 0.0.0.0/0 on it.
2. CreateNetworkAclEntry: the spare (unassociated) NACL allows tcp 22 from 0.0.0.0/0 at rule 90.
"""

import json
import os
import sys

import boto3

from identity import assumed_role_identity

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5077")
REGION = os.environ.get("AWS_REGION", "eu-west-1")
ACCOUNT = "123456789012"
kw = dict(endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
ec2 = boto3.client("ec2", **kw)
sns = boto3.client("sns", **kw)

world = json.load(open(sys.argv[1]))
out_dir = sys.argv[2]
os.makedirs(out_dir, exist_ok=True)

topic = sns.create_topic(Name="vpc-guardrail")["TopicArn"]
queue_sub = None

identity = assumed_role_identity(ACCOUNT, "Admin", "alice")


def envelope(name, request, response, event_id):
    return {
        "version": "0", "id": event_id, "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2",
        "account": ACCOUNT, "time": "2026-12-06T21:00:00Z", "region": REGION, "resources": [],
        "detail": {
            "eventVersion": "1.09", "userIdentity": identity, "eventTime": "2026-12-06T21:00:00Z",
            "eventSource": "ec2.amazonaws.com", "eventName": name, "awsRegion": REGION,
            "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15", "requestParameters": request,
            "responseElements": response, "requestID": event_id, "eventID": event_id,
            "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT,
        },
    }


# 1. The security-group change.
group = world["sgRef"]
answer = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,
     "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.9.0.0/16"}]},
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
])
rules = answer.get("SecurityGroupRules", [])
request = {"groupId": group, "ipPermissions": {"items": [
    {"ipProtocol": "tcp", "fromPort": 3306, "toPort": 3306, "groups": {},
     "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}, {"cidrIp": "10.9.0.0/16"}]}, "ipv6Ranges": {},
     "prefixListIds": {}},
    {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
     "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}},
]}}
response = {"requestId": "r-sg", "_return": True, "securityGroupRuleSet": {"items": [
    {"groupOwnerId": ACCOUNT, "groupId": group, "securityGroupRuleId": r["SecurityGroupRuleId"],
     "isEgress": False, "ipProtocol": r["IpProtocol"], "fromPort": r["FromPort"], "toPort": r["ToPort"],
     "cidrIpv4": r.get("CidrIpv4")} for r in rules]}}
json.dump(envelope("AuthorizeSecurityGroupIngress", request, response, "11111111-1111-1111-1111-111111111111"),
          open(os.path.join(out_dir, "sg-event.json"), "w"), indent=1)

# 2. The NACL change.
nacl = world["naclSpare"]
ec2.create_network_acl_entry(NetworkAclId=nacl, RuleNumber=90, Protocol="6", RuleAction="allow", Egress=False,
                             CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
request = {"networkAclId": nacl, "ruleNumber": 90, "egress": False, "ruleAction": "allow", "icmpTypeCode": {},
           "portRange": {"from": 22, "to": 22}, "aclProtocol": "6", "cidrBlock": "0.0.0.0/0"}
json.dump(envelope("CreateNetworkAclEntry", request, {"requestID": "r-nacl", "_return": True},
                   "22222222-2222-2222-2222-222222222222"),
          open(os.path.join(out_dir, "nacl-event.json"), "w"), indent=1)

print(topic)
