export { COLLECTIONS, MAX_RECORD_BYTES, RecordTooLargeError, type Collection, type StateStore } from './state-store';
export { MemoryStateStore } from './memory-store';
export { LocalDirStateStore } from './local-dir-store';
export { ZkStateStore } from './zk-state-store';
export { mapWindowed, readAll, ZK_READ_WINDOW } from './zk-reads';
export { BUCKETS, bucketOf, maxBucketListingBytes, ZkLayout } from './zk-layout';
export { ZkSession, parseZkUrl, isZkCode, zookeeper } from './zk-session';
export { outsideWriteScope, runInWriteScope, WriteScope } from './write-scope';
