// Envelope encryption for every secret at rest (docs/credentials.md#credentials-at-rest): each secret gets its own random
// 256-bit data key; AES-256-GCM with a random 96-bit nonce; the data key is wrapped with the
// master key named by `kid`. The AAD binds the ciphertext to its row, so a ciphertext copied
// to another row does not decrypt. Any failure throws — callers fail closed.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export type Envelope = {
  v: 1;
  kid: string;
  wrapped_key: string;
  nonce: string;
  ciphertext: string;
  tag: string;
};

export type MasterKeys = {
  /** key id new envelopes are wrapped with */
  current: string;
  keys: ReadonlyMap<string, Buffer>;
};

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses `kid:base64key[,kid:base64key…]`; the first pair is current. */
export function parseMasterKeys(value: string): MasterKeys {
  const keys = new Map<string, Buffer>();
  const pairs = value
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (pairs.length === 0) throw new Error("OKORO_MASTER_KEYS is empty");
  for (const pair of pairs) {
    const colon = pair.indexOf(":");
    const kid = colon > 0 ? pair.slice(0, colon) : "";
    if (!KID_PATTERN.test(kid))
      throw new Error("OKORO_MASTER_KEYS: each entry must be kid:base64key with a key id of letters, digits, . _ -");
    const key = Buffer.from(pair.slice(colon + 1), "base64");
    if (key.length !== 32) throw new Error(`OKORO_MASTER_KEYS: key "${kid}" must be 32 bytes of base64`);
    if (keys.has(kid)) throw new Error(`OKORO_MASTER_KEYS: key id "${kid}" appears twice`);
    keys.set(kid, key);
  }
  return { current: pairs[0].slice(0, pairs[0].indexOf(":")), keys };
}

export function generateMasterKey(kid: string): string {
  return `${kid}:${randomBytes(32).toString("base64")}`;
}

/** The AAD that ties a ciphertext to its row: `table|row id|user id|provider`. */
export function rowAad(table: string, rowId: string, userId = "", provider = ""): string {
  return [table, rowId, userId, provider].join("|");
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

function gcmOpen(key: Buffer, nonce: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("malformed envelope");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError("authentication failed");
  }
}

// The data key is wrapped with AES-256-GCM under the master key; its AAD names the key id,
// so a wrapped key cannot be passed off as wrapped by another master key.
function wrapKey(master: Buffer, kid: string, dataKey: Buffer): string {
  const { nonce, ciphertext, tag } = gcmSeal(master, dataKey, Buffer.from(`okoro-dek-v1|${kid}`));
  return Buffer.concat([nonce, ciphertext, tag]).toString("base64");
}

function unwrapKey(keys: MasterKeys, kid: string, wrapped: string): Buffer {
  const master = keys.keys.get(kid);
  if (!master) throw new DecryptionError(`unknown master key id "${kid}"`);
  const raw = Buffer.from(wrapped, "base64");
  if (raw.length !== NONCE_BYTES + 32 + TAG_BYTES) throw new DecryptionError("malformed wrapped key");
  return gcmOpen(
    master,
    raw.subarray(0, NONCE_BYTES),
    raw.subarray(NONCE_BYTES, NONCE_BYTES + 32),
    raw.subarray(NONCE_BYTES + 32),
    Buffer.from(`okoro-dek-v1|${kid}`),
  );
}

export function seal(plaintext: string | Buffer, aad: string, keys: MasterKeys): Envelope {
  const master = keys.keys.get(keys.current);
  if (!master) throw new Error("current master key is missing");
  const dataKey = randomBytes(32);
  const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
  const { nonce, ciphertext, tag } = gcmSeal(dataKey, data, Buffer.from(aad, "utf8"));
  const envelope: Envelope = {
    v: 1,
    kid: keys.current,
    wrapped_key: wrapKey(master, keys.current, dataKey),
    nonce: nonce.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: tag.toString("base64"),
  };
  dataKey.fill(0);
  return envelope;
}

export function open(envelope: Envelope, aad: string, keys: MasterKeys): Buffer {
  if (!envelope || envelope.v !== 1) throw new DecryptionError("unsupported envelope version");
  const dataKey = unwrapKey(keys, envelope.kid, envelope.wrapped_key);
  try {
    return gcmOpen(
      dataKey,
      Buffer.from(envelope.nonce, "base64"),
      Buffer.from(envelope.ciphertext, "base64"),
      Buffer.from(envelope.tag, "base64"),
      Buffer.from(aad, "utf8"),
    );
  } finally {
    dataKey.fill(0);
  }
}

export function sealJson(value: unknown, aad: string, keys: MasterKeys): Envelope {
  return seal(JSON.stringify(value), aad, keys);
}

export function openJson<T = unknown>(envelope: Envelope, aad: string, keys: MasterKeys): T {
  return JSON.parse(open(envelope, aad, keys).toString("utf8")) as T;
}

/**
 * Re-wraps the data key with the current master key. The ciphertext is untouched, so no
 * AAD is needed; returns null when the envelope already uses the current key.
 */
export function rewrap(envelope: Envelope, keys: MasterKeys): Envelope | null {
  if (envelope.kid === keys.current) return null;
  const dataKey = unwrapKey(keys, envelope.kid, envelope.wrapped_key);
  const master = keys.keys.get(keys.current);
  if (!master) throw new Error("current master key is missing");
  try {
    return { ...envelope, kid: keys.current, wrapped_key: wrapKey(master, keys.current, dataKey) };
  } finally {
    dataKey.fill(0);
  }
}
