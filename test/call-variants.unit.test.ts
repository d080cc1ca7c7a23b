// Property-style checks of the call reader over variants made by class, not by example: every request
// of every intent under every way of tagging speakers, every way of saying the order number, with
// fillers between the clauses — and the classes that must change the reading: a negation (in Mandarin
// and in dialect) leaves nothing asked, 不是X，是Y leaves Y, the agent's proposal refused leaves the
// caller's own words, a missed deadline is a chase and not the cancel it threatens, two requests are
// both read. Phrases are written per intent by meaning; the labelled held-out sets are not read here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCall } from '#text';
import { Random } from '../legacy-sim/src/random.js';
import * as WORDINGS from './call-wordings.js';

type Intent = 'CHASE' | 'CANCEL' | 'RETURN_EXCHANGE' | 'CHANGE_ADDRESS' | 'INVOICE' | 'COMPLAINT';

const ASKED: Record<Intent, string[]> = {
  CHASE: ['货到哪儿了', '什么时候能发货啊', '都三天了还没到', '麻烦帮我催一下', '物流一直不动', '啥子时候到嘛', '几时到啊', '今天能送到吗', '帮我查下物流', '仲未收到货', '到底还发不发了', '物流信息一直不更新', '是不是忘了发了'],
  CANCEL: ['这单不要了，取消吧', '帮我把订单取消掉', '帮忙撤一下单', '这单作废吧', '唔要喇，取消张单', '帮我把订单关掉'],
  RETURN_EXCHANGE: ['型号不对，给我换一个', '东西坏了要退货', '尺寸不合适，我寄回去', '发错了，重新发一个对的', '有两个生锈了，换两个新的', '型号不对，能调吗'],
  CHANGE_ADDRESS: ['地址改一下，送到吴中区木渎镇金山路88号', '别送店里了，送到相城区元和街道采莲路9号', '收货地址换成姑苏区干将西路1288号', '我们搬仓库了，以后送新仓，新仓在吴江区汾湖镇康力大道 88 号'],
  INVOICE: ['发票还没收到', '我们要开专票', '抬头开错了，重开一下', '税号填错了'],
  COMPLAINT: ['我要投诉你们的司机', '打了三次电话都没人接', '送货的态度太差了，记录一下', '门撞坏了，你们得赔'],
};
const INTENTS = Object.keys(ASKED) as Intent[];

/** The same request refused: nothing is asked. */
const REFUSED: [string, Intent][] = [
  ['先别取消，再等等', 'CANCEL'],
  ['不用取消了', 'CANCEL'],
  ['唔使取消住，照要', 'CANCEL'],
  ['不用退了，我们装上了', 'RETURN_EXCHANGE'],
  ['勿要退了，阿拉修好了', 'RETURN_EXCHANGE'],
  ['不用催了', 'CHASE'],
  ['发票就不用开了', 'INVOICE'],
  ['地址不用改了', 'CHANGE_ADDRESS'],
];

/** What the agent proposes, as a question. */
const PROPOSED: [string, Intent][] = [
  ['需要帮您取消订单吗？', 'CANCEL'],
  ['要不给您换一个？', 'RETURN_EXCHANGE'],
  ['需要我帮您催一下吗？', 'CHASE'],
  ['需要给您开发票吗？', 'INVOICE'],
];

const TAGS: [string, string][] = [
  ['客服：', '客户：'],
  ['坐席：', '客人：'],
  ['客服小李：', '王老板：'],
  ['【坐席】', '【来电】'],
  ['A: ', 'B: '],
  ['说话人1：', '说话人2：'],
  ['[00:00:02] 接线员：', '[00:00:06] 用户：'],
  ['Agent: ', 'Customer: '],
  ['Q：', 'A：'],
];
const FILLERS = ['', '呃，', '那个，', '就是，', '嗯……', '你知道吧，', '怎么说呢，'];

const SO = 'SO-20251120-013';
const DIGITS = '零幺二三四五六七八九';
const spoken = (d: string, one = '一') => [...d].map((c) => (c === '1' ? one : DIGITS[Number(c)] === '幺' ? '一' : DIGITS[Number(c)])).join('');
const SAID: string[] = [
  'SO-20251120-013',
  'SO20251120013',
  'so 2025 1120 013',
  'S O 二零二五 一一 二零 零 幺 三',
  'SO，二〇二五，一一，二〇，零一三',
  `SO 杠 ${spoken('20251120', '幺')} 杠 ${spoken('013', '幺')}`,
  'S O 2 0 2 5 1 1 2 0 0 1 3',
  'SO 二零二五 一一 二零，后面是 零 一 三',
  'SO20251120 杠 13',
];

