// Service calls as the call platform's speech-to-text hands them to the CRM: speaker turns,
// fillers, dialect words, numbers typed or spoken in the many ways people say them — and, for the
// ground truth, what each caller wanted. A call is composed from parts (a greeting, each intent's
// clause, distractors that must not count, the number, the agent's turns) so that every class the
// reader must handle appears in many shapes: negation (不是要退), a change of mind (取消……算了不取消了),
// a hedge (要是不行可能得退), a question that is a request (能退吗), the agent naming an intent the
// caller turns down.
import { Random } from './random.js';

export const CALL_INTENTS = ['CHASE', 'CHANGE_ADDRESS', 'RETURN_EXCHANGE', 'CANCEL', 'INVOICE', 'COMPLAINT', 'OTHER'] as const;
export type CallIntent = (typeof CALL_INTENTS)[number];

export interface CrmCallRow {
  call_id: string;
  cust_code: string;
  caller_phone: string | null;
  agent: string;
  started_at: number;
  duration_s: number;
  transcript: string;
  /** The CRM's change counter: the change feed hands out calls in this order. */
  change_seq: number;
  updated_at: number;
}

export interface TruthCall {
  callId: string;
  customerCode: string;
  /** Sorted alphabetically, as the labelled samples are. */
  intents: CallIntent[];
  /** The number the caller gave, canonical, or null when none was said. */
  orderRef: string | null;
  /** The order the call is about (when no number is said, one of the caller's open orders). */
  erpOrderNo: string | null;
  newAddress: string | null;
  /** How the call was composed: the classes it exercises (for reports by class). */
  classes: string[];
}

export interface CallSubject {
  customerCode: string;
  customerPhone: string | null;
  erpOrderNo: string;
  outboundNo: string | null;
  waybillNo: string | null;
}

const SPOKEN = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** Digits read out one by one, as callers read numbers: 二零二五一一一零, sometimes 幺 for 1. */
function speakDigits(digits: string, rng: Random, yao: boolean): string {
  return [...digits].map((d) => (d === '1' && yao ? '幺' : SPOKEN[Number(d)])).join('');
}

