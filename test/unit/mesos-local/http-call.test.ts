import type http from 'node:http';
import { negotiateAccept } from '../../../mesos-local/http-call';

const req = (accept?: string) => ({ headers: accept === undefined ? {} : { accept } }) as http.IncomingMessage;

describe('negotiateAccept', () => {
  it('defaults to JSON when Accept is absent or a wildcard', () => {
    expect(negotiateAccept(req())).toBe('application/json');
    expect(negotiateAccept(req('*/*'))).toBe('application/json');
    expect(negotiateAccept(req('application/*'))).toBe('application/json');
  });

  it('picks protobuf only when JSON is not acceptable', () => {
    expect(negotiateAccept(req('application/x-protobuf'))).toBe('application/x-protobuf');
    expect(negotiateAccept(req('application/json;q=0, application/x-protobuf'))).toBe('application/x-protobuf');
    expect(negotiateAccept(req('application/x-protobuf, application/json'))).toBe('application/json');
  });

  it('refuses with 406 what it cannot produce', () => {
    expect(() => negotiateAccept(req('text/html'))).toThrow(expect.objectContaining({ status: 406 }));
  });
});
