import { PagePromise, type ListEnvelope } from "../pagination";
import type { CallInput, Transport } from "../transport";
import type { ListItem, OperationId, RequestOptions, ResponseData } from "../types";

/** Shared plumbing of every API module; holds the client's transport. */
export abstract class ApiModule {
  /** @internal */
  protected readonly _transport: Transport;

  constructor(transport: Transport) {
    this._transport = transport;
  }

  /** Calls an operation and unwraps the envelope's `data`. */
  protected async _data<Op extends OperationId>(
    op: Op,
    input: CallInput<Op>,
    options?: RequestOptions,
  ): Promise<ResponseData<Op>> {
    const body = (await this._transport.call(op, input, options)) as { data: ResponseData<Op> };
    return body.data;
  }

  /** Calls a list operation lazily; the result pages through `pagination.cursor`. */
  protected _list<Op extends OperationId>(
    op: Op,
    input: CallInput<Op>,
    options?: RequestOptions,
  ): PagePromise<ListItem<Op>> {
    return new PagePromise<ListItem<Op>>(async (cursor) => {
      const query = { ...(input.query as Record<string, unknown> | undefined) };
      if (cursor !== undefined) query.cursor = cursor;
      return (await this._transport.call(op, { ...input, query }, options)) as unknown as ListEnvelope<
        ListItem<Op>
      >;
    });
  }
}
