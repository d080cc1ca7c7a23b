// Reading service calls: the shared labelled calls, generated calls of every class the generator
// composes (numbers said every way, negation, taking back, hedges, conditions, agent words,
// dialect), and numbers inside running text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { sharedJsonl } from './helpers/shared.js';
import { findDocumentRefs, readCall } from '#text';
import { classifyDocumentNo } from '../common/src/docno.js';
import { buildCalls, sayNumber, type CallSubject } from '../legacy-sim/src/calls.js';
import { Random } from '../legacy-sim/src/random.js';

const canonical = (ref: string | null) => (ref ? (classifyDocumentNo(ref)?.canonical ?? ref) : null);
const summary = (transcript: string) => {
  const r = readCall(transcript);
  return { intents: r.intents.map((i) => i.intent), orderRef: r.orderRef?.canonical ?? null, newAddress: r.newAddress?.value ?? null };
};

test('the shared labelled calls: intents, the order and the new address', () => {
  for (const r of sharedJsonl<{ call: string; expect: { intents: string[]; orderRef: string | null; newAddress: string | null } }>('text-samples/calls.jsonl')) {
    assert.deepEqual(summary(r.call), { ...r.expect, orderRef: canonical(r.expect.orderRef) }, r.call);
  }
});

function subjects(n: number, rng: Random): { subject: CallSubject; at: number }[] {
  return Array.from({ length: n }, (_, i) => {
    const day = `202511${String(rng.int(1, 28)).padStart(2, '0')}`;
    const seq = String(rng.int(1, 2600)).padStart(3, '0');
    return {
      at: Date.UTC(2025, 10, 8) + i * 60_000,
      subject: {
        customerCode: `C${String(rng.int(1, 800)).padStart(5, '0')}`,
        customerPhone: null,
        erpOrderNo: `SO-${day}-${seq}`,
        outboundNo: rng.chance(0.5) ? `CK${day}-${String(rng.int(1, 2600)).padStart(3, '0')}` : null,
        waybillNo: rng.chance(0.5) ? `${rng.pick(['SF', 'YD', 'ZTO', 'JD'])}${rng.int(100000000, 999999999)}${rng.chance(0.5) ? 'CN' : ''}` : null,
      },
    };
  });
}

test('generated calls of every class read as the generator meant them, with evidence where it was said', () => {
  for (const seed of [7, 20251108, 99]) {
    const { calls, truth } = buildCalls(subjects(400, new Random(seed)), seed);
    const misses: string[] = [];
    const classes = new Set<string>();
    calls.forEach((c, i) => {
      const t = truth[i];
      t.classes.forEach((k) => classes.add(k));
      const got = summary(c.transcript);
      const want = { intents: t.intents, orderRef: t.orderRef, newAddress: t.newAddress };
      if (JSON.stringify(got) !== JSON.stringify(want)) misses.push(`${c.transcript}\n  got ${JSON.stringify(got)}\n  want ${JSON.stringify(want)} (${t.classes.join(' ')})`);
      for (const intent of readCall(c.transcript).intents) for (const e of intent.evidence) assert.equal(c.transcript.slice(e.span[0], e.span[1]), e.text);
    });
    assert.deepEqual(misses, [], `seed ${seed}`);
    for (const k of ['consent', 'mentioned', 'self-pickup', 'negation', 'change-of-mind', 'hedge', 'agent-words', 'multi', 'address-first', 'number-first', 'number-spoken', 'number-spoken-split', 'number-full-width', 'turns-newline', 'turns-bracket', 'dialect', 'other'])
      assert.ok(classes.has(k), `seed ${seed} composes ${k}`);
  }
});

