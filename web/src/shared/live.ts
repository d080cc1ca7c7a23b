// Keeping a page current: the one place that knows how. Where the graph has a subscription for what
// the page shows (an order: `orderUpdated`), the page listens over SSE (graphql-sse) and asks the
// graph again on each event — sending the registered document's hash, like every other operation.
// Where it has none (the list of "my orders"), or while the subscription is not available (an older
// gateway, the connection lost and being retried), it asks again every few seconds while visible.
import { onMounted, onUnmounted, ref, watch, type Ref } from 'vue';
import { createClient, type Client } from 'graphql-sse';
import { OrderChangedDocument } from '../gql/graphql';
import { GRAPHQL_URL } from './graph';
import { currentSession } from './session';

export interface LiveOptions {
  /** What to watch: an order's number, or null for "my orders" as a whole (no subscription: polled). */
  orderId: Ref<string | null>;
  /** Asks the graph again (network only). */
  refresh: () => void;
  /** How often while polling. */
  everyMs?: number;
  /** Paused while false (e.g. nothing loaded yet). */
  active?: Ref<boolean>;
}

export const POLL_MS = 5_000;

const hashOf = (document: unknown) => String((document as { __meta__?: { hash?: string } }).__meta__?.hash ?? '').replace(/^sha256:/, '');

export function useLiveUpdates(options: LiveOptions): { lastChecked: Ref<Date | null>; live: Ref<boolean> } {
  const lastChecked = ref<Date | null>(null);
  /** True while events arrive by subscription (no polling then). */
  const live = ref(false);
  let timer: ReturnType<typeof setInterval> | undefined;
  let client: Client | null = null;
  let unsubscribe: (() => void) | null = null;
  const tick = () => {
    if (live.value || document.visibilityState !== 'visible' || options.active?.value === false) return;
    lastChecked.value = new Date();
    options.refresh();
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') tick();
  };
  const stopListening = () => {
    unsubscribe?.();
    unsubscribe = null;
    client?.dispose();
    client = null;
    live.value = false;
  };
  const listen = (number: string) => {
    const session = currentSession();
    if (!session) return;
    client = createClient({ url: GRAPHQL_URL, headers: () => ({ authorization: `Bearer ${session.token}` }), retryAttempts: 5 });
    live.value = true;
    unsubscribe = client.subscribe(
      // The gateway runs the registered text for the hash (trusted documents), as for a query.
      { query: '', variables: { number }, extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(OrderChangedDocument) } } },
      {
        next: () => {
          lastChecked.value = new Date();
          options.refresh();
        },
        // Not available (or ended: token expired, order gone): back to asking on a timer.
        error: () => {
          live.value = false;
        },
        complete: () => {
          live.value = false;
        },
      },
    );
  };
  const restart = () => {
    clearInterval(timer);
    stopListening();
    if (options.orderId.value) listen(options.orderId.value);
    timer = setInterval(tick, options.everyMs ?? POLL_MS);
  };
  onMounted(() => {
    restart();
    document.addEventListener('visibilitychange', onVisibility);
  });
  // Another order: listen to it instead, and start its clock afresh.
  watch(options.orderId, restart);
  onUnmounted(() => {
    clearInterval(timer);
    stopListening();
    document.removeEventListener('visibilitychange', onVisibility);
  });
  return { lastChecked, live };
}
