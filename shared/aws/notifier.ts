import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { chatFromText } from '../notify/chat';
import type { Notice } from '../notify/notice';
import { cutToSize } from '../notify/notice-body';
import { utf8Length } from '../notify/sanitize';

/** SNS's limit for one message, body and attributes together (256 KiB). */
export const SNS_MAX_MESSAGE_BYTES = 256 * 1024;
/** Kept free below the limit for what SNS may count besides body and attributes. */
const MARGIN_BYTES = 1024;

/** The text left when nothing of it fits (the chat form is a few KB: it never comes to this). */
const TOO_LONG = 'The notice exceeded the SNS size limit; see the function log.\n';

function excess(message: string, budget: number): number {
  return utf8Length(message) - budget;
}

/** The `MessageStructure: json` body: one message per protocol. */
function structured(text: string, chat: string): string {
  return JSON.stringify({ default: text, email: text, https: chat });
}

/**
 * The `Publish` input of a notice (DESIGN §8, §16): `MessageStructure: json` with the plain text
 * for `default` and `email`, and the chat JSON of Amazon Q Developer in chat applications for
 * `https`. The whole JSON string is what SNS counts, with the text twice and escaped, so the text is
 * cut (with a note) until body, subject and attributes fit the 256 KiB limit together.
 */
export function publishInput(topicArn: string, notice: Notice): PublishCommandInput {
  const chat = JSON.stringify(notice.chat ?? chatFromText(notice));
  let attributeBytes = 0;
  for (const [name, value] of Object.entries(notice.attributes)) {
    attributeBytes += utf8Length(name) + utf8Length(value.DataType) + utf8Length(value.StringValue);
  }
  const budget = SNS_MAX_MESSAGE_BYTES - MARGIN_BYTES - attributeBytes - utf8Length(notice.subject);
  let text = notice.message;
  let message = structured(text, chat);
  while (utf8Length(message) > budget && text !== TOO_LONG) {
    // Each byte cut from the text shrinks the body by at least two (two copies, escaping only adds).
    const target = utf8Length(text) - Math.ceil(excess(message, budget) / 2) - 256;
    text = target > 1024 ? cutToSize(text, target) : TOO_LONG;
    message = structured(text, chat);
  }
  return {
    TopicArn: topicArn,
    Subject: notice.subject,
    Message: message,
    MessageStructure: 'json',
    MessageAttributes: notice.attributes,
  };
}

/**
 * Publishes one notice to the topic and returns the message id. Errors propagate: the caller logs
 * the whole notice and fails the invocation, so a notice is never lost silently.
 */
export async function publishNotice(
  sns: SNSClient,
  topicArn: string,
  notice: Notice,
): Promise<string | undefined> {
  const out = await sns.send(new PublishCommand(publishInput(topicArn, notice)));
  return out.MessageId;
}
