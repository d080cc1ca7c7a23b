// Errors shown as people need them. A whole request that fails says why in the person's words; a
// part of the page whose system is down (UPSTREAM_UNAVAILABLE on that path) names the system and
// the rest of the page stays.
import type { CombinedError } from '@urql/core';
import { bi } from './i18n';

export interface Problem {
  code: string;
  /** What to tell the person, in the language in force. */
  text: string;
  /** The legacy system behind an UPSTREAM_UNAVAILABLE, e.g. TMS. */
  system?: string;
  path?: readonly (string | number)[];
}

const SYSTEMS: Record<string, readonly [string, string]> = {
  ERP: ['订单系统（ERP）', 'the order system (ERP)'],
  WMS: ['仓库系统（WMS）', 'the warehouse system (WMS)'],
  TMS: ['物流系统（TMS）', 'the carrier system (TMS)'],
  CRM: ['客服系统（CRM）', 'the customer-service system (CRM)'],
  'ORDER-LINK': ['订单中台', 'the order hub'],
};

export const systemName = (system: string | undefined): string => {
  const names = system ? SYSTEMS[system.toUpperCase()] : undefined;
  return names ? bi(names[0], names[1]) : bi('相关系统', 'a connected system');
};

const GENERAL: Record<string, readonly [string, string]> = {
  PERSISTED_QUERY_NOT_FOUND: ['页面版本比服务器旧，请刷新页面', 'This page is older than the server: reload it'],
  PERSISTED_QUERY_NOT_IN_LIST: ['页面版本与服务器不一致，请刷新页面', 'This page does not match the server: reload it'],
  NETWORK: ['网络连接失败，稍后自动重试', 'Network connection failed; trying again shortly'],
};

export function problemsOf(error: CombinedError | undefined | null): Problem[] {
  if (!error) return [];
  if (error.networkError && !error.graphQLErrors.length) return [{ code: 'NETWORK', text: bi(...GENERAL.NETWORK) }];
  return error.graphQLErrors.map((e) => {
    const x = (e.extensions ?? {}) as Record<string, unknown>;
    const code = String(x.code ?? 'ERROR');
    const system = typeof x.system === 'string' ? x.system : undefined;
    const general = GENERAL[code];
    const text =
      code === 'UPSTREAM_UNAVAILABLE'
        ? bi(`${systemName(system)}暂时无法连接，这部分稍后自动重试`, `${capitalize(systemName(system))} is not answering right now; this part will try again shortly`)
        : general
          ? bi(general[0], general[1])
          : bi(String(x.messageZh ?? e.message), String(x.messageEn ?? e.message));
    return { code, text, system, path: e.path };
  });
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The outage behind one part of the page: an UPSTREAM_UNAVAILABLE at or below this path. */
export function outageAt(problems: Problem[], ...path: (string | number)[]): Problem | undefined {
  return problems.find((p) => p.code === 'UPSTREAM_UNAVAILABLE' && p.path && path.every((segment, i) => p.path![i] === segment));
}

/** Problems that are not one part's outage: they concern the whole answer. */
export const wholeProblems = (problems: Problem[]): Problem[] => problems.filter((p) => p.code !== 'UPSTREAM_UNAVAILABLE' || !p.path?.length);
