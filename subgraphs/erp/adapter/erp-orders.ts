// Writes into the ERP go through the erp subgraph (its Mutation fields kept out of the client API):
// the ERP adapter alone writes the ERP, in one transaction, once per client key. Hub workers (intake
// for confirmed drafts, order-link for requisitions) call it as the gateway calls subgraphs — signed,
// naming the caller they act for.
import type { Caller } from '../../../common/src/caller.js';
import { encodeCaller } from '../../../common/src/caller.js';
import { appError, ErrorCode, upstreamUnavailable } from '../../../common/src/errors.js';
import type { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { signRequest } from '../../../common/src/signing.js';
import { toIsoBeijing } from '../../../common/src/time.js';
import type { NewSalesOrder } from './datasource.js';

const CREATE = `mutation CreateSalesOrder($input: NewSalesOrderInput!) { createSalesOrder(input: $input) { erpOrderNo created } }`;
const RAISE = `mutation RaiseRequisitions($input: RaiseRequisitionsInput!) { raiseRequisitions(input: $input) { created requisitions { code skuCode quantity warehouseCode } } }`;

export interface RaisedRequisition {
  code: string;
  skuCode: string;
  quantity: number;
  warehouseCode: string;
}

export interface RaisedRequisitions {
  created: boolean;
  requisitions: RaisedRequisition[];
}

export class ErpOrders {
  constructor(
    private readonly erpSubgraph: LegacyHttpClient,
    /** The erp subgraph's signing key. */
    private readonly signingKey: string,
  ) {}

  async create(order: NewSalesOrder, caller: Caller): Promise<{ erpOrderNo: string; created: boolean }> {
    const input = { ...order, orderedAt: toIsoBeijing(order.orderedAt), promisedAt: toIsoBeijing(order.promisedAt) };
    return this.mutate('createSalesOrder', CREATE, { input }, caller);
  }

  /** PU_AppVouch rows, once per clientKey (see the erp subgraph's raiseRequisitions). */
  async raiseRequisitions(
    input: { clientKey: string; warehouseCode: string; requiredBy: string; memo: string; lines: { skuCode: string; quantity: number }[] },
    caller: Caller,
  ): Promise<RaisedRequisitions> {
    return this.mutate('raiseRequisitions', RAISE, { input }, caller);
  }

  private async mutate<T>(field: string, query: string, variables: Record<string, unknown>, caller: Caller): Promise<T> {
    const answer = (await this.erpSubgraph.post(
      `subgraph.${field}`,
      '',
      { query, variables },
      // The client key makes a repeat harmless, so a lost answer may be asked again.
      { idempotent: true, sign: (body, target) => signRequest(this.signingKey, { ...target, subgraph: 'erp' }, encodeCaller(caller), body) },
    )) as {
      data?: Record<string, T | null> | null;
      errors?: { message: string; extensions?: { code?: string; messageZh?: string; messageEn?: string } }[];
    };
    const done = answer.data?.[field];
    if (done) return done;
    const error = answer.errors?.[0];
    const code = error?.extensions?.code;
    // The erp subgraph's own refusals keep their code; anything else is the ERP being unavailable.
    if (code === ErrorCode.BAD_USER_INPUT || code === ErrorCode.FORBIDDEN || code === ErrorCode.CONFLICT) {
      const ext = error!.extensions!;
      throw appError(code, { zh: ext.messageZh ?? error!.message, en: ext.messageEn ?? error!.message }, { system: 'ERP' });
    }
    throw upstreamUnavailable('ERP', `${field}: ${error?.message ?? 'no answer'}`);
  }
}
