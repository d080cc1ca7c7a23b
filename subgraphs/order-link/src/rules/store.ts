// Rules as data: validated against their kind's parameters, versioned, audited, saved whole or not
// at all, and seeded on first start from the readable file in rules/.
import { readFileSync } from 'node:fs';
import type { DataSource, EntityManager } from 'typeorm';
import { parse as parseYaml } from 'yaml';
import type { Caller } from '../../../../common/src/caller.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { forUpdate, insertRows } from '../../../../common/src/db.js';
import { PARAMETERS, RULE_KINDS, type RuleKind } from './kinds.js';

export const DEFAULT_RULES_FILE = new URL('../../rules/default-rules.yaml', import.meta.url);

export interface Rule {
  id: string;
  kind: RuleKind;
  name: string;
  description: string | null;
  /** As written (money as decimal strings): what upsertRule took and rules/ hold. */
  parameters: Record<string, unknown>;
  priority: number;
  enabled: boolean;
  version: number;
  updatedBy: string;
  updatedAt: number;
}

/** A rule ready to run: its parameters parsed into their working form (money in fen …). */
export interface CompiledRule extends Rule {
  compiled: unknown;
}

export interface RuleInput {
  id?: string | null;
  kind: string;
  name: string;
  description?: string | null;
  parameters: unknown;
  priority?: number | null;
  enabled?: boolean | null;
  /** Optimistic concurrency: refuse the change if the rule has moved on since it was read. */
  expectedVersion?: number | null;
}

export interface UserError {
  code: string;
  field: string[];
  messageZh: string;
  messageEn: string;
}

export type Validation = { ok: true; rule: Omit<Rule, 'version' | 'updatedBy' | 'updatedAt'>; compiled: unknown } | { ok: false; errors: UserError[] };

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;

const err = (code: string, field: string[], zh: string, en: string): UserError => ({ code, field, messageZh: zh, messageEn: en });

/** Checks a rule as a whole; every problem is reported, none is fixed silently. */
export function validateRule(input: RuleInput): Validation {
  const errors: UserError[] = [];
  const id = input.id?.trim() || `${String(input.kind).toLowerCase().replace(/_/g, '-')}-${Date.now().toString(36)}`;
  if (!ID.test(id)) errors.push(err('INVALID_ID', ['id'], '规则编号只能含字母、数字、- 和 _（2–64 位）', 'A rule id is 2–64 letters, digits, - or _'));
  if (!(RULE_KINDS as readonly string[]).includes(input.kind)) {
    errors.push(err('UNKNOWN_KIND', ['kind'], `未知的规则类型「${input.kind}」`, `Unknown rule kind "${input.kind}"; one of ${RULE_KINDS.join(', ')}`));
  }
  const name = input.name?.trim() ?? '';
  if (name.length < 2 || name.length > 200) errors.push(err('INVALID_NAME', ['name'], '规则名称须为 2–200 个字符', 'A rule name is 2–200 characters'));
  if (input.description != null && input.description.length > 1000) errors.push(err('INVALID_DESCRIPTION', ['description'], '说明不超过 1000 个字符', 'A description is at most 1000 characters'));
  const priority = input.priority ?? 100;
  if (!Number.isInteger(priority) || priority < 0 || priority > 10_000) errors.push(err('INVALID_PRIORITY', ['priority'], '优先级须为 0–10000 的整数', 'Priority is a whole number from 0 to 10000'));
  let compiled: unknown;
  if (errors.every((e) => e.code !== 'UNKNOWN_KIND')) {
    const parsed = PARAMETERS[input.kind as RuleKind].safeParse(input.parameters);
    if (parsed.success) compiled = parsed.data;
    else
      for (const issue of parsed.error.issues) {
        const field = ['parameters', ...issue.path.map(String)];
        errors.push(err('INVALID_PARAMETER', field, `参数 ${field.slice(1).join('.') || '(全部)'} 无效：${issue.message}`, `Parameter ${field.slice(1).join('.') || '(all)'} is invalid: ${issue.message}`));
      }
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    rule: { id, kind: input.kind as RuleKind, name, description: input.description?.trim() || null, parameters: input.parameters as Record<string, unknown>, priority, enabled: input.enabled ?? true },
    compiled,
  };
}

