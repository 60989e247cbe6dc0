import { type ExtractContext, ids, noResource, overLongId, type ScopeParts } from './extract';
import {
  createNetworkInterface,
  interfaceEvent,
  modifyInstanceAttribute,
  runInstances,
  startInstances,
} from './interface-events';
import { requestedNaclEntry } from './nacl-entry';
import { managedPrefixListChange } from './prefix-list-events';
import {
  createNatGateway,
  createSubnet,
  createVpc,
  createVpcEndpoint,
  modifySubnetAttribute,
  modifyVpcEndpoint,
} from './resource-events';
import {
  asObject,
  distinct,
  either,
  field,
  members,
  num,
  path,
  text,
  unwrapRequest,
  unwrapResponse,
} from './shapes';
import { exemptionOnCreate, tagEvent } from './tag-event';
import { type AddedRule, type EventArea, type EventScope, IGNORE_REASONS, type Ignored } from './types';

/** One row of the event table. */
export interface EventDefinition {
  area: EventArea;
  /**
   * The created resources' ids are only in the response: a successful call whose record names none
   * (the response left out) is "could not evaluate", not an ignored event (DESIGN §8 "Safety").
   */
  creates?: true;
  /** The resources the event touches, or why there is nothing to evaluate. */
  extract(context: ExtractContext): ScopeParts | Ignored;
}

// --- security groups -------------------------------------------------------------------------

/** Rules of `responseElements.securityGroupRuleSet` (absent before rule ids existed). */
function ruleSet(response: unknown): IdentifiedRule[] {
  const out: IdentifiedRule[] = [];
  for (const item of members(either(response, 'securityGroupRuleSet', 'SecurityGroupRules'))) {
    const ruleId = text(field(item, 'securityGroupRuleId'));
    const groupId = text(field(item, 'groupId'));
    if (!ruleId || !groupId) continue;
    const egress = field(item, 'isEgress') === true || field(item, 'isEgress') === 'true';
    const rule: IdentifiedRule = { ruleId, ...ruleBase(groupId, egress, item, CAMEL) };
    const cidrIpv4 = text(field(item, 'cidrIpv4'));
    const cidrIpv6 = text(field(item, 'cidrIpv6'));
    const prefixListId = text(field(item, 'prefixListId'));
    const referencedGroupId = text(path(item, 'referencedGroupInfo', 'groupId'));
    if (cidrIpv4) rule.cidrIpv4 = cidrIpv4;
    if (cidrIpv6) rule.cidrIpv6 = cidrIpv6;
    if (prefixListId) rule.prefixListId = prefixListId;
    if (referencedGroupId) rule.referencedGroupId = referencedGroupId;
    out.push(rule);
  }
  return out;
}

type IdentifiedRule = AddedRule & { ruleId: string };

/** The field names of a rule's protocol and ports: CloudTrail's camelCase, or an API's PascalCase. */
const CAMEL = ['ipProtocol', 'fromPort', 'toPort'] as const;
const PASCAL = ['IpProtocol', 'FromPort', 'ToPort'] as const;

/** A rule of `groupId` with the protocol (`-1` when absent) and ports `item` spells with `names`. */
function ruleBase(
  groupId: string,
  egress: boolean,
  item: unknown,
  names: typeof CAMEL | typeof PASCAL,
): AddedRule {
  const rule: AddedRule = { groupId, egress, ipProtocol: text(field(item, names[0])) ?? '-1' };
  const fromPort = num(field(item, names[1]));
  const toPort = num(field(item, names[2]));
  if (fromPort !== undefined) rule.fromPort = fromPort;
  if (toPort !== undefined) rule.toPort = toPort;
  return rule;
}

/**
 * The CIDR and prefix-list rules an Authorize call asked for, read from its request: what a record
 * from before rule ids (`{"_return": true}`) says it added. Without them a redelivery could not
 * report the world rule it added as "already removed" (DESIGN §8 "Order and retries"). Structured
 * `ipPermissions.items[]` and the legacy flat form (`cidrIp`, `ipProtocol`, `fromPort` at the top).
 */
