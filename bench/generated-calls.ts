// Calls the legacy simulator's generator composes, labelled by it (not by the reader): for bench:text
// and the intent-model experiment.
import { buildCalls } from '../legacy-sim/src/calls.js';
import { Random } from '../legacy-sim/src/random.js';

export interface CallRecord {
  call: string;
  expect: { intents: string[]; orderRef: string | null; newAddress: string | null };
  class?: string;
}

/** Calls the generator composes, labelled by it (not by the reader). */
export function generatedCalls(n: number, seed: number): CallRecord[] {
  const rng = new Random(seed);
  const subjects = Array.from({ length: n }, (_, i) => {
    const day = `202511${String(rng.int(1, 28)).padStart(2, '0')}`;
    return {
      at: Date.UTC(2025, 10, 8) + i * 60_000,
      subject: {
        customerCode: 'C00001',
        customerPhone: null,
        erpOrderNo: `SO-${day}-${String(rng.int(1, 2600)).padStart(3, '0')}`,
        outboundNo: rng.chance(0.5) ? `CK${day}-${String(rng.int(1, 2600)).padStart(3, '0')}` : null,
        waybillNo: rng.chance(0.5) ? `${rng.pick(['SF', 'YD', 'ZTO', 'JD'])}${rng.int(100000000, 999999999)}${rng.chance(0.5) ? 'CN' : ''}` : null,
      },
    };
  });
  const { calls, truth } = buildCalls(subjects, seed);
  return calls.map((c, i) => ({ call: c.transcript, expect: { intents: truth[i].intents, orderRef: truth[i].orderRef, newAddress: truth[i].newAddress }, class: truth[i].classes.join(' ') }));
}

