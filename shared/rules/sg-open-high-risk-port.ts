import { evaluateSgOpen } from './sg-open-common';
import type { RuleDefinition } from './types';

const ID = 'sg-open-high-risk-port';
const CONTROLS = ['FSBP EC2.19'] as const;
const TITLE = 'Security group open to the internet on a high-risk port';

/** World-open on a high-risk port (FSBP EC2.19's list) that is not an admin port. */
export const sgOpenHighRiskPort: RuleDefinition = {
  id: ID,
  severity: 'high',
  title: TITLE,
  resourceType: 'AWS::EC2::SecurityGroup',
  controls: CONTROLS,
  autoFix: 'yes',
  fixActions: ['ec2:RevokeSecurityGroupIngress'],
  parameters: ['adminPorts', 'highRiskPorts', 'worldOpenCoverage'],
  evaluate: ({ analysis }) =>
    evaluateSgOpen(
      analysis,
      {
        ruleId: ID,
        severity: 'high',
        controls: CONTROLS,
        title: TITLE,
        why: 'These ports carry databases, file transfer, mail and consoles that attackers scan for.',
      },
      (split) => (split.allTraffic ? undefined : split.highRisk),
    ),
};
