/** A region name (`eu-west-1`), as the CLI and the audit payload accept it. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** A VPC id, as the CLI and the audit payload accept it. */
export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
/** An AWS account id: exactly 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;
