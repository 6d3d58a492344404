/**
 * Advert authentication of a vrrp_instance.
 *
 * `authentication { auth_type PASS|AH; auth_pass SECRET }` is VRRPv2's
 * (RFC 2338 §5.3.6; removed by RFC 3768): PASS puts up to 8 bytes of
 * cleartext in the advert, AH wraps it in IPsec AH with HMAC-MD5-96 (IPv4
 * only). keepalived truncates a longer password with an error-level message;
 * here it is a warning and the model holds the 8 bytes that go on the wire.
 *
 * `auth_hmac { … }` (keepalived 2.4+) is keepalived's own HMAC-SHA256 trailer
 * for VRRPv2 and v3, unicast and multicast, with key rotation and
 * anti-replay:
 *   key ID hex:HEX | file:PATH | ASCII     (ID 1..255; 32..64 bytes; repeatable)
 *   active_key ID                          (the key that signs)
 *   anti_replay time|monotonic             (default time)
 *   time_window 1..300                     (seconds; default 3 × advert_int in [5, 300])
 *   mode enforce|permissive|receive-only   (default enforce)
 * A `file:` key is read when the daemon starts (its permissions are checked
 * then); inline keys are checked for length here. Rules involving the rest
 * of the instance (no `authentication` at the same time, active_key defined,
 * strict mode wants enforce) are in instance-resolve.ts.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import type { Keyword } from '../../config/schema/types.js';
import { int, oneOf, oneWord, wholeSeconds } from '../../config/schema/values.js';
import type { AuthHmac, HmacKey, VrrpAuth, VrrpInstance } from './instance-model.js';

/** VRRPv2 authentication data is 8 bytes (RFC 2338 §5.3.10). */
export const AUTH_PASS_MAX = 8;
export const HMAC_KEY_MIN_BYTES = 32;
export const HMAC_KEY_MAX_BYTES = 64;
export const HMAC_WINDOW_MIN_S = 1;
export const HMAC_WINDOW_MAX_S = 300;

const ka = keywordsFor<VrrpAuth>();

export const authBlock = defineBlock<VrrpAuth>({
  name: 'authentication',
  doc: 'VRRPv2 advert authentication (removed from the protocol by RFC 3768; mostly useful with unicast).',
  create: () => ({}),
  keywords: [
    ka.scalar('auth_type', oneOf(['PASS', 'AH'] as const), 'type', {
      tag: 'CORE',
      doc: 'PASS: cleartext password in the advert; AH: IPsec AH with HMAC-MD5-96 (IPv4 only).',
    }),
    ka.custom(
      'auth_pass',
      { tag: 'CORE', syntax: 'PASSWORD', doc: 'The shared password; only the first 8 characters are used.' },
      (m, stmt, ctx) => {
        const w = oneWord(stmt.args, stmt.keyword);
        const bytes = Buffer.from(w.text, 'utf8');
        if (bytes.length > AUTH_PASS_MAX) {
          ctx.diags.warning(`Truncating auth_pass to ${AUTH_PASS_MAX} characters`, w.loc, 'auth_pass');
          m.password = bytes.subarray(0, AUTH_PASS_MAX).toString('utf8');
        } else m.password = w.text;
        ctx.locations.set(m, stmt.loc, 'password');
      },
      (m) => (m.password === undefined ? [] : [{ words: ['auth_pass', m.password] }]),
    ),
  ],
});

/** keepalived read_hex_str: hex digits, optionally space-separated; a lone digit is one byte. */
function hexBytes(text: string, w: Word): Buffer {
  const bytes: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      i++;
      continue;
    }
    const hi = text[i]!;
    if (!/[0-9a-fA-F]/.test(hi)) throw new ConfigValueError(`invalid hex digit '${hi}' in auth_hmac key`, w.loc);
    const lo = text[i + 1];
    if (lo !== undefined && lo !== ' ' && lo !== '\t') {
      if (!/[0-9a-fA-F]/.test(lo)) throw new ConfigValueError(`invalid hex digit '${lo}' in auth_hmac key`, w.loc);
      bytes.push(Number.parseInt(hi + lo, 16));
      i += 2;
    } else {
      bytes.push(Number.parseInt(hi, 16));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}

