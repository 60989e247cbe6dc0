import { intersectPorts, somePorts } from './sg-open-common';
import { sgOpenRule } from './sg-world-open';

/**
 * World-open on a high-risk port (FSBP EC2.19's list) other than an admin port (DESIGN §5): admin
 * ports are `sg-open-admin-port`'s, whether that rule is on or off.
 */
export const sgOpenHighRiskPort = sgOpenRule(
  {
    id: 'sg-open-high-risk-port',
    severity: 'high',
    title: 'Security group open to the internet on a high-risk port',
    controls: ['FSBP EC2.19'],
    parameters: ['adminPorts', 'highRiskPorts', 'worldOpenCoverage'],
    why: 'These ports carry databases, file transfer, mail and consoles that attackers scan for.',
  },
  ({ world }, classes) => somePorts((t, f) => intersectPorts(world[t][f], classes.highRiskOnly[t])),
);
