import { type CheckAnswer, combineVerdicts, renderQuery, renderUrl, verdictOf } from '../../../scheduler/acceptance';
import type { AcceptanceCheck, PrometheusAcceptanceCheck } from '../../../contract';

const hook: AcceptanceCheck = { type: 'HTTP', url: 'http://hooks.local/accept' };
const errors: PrometheusAcceptanceCheck = { type: 'PROMETHEUS', query: 'rate(errors_total{deploy="{{deployId}}"}[{{window}}])', comparison: '<', threshold: 0.5, windowSeconds: 60 };
const vector = (...values: number[]): CheckAnswer => ({
  type: 'PROMETHEUS', json: { status: 'success', data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { instance: `t${i}` }, value: [1, String(v)] })) } },
});

describe('acceptance verdicts from answers', () => {
  it.each<[string, AcceptanceCheck, CheckAnswer, string, string]>([
    ['hook 200 passes', hook, { type: 'HTTP', status: 200, body: 'ok' }, 'pass', 'answered 200'],
    ['hook 204 passes', hook, { type: 'HTTP', status: 204, body: '' }, 'pass', 'answered 204'],
    ['hook 500 fails with its body', hook, { type: 'HTTP', status: 500, body: 'error budget spent' }, 'fail', 'answered 500: error budget spent'],
    ['hook 302 is not 2xx', hook, { type: 'HTTP', status: 302, body: '' }, 'fail', 'answered 302'],
    ['hook unreachable is inconclusive', hook, { type: 'unreachable', error: 'request failed: ECONNREFUSED' }, 'inconclusive', 'ECONNREFUSED'],
    ['all samples below the threshold pass', errors, vector(0.1, 0.2), 'pass', '2 sample(s) < 0.5'],
    ['one sample at the threshold fails, naming its series', errors, vector(0.1, 0.5), 'fail', '{instance="t1"} = 0.5, wanted < 0.5'],
    ['no samples are inconclusive', errors, vector(), 'inconclusive', 'no samples'],
    ['NaN is inconclusive', errors, vector(Number.NaN), 'inconclusive', 'NaN'],
    ['a scalar result is compared too', errors, { type: 'PROMETHEUS', json: { status: 'success', data: { resultType: 'scalar', result: [1, '0.9'] } } }, 'fail', 'scalar = 0.9'],
    ['Prometheus refusing the query fails', errors, { type: 'PROMETHEUS', json: { status: 'error', errorType: 'bad_data', error: 'parse error' } }, 'fail', 'rejected the query: parse error'],
    ['Prometheus failing otherwise is inconclusive', errors, { type: 'PROMETHEUS', json: { status: 'error', errorType: 'timeout', error: 'query timed out' } }, 'inconclusive', 'query timed out'],
    ['a matrix is not an instant vector', errors, { type: 'PROMETHEUS', json: { status: 'success', data: { resultType: 'matrix', result: [] } } }, 'inconclusive', 'matrix'],
  ])('%s', (_name, check, answer, kind, reason) => {
    const v = verdictOf(check, answer);
    expect(v.kind).toBe(kind);
    expect(v.reason).toContain(reason);
  });

  it.each<[string, string]>([['<=', 'pass'], ['>', 'fail'], ['>=', 'pass']])('comparison %s against 0.5 with 0.5 → %s', (comparison, kind) => {
    expect(verdictOf({ ...errors, comparison: comparison as '<=' }, vector(0.5)).kind).toBe(kind);
  });

  it('combines: a fail wins, then inconclusive, else pass', () => {
    const pass = { kind: 'pass' as const, reason: 'a' };
    const unsure = { kind: 'inconclusive' as const, reason: 'b' };
    const fail = { kind: 'fail' as const, reason: 'c' };
    expect(combineVerdicts([pass, unsure, fail])).toEqual(fail);
    expect(combineVerdicts([pass, unsure]).kind).toBe('inconclusive');
    expect(combineVerdicts([pass, pass]).kind).toBe('pass');
  });

  it('fills the placeholders', () => {
    expect(renderQuery(errors, { requestId: 'web', deployId: 'v2' })).toBe('rate(errors_total{deploy="v2"}[60s])');
    expect(renderQuery({ ...errors, query: 'up{job="{{ requestId }}"}', windowSeconds: undefined }, { requestId: 'web', deployId: 'v2' })).toBe('up{job="web"}');
    expect(renderUrl('http://h/accept?d={{deployId}}', { requestId: 'r', deployId: 'v 2' })).toBe('http://h/accept?d=v%202');
  });
});
