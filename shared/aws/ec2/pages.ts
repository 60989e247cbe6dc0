import type { EC2Client, Filter } from '@aws-sdk/client-ec2';
import { DescribeError } from '../errors';
import type { DescribeOperation, Page } from './describe-table';

/** Reports progress after each page: the items loaded so far and the pages read. */
export type PageListener = (loaded: number, pages: number) => void;

/** Upper bound on pages of one listing: far above any real region, it stops a looping token. */
const MAX_PAGES = 100_000;

/**
 * Reads every page of a paginated call, in order. `fetchPage` gets the previous page's token
 * (undefined for the first page). A token that repeats is an error rather than an endless loop.
 */
export async function allPages<T>(
  fetchPage: (nextToken: string | undefined) => Promise<Page<T>>,
  onPage?: PageListener,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const page = await fetchPage(token);
    items.push(...page.items);
    onPage?.(items.length, pages);
    token = page.nextToken || undefined;
    if (token === undefined) return items;
    if (seen.has(token)) throw new Error(`pagination returned the token ${token.slice(0, 24)}… twice`);
    seen.add(token);
  }
  throw new Error(`pagination did not end after ${MAX_PAGES} pages`);
}

/** Splits values into chunks of at most `size` (EC2 filters take at most 200 values). */
export function chunks<T>(values: readonly T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** How one listing is read: its filters, page size, and who hears about each call and page. */
export interface ListingRequest {
  /** One filter of at most 200 values (callers chunk), or none for a whole-region scan. */
  filters?: Filter[];
  pageSize?: number;
  prefixListId?: string;
  targetVersion?: number;
  /** Called before each page request (the event slice counts its calls). */
  onRequest?: () => void;
  onPage?: PageListener;
}

/**
 * Reads every page of one row of the describe table. Any failure, on any page, is a
 * `DescribeError` naming the operation: a listing is read whole or not at all.
 */
export async function readListing<T>(
  ec2: EC2Client,
  row: DescribeOperation<T>,
  request: ListingRequest = {},
): Promise<T[]> {
  try {
    return await allPages((nextToken) => {
      request.onRequest?.();
      return row.page(ec2, {
        filters: request.filters,
        nextToken,
        pageSize: request.pageSize,
        ...(request.prefixListId !== undefined ? { prefixListId: request.prefixListId } : {}),
        ...(request.targetVersion !== undefined ? { targetVersion: request.targetVersion } : {}),
      });
    }, request.onPage);
  } catch (error) {
    throw new DescribeError(row.operation, error);
  }
}
