import { toPortMappings } from '../../../cli/convert/to-singularity';
import { parsePortSpec, PortSyntaxError } from '../../../cli/spec/port-spec';

describe('Nmesos port syntax', () => {
  it.each([
    [8080, { containerPort: 8080, protocol: 'tcp' }],
    ['8080', { containerPort: 8080, protocol: 'tcp' }],
    ['8081/udp', { containerPort: 8081, protocol: 'udp' }],
    ['8081/tcp', { containerPort: 8081, protocol: 'tcp' }],
    ['8082/tcp,udp', { containerPort: 8082, protocol: 'tcp,udp' }],
    ['8082/UDP', { containerPort: 8082, protocol: 'udp' }],
    ['9000:12000', { containerPort: 9000, hostPort: 12000, protocol: 'tcp' }],
    ['9102:13000/tcp,udp', { containerPort: 9102, hostPort: 13000, protocol: 'tcp,udp' }],
  ])('parses %p', (input, expected) => {
    expect(parsePortSpec(input)).toEqual(expected);
  });

  it.each([
    ['abc', /'abc' is not a port/],
    ['8080/sctp', /unknown protocol 'sctp'/],
    ['1:2:3', /more than one ':'/],
    ['8080/tcp/udp', /more than one '\/'/],
    ['70000', /outside 1-65535/],
    ['9000:', /'9000:' is not a port/],
  ])('rejects %p', (input, message) => {
    expect(() => parsePortSpec(input)).toThrow(PortSyntaxError);
    expect(() => parsePortSpec(input)).toThrow(message);
  });

  it('maps ports to Singularity port mappings: offered ports by index, fixed ones literally', () => {
    expect(toPortMappings([8080, '9000:12000', '9100/udp', '9101/tcp,udp'])).toEqual([
      { containerPortType: 'LITERAL', containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0, protocol: 'tcp' },
      { containerPortType: 'LITERAL', containerPort: 9000, hostPortType: 'LITERAL', hostPort: 12000, protocol: 'tcp' },
      { containerPortType: 'LITERAL', containerPort: 9100, hostPortType: 'FROM_OFFER', hostPort: 2, protocol: 'udp' },
      { containerPortType: 'LITERAL', containerPort: 9101, hostPortType: 'FROM_OFFER', hostPort: 3, protocol: 'tcp,udp' },
    ]);
  });
});
