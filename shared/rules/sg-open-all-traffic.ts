import { evaluateSgOpen } from './sg-open-common';
import type { RuleDefinition } from './types';

const ID = 'sg-open-all-traffic';
const CONTROLS = ['FSBP EC2.18', 'FSBP EC2.19'] as const;
const TITLE = 'Security group open to the internet on every port';

/**
 * Every tcp port world-open (protocol -1, or 0–65535) in either family. It reports every
 * world-open port of the group, udp included, since the group then gets no other sg-open-* finding.
 */
export const sgOpenAllTraffic: RuleDefinition = {
  id: ID,
  severity: 'critical',
  title: TITLE,
  resourceType: 'AWS::EC2::SecurityGroup',
  controls: CONTROLS,
  autoFix: 'yes',
  fixActions: ['ec2:RevokeSecurityGroupIngress'],
  parameters: ['worldOpenCoverage'],
  evaluate: ({ analysis }) =>
    evaluateSgOpen(
      analysis,
      {
        ruleId: ID,
        severity: 'critical',
        controls: CONTROLS,
        title: TITLE,
        why: 'Every service the instances run is reachable from anywhere.',
      },
      (split) => (split.allTraffic ? split.world : undefined),
    ),
};
