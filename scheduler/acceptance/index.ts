export { acceptanceRunner, answerCheck } from './http-adapter';
export type { AcceptanceAdapterOptions, AcceptanceRunner } from './http-adapter';
export { combineVerdicts, compare, describeCheck, renderQuery, renderUrl, verdictOf } from './verdict';
export type { CheckAnswer, CheckVars, Verdict, VerdictKind } from './verdict';
