import { intersectPorts, somePorts } from './sg-open-common';
import { sgOpenRule } from './sg-world-open';

/** World-open on an admin port (tcp 22, tcp/udp 3389 by default). */
export const sgOpenAdminPort = sgOpenRule(
  {
    id: 'sg-open-admin-port',
    severity: 'critical',
    title: 'Security group open to the internet on an admin port',
    controls: ['CIS 5.2', 'CIS 5.3', 'FSBP EC2.13', 'FSBP EC2.14', 'FSBP EC2.53', 'FSBP EC2.54'],
    parameters: ['adminPorts', 'worldOpenCoverage'],
    why: 'Remote administration (SSH, RDP) must only be reachable from known ranges, a bastion or Session Manager.',
  },
  ({ world }, classes) => somePorts((t, f) => intersectPorts(world[t][f], classes.admin[t])),
);
