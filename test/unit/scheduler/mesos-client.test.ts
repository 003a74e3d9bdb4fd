import { leaderZnode, masterUrlFromInfo, ReconnectBackoff, isRetryable, StaticMasterDetector } from '../../../scheduler/mesos-client';
import { electionOrder } from '../../../scheduler/ha';

describe('master detection', () => {
  it.each<[string[], string | null]>([
    [['json.info_0000000003', 'json.info_0000000001', 'log_replicas'], 'json.info_0000000001'],
    [['info_0000000000', 'json.info_0000000010', 'json.info_0000000009'], 'json.info_0000000009'],
    [['log_replicas'], null],
  ])('leader of %j is %s', (children, leader) => {
    expect(leaderZnode(children)).toBe(leader);
  });

  it.each([
    [{ address: { hostname: 'm1', ip: '10.0.0.1', port: 5050 } }, 'http://m1:5050'],
    [{ address: { ip: '10.0.0.1', port: 5051 } }, 'http://10.0.0.1:5051'],
    // 127.0.0.1 as Mesos stores MasterInfo.ip (network byte order read as little-endian uint32)
    [{ ip: 16777343, port: 5050 }, 'http://127.0.0.1:5050'],
  ])('master info %j → %s', (info, url) => {
    expect(masterUrlFromInfo(info)).toBe(url);
  });

  it('names the flag for a bad master URL', () => {
    expect(() => new StaticMasterDetector('ftp://x')).toThrow(/--master/);
  });
});

describe('re-subscribe backoff', () => {
  it('grows to its cap and resets', () => {
    const b = new ReconnectBackoff(500, 4000, () => 1);
    expect([b.nextDelayMs(), b.nextDelayMs(), b.nextDelayMs(), b.nextDelayMs(), b.nextDelayMs()]).toEqual([500, 1000, 2000, 4000, 4000]);
    b.reset();
    expect(b.nextDelayMs()).toBe(500);
  });
});

describe('call retry policy', () => {
  it.each([['KILL', true], ['ACKNOWLEDGE', true], ['RECONCILE', true], ['DECLINE', true], ['ACCEPT', false], ['SUBSCRIBE', false]] as const)('%s retryable: %s', (type, retry) => {
    expect(isRetryable(type)).toBe(retry);
  });
});

describe('leader election order', () => {
  it('sorts members by sequence number', () => {
    expect(electionOrder(['member-0000000012', 'member-0000000003', 'other'])).toEqual(['member-0000000003', 'member-0000000012']);
  });
});
