import type * as events from 'aws-cdk-lib/aws-events';
import { HANDLED_EVENT_NAMES } from '../shared/events/event-table';

/** The EventBridge pattern of the event function, generated from the event table (DESIGN §7, §10). */
export function networkChangePattern(): events.EventPattern {
  return {
    source: ['aws.ec2'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ec2.amazonaws.com'],
      eventName: [...HANDLED_EVENT_NAMES],
      // Failed calls change nothing and the handler ignores them: do not pay to invoke it.
      errorCode: [{ exists: false }],
    },
  };
}
