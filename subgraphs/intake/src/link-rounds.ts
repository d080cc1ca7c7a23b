// A confirmed draft is answered linked and judged: intake asks order-link for a link round right after
// the ERP order exists (order-link's Mutation.runLinkRound, kept out of the client API), signed as the
// caller it acts for — as it asks the erp subgraph to create the order.
import type { Caller } from '../../../common/src/caller.js';
import { encodeCaller } from '../../../common/src/caller.js';
import type { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { signRequest } from '../../../common/src/signing.js';

const RUN = 'mutation RunLinkRound { runLinkRound }';

export class LinkRounds {
  constructor(
    private readonly orderLink: LegacyHttpClient,
    /** The order-link subgraph's signing key. */
    private readonly signingKey: string,
    /** How long a round may take before the confirmation answers without it (the poller links the order shortly). */
    private readonly timeoutMs: number,
  ) {}

  /** True when the round ran clean; false (or a failure) leaves the order to the poller's next round. */
  async run(caller: Caller): Promise<boolean> {
    const answer = (await this.orderLink.post('subgraph.runLinkRound', '', { query: RUN }, {
      // A second round is harmless: a lost answer may be asked again.
      idempotent: true,
      timeoutMs: this.timeoutMs,
      sign: (body, target) => signRequest(this.signingKey, { ...target, subgraph: 'order-link' }, encodeCaller(caller), body),
    })) as { data?: { runLinkRound?: boolean } | null };
    return answer.data?.runLinkRound === true;
  }
}
