// Keeping a page current: the one place that knows how. Where the graph has a subscription for what
// the page shows (an order: `orderUpdated`), the page listens over SSE (graphql-sse) and asks the
// graph again on each event — sending the registered document's hash, like every other operation.
// Where it has none (the list of "my orders"), or while the subscription is not connected (refused,
// an older gateway, the connection lost and being retried), it asks again every few seconds while
// visible. The page can tell which is at work (`transport`) and what brought its last update (`via`).
import { computed, onMounted, onUnmounted, ref, watch, type ComputedRef, type Ref } from 'vue';
import { createClient, type Client } from 'graphql-sse';
import { OrderChangedDocument } from '../gql/graphql';
import { GRAPHQL_URL, documentHash } from './graph';
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

export interface LiveState {
  lastChecked: Ref<Date | null>;
  /** True while the subscription is connected: events arrive by it, and there is no polling. */
  live: Ref<boolean>;
  /** What keeps the page current now: the subscription, or asking on a timer. */
  transport: ComputedRef<'subscription' | 'polling'>;
  /** What brought the last update: an event over the subscription, or the timer. */
  via: Ref<'subscription' | 'poll' | null>;
}

export function useLiveUpdates(options: LiveOptions): LiveState {
  const lastChecked = ref<Date | null>(null);
  const live = ref(false);
  const transport = computed(() => (live.value ? 'subscription' : 'polling'));
  const via = ref<'subscription' | 'poll' | null>(null);
  let timer: ReturnType<typeof setInterval> | undefined;
  let client: Client | null = null;
  let unsubscribe: (() => void) | null = null;
  const tick = () => {
    if (live.value || document.visibilityState !== 'visible' || options.active?.value === false) return;
    lastChecked.value = new Date();
    via.value = 'poll';
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
    if (!currentSession()) return;
    // The token as it is at each connection attempt, not as it was when the page opened: a
    // reconnect after signing in again sends the new one, and one after expiry sends none and is
    // refused (the timer's next ask then takes the page back to sign-in).
    const authorization = (): Record<string, string> => {
      const session = currentSession();
      return session ? { authorization: `Bearer ${session.token}` } : {};
    };
    client = createClient({ url: GRAPHQL_URL, headers: authorization, retryAttempts: 5 });
    unsubscribe = client.subscribe(
      // The gateway runs the registered text for the hash (trusted documents), as for a query.
      { query: '', variables: { number }, extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(OrderChangedDocument) } } },
      {
        next: () => {
          lastChecked.value = new Date();
          via.value = 'subscription';
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
      // Live only once the gateway has accepted the stream: while it refuses, or while the client
      // waits to try again, the timer keeps the page current.
      {
        connecting: () => {
          live.value = false;
        },
        // Accepted: ask once more, for what changed between the page's last answer and now.
        connected: () => {
          live.value = true;
          lastChecked.value = new Date();
          options.refresh();
        },
      },
    );
  };
  const restart = () => {
    clearInterval(timer);
    stopListening();
    // Only for an order the page has found: a number nobody has gets no stream.
    if (options.orderId.value && options.active?.value !== false) listen(options.orderId.value);
    timer = setInterval(tick, options.everyMs ?? POLL_MS);
  };
  onMounted(() => {
    restart();
    document.addEventListener('visibilitychange', onVisibility);
  });
  // Another order: listen to it instead, and start its clock afresh.
  watch(options.orderId, restart);
  // The order found: listen from now on. A later failed ask (which may clear what the page holds)
  // does not stop the stream; the stream's own end or error does.
  watch(
    () => options.active?.value !== false,
    (found) => {
      if (found && !client && options.orderId.value) listen(options.orderId.value);
    },
  );
  onUnmounted(() => {
    clearInterval(timer);
    stopListening();
    document.removeEventListener('visibilitychange', onVisibility);
  });
  return { lastChecked, live, transport, via };
}
