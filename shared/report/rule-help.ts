import type { RuleDefinition } from '../rules/types';

// The help a reader of a SARIF alert sees beside it (GitHub code scanning's rule help panel shows
// `help.markdown`, else `help.text`; `help.text` is required there): what makes the rule fire,
// why it matters and how to fix it, from DESIGN §5. Kept beside the report, not in the rule
// files, because only SARIF shows it; every catalogue rule must have an entry (the test checks).

/** The three things a rule's help says, as plain sentences. */
export interface RuleHelp {
  /** What the rule reads and when it fires. */
  fires: string;
  /** What an attacker or an outage gets from it. */
  why: string;
  /** What to change, by hand or with the guardrail's fix. */
  fix: string;
  /**
   * How often a finding of the rule is a real problem (GitHub's `properties.precision`, by which
   * it orders alerts): `very-high` for a reading of the configuration that cannot be wrong, `high`
   * where the rule reads intent from a name or the finding may be intended.
   */
  precision: 'very-high' | 'high';
}

const WORLD = 'world-open means the whole IPv4 internet (0.0.0.0/0) or the whole IPv6 internet (::/0)';

export const RULE_HELP: Readonly<Record<string, RuleHelp>> = {
  'sg-open-all-traffic': {
    fires: `A security group's inbound rules make every TCP port world-open: protocol -1 (all traffic) or TCP 0-65535, from one rule or from several together, in either address family (${WORLD}).`,
    why: 'Every service on every instance, load balancer or database behind the group is reachable from anywhere; one forgotten daemon or default password is enough.',
    fix: 'Remove the all-traffic rule and allow only the ports the workload serves, from the sources that need them. The guardrail revokes the offending rules in remediate mode; a group that is meant to be open can be exempted with the vpc-guardrail:exempt tag.',
    precision: 'very-high',
  },
  'sg-open-admin-port': {
    fires: `A security group's inbound rules make an admin port world-open: TCP 22 (SSH), TCP 3389 or UDP 3389 (RDP) by default (config adminPorts; ${WORLD}).`,
    why: 'Remote administration ports open to the internet are scanned within minutes and brute-forced continuously; they are the most common way into a cloud instance.',
    fix: 'Remove the rule and reach the instances through AWS Systems Manager Session Manager, EC2 Instance Connect Endpoint, a VPN or a bastion restricted to known addresses. The guardrail revokes the offending rules in remediate mode.',
    precision: 'very-high',
  },
  'sg-open-high-risk-port': {
    fires: `A security group's inbound rules make a high-risk port world-open (config highRiskPorts, by default the list of AWS FSBP EC2.19: FTP, Telnet, SMTP, POP3, IMAP, SMB, SQL Server, MySQL, PostgreSQL, Elasticsearch, Kibana and others), other than an admin port (${WORLD}).`,
    why: 'Databases, file shares and clear-text protocols exposed to the internet leak data and are targeted by automated exploitation.',
    fix: 'Remove the rule and allow the port only from the security groups or private ranges of its clients. The guardrail revokes the offending rules in remediate mode.',
    precision: 'very-high',
  },
  'sg-open-unauthorized-port': {
    fires: `A security group's inbound rules make a TCP or UDP port world-open that is neither an admin nor a high-risk port nor an authorized port (config authorizedPorts, by default TCP 80 and 443; ${WORLD}).`,
    why: 'A port open to the internet that is not on the list of intentionally public services widens the attack surface beyond what was reviewed.',
    fix: 'Remove the rule, narrow its source, or add the port to authorizedPorts if serving it to the internet is intended. The guardrail revokes the offending rules in remediate mode.',
    precision: 'high',
  },
  'sg-broad-public-source': {
    fires:
      'A security group admits, on some protocol and port, a public source range of at least 2^24 IPv4 addresses (a /8) or 2^96 IPv6 addresses (a /32), without being world-open on that same port. Ports 80 and 443 are not exempt.',
    why: 'A source that large is the internet in practice: it usually comes from a mistyped prefix length (10.0.0.0/8 written as 1.0.0.0/8) or a shortcut taken instead of the real client range.',
    fix: 'Replace the source with the actual client ranges, a managed prefix list, or a security group reference. There is no automatic fix.',
    precision: 'high',
  },
  'sg-default-not-restricted': {
    fires: "A VPC's default security group has any inbound or outbound rule.",
    why: 'Resources launched without an explicit group land in the default group; rules there silently give them network access nobody chose (CIS and FSBP both ask for it to be empty).',
    fix: 'Remove every rule from the default security group and give workloads their own groups. The fix is opt-in (remediation of this rule must be enabled in the configuration).',
    precision: 'very-high',
  },
  'nacl-open-admin-port': {
    fires:
      'A network ACL lets inbound traffic from the whole internet reach an admin port after rule-number ordering; the default NACL gets no exemption, and an unassociated NACL is evaluated too. The usual cause is the inbound return range (TCP 1024-65535 from 0.0.0.0/0), which also opens TCP 3389.',
    why: 'The NACL is the subnet-wide layer under the security groups: with it open, one permissive security group is enough to expose remote administration.',
    fix: 'Add a deny entry for the admin ports from 0.0.0.0/0 and ::/0 numbered before the allow entry (denying admin ports inside the return range is the standard fix and is not punished by the return-path rule), or narrow the allow entry. The opt-in fix narrows or adds entries, keeping the VPC and naclAdminSources allowed.',
    precision: 'very-high',
  },
  'nacl-broad-public-source': {
    fires:
      'A network ACL lets inbound traffic from at least 2^24 public IPv4 addresses (or 2^96 IPv6) reach an admin port after rule-number ordering, without being world-open there (for example deny 0.0.0.0/1 numbered before allow 0.0.0.0/0).',
    why: 'Half the internet is still the internet: a partial deny in front of a world-open allow looks closed on review but is not.',
    fix: 'Deny the admin ports from 0.0.0.0/0 and ::/0 before the allow entry, or allow them only from known ranges. There is no automatic fix.',
    precision: 'high',
  },
  'nacl-ephemeral-return-blocked': {
    fires:
      'A network ACL allows a service (an allow entry for TCP, UDP or all protocols covering ports below the ephemeral range, config ephemeralPorts, default 1024-65535) but does not allow the return traffic to the same peers on the whole ephemeral range in the opposite direction; admin ports denied inside the return range are not counted against it. One finding per NACL, with the entries and blocked ports.',
    why: 'NACLs are stateless: without the return path, connections the NACL seems to allow hang or fail intermittently, depending on the source port the peer picks.',
    fix: 'Add an allow entry for the ephemeral range in the opposite direction for the peers and protocol of the service entry (admin ports may stay denied). There is no automatic fix.',
    precision: 'high',
  },
  'subnet-private-has-igw-route': {
    fires:
      'A subnet whose Name tag contains "private" (any case) uses a route table (its own or the VPC main table) with an active default route (0.0.0.0/0 or ::/0) to an internet gateway, or active internet-gateway routes that together cover the public address space (0.0.0.0/1 + 128.0.0.0/1).',
    why: 'Instances in a subnet named private are assumed unreachable; with an internet gateway route, any of them given a public address is directly on the internet.',
    fix: 'Route the subnet through a NAT gateway (IPv4) or an egress-only internet gateway (IPv6), or rename the subnet if it is meant to be public. There is no automatic fix.',
    precision: 'high',
  },
  'subnet-public-no-igw-route': {
    fires:
      'A subnet whose Name tag contains "public" (any case) has no active default route to an internet gateway.',
    why: 'Load balancers and NAT gateways placed in it cannot reach or be reached from the internet: an outage waiting to be noticed, or a naming mistake that misleads reviews.',
    fix: 'Add a default route to the VPC internet gateway in its route table, or rename the subnet. There is no automatic fix.',
    precision: 'high',
  },
  'subnet-auto-assign-public-ip': {
    fires: 'A subnet has MapPublicIpOnLaunch set to true.',
    why: 'Every instance launched into it gets a public IPv4 address by default, whether or not it was meant to be reachable.',
    fix: 'Turn off auto-assign public IPv4 on the subnet and give public addresses explicitly (Elastic IPs, load balancers). The fix is opt-in.',
    precision: 'very-high',
  },
  'nat-gateway-in-private-subnet': {
    fires:
      'A public NAT gateway (ConnectivityType public or absent) sits in a subnet without an active default route to an internet gateway.',
    why: 'Its traffic cannot leave the VPC: every private subnet routed through it has no outbound internet access.',
    fix: 'Move the NAT gateway to a public subnet, or add the internet gateway route to its subnet. There is no automatic fix.',
    precision: 'very-high',
  },
  'route-blackhole': {
    fires:
      'A route table has a route in state blackhole (its target was deleted: a NAT gateway, an interface, a peering connection, a transit gateway attachment).',
    why: 'Traffic to that destination is dropped silently; a stale route can also take effect again if a new target reuses the path.',
    fix: 'Delete the route or point it at a live target. There is no automatic fix.',
    precision: 'very-high',
  },
  'vpce-policy-full-access': {
    fires:
      'A VPC endpoint policy allows principal *, action * and resource * (the default full-access policy included); principal {"AWS":"*"} and lists holding * count as *. An endpoint without a policy document is not flagged.',
    why: 'The endpoint lets anyone in the VPC reach any account and resource of the service through it, which defeats using it to keep data inside the organization.',
    fix: 'Restrict the policy to the principals, actions and resources (or aws:PrincipalOrgID, aws:ResourceOrgID) the workloads need. There is no automatic fix.',
    precision: 'high',
  },
  'eni-internet-exposed': {
    fires:
      'A network interface is reachable from the internet, judged per address family: it has a public IPv4 (or an IPv6) address, its subnet has a default route to an internet gateway for that family, its NACL allows the port inbound and at least one return port outbound from the whole internet, and the union of its security groups is world-open on the port. Severity: critical for an admin port or every TCP port, high for a high-risk port, info for authorized ports only, else medium.',
    why: 'This is the effective exposure, what Network Access Analyzer would answer: every layer lets the internet in, so the service on that port is reachable now.',
    fix: 'Close any one layer: the security group rule (usually), the NACL entry, the internet gateway route, or the public address. The findings on the security group and NACL carry the fixes.',
    precision: 'very-high',
  },
};