function parseKey(words: readonly Word[], at: Word): HmacKey {
  const [idWord, value, extra] = words;
  if (!idWord || !value) throw new ConfigValueError('auth_hmac key needs an id and a value', at.loc);
  if (extra) throw new ConfigValueError(`unexpected extra parameter '${extra.text}'`, extra.loc);
  const id = int(1, 255).parse([idWord], at);
  if (value.text.startsWith('file:')) {
    const file = value.text.slice(5);
    if (file === '') throw new ConfigValueError('auth_hmac key file: needs a path', value.loc);
    return { id, file };
  }
  const secret = value.text.startsWith('hex:') ? hexBytes(value.text.slice(4), value) : Buffer.from(value.text, 'utf8');
  if (secret.length < HMAC_KEY_MIN_BYTES || secret.length > HMAC_KEY_MAX_BYTES) {
    throw new ConfigValueError(`auth_hmac key ${id} length ${secret.length} not in range [${HMAC_KEY_MIN_BYTES}, ${HMAC_KEY_MAX_BYTES}]`, value.loc);
  }
  return { id, secret: secret.toString('hex') };
}

const kh = keywordsFor<AuthHmac>();

export const authHmacBlock = defineBlock<AuthHmac>({
  name: 'auth_hmac',
  doc: "keepalived's HMAC-SHA256 advert authentication with key rotation and anti-replay (2.4+).",
  create: () => ({ keys: [], antiReplay: 'time', mode: 'enforce' }),
  keywords: [
    kh.custom(
      'key',
      { tag: 'RARE', since: '2.4', repeatable: true, syntax: '1..255 hex:HEX|file:PATH|ASCII', doc: 'A signing key (32..64 bytes) and its id; several allow rotation.' },
      (m, stmt, ctx) => {
        const key = parseKey(stmt.args, stmt.keyword);
        if (m.keys.some((other) => other.id === key.id)) throw new ConfigValueError(`duplicate auth_hmac key id ${key.id}`, stmt.args[0]!.loc);
        m.keys.push(key);
        ctx.locations.set(key, stmt.loc);
      },
      (m) => m.keys.map((key) => ({ words: ['key', String(key.id), key.file !== undefined ? `file:${key.file}` : `hex:${key.secret}`] })),
    ),
    kh.scalar('active_key', int(1, 255), 'activeKey', { tag: 'RARE', since: '2.4', doc: 'Id of the key used to sign adverts.' }),
    kh.scalar('anti_replay', oneOf(['time', 'monotonic'] as const), 'antiReplay', {
      tag: 'RARE',
      since: '2.4',
      doc: 'Replay protection from wall-clock time stamps (time) or a per-sender counter (monotonic).',
      default: 'time',
    }),
    kh.scalar('time_window', wholeSeconds(HMAC_WINDOW_MIN_S, HMAC_WINDOW_MAX_S), 'timeWindowMs', {
      tag: 'RARE',
      since: '2.4',
      doc: 'Seconds a time-stamped advert stays acceptable.',
      default: '3 × advert_int, within [5, 300]',
    }),
    kh.scalar('mode', oneOf(['enforce', 'permissive', 'receive-only'] as const), 'mode', {
      tag: 'RARE',
      since: '2.4',
      doc: 'enforce: drop adverts that fail; permissive: log and accept them; receive-only: check but do not sign.',
      default: 'enforce',
    }),
  ],
});

const k = keywordsFor<VrrpInstance>();

export const authKeywords: Keyword<VrrpInstance>[] = [
  k.child('authentication', authBlock, 'auth', { tag: 'CORE', doc: authBlock.doc }),
  k.child('auth_hmac', authHmacBlock, 'authHmac', { tag: 'RARE', since: '2.4', doc: authHmacBlock.doc }),
];
