import { evaluateSgOpen } from './sg-open-common';
import type { RuleDefinition } from './types';

const ID = 'sg-open-admin-port';
const CONTROLS = ['CIS 5.2', 'CIS 5.3', 'FSBP EC2.13', 'FSBP EC2.14', 'FSBP EC2.53', 'FSBP EC2.54'] as const;
const TITLE = 'Security group open to the internet on an admin port';

/** World-open on an admin port (tcp 22, tcp/udp 3389 by default), unless all-traffic already fired. */
export const sgOpenAdminPort: RuleDefinition = {
  id: ID,
  severity: 'critical',
  title: TITLE,
  resourceType: 'AWS::EC2::SecurityGroup',
  controls: CONTROLS,
  autoFix: 'yes',
  fixActions: ['ec2:RevokeSecurityGroupIngress'],
  parameters: ['adminPorts', 'worldOpenCoverage'],
  evaluate: ({ analysis }) =>
    evaluateSgOpen(
      analysis,
      {
        ruleId: ID,
        severity: 'critical',
        controls: CONTROLS,
        title: TITLE,
        why: 'Remote administration (SSH, RDP) must only be reachable from known ranges, a bastion or Session Manager.',
      },
      (split) => (split.allTraffic ? undefined : split.admin),
    ),
};
