// The one helpers module of the test tree: import everything from here.
export * from './burst-events';
export * from './cli-io';
export * from './cloudtrail';
export * from './ec2-fixtures';
export * from './evaluate';
export * from './event-deps';
export * from './fake-ec2';
export * from './fake-ec2-http';
export * from './findings';
export * from './json-paths';
export * from './legacy-input';
export * from './notices';
export * from './region-mock';
export * from './sample-findings';
export * from './simulate';
export * from './snapshot';
export * from './world';