function requestedRules(request: unknown, groupId: string, egress: boolean): AddedRule[] {
  const permissions = members(field(request, 'ipPermissions'));
  const flat = text(field(request, 'cidrIp')) !== undefined ? [request] : [];
  const out: AddedRule[] = [];
  for (const permission of [...permissions, ...flat]) {
    const base = ruleBase(groupId, egress, permission, CAMEL);
    const v4 = [
      ...members(field(permission, 'ipRanges')).map((r) => text(field(r, 'cidrIp'))),
      permission === request ? text(field(request, 'cidrIp')) : undefined,
    ];
    const v6 = members(field(permission, 'ipv6Ranges')).map((r) => text(field(r, 'cidrIpv6')));
    const lists = members(field(permission, 'prefixListIds')).map((r) => text(field(r, 'prefixListId')));
    for (const cidrIpv4 of distinct(v4)) out.push({ ...base, cidrIpv4 });
    for (const cidrIpv6 of distinct(v6)) out.push({ ...base, cidrIpv6 });
    for (const prefixListId of distinct(lists)) out.push({ ...base, prefixListId });
  }
  return out;
}

/**
 * The rules a record from before rule ids asked for, of the group it names by id, or only by name
 * (default VPC): then `groupName` stands for the group until the slice resolves it.
 */
function requestedOf(request: unknown, name: string | undefined, egress: boolean): AddedRule[] {
  const groupId = text(field(request, 'groupId'));
  if (groupId !== undefined) return requestedRules(request, groupId, egress);
  if (name === undefined) return [];
  return requestedRules(request, '', egress).map((rule) => ({ ...rule, groupName: name }));
}

/**
 * Authorize/Revoke Ingress/Egress: the group by id (structured or legacy flat form), by the rule
 * set's group ids, or by name (default VPC, CloudFormation) when no id is anywhere.
 */
function securityGroupRuleChange({ eventName, request, response }: ExtractContext): ScopeParts | Ignored {
  const identified = ruleSet(response);
  const securityGroupIds = ids(field(request, 'groupId'), ...identified.map((r) => r.groupId));
  const name = text(field(request, 'groupName'));
  if (securityGroupIds.length === 0 && !name) return noResource('no groupId or groupName in the request');
  const authorize = eventName.startsWith('Authorize');
  const added: AddedRule[] =
    identified.length > 0 || !authorize
      ? identified
      : requestedOf(request, name, eventName.endsWith('Egress'));
  return {
    securityGroupIds,
    securityGroupNames: securityGroupIds.length === 0 && name ? [name] : [],
    securityGroupRuleIds: identified.map((r) => r.ruleId),
    addedRules: added,
  };
}

/**
 * ModifySecurityGroupRules: `ModifySecurityGroupRulesRequest.{GroupId, SecurityGroupRule[]}`, each
 * `{SecurityGroupRuleId, SecurityGroupRule: {IpProtocol, FromPort, ToPort, CidrIpv4 | …}}`. The rules
 * as modified count as added (a retry reports one found gone as "already removed"); the request
 * names no direction, and only ingress rules can be that news, so they are read as ingress (an
 * egress rule still there is found by its id, so it is never reported gone; one deleted since is,
 * and the notice then says the record names no direction, `directionUnknown`).
 */