function caller(rng: Random, tags: [string, string], words: string[]): string {
  const said = words.map((w) => rng.pick(FILLERS) + w).join('，');
  return `${tags[0]}您好，驰轮汽配，请问有什么可以帮您？${tags[1]}${said}。${tags[0]}请问订单号是多少？${tags[1]}${rng.pick(SAID)}。${tags[0]}好的，我帮您看一下。`;
}

function read(transcript: string) {
  const r = readCall(transcript);
  return { intents: r.intents.map((i) => i.intent as string), order: r.orderRef?.canonical ?? null };
}

/** Runs `n` variants; reports every failure at once, so a class that fails shows as a class. */
function check(n: number, seed: number, make: (rng: Random) => [string, string[]]) {
  const rng = new Random(seed);
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const [text, want] = make(rng);
    const got = read(text);
    if (got.intents.join() !== [...want].sort().join() || got.order !== SO) failures.push(`${text}\n  got ${got.intents.join(',')} ${got.order}, want ${[...want].sort().join(',')} ${SO}`);
  }
  assert.deepEqual(failures.slice(0, 8), [], `${failures.length} of ${n} variants read wrong`);
}

test('every request of every intent, under every speaker tag, with fillers and the number said every way', () => {
  check(1500, 17, (rng) => {
    const intent = rng.pick(INTENTS);
    return [caller(rng, rng.pick(TAGS), [rng.pick(ASKED[intent])]), [intent]];
  });
});

test('two requests in one call are both read', () => {
  check(800, 18, (rng) => {
    const [a, b] = [rng.pick(INTENTS), rng.pick(INTENTS)];
    if (a === b) return [caller(rng, rng.pick(TAGS), [rng.pick(ASKED[a])]), [a]];
    // A cancel beside a return or an address is a different call; keep pairs a caller makes.
    if ((a === 'CANCEL' || b === 'CANCEL') && (a === 'RETURN_EXCHANGE' || b === 'RETURN_EXCHANGE' || a === 'CHANGE_ADDRESS' || b === 'CHANGE_ADDRESS'))
      return [caller(rng, rng.pick(TAGS), [rng.pick(ASKED[a])]), [a]];
    return [caller(rng, rng.pick(TAGS), [rng.pick(ASKED[a]), `还有，${rng.pick(ASKED[b])}`]), [a, b]];
  });
});

test('a request refused, in Mandarin or dialect, asks nothing; beside another request only that one counts', () => {
  check(600, 19, (rng) => {
    const [refused, intent] = rng.pick(REFUSED);
    if (rng.chance(0.5)) return [caller(rng, rng.pick(TAGS), [refused]), ['OTHER']];
    const other = rng.pick(INTENTS.filter((i) => i !== intent));
    return [caller(rng, rng.pick(TAGS), rng.chance(0.5) ? [refused, rng.pick(ASKED[other])] : [rng.pick(ASKED[other]), refused]), [other]];
  });
});

test('不是X，是Y: the correction leaves Y', () => {
  const SAID_WRONG: [string, Intent][] = [
    ['取消', 'CANCEL'],
    ['退货', 'RETURN_EXCHANGE'],
    ['投诉', 'COMPLAINT'],
  ];
  check(400, 20, (rng) => {
    const [x, wrong] = rng.pick(SAID_WRONG);
    const right = rng.pick(INTENTS.filter((i) => i !== wrong && i !== 'CANCEL'));
    return [caller(rng, rng.pick(TAGS), [`我想${x}……不是${x}，是${rng.pick(ASKED[right])}`]), [right]];
  });
});

test('the agent\'s proposal refused leaves the caller\'s own words', () => {
  check(400, 21, (rng) => {
    const [ask, proposed] = rng.pick(PROPOSED);
    const own = rng.pick(INTENTS.filter((i) => i !== proposed));
    const [agent, customer] = rng.pick(TAGS);
    const refusal = rng.pick(['不用不用，', '不需要，', '不是，', '没有没有，']);
    return [`${agent}${ask}${customer}${refusal}${rng.pick(ASKED[own])}。${agent}订单号呢？${customer}${rng.pick(SAID)}。`, [own]];
  });
});

