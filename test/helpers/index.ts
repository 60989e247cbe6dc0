// The one helpers module of the test tree: import everything from here.
export * from './cli-io';
export * from './cloudtrail';
export * from './ec2-fixtures';
export * from './evaluate';
export * from './fake-ec2';
export * from './findings';
export * from './sample-findings';
export * from './simulate';
export * from './snapshot';
export * from './world';
