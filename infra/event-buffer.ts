import { Duration, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EventBufferProps {
  /** The function that reads the buffer. */
  consumer: lambda.IFunction;
  /** The consumer's timeout: the queue hides a message six times as long (AWS's advice for SQS sources). */
  consumerTimeout: Duration;
  /** Seconds the event source mapping waits to fill a batch (DESIGN §14: default 10; 0 for the lowest latency). */
  batchWindowSeconds?: number;
}

/**
 * The SQS buffer between the EventBridge rule and the event function (DESIGN §14): an encrypted
 * standard queue with its own dead-letter queue after a few receives, read in batches of up to 100
 * with `ReportBatchItemFailures` (only the failed account-region's messages come back).
 */
export class EventBuffer extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventBufferProps) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the event buffer; it needs none itself.',
    });
    // SSE-SQS: EventBridge can send to it without a customer key policy.
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });
    const window = props.batchWindowSeconds ?? 10;
    props.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 100,
        ...(window > 0 ? { maxBatchingWindow: Duration.seconds(window) } : {}),
        reportBatchItemFailures: true,
      }),
    );
  }
}
