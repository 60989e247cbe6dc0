import { sgOpenRule } from './sg-world-open';

/**
 * Every tcp port world-open (protocol -1, or 0–65535) in either family. It reports every
 * world-open port of the group, udp included; ranked first in its precedence group, it leaves the
 * group no port for another sg-open-* finding.
 */
export const sgOpenAllTraffic = sgOpenRule(
  {
    id: 'sg-open-all-traffic',
    severity: 'critical',
    title: 'Security group open to the internet on every port',
    controls: ['FSBP EC2.18', 'FSBP EC2.19'],
    parameters: ['worldOpenCoverage'],
    why: 'Every service the instances run is reachable from anywhere.',
  },
  ({ allTraffic, world }) => (allTraffic ? world : undefined),
);