function modifySecurityGroupRules({ request }: ExtractContext): ScopeParts | Ignored {
  const securityGroupIds = ids(field(request, 'GroupId'));
  const groupId = securityGroupIds[0];
  if (groupId === undefined) return noResource('no GroupId in ModifySecurityGroupRulesRequest');
  // CloudTrail writes the Query name `SecurityGroupRule`; the API's (and boto3's) `SecurityGroupRules`
  // is read too, so a record built from SDK parameters still names its rules.
  const changes = members(either(request, 'SecurityGroupRule', 'SecurityGroupRules'));
  const addedRules: AddedRule[] = [];
  for (const change of changes) {
    const ruleId = text(field(change, 'SecurityGroupRuleId'));
    const rule = asObject(field(change, 'SecurityGroupRule'));
    if (ruleId === undefined || rule === undefined) continue;
    const added: AddedRule = { ruleId, ...ruleBase(groupId, false, rule, PASCAL), directionUnknown: true };
    const cidrIpv4 = text(field(rule, 'CidrIpv4'));
    const cidrIpv6 = text(field(rule, 'CidrIpv6'));
    const prefixListId = text(field(rule, 'PrefixListId'));
    const referencedGroupId = text(field(rule, 'ReferencedGroupId'));
    if (cidrIpv4) added.cidrIpv4 = cidrIpv4;
    if (cidrIpv6) added.cidrIpv6 = cidrIpv6;
    if (prefixListId) added.prefixListId = prefixListId;
    if (referencedGroupId) added.referencedGroupId = referencedGroupId;
    addedRules.push(added);
  }
  const ruleIds = ids(...changes.map((r) => field(r, 'SecurityGroupRuleId')));
  return { securityGroupIds, securityGroupRuleIds: ruleIds, addedRules };
}

/** CreateSecurityGroup: the new id is only in the response; else look it up by name in its VPC. */
function createSecurityGroup({ request, response, exemptionTagKey }: ExtractContext): ScopeParts | Ignored {
  const securityGroupIds = ids(field(response, 'groupId'));
  const name = text(field(request, 'groupName'));
  const vpcIds = ids(field(request, 'vpcId'));
  if (securityGroupIds.length > 0) {
    const tagged = exemptionOnCreate(request, exemptionTagKey, { 'security-group': securityGroupIds });
    return { securityGroupIds, vpcIds, ...tagged };
  }
  if (name) {
    // An exemption given at creation is told as with an id; the id comes from the slice (pipeline).
    const { exemption } = exemptionOnCreate(request, exemptionTagKey, { 'security-group': [name] });
    return {
      securityGroupNames: [name],
      vpcIds,
      ...(exemption ? { exemption: { ...exemption, resourceIds: [], groupName: name } } : {}),
    };
  }
  return noResource('no groupId in the response and no groupName in the request');
}

// --- network ACLs ------------------------------------------------------------------------------

function createNetworkAcl({ request, response, exemptionTagKey }: ExtractContext): ScopeParts | Ignored {
  const networkAclIds = ids(path(response, 'networkAcl', 'networkAclId'));
  if (networkAclIds.length === 0) return noResource('no networkAcl.networkAclId in the response');
  return {
    networkAclIds,
    vpcIds: ids(field(request, 'vpcId'), path(response, 'networkAcl', 'vpcId')),
    ...exemptionOnCreate(request, exemptionTagKey, { 'network-acl': networkAclIds }),
  };
}

/** Create/Replace/DeleteNetworkAclEntry: the NACL; the entry written, when the call wrote one. */
function networkAclEntry({ eventName, request }: ExtractContext): ScopeParts | Ignored {
  const networkAclIds = ids(field(request, 'networkAclId'));
  const networkAclId = networkAclIds[0];
  if (networkAclId === undefined) return noResource('no networkAclId in the request');
  const written =
    eventName === 'DeleteNetworkAclEntry' ? undefined : requestedNaclEntry(request, networkAclId);
  return { networkAclIds, addedNaclEntries: written ? [written] : [] };
}

function replaceNetworkAclAssociation({ request, response }: ExtractContext): ScopeParts | Ignored {
  const networkAclIds = ids(field(request, 'networkAclId'));
  if (networkAclIds.length === 0) return noResource('no networkAclId in the request');
  return {
    networkAclIds,
    networkAclAssociationIds: ids(field(response, 'newAssociationId'), field(request, 'associationId')),
  };
}