const readRule = (r: any): Rule => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  description: r.description,
  parameters: JSON.parse(r.parameters),
  priority: Number(r.priority),
  enabled: Number(r.enabled) === 1,
  version: Number(r.version),
  updatedBy: r.updated_by,
  updatedAt: Number(r.updated_at),
});

export const compile = (rule: Rule): CompiledRule => ({ ...rule, compiled: PARAMETERS[rule.kind].parse(rule.parameters) });

export class RuleStore {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  async list(): Promise<Rule[]> {
    const rows = await this.hub.call('rule.list', () => this.db.query('SELECT * FROM hub_rule ORDER BY priority, id'));
    return rows.map(readRule);
  }

  async get(id: string): Promise<Rule | null> {
    const rows = await this.hub.call('rule.get', () => this.db.query('SELECT * FROM hub_rule WHERE id = ?', [id]));
    return rows.length ? readRule(rows[0]) : null;
  }

  /** The enabled rules, ready to run, lowest priority number first. */
  async enabled(): Promise<CompiledRule[]> {
    return (await this.list()).filter((r) => r.enabled).map(compile);
  }

  /** Saves a validated rule and its audit entry in one transaction; an unchanged rule is left alone (a retry is harmless). */
  async upsert(input: RuleInput, caller: Caller, now = Date.now()): Promise<{ rule: Rule | null; userErrors: UserError[] }> {
    const checked = validateRule(input);
    if (!checked.ok) return { rule: null, userErrors: checked.errors };
    return this.hub.call(
      'rule.upsert',
      () =>
        this.db.transaction(async (em) => {
          const [row] = await em.query(`SELECT * FROM hub_rule WHERE id = ?${forUpdate(em)}`, [checked.rule.id]);
          const before = row ? readRule(row) : null;
          if (before && before.kind !== checked.rule.kind) {
            return { rule: null, userErrors: [err('KIND_IMMUTABLE', ['kind'], `规则 ${before.id} 的类型是 ${before.kind}，不能改为 ${checked.rule.kind}：请新建规则`, `Rule ${before.id} is a ${before.kind}; its kind cannot change: create a new rule`)] };
          }
          if (before && input.expectedVersion != null && input.expectedVersion !== before.version) {
            return { rule: null, userErrors: [err('CONFLICT', ['expectedVersion'], `规则已被修改（当前版本 ${before.version}），请刷新后重试`, `The rule has changed since you read it (now version ${before.version}); reload and retry`)] };
          }
          const same =
            before &&
            before.name === checked.rule.name &&
            before.description === checked.rule.description &&
            before.priority === checked.rule.priority &&
            before.enabled === checked.rule.enabled &&
            JSON.stringify(before.parameters) === JSON.stringify(checked.rule.parameters);
          if (same) return { rule: before, userErrors: [] };
          const after: Rule = { ...checked.rule, version: (before?.version ?? 0) + 1, updatedBy: caller.subject, updatedAt: now };
          await this.write(em, after, before);
          await audit(em, caller, before ? 'RULE_CHANGED' : 'RULE_CREATED', 'RULE', after.id, before, after, null, now);
          return { rule: after, userErrors: [] };
        }),
      { idempotent: false },
    );
  }

  async setEnabled(id: string, enabled: boolean, caller: Caller): Promise<{ rule: Rule | null; userErrors: UserError[] }> {
    const rule = await this.get(id);
    if (!rule) return { rule: null, userErrors: [err('NOT_FOUND', ['id'], `没有规则 ${id}`, `No rule ${id}`)] };
    return this.upsert({ ...rule, enabled, expectedVersion: null }, caller);
  }

