import { runCli } from '../../cli/main';
import { memoryIo } from './cli-io';
import { buildWorld, cloudTrailRecord, type WorldOptions } from './world';

/** The JSON `vpc-guardrail simulate --format json` prints (DESIGN §11), loosely typed for assertions. */
export interface SimulateJson {
  event: Record<string, unknown>;
  ignored?: string;
  scope: Record<string, unknown>;
  findings: {
    id: string;
    ruleId: string;
    resourceId: string;
    severity: string;
    suppressed?: unknown;
    evidence: Record<string, unknown>;
  }[];
  actions: { action: string; parameters: Record<string, unknown> }[];
  notification: {
    subject: string;
    message: string;
    attributes: Record<string, { DataType: string; StringValue: string }>;
  } | null;
}

/** Runs `vpc-guardrail simulate --format json` on in-memory files; fails on a non-zero exit. */
export async function simulate(
  event: unknown,
  snapshot: unknown,
  options: { mode?: 'notify' | 'remediate' | 'dry-run'; config?: Record<string, unknown> } = {},
): Promise<SimulateJson> {
  const files: Record<string, string> = {
    'event.json': JSON.stringify(event),
    'snapshot.json': JSON.stringify(snapshot),
  };
  const args = ['simulate', '--event', 'event.json', '--snapshot', 'snapshot.json', '--format', 'json'];
  if (options.mode) args.push('--mode', options.mode);
  if (options.config) {
    files['config.json'] = JSON.stringify(options.config);
    args.push('--config', 'config.json');
  }
  const { io, stdout, stderr } = memoryIo(files, new Date('2025-06-16T00:00:00Z'));
  const code = await runCli(args, io);
  if (code !== 0) throw new Error(`simulate exited ${code}: ${stderr()}`);
  return JSON.parse(stdout()) as SimulateJson;
}

/** `ruleId resourceId` of each finding, sorted. */
export function findingKeys(report: SimulateJson): string[] {
  return report.findings.map((f) => `${f.ruleId} ${f.resourceId}`).sort();
}

/** The test world of test/helpers/world.ts as a snapshot (one group sg-0web, eni-0web, subnet-0pub). */
export function worldSnapshot(options: Partial<WorldOptions> & Pick<WorldOptions, 'rules'>) {
  return buildWorld({ groupId: 'sg-0web', ...options });
}

/** A CreateNetworkAclEntry record: entry 100 of `acl` allows all traffic inbound from 0.0.0.0/0. */
export function allowAllWorldEntryRecord(acl: string) {
  return cloudTrailRecord('CreateNetworkAclEntry', {
    networkAclId: acl,
    ruleNumber: 100,
    egress: false,
    ruleAction: 'allow',
    aclProtocol: '-1',
    cidrBlock: '0.0.0.0/0',
    portRange: {},
    icmpTypeCode: {},
  });
}

/** The action a NACL fix plans for one inbound entry on one port, as `simulate` prints it. */
export function naclEntryAction(
  acl: string,
  action: 'CreateNetworkAclEntry' | 'ReplaceNetworkAclEntry',
  n: number,
  ruleAction: 'allow' | 'deny',
  protocol: string,
  port: number,
  cidr: string,
) {
  return {
    action,
    parameters: {
      NetworkAclId: acl,
      RuleNumber: n,
      Protocol: protocol,
      RuleAction: ruleAction,
      Egress: false,
      ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
      PortRange: { From: port, To: port },
    },
  };
}
