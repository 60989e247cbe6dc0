import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A stateful EC2 + SNS on the loopback interface, speaking the Query/XML protocol the SDK's
// bundled clients sign and parse: enough of one VPC for the event function's security-group path
// (groups, their rules with ids, revoke by rule id with EC2's all-or-nothing NotFound), and SNS
// Publish. Reached through AWS_ENDPOINT_URL, as a user points the SDK at an emulator.

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** One ingress rule of the fake's group. */
export interface HttpRule {
  id: string;
  port: number;
  cidr: string;
}

/** What the fake saw and holds. */
export interface FakeAws {
  endpoint: string;
  /** Every request's action, in arrival order. */
  actions: string[];
  /** Revoke calls: the ids asked and whether EC2 accepted them. */
  revokes: { ids: string[]; ok: boolean }[];
  /** Published notices. */
  notices: { subject: string; message: string; attributes: Record<string, string> }[];
  /** The group's rules now. */
  rules: HttpRule[];
  close(): Promise<void>;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `Filter.N.Name` / `Filter.N.Value.M` of a Query request. */
function filters(params: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of params) {
    const name = /^Filter\.(\d+)\.Name$/.exec(key);
    if (!name) continue;
    const values = [...params.entries()]
      .filter(([k]) => k.startsWith(`Filter.${name[1]}.Value.`))
      .map(([, v]) => v);
    out.set(value, values);
  }
  return out;
}

/** What the fake does besides answering. */
export interface FakeAwsOptions {
  /** SNS answers every Publish with a 500 InternalError (the SDK retries, then gives up). */
  failPublish?: boolean;
}

/** Starts the fake with one group in one VPC holding `rules` (no interface uses it yet). */
export async function startFakeAws(
  groupId: string,
  vpcId: string,
  rules: HttpRule[],
  options: FakeAwsOptions = {},
): Promise<FakeAws> {
  const state: FakeAws = {
    endpoint: '',
    actions: [],
    revokes: [],
    notices: [],
    rules: [...rules],
    close: async () => undefined,
  };
  const ruleXml = (r: HttpRule) =>
    `<item><securityGroupRuleId>${r.id}</securityGroupRuleId><groupId>${groupId}</groupId><groupOwnerId>111122223333</groupOwnerId>` +
    `<isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>${r.port}</fromPort><toPort>${r.port}</toPort>` +
    `<cidrIpv4>${r.cidr}</cidrIpv4></item>`;
  const permissionXml = (r: HttpRule) =>
    `<item><ipProtocol>tcp</ipProtocol><fromPort>${r.port}</fromPort><toPort>${r.port}</toPort><groups/>` +
    `<ipRanges><item><cidrIp>${r.cidr}</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>`;

  const ec2 = (action: string, params: URLSearchParams): { status: number; body: string } => {
    const f = filters(params);
    const ok = (inner: string) => ({
      status: 200,
      body: `<${action}Response xmlns="${EC2_XMLNS}"><requestId>r-1</requestId>${inner}</${action}Response>`,
    });
    const ours = (name: string) => (f.get(name) ?? []).includes(groupId);
    switch (action) {
      case 'DescribeSecurityGroups':
        return ok(
          `<securityGroupInfo>${
            ours('group-id')
              ? `<item><ownerId>111122223333</ownerId><groupId>${groupId}</groupId><groupName>tf-web</groupName>` +
                `<groupDescription>managed by terraform</groupDescription><vpcId>${vpcId}</vpcId>` +
                `<ipPermissions>${state.rules.map(permissionXml).join('')}</ipPermissions><ipPermissionsEgress/></item>`
              : ''
          }</securityGroupInfo>`,
        );
      case 'DescribeSecurityGroupRules': {
        const byId = f.get('security-group-rule-id');
        const shown = byId
          ? state.rules.filter((r) => byId.includes(r.id))
          : ours('group-id')
            ? state.rules
            : [];
        return ok(`<securityGroupRuleSet>${shown.map(ruleXml).join('')}</securityGroupRuleSet>`);
      }
      case 'DescribeNetworkInterfaces':
        return ok('<networkInterfaceSet/>');
      case 'DescribeRouteTables':
        return ok('<routeTableSet/>');
      case 'DescribeNetworkAcls':
        return ok('<networkAclSet/>');
      case 'RevokeSecurityGroupIngress': {
        const ids = [...params.entries()]
          .filter(([k]) => k.startsWith('SecurityGroupRuleId.'))
          .map(([, v]) => v);
        const present = ids.filter((id) => state.rules.some((r) => r.id === id));
        const accepted = params.get('GroupId') === groupId && ids.length > 0 && present.length === ids.length;
        state.revokes.push({ ids, ok: accepted });
        if (!accepted) {
          return {
            status: 400,
            body: `<Response><Errors><Error><Code>InvalidSecurityGroupRuleId.NotFound</Code><Message>The security group rule IDs '${ids.join(
              ',',
            )}' do not exist</Message></Error></Errors><RequestID>r</RequestID></Response>`,
          };
        }
        state.rules = state.rules.filter((r) => !ids.includes(r.id));
        return ok('<return>true</return>');
      }
      default:
        return {
          status: 400,
          body: `<Response><Errors><Error><Code>InvalidAction</Code><Message>${xmlEscape(action)}</Message></Error></Errors><RequestID>r</RequestID></Response>`,
        };
    }
  };

  const sns = (params: URLSearchParams): { status: number; body: string } => {
    if (options.failPublish) {
      return {
        status: 500,
        body: `<ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>try again</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      };
    }
    const attributes: Record<string, string> = {};
    for (const [key, value] of params) {
      const m = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
      if (m) attributes[value] = params.get(`MessageAttributes.entry.${m[1]}.Value.StringValue`) ?? '';
    }
    state.notices.push({
      subject: params.get('Subject') ?? '',
      message: params.get('Message') ?? '',
      attributes,
    });
    return {
      status: 200,
      body: `<PublishResponse xmlns="${SNS_XMLNS}"><PublishResult><MessageId>m-${state.notices.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
    };
  };

  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      state.actions.push(action);
      const answer = action === 'Publish' ? sns(params) : ec2(action, params);
      response.statusCode = answer.status;
      response.setHeader('content-type', 'text/xml;charset=UTF-8');
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