/** The ways a document number reaches the transcript. */
export function sayNumber(canonical: string, rng: Random): { text: string; way: string } {
  const so = /^(SO|CK)-?(\d{8})-(\d+)$/.exec(canonical);
  if (so) {
    const [, prefix, date, seq] = so;
    const way = rng.weighted([
      ['typed', 5],
      ['compact', 2],
      ['spaced', 2],
      ['lower', 1],
      ['full-width', 1],
      ['spoken', 3],
      ['spoken-split', 2],
    ] as const);
    const dash = prefix === 'SO' ? '-' : '';
    switch (way) {
      case 'typed':
        return { text: `${prefix}${dash}${date}-${seq}`, way };
      case 'compact':
        return { text: `${prefix}${date}${seq}`, way };
      case 'spaced':
        return { text: `${prefix} ${date} ${seq}`, way };
      case 'lower':
        return { text: `${prefix.toLowerCase()}${dash}${date}-${seq}`, way };
      case 'full-width':
        return { text: [...`${prefix}${dash}${date}-${seq}`].map((c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join(''), way };
      case 'spoken': {
        const yao = rng.chance(0.3);
        return { text: `${rng.pick([`${prefix[0]} ${prefix[1]} `, prefix, `${prefix[0]}${prefix[1]} `])}${speakDigits(date, rng, yao)}${rng.pick(['杠', '横杠', ' ', '，'])}${speakDigits(seq, rng, yao)}`, way };
      }
      default:
        return { text: `${prefix}，${speakDigits(date.slice(0, 4), rng, false)}，${speakDigits(date.slice(4), rng, false)}，${speakDigits(seq, rng, false)}`, way };
    }
  }
  const wb = /^([A-Z]{2,4})(\d+)(CN)?$/.exec(canonical);
  if (wb) {
    const [, carrier, digits, cn = ''] = wb;
    const way = rng.weighted([
      ['typed', 5],
      ['spaced', 2],
      ['spoken', 2],
    ] as const);
    if (way === 'typed') return { text: canonical, way };
    if (way === 'spaced') return { text: `${carrier} ${digits.replace(/(\d{4})(?=\d)/g, '$1 ')}${cn ? ` ${cn}` : ''}`, way };
    return { text: `${carrier} ${speakDigits(digits, rng, rng.chance(0.5))} ${cn}`.trim(), way };
  }
  return { text: canonical, way: 'typed' };
}

const FILLERS = ['嗯', '那个', '就是', '呃', '哎', '额', '就是说', '那啥', '然后', '对', '嗯嗯', '你好'];
const ASK_NUMBER = ['请问订单号是多少？', '您的订单号？', '单号能报一下吗？', '麻烦说一下单号。', '您有单号吗？'];
const AGENT_ACK = ['好的，我帮您看一下。', '好的，马上处理。', '明白了，我登记一下。', '好的，稍等。', '收到，我这边跟进。'];
const GREETING = ['您好，驰轮汽配，请问有什么可以帮您？', '您好，这里是客服中心。', '您好，请讲。'];
const REF_LEAD = ['单号', '订单号', '单号是', '订单号是', '我的单号', ''];
const WAYBILL_LEAD = ['快递单号', '运单号', '快递单号是', '物流单号'];
const OUTBOUND_LEAD = ['出库单号', '出库单', '仓库单号'];

/** Each intent's clauses: what a caller says when they mean it (a few are questions that are requests). */
const CLAUSES: Record<Exclude<CallIntent, 'OTHER' | 'CHANGE_ADDRESS'>, string[]> = {
  CHASE: [
    '到现在还没到，你们到底发没发啊', '我那单到哪了', '怎么还没收到货', '什么时候能到啊', '帮我催一下', '能不能快点发', '物流好几天没动了',
    '都三天了还没到', '发货了没有', '今天能送到吗', '你们帮我盯一下', '车在店里等着装呢，快点啊', '麻烦加急一下', '啥时候发货啊', '帮我查查物流',
  ],
  RETURN_EXCHANGE: [
    '型号发错了，给我换一下', '这个装不上，我要退', '收到的东西是坏的，给我换个新的', '尺寸不对，退回去吧', '不合适，帮我办个退货',
    '包装破了里面也坏了，要换货', '多发了两件，给你们退回去', '这个能退吗，车型对不上', '保质期太短了，给我换批新的',
    '少发了两个，给我补上', '买错型号了，能换成别的吗',
  ],
  CANCEL: ['这单不要了，帮我取消', '先别发了，取消掉吧', '客户那边不修了，订单取消', '帮我把这单撤了', '不要了，作废吧', '这单还没发的话就取消吧'],
  INVOICE: ['我们要开专票', '发票抬头写错了，麻烦重开', '上个月的发票还没收到', '帮我开个普票', '税号填错了，发票得重开', '发票开了没有，财务在催'],
  COMPLAINT: ['我要投诉你们送货的', '你们这个服务太差了，给我记下来', '态度太差了，我要投诉', '东西直接扔门口，箱子都破了，这个要反映', '第二次了，你们得给个说法', '东西撞坏了，这个你们得负责'],
};

const ADDRESS_LEAD = ['地址要改一下，送到', '改个地址，改成', '不送原来那里了，送到', '收货地址换成', '送货地址改到', '别送店里了，送到'];
const ADDRESSES = [
  '吴中区木渎镇金山路88号', '新北区通江中路588号', '昆山市玉山镇前进西路66号', '滨湖区蠡园街道湖滨路11号', '闵行区莘庄镇莘松路958号',
  '江宁区秣陵街道胜太路77号', '萧山区宁围街道市心北路100号', '鄞州区首南街道天童南路588号', '崇川区城东街道工农路57号', '相城区元和街道御窑路99号',
  '秀洲区新城街道中山西路1088号', '越城区北海街道胜利西路28号', '武进区湖塘镇延政中路16号', '宝山区友谊路街道牡丹江路1200号',
];

/** Clauses that name an intent but must not count: each says which class it exercises. */
const DISTRACTORS: { intent: CallIntent; text: string; cls: string }[] = [
  { intent: 'RETURN_EXCHANGE', text: '我不是要退货哈', cls: 'negation' },
  { intent: 'CANCEL', text: '不用取消', cls: 'negation' },
  { intent: 'CHASE', text: '不着急，不用催', cls: 'negation' },
  { intent: 'INVOICE', text: '发票不用开', cls: 'negation' },
  { intent: 'COMPLAINT', text: '也不是要投诉你们', cls: 'negation' },
  { intent: 'CANCEL', text: '本来想取消的……算了，不取消了', cls: 'change-of-mind' },
  { intent: 'RETURN_EXCHANGE', text: '我想退了……哎算了，不退了，凑合用吧', cls: 'change-of-mind' },
  { intent: 'RETURN_EXCHANGE', text: '要是装不上的话可能得退，我先试试', cls: 'hedge' },
  { intent: 'CANCEL', text: '可能要取消，我再问问老板', cls: 'hedge' },
  { intent: 'CHANGE_ADDRESS', text: '地址可能要改，回头再说', cls: 'hedge' },
  { intent: 'CHANGE_ADDRESS', text: '刚才说改地址的那个不用管了', cls: 'mentioned' },
  { intent: 'RETURN_EXCHANGE', text: '上次退货的事已经解决了', cls: 'mentioned' },
  { intent: 'CANCEL', text: '先别发了，我们自己过来拿', cls: 'self-pickup' },
];

const OTHER_CALLS = [
  '问一下那个NGK火花塞现在有货吗？多少钱一个？', '你们这个轴承是原厂的吗？有没有合格证？', '你们周六上班吗，我想过去自提。',
  '就是打个电话说一声，货收到了，挺好的。', '想问下你们有没有博世的雨刮，多少钱一根？', '你们的机油有没有4升装的？',
];

/** The agent proposes, the caller only agrees: the intent is the caller's all the same. */
const PROPOSALS: Partial<Record<CallIntent, { reason: string[]; ask: string[] }>> = {
  CANCEL: { reason: ['客户那边不修了', '老板说价格再谈谈', '这单暂时用不上了'], ask: ['需要我帮您取消吗？', '那我帮您把订单取消可以吗？'] },
  RETURN_EXCHANGE: { reason: ['这个装不上', '收到的型号不对', '外箱破了里面也变形了'], ask: ['那我帮您登记退货可以吗？', '给您安排换货可以吗？'] },
  CHASE: { reason: ['这单等着用呢', '车在店里等着'], ask: ['我帮您催一下仓库可以吗？'] },
  INVOICE: { reason: ['上次开的抬头写错了'], ask: ['需要帮您重开发票吗？'] },
};
const CONSENT = ['可以', '行，就这么办', '嗯，好的', '对，麻烦了', '好'];

const DIALECT: [RegExp, string][] = [
  [/我们/g, '阿拉'],
  [/什么时候/g, '啥辰光'],
  [/吗？/g, '伐？'],
  [/怎么/g, '咋'],
  [/我/g, '俺'],
];

function sortIntents(xs: Iterable<CallIntent>): CallIntent[] {
  return [...new Set(xs)].sort();
}

/**
 * One call about `subject`: its transcript and what it means. `rng` decides everything, so the same
 * seed gives the same calls.
 */
export function composeCall(subject: CallSubject, rng: Random): { transcript: string; truth: Omit<TruthCall, 'callId'> } {
  const classes: string[] = [];
  const intentCount = rng.weighted([
    [0, 1],
    [1, 6],
    [2, 2],
  ] as const);
  const pool = rng.shuffle(['CHASE', 'CHANGE_ADDRESS', 'RETURN_EXCHANGE', 'CANCEL', 'INVOICE', 'COMPLAINT'] as CallIntent[]);
  const intents = pool.slice(0, intentCount);
  if (intents.length > 1) classes.push('multi');
  const clauses: string[] = [];
  let newAddress: string | null = null;
  for (const intent of intents) {
    if (intent === 'CHANGE_ADDRESS') {
      newAddress = rng.pick(ADDRESSES);
      clauses.push(rng.chance(0.3) ? `${newAddress}，${rng.pick(['以后送这儿', '送这个新地址', '这单改送这里'])}` : `${rng.pick(ADDRESS_LEAD)}${newAddress}`);
      if (clauses.at(-1)!.startsWith(newAddress)) classes.push('address-first');
    } else clauses.push(rng.pick(CLAUSES[intent as keyof typeof CLAUSES]));
  }
  // A distractor for an intent the caller does not have.
  if (rng.chance(0.35)) {
    const d = rng.pick(DISTRACTORS.filter((x) => !intents.includes(x.intent)));
    if (d) clauses.splice(rng.int(0, clauses.length), 0, d.text), classes.push(d.cls);
  }
  if (!intents.length) clauses.push(rng.pick(OTHER_CALLS)), classes.push('other');

  // The number: the order's, its outbound's or its waybill's, said one of many ways — or none.
  const refKind = rng.weighted([
    ['SO', 6],
    ['CK', subject.outboundNo ? 1 : 0],
    ['WB', subject.waybillNo ? 1.5 : 0],
    ['none', intents.length ? 1.5 : 4],
  ] as const);
  const canonical = refKind === 'SO' ? subject.erpOrderNo : refKind === 'CK' ? subject.outboundNo : refKind === 'WB' ? subject.waybillNo : null;
  const said = canonical ? sayNumber(canonical, rng) : null;
  if (said) classes.push(`number-${said.way}`);
  const lead = refKind === 'WB' ? rng.pick(WAYBILL_LEAD) : refKind === 'CK' ? rng.pick(OUTBOUND_LEAD) : rng.pick(REF_LEAD);
  const refText = said ? `${lead}${lead && !said.text.startsWith(' ') ? rng.pick(['', '：', ' ']) : ''}${said.text}` : null;

  const filler = () => (rng.chance(0.5) ? `${rng.pick(FILLERS)}，` : '');
  const style = rng.pick(['inline', 'newline', 'bracket'] as const);
  classes.push(`turns-${style}`);
  const [agentTag, customerTag] = style === 'inline' ? ['客服：', '客户：'] : style === 'newline' ? ['坐席：', '来电：'] : ['[客服] ', '[客户] '];
  const sep = style === 'inline' ? '' : '\n';
  const turns: string[] = [];
  if (rng.chance(0.5)) turns.push(agentTag + rng.pick(GREETING));
  const body = clauses.map((c, i) => (i === 0 ? filler() + c : c)).join('，');
  const refFirst = refText && rng.chance(0.3);
  if (refFirst) classes.push('number-first');
  if (refText && !refFirst && rng.chance(0.5)) {
    // The agent asks for the number and the caller reads it out in the next turn.
    turns.push(`${customerTag}${body}。`, agentTag + rng.pick(ASK_NUMBER), `${customerTag}${filler()}${refText}。`);
  } else {
    turns.push(`${customerTag}${refFirst ? `${refText}，` : ''}${body}${refText && !refFirst ? `，${refText}` : ''}。`);
  }
  // The agent sometimes names an intent the caller then turns down: it must not count.
  const proposal = intents.length === 1 ? PROPOSALS[intents[0]] : undefined;
  if (proposal && rng.chance(0.15)) {
    // The caller gives a reason only; the agent proposes and the caller agrees.
    turns.splice(turns.length, 0, `${agentTag}${rng.pick(proposal.ask)}`, `${customerTag}${rng.pick(CONSENT)}。`);
    const first = turns.findIndex((t) => t.startsWith(customerTag));
    turns[first] = turns[first].replace(clauses[0], rng.pick(proposal.reason));
    classes.push('consent');
  }
  if (!intents.includes('RETURN_EXCHANGE') && rng.chance(0.1)) {
    turns.push(`${agentTag}请问需要退换货吗？`, `${customerTag}不用不用。`);
    classes.push('agent-words');
  } else turns.push(agentTag + rng.pick(AGENT_ACK));
  let transcript = turns.join(sep);
  if (rng.chance(0.12)) {
    // Dialect words on the caller's side only.
    const [re, to] = rng.pick(DIALECT);
    const before = transcript;
    transcript = transcript.replace(new RegExp(`(${customerTag.replace(/[[\]]/g, '\\$&')})([^\\n]*?)(?=${agentTag.replace(/[[\]]/g, '\\$&')}|\\n|$)`, 'g'), (_m, tag, text) => tag + text.replace(re, to));
    if (transcript !== before) classes.push('dialect');
  }
  return {
    transcript,
    truth: {
      customerCode: subject.customerCode,
      // A chase said in the breath of a cancel is why it is cancelled (都三天了还没到，不要了) or whether it still can be
      // (发货了没有): a caller who cancels no longer wants the order hurried.
      intents: intents.length ? sortIntents(intents.includes('CANCEL') ? intents.filter((i) => i !== 'CHASE') : intents) : ['OTHER'],
      orderRef: canonical,
      erpOrderNo: intents.length ? subject.erpOrderNo : canonical ? subject.erpOrderNo : null,
      newAddress,
      classes,
    },
  };
}

/**
 * Calls about `subjects`, one each, numbered `CL` + Beijing date + daily sequence, fed to the CRM in
 * the order they were made.
 */
export function buildCalls(subjects: { subject: CallSubject; at: number }[], seed: number): { calls: CrmCallRow[]; truth: TruthCall[] } {
  const rng = new Random((seed ^ 0x5ca11) >>> 0);
  const perDay = new Map<string, number>();
  const calls: CrmCallRow[] = [];
  const truth: TruthCall[] = [];
  for (const { subject, at } of [...subjects].sort((a, b) => a.at - b.at)) {
    const day = new Date(at + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
    const seq = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, seq);
    const callId = `CL${day}${String(seq).padStart(4, '0')}`;
    const { transcript, truth: t } = composeCall(subject, rng);
    calls.push({
      call_id: callId,
      cust_code: subject.customerCode,
      caller_phone: subject.customerPhone,
      agent: rng.pick(['kf01', 'kf02', 'kf03', 'kf05', 'kf08']),
      started_at: at,
      duration_s: rng.int(40, 600),
      transcript,
      change_seq: calls.length + 1,
      updated_at: at,
    });
    truth.push({ callId, ...t });
  }
  return { calls, truth };
}