const FSBP = /^FSBP EC2\.(\d+)$/;

/** The Security Hub documentation of an FSBP control, a stable AWS URL; none for CIS (behind a login). */
export function controlUrl(control: string): string | undefined {
  const number = FSBP.exec(control)?.[1];
  return number
    ? `https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-${number}`
    : undefined;
}

function severityLine(rule: RuleDefinition): string {
  return rule.meta.severity === 'by-ports' ? 'by the exposed ports' : rule.meta.severity;
}

function autoFixLine(rule: RuleDefinition): string {
  switch (rule.meta.autoFix) {
    case 'yes':
      return 'yes, in remediate mode';
    case 'opt-in':
      return 'opt-in (enable it for this rule in the configuration)';
    case 'no':
      return 'no';
  }
}

/** Prose as Markdown text: `*` in `principal *` must not start emphasis, `<` no HTML. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, '\\$&');
}

/** A rule's help as SARIF wants it: plain text and Markdown, the same content. */
export function ruleHelp(rule: RuleDefinition): { text: string; markdown: string } | undefined {
  const help = RULE_HELP[rule.meta.id];
  if (!help) return undefined;
  const controls = rule.meta.controls;
  const text = [
    `${rule.meta.title} (${rule.meta.id}).`,
    `When it fires: ${help.fires}`,
    `Why it matters: ${help.why}`,
    `How to fix: ${help.fix}`,
    `Severity: ${severityLine(rule)}. Automatic fix: ${autoFixLine(rule)}. Controls: ${
      controls.length > 0 ? controls.join(', ') : 'none'
    }.`,
  ].join('\n\n');
  const controlList = controls.map((control) => {
    const url = controlUrl(control);
    return url ? `[${control}](${url})` : control;
  });
  const markdown = [
    `**${rule.meta.title}** (\`${rule.meta.id}\`)`,
    `### When it fires\n${escapeMarkdown(help.fires)}`,
    `### Why it matters\n${escapeMarkdown(help.why)}`,
    `### How to fix\n${escapeMarkdown(help.fix)}`,
    [
      `- Severity: ${severityLine(rule)}`,
      `- Automatic fix: ${autoFixLine(rule)}`,
      `- Controls: ${controlList.length > 0 ? controlList.join(', ') : 'none'}`,
    ].join('\n'),
  ].join('\n\n');
  return { text, markdown };
}

/** A stable page about the rule, when one exists: the first FSBP control's documentation. */
export function ruleHelpUri(rule: RuleDefinition): string | undefined {
  for (const control of rule.meta.controls) {
    const url = controlUrl(control);
    if (url) return url;
  }
  return undefined;
}
