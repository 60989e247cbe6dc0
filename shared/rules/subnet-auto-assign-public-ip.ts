import { defineRule, draftsOf } from './define-rule';
import { subnetFindingHead } from './subnet-common';
import type { RuleContext } from './types';

const ID = 'subnet-auto-assign-public-ip';

/**
 * A subnet that gives every new interface a public IPv4 address (`MapPublicIpOnLaunch`), FSBP
 * EC2.15. The fix turns the attribute off; it changes nothing for running instances, only for
 * launches to come, and is opt-in because public subnets of load balancers rely on it.
 */
export const subnetAutoAssignPublicIp = defineRule({
  meta: {
    id: ID,
    severity: 'medium',
    title: 'Subnet assigns public IPv4 addresses on launch',
    resourceType: 'AWS::EC2::Subnet',
    controls: ['FSBP EC2.15'],
    autoFix: 'opt-in',
    fixActions: ['ec2:ModifySubnetAttribute'],
    parameters: [],
  },
  evaluate: ({ model }: RuleContext) =>
    draftsOf(model.subnets.values(), (subnet) => {
      if (subnet.item.MapPublicIpOnLaunch !== true) return undefined;
      const label = subnet.name ? ` (${subnet.name})` : '';
      return {
        ...subnetFindingHead(ID, 'medium', subnet),
        title: `Subnet ${subnet.id}${label} assigns public IPv4 addresses on launch`,
        detail:
          `Subnet ${subnet.id}${label} has MapPublicIpOnLaunch enabled: every instance launched into it ` +
          'gets a public IPv4 address unless the launch says otherwise. Disable it and assign public ' +
          'addresses (or Elastic IPs) only where they are meant to be.',
        controls: ['FSBP EC2.15'],
        evidence: { mapPublicIpOnLaunch: true, ...(subnet.name ? { subnetName: subnet.name } : {}) },
        remediation: { action: 'disable-subnet-auto-assign-public-ip', subnetId: subnet.id },
      };
    }),
});