// --- routes ------------------------------------------------------------------------------------

function routeTableEvent({ request }: ExtractContext): ScopeParts | Ignored {
  const routeTableIds = ids(field(request, 'routeTableId'));
  if (routeTableIds.length === 0) return noResource('no routeTableId in the request');
  return { routeTableIds, subnetIds: ids(field(request, 'subnetId')) };
}

/**
 * DisassociateRouteTable (beyond §7's list, added: the subnet falls back to its VPC's main table,
 * which may route to an igw-). The record names only the association (`associationId`; the
 * response is `{requestId, _return}`), and the association is gone once the call succeeded: neither
 * the subnet nor the VPC can be read back. So the scope is what the subnet can have fallen back to:
 * the region's main route tables that route to an internet gateway, and the subnets using them
 * (the route-event scope of §7) — a main table that routes nowhere exposes nothing.
 */
function disassociateRouteTable({ request }: ExtractContext): ScopeParts | Ignored {
  if (ids(field(request, 'associationId')).length === 0) return noResource('no associationId in the request');
  return { mainRouteTables: true };
}

function createRouteTable({ request, response, exemptionTagKey }: ExtractContext): ScopeParts | Ignored {
  const routeTableIds = ids(path(response, 'routeTable', 'routeTableId'));
  if (routeTableIds.length === 0) return noResource('no routeTable.routeTableId in the response');
  return {
    routeTableIds,
    vpcIds: ids(field(request, 'vpcId'), path(response, 'routeTable', 'vpcId')),
    ...exemptionOnCreate(request, exemptionTagKey, { 'route-table': routeTableIds }),
  };
}

function attachInternetGateway({ request }: ExtractContext): ScopeParts | Ignored {
  const internetGatewayIds = ids(field(request, 'internetGatewayId'));
  const vpcIds = ids(field(request, 'vpcId'));
  if (internetGatewayIds.length === 0 || vpcIds.length === 0) {
    return noResource('no internetGatewayId and vpcId in the request');
  }
  return { internetGatewayIds, vpcIds };
}

/**
 * The event table (DESIGN §7): every handled CloudTrail event name, its area, and how to read the
 * resources it touches from every shape seen. The EventBridge pattern is generated from its keys.
 */
