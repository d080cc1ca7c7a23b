// Keeping a page current: the one place that knows how. The graph has no subscriptions yet, so this
// asks again every few seconds while the page is visible (and at once when it becomes visible
// again). When the graph offers `orderUpdated` (graphql-ws or graphql-sse), only this file changes:
// subscribe with urql's subscriptionExchange and call `refresh` on each event instead of on a timer.
import { onMounted, onUnmounted, ref, watch, type Ref } from 'vue';

export interface LiveOptions {
  /** What to watch: an order's unified ID, or null for "my orders" as a whole. */
  orderId: Ref<string | null>;
  /** Asks the graph again (network only). */
  refresh: () => void;
  /** How often while polling. */
  everyMs?: number;
  /** Paused while false (e.g. nothing loaded yet). */
  active?: Ref<boolean>;
}

export const POLL_MS = 5_000;

export function useLiveUpdates(options: LiveOptions): { lastChecked: Ref<Date | null> } {
  const lastChecked = ref<Date | null>(null);
  let timer: ReturnType<typeof setInterval> | undefined;
  const tick = () => {
    if (document.visibilityState !== 'visible' || options.active?.value === false) return;
    lastChecked.value = new Date();
    options.refresh();
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') tick();
  };
  const restart = () => {
    clearInterval(timer);
    timer = setInterval(tick, options.everyMs ?? POLL_MS);
  };
  onMounted(() => {
    restart();
    document.addEventListener('visibilitychange', onVisibility);
  });
  // Another order: start its clock afresh.
  watch(options.orderId, restart);
  onUnmounted(() => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });
  return { lastChecked };
}
