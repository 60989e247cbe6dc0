import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction } from '../../../../scripts/build';

// The deployed artefact, not the sources: the audit bundle (SDK schemas tree-shaken, env-only
// credentials) must still sign, send and parse real EC2 Query/XML exchanges. EC2 is a fake on the
// loopback interface, reached through AWS_ENDPOINT_URL exactly as a user would point the SDK.

const run = promisify(execFile);
const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const RESPONSES: Record<string, string> = {
  DescribeVpcs: '<vpcSet><item><vpcId>vpc-0000000a</vpcId><ownerId>111122223333</ownerId></item></vpcSet>',
  DescribeSecurityGroups:
    '<securityGroupInfo><item><ownerId>111122223333</ownerId><groupId>sg-0123</groupId><groupName>ssh</groupName>' +
    '<groupDescription>ssh</groupDescription><vpcId>vpc-0000000a</vpcId><ipPermissions><item><ipProtocol>tcp</ipProtocol>' +
    '<fromPort>22</fromPort><toPort>22</toPort><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>' +
    '<ipv6Ranges/><prefixListIds/></item></ipPermissions><ipPermissionsEgress/></item></securityGroupInfo>',
  DescribeSecurityGroupRules:
    '<securityGroupRuleSet><item><securityGroupRuleId>sgr-0123</securityGroupRuleId><groupId>sg-0123</groupId>' +
    '<isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>' +
    '<cidrIpv4>0.0.0.0/0</cidrIpv4></item></securityGroupRuleSet>',
  DescribeSubnets: '<subnetSet/>',
  DescribeNetworkAcls: '<networkAclSet/>',
  DescribeRouteTables: '<routeTableSet/>',
  DescribeInternetGateways: '<internetGatewaySet/>',
  DescribeNatGateways: '<natGatewaySet/>',
  DescribeVpcEndpoints: '<vpcEndpointSet/>',
  DescribeNetworkInterfaces: '<networkInterfaceSet/>',
  DescribeManagedPrefixLists: '<prefixListSet/>',
};

let outdir = '';
let server: Server;
let endpoint = '';
const seen: { action: string; signed: boolean }[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'vpc-guardrail-dist-'));
  await buildFunction('audit', outdir);
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const action = new URLSearchParams(body).get('Action') ?? '';
      seen.push({
        action,
        signed: String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256'),
      });
      const inner = RESPONSES[action];
      response.setHeader('content-type', 'text/xml;charset=UTF-8');
      if (inner === undefined) {
        response.statusCode = 400;
        response.end(
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors><RequestID>r</RequestID></Response>`,
        );
        return;
      }
      response.end(
        `<${action}Response xmlns="${XMLNS}"><requestId>r-1</requestId>${inner}</${action}Response>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(outdir, { recursive: true, force: true });
});

describe('the audit bundle', () => {
  it('audits a region through the SDK it bundles, signed with the environment credentials', async () => {
    // Prepare
    const bundle = pathToFileURL(join(outdir, 'functions', 'audit', 'index.mjs')).href;
    const driver = `
      const { handler } = await import(${JSON.stringify(bundle)});
      const context = { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:audit', awsRequestId: 'r',
        functionName: 'audit', functionVersion: '1', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 60000 };
      const result = await handler({ vpcIds: ['vpc-0000000a'] }, context);
      process.stdout.write(JSON.stringify(result));`;

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', driver], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example-secret',
        AWS_SESSION_TOKEN: 'example-token',
        VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:vpc-guardrail',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });

    // Assess
    const result = JSON.parse(stdout) as {
      findings: { ruleId: string; resourceId: string; evidence: unknown }[];
    };
    expect(result.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'sg-open-admin-port', resourceId: 'sg-0123' }),
    );
    expect(JSON.stringify(result.findings)).toContain('sgr-0123');
    expect(seen.length).toBeGreaterThanOrEqual(11);
    expect(seen.every((request) => request.signed)).toBe(true);
    expect(seen.filter((request) => !RESPONSES[request.action])).toEqual([]);
  }, 60_000);
});