  /** On first start: the rules in rules/default-rules.yaml, each audited as seeded. */
  async seedIfEmpty(file: URL | string = DEFAULT_RULES_FILE): Promise<number> {
    const [{ n }] = await this.db.query('SELECT COUNT(*) AS n FROM hub_rule');
    if (Number(n) > 0) return 0;
    const inputs = parseYaml(readFileSync(file, 'utf8')) as RuleInput[];
    const system: Caller = { subject: 'seed:rules/default-rules.yaml', role: 'admin', customerCode: null };
    const now = Date.now();
    await this.db.transaction(async (em) => {
      for (const input of inputs) {
        const checked = validateRule(input);
        if (!checked.ok) throw new Error(`rules file: rule ${input.id}: ${checked.errors.map((e) => e.messageEn).join('; ')}`);
        const rule: Rule = { ...checked.rule, version: 1, updatedBy: system.subject, updatedAt: now };
        await this.write(em, rule, null);
        await audit(em, system, 'RULE_SEEDED', 'RULE', rule.id, null, rule, null, now);
      }
    });
    return inputs.length;
  }

  private async write(em: EntityManager, rule: Rule, before: Rule | null) {
    const row = {
      id: rule.id,
      kind: rule.kind,
      name: rule.name,
      description: rule.description,
      parameters: JSON.stringify(rule.parameters),
      priority: rule.priority,
      enabled: rule.enabled ? 1 : 0,
      version: rule.version,
      updated_by: rule.updatedBy,
      updated_at: rule.updatedAt,
    };
    if (before) {
      await em.query(
        'UPDATE hub_rule SET name = ?, description = ?, parameters = ?, priority = ?, enabled = ?, version = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?',
        [row.name, row.description, row.parameters, row.priority, row.enabled, row.version, row.updated_by, row.updated_at, row.id, before.version],
      );
    } else await insertRows(em, 'hub_rule', [row]);
  }
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  actorRole: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** Who an audit entry names: a caller, or the hub itself acting on its own (the rule engine). */
export type Actor = Pick<Caller, 'subject'> & { role: Caller['role'] | 'system' };

export const RULE_ENGINE: Actor = { subject: 'rule-engine', role: 'system' };

/** Writes audit entries inside the caller's transaction. */
export async function auditAll(
  em: EntityManager,
  actor: Actor,
  entries: { action: string; entity: string; entityId: string; before: unknown; after: unknown; reason: string | null }[],
  now = Date.now(),
): Promise<void> {
  await insertRows(
    em,
    'hub_audit',
    entries.map((e) => ({
      at: now,
      actor: actor.subject,
      actor_role: actor.role,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      before_state: e.before == null ? null : JSON.stringify(e.before),
      after_state: e.after == null ? null : JSON.stringify(e.after),
      reason: e.reason,
    })),
  );
}

/** Writes one audit entry inside the caller's transaction. */
export function audit(
  em: EntityManager,
  actor: Actor,
  action: string,
  entity: string,
  entityId: string,
  before: unknown,
  after: unknown,
  reason: string | null,
  now = Date.now(),
): Promise<void> {
  return auditAll(em, actor, [{ action, entity, entityId, before, after, reason }], now);
}

export async function readAudit(db: DataSource, hub: LegacySystem, entity: string, entityId: string | null, limit: number): Promise<AuditEntry[]> {
  const rows = await hub.call('audit.list', () =>
    db.query(
      `SELECT * FROM hub_audit WHERE entity = ?${entityId ? ' AND entity_id = ?' : ''} ORDER BY at DESC, id DESC LIMIT ?`,
      entityId ? [entity, entityId, limit] : [entity, limit],
    ),
  );
  return rows.map((r: any) => ({
    id: Number(r.id),
    at: Number(r.at),
    actor: r.actor,
    actorRole: r.actor_role,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before_state ? JSON.parse(r.before_state) : null,
    after: r.after_state ? JSON.parse(r.after_state) : null,
    reason: r.reason,
  }));
}