test('a missed deadline is a chase, not the cancel, return or complaint it threatens', () => {
  check(400, 22, (rng) => {
    const when = rng.pick(['今天', '明天', '周五前', '下午三点']);
    const fail = rng.pick(['还发不出来', '还到不了', '还没到', '还送不到']);
    const threat = rng.pick(['那就帮我取消吧', '我就不要了', '我就退货', '我就投诉你们']);
    const opener = rng.pick(['如果', '要是', '假如']);
    const dehua = rng.chance(0.5) ? '的话' : '';
    return [caller(rng, rng.pick(TAGS), [`${opener}${when}${fail}${dehua}，${threat}`]), ['CHASE']];
  });
});

// The wordings enumerated from the language (test/call-wordings.ts), composed the same way: every one
// under a random speaker tag style, filler and way of saying the number; pairs of them; what is said but
// not asked; refusals of them beside one asked.
const W = WORDINGS.ASKED;
const W_INTENTS = Object.keys(W) as Intent[];

test('every wording of every intent, enumerated from the language, under every tag style', () => {
  const all = W_INTENTS.flatMap((intent) => W[intent].map((w) => [w, intent] as const));
  let i = 0;
  check(all.length, 23, (rng) => {
    const [w, intent] = all[i++];
    return [caller(rng, rng.pick(TAGS), [w]), [intent]];
  });
});

test('two wordings of different intents in one call are both read', () => {
  check(1000, 24, (rng) => {
    const [a, b] = [rng.pick(W_INTENTS), rng.pick(W_INTENTS)];
    const pair = new Set([a, b]);
    // A cancel beside a return or an address is a different call (a cancel of goods not sent has nothing to return or move).
    if (a === b || (pair.has('CANCEL') && (pair.has('RETURN_EXCHANGE') || pair.has('CHANGE_ADDRESS')))) return [caller(rng, rng.pick(TAGS), [rng.pick(W[a])]), [a]];
    const [wa, wb] = [rng.pick(W[a]), rng.pick(W[b])];
    const vented = pair.has('CHASE') && WORDINGS.VENTING.includes(a === 'COMPLAINT' ? wa : wb);
    return [caller(rng, rng.pick(TAGS), [wa, `${rng.pick(['还有', '另外', '对了', '还有个事'])}，${wb}`]), vented ? ['CHASE'] : [a, b]];
  });
});

test('what is said but not asked (policy, thanks, settled matters, a phone or consignee changed) leaves the call OTHER', () => {
  let i = 0;
  check(WORDINGS.NOT_ASKED.length * 3, 25, (rng) => [caller(rng, rng.pick(TAGS), [WORDINGS.NOT_ASKED[i++ % WORDINGS.NOT_ASKED.length]]), ['OTHER']]);
});

test('a request refused or taken back asks nothing; beside an asked wording only that one counts', () => {
  check(800, 26, (rng) => {
    const [refused, intent] = rng.pick(WORDINGS.REFUSED);
    if (rng.chance(0.3)) return [caller(rng, rng.pick(TAGS), [refused]), ['OTHER']];
    const other = rng.pick(W_INTENTS.filter((i) => i !== intent && !(intent === 'CANCEL' && i === 'RETURN_EXCHANGE')));
    return [caller(rng, rng.pick(TAGS), [rng.pick(W[other]), `${rng.pick(['还有', '另外'])}，${refused}`]), [other]];
  });
});

test('the agent\'s proposal refused leaves the caller\'s own wording', () => {
  check(600, 27, (rng) => {
    const [ask, proposed] = rng.pick(PROPOSED);
    const own = rng.pick(W_INTENTS.filter((i) => i !== proposed));
    const [agent, customer] = rng.pick(TAGS);
    const refusal = rng.pick(['不用不用，', '不需要，', '不是，', '没有没有，', '唔使，', '不消，']);
    return [`${agent}${ask}${customer}${refusal}${rng.pick(W[own])}。${agent}订单号呢？${customer}${rng.pick(SAID)}。`, [own]];
  });
});