export const EVENT_TABLE = {
  AuthorizeSecurityGroupIngress: { area: 'security-group', extract: securityGroupRuleChange },
  AuthorizeSecurityGroupEgress: { area: 'security-group', extract: securityGroupRuleChange },
  RevokeSecurityGroupIngress: { area: 'security-group', extract: securityGroupRuleChange },
  RevokeSecurityGroupEgress: { area: 'security-group', extract: securityGroupRuleChange },
  ModifySecurityGroupRules: { area: 'security-group', extract: modifySecurityGroupRules },
  CreateSecurityGroup: { area: 'security-group', creates: true, extract: createSecurityGroup },
  ModifyNetworkInterfaceAttribute: { area: 'network-interface', extract: interfaceEvent },
  AssociateAddress: { area: 'network-interface', extract: interfaceEvent },
  AttachNetworkInterface: { area: 'network-interface', extract: interfaceEvent },
  RunInstances: { area: 'network-interface', creates: true, extract: runInstances },
  // Beyond §7's list: how AWS services (ECS/Fargate, Lambda, ELB, EKS) put an interface into a
  // subnet, attached with no AttachNetworkInterface in the account: RunInstances' twin for them.
  CreateNetworkInterface: { area: 'network-interface', creates: true, extract: createNetworkInterface },
  // Beyond §7's list: a started instance gets a new public IPv4 (see startInstances).
  StartInstances: { area: 'network-interface', extract: startInstances },
  // Beyond §7's "at least" list: a change of groups by instance (see modifyInstanceAttribute).
  ModifyInstanceAttribute: { area: 'network-interface', extract: modifyInstanceAttribute },
  // Beyond §7's list: an IPv6 address given to an interface is its IPv6 exposure, as an Elastic IP
  // (AssociateAddress) is its IPv4 one; the record names the interface (`networkInterfaceId`).
  AssignIpv6Addresses: { area: 'network-interface', extract: interfaceEvent },
  CreateNetworkAcl: { area: 'network-acl', creates: true, extract: createNetworkAcl },
  CreateNetworkAclEntry: { area: 'network-acl', extract: networkAclEntry },
  ReplaceNetworkAclEntry: { area: 'network-acl', extract: networkAclEntry },
  DeleteNetworkAclEntry: { area: 'network-acl', extract: networkAclEntry },
  ReplaceNetworkAclAssociation: { area: 'network-acl', extract: replaceNetworkAclAssociation },
  CreateRoute: { area: 'route', extract: routeTableEvent },
  ReplaceRoute: { area: 'route', extract: routeTableEvent },
  DeleteRoute: { area: 'route', extract: routeTableEvent },
  CreateRouteTable: { area: 'route', creates: true, extract: createRouteTable },
  AssociateRouteTable: { area: 'route', extract: routeTableEvent },
  // Beyond §7's "at least" list: a subnet falls back to its VPC's main table (see above).
  DisassociateRouteTable: { area: 'route', extract: disassociateRouteTable },
  ReplaceRouteTableAssociation: { area: 'route', extract: routeTableEvent },
  AttachInternetGateway: { area: 'route', extract: attachInternetGateway },
  // Beyond §7's list: the routes to the gateway turn `blackhole` (route-blackhole, and public subnets
  // left without an internet route); same request (`internetGatewayId`, `vpcId`), same scope.
  DetachInternetGateway: { area: 'route', extract: attachInternetGateway },
  // Beyond §7's list: a VPC comes with a default group and NACL the rules judge (see createVpc).
  CreateVpc: { area: 'vpc', creates: true, extract: createVpc },
  CreateDefaultVpc: { area: 'vpc', creates: true, extract: createVpc },
  CreateSubnet: { area: 'subnet', creates: true, extract: createSubnet },
  // Beyond §7's list: EC2 makes a default subnet with MapPublicIpOnLaunch true (FSBP EC2.15), the
  // change ModifySubnetAttribute would make; the result is `subnet` as CreateSubnet's.
  CreateDefaultSubnet: { area: 'subnet', creates: true, extract: createSubnet },
  ModifySubnetAttribute: { area: 'subnet', extract: modifySubnetAttribute },
  CreateNatGateway: { area: 'nat-gateway', creates: true, extract: createNatGateway },
  CreateVpcEndpoint: { area: 'vpc-endpoint', creates: true, extract: createVpcEndpoint },
  ModifyVpcEndpoint: { area: 'vpc-endpoint', extract: modifyVpcEndpoint },
  // Beyond §7's list: a list's entries are what the rules and routes naming it permit (see above).
  ModifyManagedPrefixList: { area: 'prefix-list', extract: managedPrefixListChange },
  RestoreManagedPrefixListVersion: { area: 'prefix-list', extract: managedPrefixListChange },
  CreateTags: { area: 'exemption', extract: tagEvent('set') },
  DeleteTags: { area: 'exemption', extract: tagEvent('removed') },
} as const satisfies Record<string, EventDefinition>;

export type HandledEventName = keyof typeof EVENT_TABLE;

/** Every handled event name, sorted (the EventBridge rule's `detail.eventName` list). */
export const HANDLED_EVENT_NAMES: readonly HandledEventName[] = (
  Object.keys(EVENT_TABLE) as HandledEventName[]
).sort();

