import { parseDuration } from '../../../cli/arg-parsers';

describe('griddle --duration', () => {
  it.each([['90s', 90_000], ['30m', 1_800_000], ['1h', 3_600_000], ['1h30m', 5_400_000], ['2d', 172_800_000], ['1500', 1500], ['250ms', 250]])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', '0', '1x', 'h', '1h foo', '-1m'])('refuses %p', (text) => {
    expect(() => parseDuration(text)).toThrow(/duration/);
  });
});
