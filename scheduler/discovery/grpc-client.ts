/** A typed client of `griddle.discovery.v1.Discovery`, for tools and tests written in TypeScript. */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { discoveryServiceDefinition, type ListRequest, type ListResponse, type WatchEvent, type WatchRequest } from './grpc-protocol';

export interface DiscoveryClient {
  list(request?: ListRequest): Promise<ListResponse>;
  watch(request?: WatchRequest): grpc.ClientReadableStream<WatchEvent>;
  close(): void;
}

function method<Req, Res>(name: 'List' | 'Watch'): MethodDefinition<Req, Res> {
  return discoveryServiceDefinition()[name] as unknown as MethodDefinition<Req, Res>;
}

export function createDiscoveryClient(address: string): DiscoveryClient {
  // List answers the whole catalog in one message: at 100,000 endpoints that is over gRPC's 4 MB default.
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 256 * 1024 * 1024 });
  const listMethod = method<ListRequest, ListResponse>('List');
  const watchMethod = method<WatchRequest, WatchEvent>('Watch');
  return {
    list: (request = {}) => new Promise((resolve, reject) => {
      client.makeUnaryRequest(listMethod.path, listMethod.requestSerialize, listMethod.responseDeserialize, request,
        (err: grpc.ServiceError | null, value?: ListResponse) => (err || !value ? reject(err) : resolve(value)));
    }),
    watch: (request = {}) => client.makeServerStreamRequest(watchMethod.path, watchMethod.requestSerialize,
      watchMethod.responseDeserialize, request),
    close: () => client.close(),
  };
}