/** The table row of an event name, if it is handled. */
export function eventDefinition(eventName: string): EventDefinition | undefined {
  return Object.hasOwn(EVENT_TABLE, eventName) ? EVENT_TABLE[eventName as HandledEventName] : undefined;
}

/** An empty scope of an area. */
export function emptyScope(eventName: string, area: EventArea): EventScope {
  return {
    eventName,
    area,
    securityGroupIds: [],
    securityGroupNames: [],
    securityGroupRuleIds: [],
    addedRules: [],
    addedNaclEntries: [],
    networkAclIds: [],
    networkAclAssociationIds: [],
    subnetIds: [],
    routeTableIds: [],
    internetGatewayIds: [],
    vpcIds: [],
    natGatewayIds: [],
    vpcEndpointIds: [],
    networkInterfaceIds: [],
    instanceIds: [],
    prefixListIds: [],
    addedPrefixListEntries: [],
    removedPrefixListEntries: [],
    restoredPrefixListVersions: [],
    newVpcIds: [],
  };
}

const CUT_REQUEST =
  "the record's requestParameters are cut (CloudTrail truncates a field over its size limit, 100 KB) and do not name what the call changed";

/** Reads the scope of an event with the table: the resources it touches, or why it is ignored. */
export function scopeFromEvent(
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown,
  exemptionTagKey: string,
): EventScope | Ignored {
  const definition = eventDefinition(eventName);
  if (!definition) {
    return { code: IGNORE_REASONS.unknownEvent, reason: `event ${eventName} is not in the event table` };
  }
  const parts = definition.extract({
    eventName,
    request: unwrapRequest(requestParameters, eventName),
    response: unwrapResponse(responseElements, eventName),
    exemptionTagKey,
  });
  if (isIgnored(parts)) {
    const missing = requestParameters === undefined || requestParameters === null;
    // Cut: CloudTrail marks a truncated field `omitted: true`; a value that is no object at all
    // is no request EC2 took either.
    const request = asObject(requestParameters);
    const omitted = field(request, 'omitted');
    const cut = !missing && (request === undefined || omitted === true || omitted === 'true');
    // Any other ignore ("not the exemption tag", "changes no security group") read the request: of
    // a cut one it read only what was left, and the part cut away may hold the exemption tag or the
    // groups (DESIGN §8 Safety: told, not dropped).
    if (parts.code !== IGNORE_REASONS.noResource) {
      if (!cut) return parts;
      return {
        ...emptyScope(eventName, definition.area),
        unreadable: `${CUT_REQUEST} (what is left of them reads: ${parts.reason})`,
      };
    }
    // A call that succeeded (failed ones are ignored before) and whose parameters CloudTrail left
    // out (over its 100 KB field limit: a large Authorize, its rule set with it) changed something
    // that cannot be named: told, not dropped — a silent false negative otherwise.
    if (missing) {
      return {
        ...emptyScope(eventName, definition.area),
        unreadable: `the record has no requestParameters (CloudTrail leaves out a field over its size limit, 100 KB) and does not name what the call changed (${parts.reason})`,
      };
    }
    if (cut) {
      return { ...emptyScope(eventName, definition.area), unreadable: `${CUT_REQUEST} (${parts.reason})` };
    }
    // A call that succeeded created something: told, not dropped.
    if (!('creates' in definition)) return parts;
    const dropped = responseElements === undefined || responseElements === null;
    return {
      ...emptyScope(eventName, definition.area),
      unreadable: dropped
        ? 'the record has no responseElements (CloudTrail leaves out a field over its size limit, as a large RunInstances response)'
        : `the record does not name what the call created (${parts.reason})`,
    };
  }
  return overLongId(parts) ?? { ...emptyScope(eventName, definition.area), ...parts };
}

/** Type guard for an extractor's "nothing to evaluate". */
export function isIgnored(value: unknown): value is Ignored {
  const object = asObject(value);
  return object !== undefined && typeof object.code === 'string' && typeof object.reason === 'string';
}
