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

/** A legacy system did not answer in time or answered with an error. */
export function upstreamUnavailable(system: string, cause: unknown): GraphQLError {
  return appError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    { zh: `${system} 系统暂时不可用`, en: `${system} is unavailable right now` },
    { system, cause: cause instanceof Error ? cause.message : String(cause) },
  );
}
