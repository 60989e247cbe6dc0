import { somePorts, subtractPorts } from './sg-open-common';
import { sgOpenRule } from './sg-world-open';

/**
 * World-open on any other tcp/udp port (DESIGN §5): not authorized (80/443 by default), not admin,
 * not high-risk — those are the rules' above it, whether they are on or off.
 */
export const sgOpenUnauthorizedPort = sgOpenRule(
  {
    id: 'sg-open-unauthorized-port',
    severity: 'medium',
    title: 'Security group open to the internet on an unauthorized port',
    controls: ['FSBP EC2.18'],
    parameters: ['adminPorts', 'highRiskPorts', 'authorizedPorts', 'worldOpenCoverage'],
    why: 'Only authorized ports (authorizedPorts in the configuration) should face the internet.',
  },
  ({ world }, classes) => somePorts((t, f) => subtractPorts(world[t][f], classes.classed[t])),
);
