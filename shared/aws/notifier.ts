import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notice } from '../notify/notice';

/**
 * Publishes one notice to the topic and returns the message id. Errors propagate: the caller logs
 * the whole notice and fails the invocation, so a notice is never lost silently.
 */
export async function publishNotice(
  sns: SNSClient,
  topicArn: string,
  notice: Notice,
): Promise<string | undefined> {
  const out = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: notice.subject,
      Message: notice.message,
      MessageAttributes: notice.attributes,
    }),
  );
  return out.MessageId;
}
