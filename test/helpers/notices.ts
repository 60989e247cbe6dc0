import {
  PublishCommand,
  type PublishCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SNSClientResolvedConfig,
} from '@aws-sdk/client-sns';
import type { AwsStub } from 'aws-sdk-client-mock';
import { expect } from 'vitest';

export type SnsMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, SNSClientResolvedConfig>;

/**
 * Each Publish input, in order, with `Message` read as the plain text of its `default` protocol
 * (every notice is published with `MessageStructure: 'json'`: checked).
 */
export function publishedNotices(sns: SnsMock): (PublishCommandInput & { Message: string })[] {
  return sns.commandCalls(PublishCommand).map((c) => {
    const input = c.args[0].input;
    expect(input.MessageStructure).toBe('json');
    return { ...input, Message: (JSON.parse(input.Message ?? '{}') as { default?: string }).default ?? '' };
  });
}
