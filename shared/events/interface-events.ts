import { type ExtractContext, ids, noResource, type ScopeParts } from './extract';
import { asObject, either, field, members, path, text } from './shapes';
import { exemptionOnCreate } from './tag-event';
import { IGNORE_REASONS, type Ignored } from './types';

// The interface rows of the event table (./event-table.ts).

export function interfaceEvent({ request }: ExtractContext): ScopeParts | Ignored {
  const networkInterfaceIds = ids(field(request, 'networkInterfaceId'));
  const instanceIds = ids(field(request, 'instanceId'));
  if (networkInterfaceIds.length === 0 && instanceIds.length === 0) {
    return noResource('no networkInterfaceId or instanceId in the request');
  }
  // An interface named directly is the scope; the instance is only a way to find interfaces.
  return networkInterfaceIds.length > 0 ? { networkInterfaceIds } : { instanceIds };
}

/**
 * ModifyInstanceAttribute (not in DESIGN §7's list, added: it replaces an instance's security
 * groups as ModifyNetworkInterfaceAttribute does an interface's). Only that attribute changes
 * exposure: `groupSet.items[].groupId` (the CLI's `--groups`), or the `attribute: "groupSet"` +
 * `value` form (a real record of the form: test/fixtures/cloudtrail/PROVENANCE.md). EC2 refuses it
 * for an instance with several interfaces, so the instance's interface is the scope, as an
 * interface event's (§7 "interface events → the interface"). A record naming only attributes that
 * are not the groups (instance type, user data, termination protection, source/dest check…) is
 * ignored with the attribute named; any other shape is judged, since a change of groups it spells
 * differently must not pass unseen (a silent false negative costs more than an interface's reads).
 */
export function modifyInstanceAttribute({ request }: ExtractContext): ScopeParts | Ignored {
  const instanceIds = ids(field(request, 'instanceId'));
  if (instanceIds.length === 0) return noResource('no instanceId in the request');
  const attribute = text(field(request, 'attribute'));
  const others =
    attribute !== undefined
      ? [attribute]
      : Object.keys(asObject(request) ?? {}).filter((k) => !NOT_ATTRIBUTES.has(k.toLowerCase()));
  if (others.length > 0 && others.every((a) => OTHER_ATTRIBUTES.has(a.toLowerCase()))) {
    // The guardrail working, not a record it cannot read: logged at INFO (an instance type change
    // is routine), unlike `no-resource`.
    return {
      code: IGNORE_REASONS.notExposureChange,
      reason: `ModifyInstanceAttribute changes no security group (${others.join(', ')})`,
    };
  }
  return { instanceIds };
}

/** Request keys that name no attribute. */
const NOT_ATTRIBUTES: ReadonlySet<string> = new Set(['instanceid', 'dryrun', 'value']);

/**
 * The instance attributes other than its security groups (EC2's ModifyInstanceAttribute members
 * and `attribute` values, lower case, CloudTrail's `…Set` spellings included).
 */
const OTHER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'instancetype',
  'kernel',
  'ramdisk',
  'userdata',
  'disableapitermination',
  'disableapistop',
  'instanceinitiatedshutdownbehavior',
  'rootdevicename',
  'blockdevicemapping',
  'blockdevicemappings',
  'blockdevicemappingset',
  'productcodes',
  'sourcedestcheck',
  'ebsoptimized',
  'sriovnetsupport',
  'enasupport',
  'enclaveoptions',
]);

/** CreateNetworkInterface: the interface the response names (`networkInterface.networkInterfaceId`). */
export function createNetworkInterface({
  request,
  response,
  exemptionTagKey,
}: ExtractContext): ScopeParts | Ignored {
  const networkInterfaceIds = ids(path(response, 'networkInterface', 'networkInterfaceId'));
  if (networkInterfaceIds.length === 0) {
    return noResource('no networkInterface.networkInterfaceId in the response');
  }
  const created = { 'network-interface': networkInterfaceIds };
  return { networkInterfaceIds, ...exemptionOnCreate(request, exemptionTagKey, created) };
}

/** RunInstances: the instances and their interfaces from `instancesSet`. */
export function runInstances({ request, response, exemptionTagKey }: ExtractContext): ScopeParts | Ignored {
  const instances = members(either(response, 'instancesSet', 'Instances'));
  const instanceIds = ids(...instances.map((i) => field(i, 'instanceId')));
  const networkInterfaceIds = ids(
    ...instances.flatMap((i) =>
      members(either(i, 'networkInterfaceSet', 'NetworkInterfaces')).map((n) =>
        field(n, 'networkInterfaceId'),
      ),
    ),
  );
  if (instanceIds.length === 0 && networkInterfaceIds.length === 0) {
    return noResource('no instancesSet in the response');
  }
  const created = { instance: instanceIds, 'network-interface': networkInterfaceIds };
  return { instanceIds, networkInterfaceIds, ...exemptionOnCreate(request, exemptionTagKey, created) };
}

/**
 * StartInstances (beyond DESIGN §7's list): EC2 releases an instance's own public IPv4 when it stops
 * and gives it a new one when it starts, so a stopped instance behind a world-open group exposes
 * nothing until it is started. The instances are the scope, as AssociateAddress by instance: their
 * interfaces' exposure is the news. `instancesSet.items[].instanceId` (request or response), or the
 * SDK's `InstanceIds` (a list of ids).
 */
export function startInstances({ request, response }: ExtractContext): ScopeParts | Ignored {
  const listed = (value: unknown) =>
    members(either(value, 'instancesSet', 'InstanceIds', 'StartingInstances')).map((i) =>
      typeof i === 'string' ? i : field(i, 'instanceId'),
    );
  const instanceIds = ids(...listed(request), ...listed(response));
  if (instanceIds.length === 0) return noResource('no instancesSet in the request or the response');
  return { instanceIds };
}
