import { evaluateSgOpen } from './sg-open-common';
import type { RuleDefinition } from './types';

const ID = 'sg-open-unauthorized-port';
const CONTROLS = ['FSBP EC2.18'] as const;
const TITLE = 'Security group open to the internet on an unauthorized port';

/** World-open on a tcp/udp port that is neither admin, high-risk nor authorized (80/443 by default). */
export const sgOpenUnauthorizedPort: RuleDefinition = {
  id: ID,
  severity: 'medium',
  title: TITLE,
  resourceType: 'AWS::EC2::SecurityGroup',
  controls: CONTROLS,
  autoFix: 'yes',
  fixActions: ['ec2:RevokeSecurityGroupIngress'],
  parameters: ['adminPorts', 'highRiskPorts', 'authorizedPorts', 'worldOpenCoverage'],
  evaluate: ({ analysis }) =>
    evaluateSgOpen(
      analysis,
      {
        ruleId: ID,
        severity: 'medium',
        controls: CONTROLS,
        title: TITLE,
        why: 'Only authorized ports (authorizedPorts in the configuration) should face the internet.',
      },
      (split) => (split.allTraffic ? undefined : split.unauthorized),
    ),
};