test('numbers said every way come back as the one reader writes them', () => {
  const rng = new Random(4242);
  for (let i = 0; i < 500; i++) {
    const day = `2025${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
    const no = rng.pick([`SO-${day}-${String(rng.int(1, 3000)).padStart(3, '0')}`, `CK${day}-${String(rng.int(1, 3000)).padStart(3, '0')}`, `SF${rng.int(100000000, 999999999)}CN`, `ZTO${rng.int(100000000, 999999999)}`]);
    const said = sayNumber(no, rng);
    const text = `${rng.pick(['客户：单号', '客户：我的订单', '来电：'])}${said.text}${rng.pick(['，到哪了', '。', '，谢谢'])}`;
    const refs = findDocumentRefs(text);
    assert.deepEqual(refs.map((r) => r.canonical), [classifyDocumentNo(no)!.canonical], `${said.way}: ${text}`);
  }
  // Typed up to the last dash and the sequence then read out digit by digit (SO-20261201-0 3 3, CK-20261130-0 6 9).
  for (let i = 0; i < 300; i++) {
    const day = `2026${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
    const seq = String(rng.int(1, 999)).padStart(3, '0');
    const prefix = rng.pick(['SO', 'CK']);
    const head = rng.pick([`${prefix}-${day}`, `${prefix}${day}`, `${prefix} ${day}`, `${prefix}-${day.slice(0, 4)}-${day.slice(4)}`]);
    const tail = [...seq].map((d) => (rng.int(0, 3) === 0 ? { '0': '洞', '1': '幺' }[d] ?? d : d)).join(rng.pick([' ', ' ', '  ']));
    const text = `客户：${rng.pick(['单号是', '订单', ''])}${head}${rng.pick(['-', ' - ', '-'])}${tail}${rng.pick(['，到哪了', '。', '，讲咗今日到'])}`;
    const canonical = prefix === 'SO' ? `SO-${day}-${seq}` : `CK${day}-${seq}`;
    assert.deepEqual(findDocumentRefs(text).map((r) => r.canonical), [canonical], text);
  }
  assert.deepEqual(findDocumentRefs('我看看啊……幺三八那个，不是'), [], 'a few spoken digits without a prefix are no number');
  assert.deepEqual(findDocumentRefs('电话13812345678，要两桶'), []);
  assert.deepEqual(findDocumentRefs('SO-20251399-001'), [], 'no such day');
});

test('what the caller takes back, hedges, conditions or negates does not count, and says why', () => {
  const aside = (t: string) => readCall(t).setAside.map((s) => [s.intent, s.reason]);
  assert.deepEqual(summary('客户：我想取消……算了，不取消了。').intents, ['OTHER']);
  assert.ok(aside('客户：我想取消……算了，不取消了。').some(([i, r]) => i === 'CANCEL' && r === 'TAKEN_BACK'));
  assert.deepEqual(summary('客户：要是装不上的话可能得退。').intents, ['OTHER']);
  assert.deepEqual(summary('客户：这单要是还没发的话就取消吧。').intents, ['CANCEL'], 'what follows a condition is asked for');
  assert.deepEqual(summary('客户：能退吗？我还没下单呢。').intents, ['OTHER'], 'a policy question before ordering');
  assert.deepEqual(summary('客户：收到的空滤装不上，能退吗？').intents, ['RETURN_EXCHANGE'], 'a question about an order received is a request');
  assert.deepEqual(summary('客服：请问需要退换货吗？客户：不用不用，就是问下到哪了。').intents, ['CHASE'], 'the agent\'s words are not the caller\'s');
  assert.deepEqual(summary('客户：发票抬头要换一下。').intents, ['INVOICE'], '换 about an invoice is not an exchange');
  assert.deepEqual(summary('客户：我不是要退货，发票不用开，就是问下啥时候发。').intents, ['CHASE']);
});

test('agreeing to what the agent proposes is the caller\'s intent; a refusal, or words outside the question, are not', () => {
  const asks: [string, string][] = [['需要我帮您取消吗？', 'CANCEL'], ['那我帮您登记退货可以吗？', 'RETURN_EXCHANGE'], ['我帮您催一下仓库可以吗？', 'CHASE'], ['需要帮您重开发票吗？', 'INVOICE']];
  for (const [ask, intent] of asks) {
    for (const yes of ['可以', '嗯，好的', '行，就这么办', '对，麻烦了']) assert.deepEqual(summary(`客服：这边看到订单还没发货，${ask}\n客户：${yes}。`).intents, [intent], `${ask} ${yes}`);
    for (const no of ['不用了', '不要，我再想想', '没有没有', '算了吧']) assert.deepEqual(summary(`客服：${ask}客户：${no}。`).intents, ['OTHER'], `${ask} ${no}`);
  }
});

test('intents said in English words, and numbers with the prefix after or spelt with dashes', () => {
  assert.deepEqual(summary('客户：帮我把那单cancel掉吧').intents, ['CANCEL']);
  assert.deepEqual(summary('客户：invoice还没收到').intents, ['INVOICE'], 'not a chase: what has not arrived is the invoice');
  const rng = new Random(77);
  for (let i = 0; i < 200; i++) {
    const day = `2025${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
    const seq = String(rng.int(1, 999)).padStart(3, '0');
    const prefix = rng.pick(['SO', 'CK']);
    const want = classifyDocumentNo(prefix === 'SO' ? `SO-${day}-${seq}` : `CK${day}-${seq}`)!.canonical;
    const spoken = (d: string) => [...d].map((c) => '零一二三四五六七八九'[Number(c)]).join('');
    for (const text of [`${prefix[0]}-${prefix[1]}-${day.slice(0, 4)}-${day.slice(4)}-${seq}`, `单号是${spoken(day + seq)}，${prefix}开头的`, `${day}${seq}，${prefix}打头`])
      assert.deepEqual(findDocumentRefs(text).map((r) => r.canonical), [want], text);
  }
});

// The classes calls-4.jsonl (test/fixtures/text-holdout) found missing, generalised and generated in
// every combination: speaker tags as other platforms write them, dialect ways of chasing and
// exchanging, numbers read one digit at a time or with a zero for the O, a refusal between a topic and
// its verb, and "it has not shipped, has it?" as the premise of a cancel.
const SO = 'SO-20251110-042';
const SAID_SO = ['SO-20251110-042', 'S O 2 0 2 5 1 1 1 0 0 4 2', 'S020251110042', 'S O二零二五一一一零零四二', 'SO，二〇二五一一一零，零四二', 'so 20251110 042'];
const TAGS: [string, string][] = [
  ['客服：', '客户：'],
  ['Agent: ', 'Caller: '],
  ['[00:00:03] 说话人1：', '\n[00:00:06] 说话人2：'],
  ['SPK_0: ', '\nSPK_1: '],
  ['【客服】', '【客户】'],
  ['甲：', '乙：'],
];
const call = (tags: [string, string], words: string) => `${tags[0]}您好，驰轮汽配。${tags[1]}${words}`;

test('generated: dialect chases and exchanges, under every speaker tag, with the number said every way', () => {
  const CHASES = ['我啲货点解仲未到', '咋个还莫得动静哦', '还要多久啊', '仲未发货', '能不能今天下午就送过来', '我们等着用，麻烦快点', '啥时候能到'];
  const EXCHANGES = ['尺寸勿对，我要调一副', '型号唔啱，退返畀你哋换过', '发错了，给我调换一个'];
  let n = 0;
  for (const tags of TAGS)
    for (const said of SAID_SO) {
      for (const c of CHASES) {
        const got = summary(call(tags, `${c}，单号${said}。`));
        assert.deepEqual([got.intents, got.orderRef], [['CHASE'], SO], `${tags[1]} ${c} ${said}`);
        n++;
      }
      for (const x of EXCHANGES) {
        const got = summary(call(tags, `${x}，${said}。`));
        assert.deepEqual([got.intents, got.orderRef], [['RETURN_EXCHANGE'], SO], `${tags[1]} ${x} ${said}`);
        n++;
      }
    }
  assert.ok(n >= 300);
  // 没问题 after 到了 is no question about arrival.
  assert.deepEqual(summary('客户：货收到了没问题，就是发票还没寄过来。').intents, ['INVOICE']);
});

test('generated: a refusal between a topic and its verb negates it; a premise is not a request', () => {
  const REFUSED = [
    ['地址没问题不用改', 'CHANGE_ADDRESS'],
    ['地址就不用改了', 'CHANGE_ADDRESS'],
    ['发票也别开了', 'INVOICE'],
    ['票就不用开了', 'INVOICE'],
  ] as const;
  const ASKED = [
    ['麻烦快点发', 'CHASE'],
    ['我要投诉你们的司机', 'COMPLAINT'],
    ['这单撤销一下', 'CANCEL'],
    ['东西坏了要退货', 'RETURN_EXCHANGE'],
  ] as const;
  for (const tags of TAGS)
    for (const [refused, notIt] of REFUSED)
      for (const [asked, intent] of ASKED)
        for (const order of [`${refused}，${asked}`, `${asked}，${refused}`]) {
          const got = summary(call(tags, `${order}，${SAID_SO[0]}。`)).intents;
          assert.deepEqual(got, [intent], `${order}`);
          assert.ok(!(got as string[]).includes(notIt));
        }
  // A state is not a refusal: the invoice that has not come is still asked about.
  assert.deepEqual(summary('客户：发票还没寄过来，你们开了没有？').intents, ['INVOICE']);
  for (const premise of ['还没发吧？', '未发货嘛？', '还莫发出来嘛？', '应该还没出库吧？'])
    for (const cancel of ['帮我取消了', '这单撤销一下', '那批机油我不要了'])
      assert.deepEqual(summary(`客户：${cancel}，${premise}${SO}。`).intents, ['CANCEL'], `${cancel} ${premise}`);
  // Asked outright, it is a chase.
  assert.deepEqual(summary(`客户：${SO}还没发吗？快点啊。`).intents, ['CHASE']);
});

test('the call intake backs off while the CRM fails — the hub\'s backoff (exponential, full jitter) on top of its pace, at most a minute more — and polls at its pace again once a round succeeds', async () => {
  const { CallIntake, BACKOFF_MAX_MS } = await import('../subgraphs/order-link/src/calls/intake.js');
  const asked: number[] = [];
  let down = true;
  const crm = {
    callsChangedSince: async () => {
      asked.push(performance.now());
      if (down) throw new Error('CRM unavailable');
      return { calls: [], last: 0 };
    },
  };
  const quiet = { warn: () => undefined, info: () => undefined, child: () => quiet } as any;
  const pollMs = 20;
  const intake = new CallIntake({ query: async () => [] } as any, { name: 'hub', call: (_op: string, run: () => unknown) => run() } as any, crm as any, {} as any, quiet, {
    pollMs,
    pageSize: 10,
    actWithinMs: 3_600_000,
  });
  // The waits it would choose after n failures in a row: never below its pace, never above pace + the
  // bound for n (twice the pace, doubling per failure, capped at a minute); growing on the whole.
  const mean = (n: number) => {
    intake.failures = n;
    const waits = Array.from({ length: 400 }, () => intake.nextDelay());
    const bound = pollMs + Math.min(BACKOFF_MAX_MS, 2 * pollMs * 2 ** (n - 1));
    assert.ok(waits.every((w) => w >= pollMs && w <= bound), `after ${n} failures: waits within [${pollMs}, ${bound}]`);
    return waits.reduce((a, b) => a + b, 0) / waits.length;
  };
  const means = [1, 2, 4, 6, 8, 10].map(mean);
  means.slice(1).forEach((m, i) => assert.ok(m > means[i], `the mean wait grows: ${means.map((x) => x.toFixed(0)).join(', ')}`));
  assert.ok(mean(40) <= pollMs + BACKOFF_MAX_MS && mean(40) > BACKOFF_MAX_MS / 4, 'capped near a minute');
  intake.failures = 0;
  assert.equal(intake.nextDelay(), pollMs);

  // Running against a CRM that fails: far fewer rounds in a second than its pace would make (50).
  intake.start();
  try {
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(asked.length >= 2 && asked.length < 20, `${asked.length} rounds in a second`);
    assert.equal(intake.failures, asked.length);
    down = false;
    const n = asked.length;
    // The wait already drawn runs out first (at most a few seconds after so few failures).
    const deadline = Date.now() + 70_000;
    while (asked.length < n + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(intake.failures, 0, 'a round succeeded');
    assert.equal(intake.nextDelay(), pollMs, 'back at its pace');
  } finally {
    await intake.stop();
  }
});

test('the sets the rules\' author wrote between rounds still read at ≥ 90 % intent precision and recall (a guard, not a held-out figure; a few label disputes are kept as labelled)', () => {
  const dir = new URL('./fixtures/', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => /^calls-rules-author-\d+\.jsonl$/.test(f))) {
    let [tp, predicted, gold] = [0, 0, 0];
    for (const line of readFileSync(new URL(file, dir), 'utf8').split('\n').filter((l) => l.trim())) {
      const r = JSON.parse(line) as { call: string; expect: { intents: string[] } };
      const got = new Set(summary(r.call).intents as string[]);
      predicted += got.size;
      gold += r.expect.intents.length;
      tp += r.expect.intents.filter((i) => got.has(i)).length;
    }
    assert.ok(tp / predicted >= 0.9 && tp / gold >= 0.9, `${file}: precision ${(tp / predicted).toFixed(3)}, recall ${(tp / gold).toFixed(3)}`);
  }
});
