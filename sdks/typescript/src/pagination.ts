import type { Pagination } from "./types";

/** The list envelope every list operation answers with. */
export interface ListEnvelope<T> {
  data: T[];
  pagination: Pagination;
  request_id: string;
}

type FetchPage<T> = (cursor: string | undefined) => Promise<ListEnvelope<T>>;

/**
 * One page of a list. `data` and `pagination` are the server's; iterating the page with
 * `for await` yields every item of this page and of all following pages.
 *
 * @example
 * ```ts
 * const page = await client.users.list({ limit: 50 });
 * console.log(page.data.length, page.pagination.has_more);
 * for await (const user of page) console.log(user.id); // every user, page after page
 * ```
 */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly pagination: Pagination;
  readonly request_id: string;
  readonly #fetch: FetchPage<T>;

  constructor(envelope: ListEnvelope<T>, fetchPage: FetchPage<T>) {
    this.data = envelope.data;
    this.pagination = envelope.pagination;
    this.request_id = envelope.request_id;
    this.#fetch = fetchPage;
  }

  /** True when the server reported another page. */
  hasNextPage(): boolean {
    return this.pagination.has_more && typeof this.pagination.cursor === "string";
  }

  /** Fetches the following page; throws when there is none (check {@link hasNextPage}). */
  async nextPage(): Promise<Page<T>> {
    if (!this.hasNextPage()) throw new Error("No next page: pagination.has_more is false.");
    return new Page(await this.#fetch(this.pagination.cursor as string), this.#fetch);
  }

  /** This page followed by every later page. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.nextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item of this and all later pages, in order. Mind memory on large lists. */
  async all(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}

/**
 * What every `list` method returns: await it for the first {@link Page}, or iterate it directly to
 * walk every item across pages. The request starts on first use.
 *
 * @example
 * ```ts
 * for await (const key of client.apiKeys.list({ status: "active" })) console.log(key.name);
 * const first = await client.apiKeys.list({ limit: 10 });
 * ```
 */
export class PagePromise<T> implements Promise<Page<T>>, AsyncIterable<T> {
  readonly [Symbol.toStringTag] = "PagePromise";
  readonly #fetch: FetchPage<T>;
  #first: Promise<Page<T>> | undefined;

  constructor(fetchPage: FetchPage<T>) {
    this.#fetch = fetchPage;
  }

  #page(): Promise<Page<T>> {
    this.#first ??= this.#fetch(undefined).then((env) => new Page(env, this.#fetch));
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a list result is deliberately awaitable.
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#page().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.#page().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.#page().finally(onfinally);
  }

  /** Every page, starting with the first. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    yield* (await this.#page()).pages();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    yield* await this.#page();
  }

  /** Every item across all pages. */
  async all(): Promise<T[]> {
    return (await this.#page()).all();
  }
}
