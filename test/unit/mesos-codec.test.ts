import {
  CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, decode, encode, isValidUuidBase64, MesosDecodeError,
  newUuidBase64, SchedulerCall, SchedulerEvent,
} from '../../mesos-proto';

const subscribe: SchedulerCall = {
  type: 'SUBSCRIBE',
  subscribe: {
    framework_info: {
      user: 'root', name: 'griddle', failover_timeout: 604800, checkpoint: true,
      capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
    },
  },
};

describe('Mesos JSON mapping', () => {
  it('uses snake_case names and enum strings', () => {
    const json = JSON.parse(encode('mesos.v1.scheduler.Call', subscribe, CONTENT_TYPE_JSON).toString());
    expect(json.type).toBe('SUBSCRIBE');
    expect(json.subscribe.framework_info.failover_timeout).toBe(604800);
    expect(json.subscribe.framework_info.capabilities[0].type).toBe('PARTITION_AWARE');
  });

  it('emits unset optional fields that have defaults, as Mesos does', () => {
    const call: SchedulerCall = { type: 'DECLINE', framework_id: { value: 'f' }, decline: { offer_ids: [{ value: 'o' }], filters: {} } };
    const json = JSON.parse(encode('mesos.v1.scheduler.Call', call, CONTENT_TYPE_JSON).toString());
    expect(json.decline.filters.refuse_seconds).toBe(5);
  });

  it('encodes bytes as base64 and round-trips them', () => {
    const uuid = newUuidBase64();
    const call: SchedulerCall = {
      type: 'ACKNOWLEDGE', framework_id: { value: 'f' },
      acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid },
    };
    const json = encode('mesos.v1.scheduler.Call', call, CONTENT_TYPE_JSON);
    expect(JSON.parse(json.toString()).acknowledge.uuid).toBe(uuid);
    expect(decode('mesos.v1.scheduler.Call', json, CONTENT_TYPE_JSON).acknowledge?.uuid).toBe(uuid);
    const pb = encode('mesos.v1.scheduler.Call', call, CONTENT_TYPE_PROTOBUF);
    expect(decode('mesos.v1.scheduler.Call', pb, CONTENT_TYPE_PROTOBUF).acknowledge?.uuid).toBe(uuid);
    expect(isValidUuidBase64(uuid)).toBe(true);
  });

  it('round-trips a call through protobuf with the same shape', () => {
    const pb = encode('mesos.v1.scheduler.Call', subscribe, CONTENT_TYPE_PROTOBUF);
    expect(decode('mesos.v1.scheduler.Call', pb, CONTENT_TYPE_PROTOBUF)).toEqual(subscribe);
  });

  it('writes field numbers as upstream (type=2 varint, subscribe=3)', () => {
    const pb = encode('mesos.v1.scheduler.Call', { type: 'SUBSCRIBE', subscribe: subscribe.subscribe }, CONTENT_TYPE_PROTOBUF);
    expect(pb[0]).toBe((2 << 3) | 0);
    expect(pb[1]).toBe(1);
    expect(pb[2]).toBe((3 << 3) | 2);
  });

  it('accepts Mesos leniencies: string integers, single values for repeated fields, nulls, Infinity', () => {
    const body = Buffer.from(JSON.stringify({
      type: 'OFFERS',
      offers: { offers: { id: { value: 'o1' }, framework_id: { value: 'f' }, agent_id: { value: 'a' }, hostname: 'h',
        resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: '31000', end: 31005 }] } },
          { name: 'cpus', type: 'SCALAR', scalar: { value: 'Infinity' } }], url: null } },
      unknownCamelCase: 1,
    }));
    const event: SchedulerEvent = decode('mesos.v1.scheduler.Event', body, CONTENT_TYPE_JSON);
    const offer = event.offers!.offers![0];
    expect(offer.resources![0].ranges!.range![0]).toEqual({ begin: 31000, end: 31005 });
    expect(offer.resources![1].scalar!.value).toBe(Infinity);
    expect(offer.url).toBeUndefined();
    expect((event as Record<string, unknown>).unknownCamelCase).toBeUndefined();
  });

  it.each([
    [{ type: 1 }, /expecting a JSON string for enum/],
    [{ type: 'NOPE' }, /unknown enum value 'NOPE'/],
    [{ type: 'KILL', kill: {} }, /missing required field 'task_id'/],
    [{ type: 'KILL', kill: { task_id: { value: 5 } } }, /expecting a JSON string/],
    [{ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: '!!' } }, /base64/],
  ])('rejects %j', (body, message) => {
    expect(() => decode('mesos.v1.scheduler.Call', Buffer.from(JSON.stringify(body)), CONTENT_TYPE_JSON)).toThrow(message);
  });

  it('rejects bodies that are not JSON objects or not protobuf', () => {
    expect(() => decode('mesos.v1.scheduler.Call', Buffer.from('[1]'), CONTENT_TYPE_JSON)).toThrow(MesosDecodeError);
    expect(() => decode('mesos.v1.scheduler.Call', Buffer.from('{'), CONTENT_TYPE_JSON)).toThrow(MesosDecodeError);
    expect(() => decode('mesos.v1.scheduler.Call', Buffer.from([0x0a, 0xff, 0xff]), CONTENT_TYPE_PROTOBUF)).toThrow(MesosDecodeError);
  });

  it('rejects non-RFC-4122 uuids', () => {
    expect(isValidUuidBase64(Buffer.alloc(16).toString('base64'))).toBe(false);
    expect(isValidUuidBase64(Buffer.alloc(4).toString('base64'))).toBe(false);
  });
});
