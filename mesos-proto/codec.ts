/**
 * Encoding and decoding of Mesos messages in both content types a master or agent speaks:
 * `application/x-protobuf` and Mesos's own JSON mapping (not proto3 JSON; see MESOS-WIRE.md).
 * Decoding validates the way Mesos does, so a message it would reject is rejected here with
 * the field's path in the error.
 */
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import type { MessageName, MessageTypes } from './types';

export const CONTENT_TYPE_JSON = 'application/json';
export const CONTENT_TYPE_PROTOBUF = 'application/x-protobuf';
export type ContentType = typeof CONTENT_TYPE_JSON | typeof CONTENT_TYPE_PROTOBUF;

export class MesosDecodeError extends Error {}

function protoDir(): string {
  // Sources sit beside proto/; the compiled copy in dist/ reaches back to the sources.
  const candidates = [path.join(__dirname, 'proto'), path.join(__dirname, '..', '..', 'mesos-proto', 'proto')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'mesos.proto')));
  if (!found) throw new Error(`mesos-proto: .proto files not found in ${candidates.join(' or ')}`);
  return found;
}

let cachedRoot: protobuf.Root | null = null;
export function mesosRoot(): protobuf.Root {
  if (!cachedRoot) {
    const dir = protoDir();
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => path.join(dir, path.basename(target));
    root.loadSync(['mesos.proto', 'scheduler.proto', 'executor.proto'], { keepCase: true });
    root.resolveAll();
    cachedRoot = root;
  }
  return cachedRoot;
}

const typeCache = new Map<string, protobuf.Type>();
export function messageType(name: string): protobuf.Type {
  let type = typeCache.get(name);
  if (!type) {
    type = mesosRoot().lookupType(name);
    typeCache.set(name, type);
  }
  return type;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const FLOAT_TYPES = new Set(['double', 'float']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarFromJson(field: protobuf.Field, value: Json, where: string): unknown {
  const t = field.type;
  if (field.resolvedType instanceof protobuf.Enum) {
    if (typeof value !== 'string') throw new MesosDecodeError(`${where}: expecting a JSON string for enum ${field.resolvedType.name}`);
    if (!(value in field.resolvedType.values)) throw new MesosDecodeError(`${where}: unknown enum value '${value}' for ${field.resolvedType.name}`);
    return value;
  }
  if (INT_TYPES.has(t) || FLOAT_TYPES.has(t)) {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && FLOAT_TYPES.has(t) && /^[-+]?(Infinity|NaN)$/.test(value)) n = Number(value);
    else if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) n = Number(value);
    else throw new MesosDecodeError(`${where}: expecting a number, got ${JSON.stringify(value)}`);
    if (INT_TYPES.has(t) && !Number.isInteger(n)) throw new MesosDecodeError(`${where}: expecting an integer, got ${n}`);
    if (t.startsWith('uint') || t.startsWith('fixed')) {
      if (n < 0) throw new MesosDecodeError(`${where}: expecting an unsigned integer, got ${n}`);
    }
    return n;
  }
  if (t === 'bool') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new MesosDecodeError(`${where}: expecting a JSON boolean`);
  }
  if (t === 'string') {
    if (typeof value !== 'string') throw new MesosDecodeError(`${where}: expecting a JSON string`);
    return value;
  }
  if (t === 'bytes') {
    if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
      throw new MesosDecodeError(`${where}: expecting a base64 string`);
    }
    return value;
  }
  throw new MesosDecodeError(`${where}: unsupported field type ${t}`);
}

function valueFromJson(field: protobuf.Field, value: Json, where: string): unknown {
  if (field.resolvedType instanceof protobuf.Type) {
    if (!isObject(value)) throw new MesosDecodeError(`${where}: expecting a JSON object`);
    return objectFromJson(field.resolvedType, value, where);
  }
  return scalarFromJson(field, value, where);
}

/** Normalizes parsed JSON into the canonical shape, with Mesos's leniencies and checks. */
export function objectFromJson(type: protobuf.Type, json: JsonObject, where = type.name): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (!field || value === null) continue; // Mesos ignores unknown keys and treats null as unset
    const at = `${where}.${key}`;
    if (field instanceof protobuf.MapField) {
      if (!isObject(value)) throw new MesosDecodeError(`${at}: expecting a JSON object for a map`);
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) map[k] = valueFromJson(field, v, `${at}.${k}`);
      out[key] = map;
    } else if (field.repeated) {
      const items = Array.isArray(value) ? value : [value];
      out[key] = items.map((item, i) => valueFromJson(field, item, `${at}[${i}]`));
    } else {
      if (Array.isArray(value)) throw new MesosDecodeError(`${at}: not expecting a JSON array`);
      out[key] = valueFromJson(field, value, at);
    }
  }
  for (const field of type.fieldsArray) {
    if (field.required && out[field.name] === undefined) {
      throw new MesosDecodeError(`${where}: missing required field '${field.name}'`);
    }
  }
  return out;
}

/** Adds the optional fields that have declared defaults, as Mesos does when it emits JSON. */
function withDefaults(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...message };
  for (const field of type.fieldsArray) {
    const value = out[field.name];
    if (value === undefined) {
      const declared = field.options?.default as unknown;
      if (!field.repeated && declared !== undefined) out[field.name] = declared;
      continue;
    }
    if (!(field.resolvedType instanceof protobuf.Type)) continue;
    const sub = field.resolvedType;
    if (field instanceof protobuf.MapField) {
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, Record<string, unknown>>)) map[k] = withDefaults(sub, v);
      out[field.name] = map;
    } else if (Array.isArray(value)) {
      out[field.name] = value.map((v: Record<string, unknown>) => withDefaults(sub, v));
    } else {
      out[field.name] = withDefaults(sub, value as Record<string, unknown>);
    }
  }
  return out;
}

const TO_OBJECT: protobuf.IConversionOptions = { enums: String, longs: Number, bytes: String, defaults: false };

export function decode<K extends MessageName>(name: K, body: Buffer, contentType: ContentType): MessageTypes[K] {
  const type = messageType(name);
  if (contentType === CONTENT_TYPE_PROTOBUF) {
    let message: protobuf.Message;
    try {
      message = type.decode(body);
    } catch (err) {
      throw new MesosDecodeError(`Failed to parse body into ${name}: ${(err as Error).message}`);
    }
    return type.toObject(message, TO_OBJECT) as MessageTypes[K];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new MesosDecodeError(`Failed to parse body into JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new MesosDecodeError(`Failed to parse body into ${name}: expecting a JSON object`);
  return objectFromJson(type, parsed) as unknown as MessageTypes[K];
}

export function encode<K extends MessageName>(name: K, message: MessageTypes[K], contentType: ContentType): Buffer {
  const type = messageType(name);
  const plain = message as unknown as Record<string, unknown>;
  if (contentType === CONTENT_TYPE_PROTOBUF) {
    return Buffer.from(type.encode(type.fromObject(plain)).finish());
  }
  return Buffer.from(JSON.stringify(withDefaults(type, plain)));
}

/** Parses a Content-Type or Accept value into one of the two types Mesos speaks, or null. */
export function contentTypeOf(header: string | undefined): ContentType | null {
  if (header === CONTENT_TYPE_JSON || header === CONTENT_TYPE_PROTOBUF) return header;
  return null;
}
