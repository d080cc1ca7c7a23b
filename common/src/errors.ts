// The one catalogue of error codes clients can rely on. Messages are for people: Chinese first,
// then English, because the users are in China and integrators often are not.
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  CONFLICT: 'CONFLICT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface Bilingual {
  zh: string;
  en: string;
}

export function appError(code: ErrorCode, text: Bilingual, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${text.zh} / ${text.en}`, {
    extensions: { code, messageZh: text.zh, messageEn: text.en, ...extensions },
  });
}

export const badInput = (text: Bilingual, extensions: Record<string, unknown> = {}) =>
  appError(ErrorCode.BAD_USER_INPUT, text, extensions);

export type UpstreamReason = 'TIMEOUT' | 'CIRCUIT_OPEN' | 'ERROR';

const REASON_TEXT: Record<UpstreamReason, Bilingual> = {
  TIMEOUT: { zh: '响应超时', en: 'did not answer in time' },
  CIRCUIT_OPEN: { zh: '近期连续失败，暂停调用等待恢复', en: 'failed repeatedly and is rested before the next try' },
  ERROR: { zh: '返回错误', en: 'answered with an error' },
};

/**
 * A legacy system did not answer in time or answered with an error. The cause is logged, never
 * sent: it may hold SQL or a host name.
 */
export function upstreamUnavailable(system: string, cause: unknown): GraphQLError {
  const name = cause instanceof Error ? cause.name + ' ' + cause.message : String(cause);
  const reason: UpstreamReason = /timeout|no answer within|aborted/i.test(name) ? 'TIMEOUT' : /circuit open/i.test(name) ? 'CIRCUIT_OPEN' : 'ERROR';
  return appError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    { zh: `${system} 系统暂时不可用（${REASON_TEXT[reason].zh}）`, en: `${system} is unavailable right now (${REASON_TEXT[reason].en})` },
    { system, reason },
  );
}
