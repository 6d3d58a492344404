/**
 * `HTTP_GET { … }` and `SSL_GET { … }` with their `url { … }` blocks
 * (check_http.c install_http_ssl_check_keyword): each url is fetched in turn;
 * a url passes when the status is in `status_code` (default 200-299), the
 * body's MD5 equals `digest` if one is given, and `regex` matches (or, with
 * regex_no_match, doesn't) if one is given.
 *
 * SSL_GET uses the top-level `SSL { … }` context; without one keepalived
 * builds a default context (no certificate, no CA verification) — that is not
 * an error. `tls_compliant` (2.3+) exists only for SSL_GET and its urls.
 * keepalived drops a url without `path` and a checker without urls, each with
 * an error; so do we.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import type { Word } from '../../config/lexer/types.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import type { BlockSpec, Keyword, ValueType } from '../../config/schema/types.js';
import { int, oneOf, word } from '../../config/schema/values.js';
import { connectionKeywords, emptyConnectedEffective, type CheckerSpec, type ConnectedChecker, type EffectiveConnection, type EffectiveTiming } from './checker-common.js';

export interface StatusRange {
  min: number;
  max: number;
}

export interface HttpUrl {
  path: string;
  /** MD5 of the body, 32 lower-case hex digits (what genhash prints). */
  digest?: string;
  /** Accepted status codes, merged and sorted; 200-299 when none is given. */
  statusCodes: StatusRange[];
  /** Host header for this url; overrides the checker's. */
  virtualhost?: string;
  /** PCRE2 pattern the body must match (not match, with regexNoMatch). */
  regex?: string;
  regexNoMatch: boolean;
  regexOptions: string[];
  /** Byte offsets in the body between which a match may start. */
  regexMinOffset: number;
  regexMaxOffset?: number;
  /** PCRE2 JIT stack sizes, bytes. */
  regexStack?: { start: number; max: number };
  /** SSL_GET only: send close_notify before closing. */
  tlsCompliant: boolean;
}

export type HttpProtocol = '1.0' | '1.0C' | '1.1';

export interface HttpCheck extends ConnectedChecker {
  type: 'HTTP_GET' | 'SSL_GET';
  urls: HttpUrl[];
  virtualhost?: string;
  /** 1.0C is 1.0 with "Connection: close". */
  httpProtocol: HttpProtocol;
  /** Check every url at once after a failure instead of one per delay_loop. */
  fastRecovery: boolean;
  enableSni: boolean;
  /** SNI host name; default: the effective virtualhost. */
  sniName?: string;
  tlsCompliant: boolean;
  effective: EffectiveTiming & {
    connection: EffectiveConnection;
    /** Host header default for urls without their own: checker → real server → virtual server. */
    virtualhost?: string;
  };
}

const STATUS_MIN = 100;
const STATUS_MAX = 599;
export const DEFAULT_STATUS: readonly StatusRange[] = [{ min: 200, max: 299 }];

/** Adds `add` to `ranges`, returning sorted, merged ranges. */
export function mergeStatus(ranges: readonly StatusRange[], add: readonly StatusRange[]): StatusRange[] {
  const all = [...ranges, ...add].sort((a, b) => a.min - b.min);
  const out: StatusRange[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r.min <= last.max + 1) last.max = Math.max(last.max, r.max);
    else out.push({ min: r.min, max: r.max });
  }
  return out;
}

const statusCodes: ValueType<StatusRange[]> = {
  syntax: 'CODE|MIN-MAX ...',
  parse(words, at) {
    if (words.length === 0) throw new ConfigValueError('missing status code', at.loc);
    return words.map((w) => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(w.text);
      const min = m ? Number(m[1]) : NaN;
      const max = m ? Number(m[2] ?? m[1]) : NaN;
      if (!m || min < STATUS_MIN || max > STATUS_MAX || min > max) {
        throw new ConfigValueError(`Invalid HTTP_GET status code '${w.text}' (${STATUS_MIN}..${STATUS_MAX} or a range MIN-MAX)`, w.loc);
      }
      return { min, max };
    });
  },
  format: (v) => v.map((r) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`)),
};

const digestValue = word('MD5-HEX', (w) => {
  if (w.text.length !== 32) throw new ConfigValueError(`digest '${w.text}' character length should be 32 rather than ${w.text.length}`, w.loc);
  if (!/^[0-9a-fA-F]{32}$/.test(w.text)) throw new ConfigValueError(`Unable to interpret hex digit in '${w.text}'`, w.loc);
});

/** PCRE2 compile options keepalived accepts by name (check_http.c regex_options[]). */
export const REGEX_OPTIONS = [
  'allow_empty_class', 'alt_bsux', 'auto_callout', 'caseless', 'dollar_endonly', 'dotall', 'dupnames', 'extended',
  'firstline', 'match_unset_backref', 'multiline', 'never_ucp', 'never_utf', 'no_auto_capture', 'no_auto_possess',
  'no_dotstar_anchor', 'no_start_optimize', 'ucp', 'ungreedy', 'utf', 'never_backslash_c', 'alt_circumflex',
  'alt_verbnames', 'use_offset_limit',
] as const;

const regexStack: ValueType<{ start: number; max: number }> = {
  syntax: 'START MAX',
  parse(words: readonly Word[], at: Word) {
    if (words.length !== 2) throw new ConfigValueError('regex_stack requires start and max values', (words[2] ?? at).loc);
    const n = int(0, Number.MAX_SAFE_INTEGER);
    const start = n.parse([words[0]!], at);
    const max = n.parse([words[1]!], at);
    if (start > max) throw new ConfigValueError('regex stack start cannot exceed max value', words[0]!.loc);
    return { start, max };
  },
  format: (v) => [String(v.start), String(v.max)],
};

function urlBlock(ssl: boolean): BlockSpec<HttpUrl> {
  const k = keywordsFor<HttpUrl>();
  const offset = int(0, Number.MAX_SAFE_INTEGER);
  return defineBlock<HttpUrl>({
    name: 'url',
    doc: 'A url to fetch and the answer it must give.',
    create: () => ({ path: '', statusCodes: [...DEFAULT_STATUS.map((r) => ({ ...r }))], regexNoMatch: false, regexOptions: [], regexMinOffset: 0, tlsCompliant: false }),
    keywords: [
      k.scalar('path', word('PATH'), 'path', { tag: 'CORE', doc: 'The path to request, e.g. /health.' }),
      k.custom(
        'digest',
        { tag: 'COMMON', syntax: digestValue.syntax, doc: 'MD5 the body must have (32 hex digits, as genhash prints).' },
        (m, stmt, ctx) => {
          const d = digestValue.parse(stmt.args, stmt.keyword).toLowerCase();
          if (m.digest !== undefined) throw new ConfigValueError(`Digest '${d}' is a duplicate`, stmt.loc);
          m.digest = d;
          ctx.locations.set(m, stmt.loc, 'digest');
        },
        (m) => (m.digest === undefined ? [] : [{ words: ['digest', m.digest] }]),
      ),
      k.custom(
        'status_code',
        { tag: 'CORE', syntax: statusCodes.syntax, doc: 'Accepted status codes, e.g. `200-299 400 503`; repeated lines add up.', default: '200-299' },
        (m, stmt, ctx) => {
          const add = statusCodes.parse(stmt.args, stmt.keyword);
          // keepalived adds to the set; the default applies only when none is given.
          const given = ctx.locations.get(m, 'statusCodes') !== undefined;
          m.statusCodes = mergeStatus(given ? m.statusCodes : [], add);
          ctx.locations.set(m, stmt.loc, 'statusCodes');
        },
        (m) => (sameRanges(m.statusCodes, DEFAULT_STATUS) ? [] : [{ words: ['status_code', ...statusCodes.format(m.statusCodes)] }]),
      ),
      k.scalar('virtualhost', word('HOST'), 'virtualhost', { tag: 'RARE', doc: 'Host header for this url.', default: "the checker's" }),
      k.scalar('regex', word('PATTERN'), 'regex', { tag: 'RARE', doc: 'PCRE2 pattern the body must match.' }),
      k.flag('regex_no_match', 'regexNoMatch', { tag: 'RARE', noArg: true, doc: 'The check fails when the regex matches.' }),
      k.custom(
        'regex_options',
        { tag: 'RARE', syntax: 'OPTION ...', doc: `PCRE2 options: ${REGEX_OPTIONS.join(', ')}.` },
        (m, stmt) => {
          for (const w of stmt.args) {
            if (!(REGEX_OPTIONS as readonly string[]).includes(w.text)) throw new ConfigValueError(`unknown regex option '${w.text}'`, w.loc);
          }
          const set = new Set([...m.regexOptions, ...stmt.args.map((w) => w.text)]);
          m.regexOptions = REGEX_OPTIONS.filter((o) => set.has(o));
        },
        (m) => (m.regexOptions.length === 0 ? [] : [{ words: ['regex_options', ...m.regexOptions] }]),
      ),
      k.scalar('regex_min_offset', offset, 'regexMinOffset', { tag: 'RARE', doc: 'Lowest body offset where a match may start, bytes.', default: '0' }),
      k.scalar('regex_max_offset', offset, 'regexMaxOffset', { tag: 'RARE', doc: 'Highest body offset where a match may start, bytes.' }),
      k.scalar('regex_stack', regexStack, 'regexStack', { tag: 'RARE', doc: 'PCRE2 JIT stack start and maximum sizes, bytes.' }),
      ...(ssl ? [k.flag('tls_compliant', 'tlsCompliant', { tag: 'RARE', since: '2.3', doc: 'Send a TLS close_notify before closing.' })] : []),
    ],
    finish(m, ctx, loc) {
      const regexParams = m.regexNoMatch || m.regexOptions.length > 0 || m.regexMinOffset > 0 || m.regexMaxOffset !== undefined || m.regexStack !== undefined;
      if (m.regex === undefined && regexParams) {
        // keepalived only logs this, so -t's exit code stays as it is: a notice.
        ctx.diags.notice('regex parameters specified without regex - ignoring them', loc, 'url');
        m.regexNoMatch = false;
        m.regexOptions = [];
        m.regexMinOffset = 0;
        delete m.regexMaxOffset;
        delete m.regexStack;
      }
      if (m.regexMaxOffset !== undefined && m.regexMinOffset > m.regexMaxOffset) {
        throw new ConfigValueError(`regex_min_offset ${m.regexMinOffset} > regex_max_offset ${m.regexMaxOffset}`);
      }
    },
  });
}

function sameRanges(a: readonly StatusRange[], b: readonly StatusRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.min === b[i]!.min && r.max === b[i]!.max);
}

function httpSpec(name: 'HTTP_GET' | 'SSL_GET'): CheckerSpec<HttpCheck> {
  const ssl = name === 'SSL_GET';
  const k = keywordsFor<HttpCheck>();
  const url = urlBlock(ssl);
  const doc = ssl ? 'Fetches urls over HTTPS and checks status, MD5 digest or regex.' : 'Fetches urls over HTTP and checks status, MD5 digest or regex.';
  return {
    name,
    tag: ssl ? 'COMMON' : 'CORE',
    doc,
    options: 'connection',
    defaults: { retry: 1, delayBeforeRetryMs: 3000 },
    incomplete: (c) => (c.urls.length > 0 ? undefined : 'HTTP/SSL_GET checker has no urls specified - ignoring'),
    block: defineBlock<HttpCheck>({
      name,
      doc,
      create: () => ({
        type: name,
        urls: [],
        httpProtocol: '1.0',
        fastRecovery: false,
        enableSni: false,
        tlsCompliant: false,
        effective: emptyConnectedEffective(),
      }),
      keywords: [
        k.blocks('url', url, 'urls', { tag: 'CORE', doc: url.doc }),
        k.scalar('virtualhost', word('HOST'), 'virtualhost', { tag: 'COMMON', doc: 'Host header for the urls.', default: 'the real or virtual server virtualhost' }),
        k.scalar('http_protocol', httpProtocol, 'httpProtocol', { tag: 'RARE', doc: 'HTTP version of the request; 1.0C adds "Connection: close".', default: '1.0' }),
        k.flag('fast_recovery', 'fastRecovery', { tag: 'RARE', doc: 'After a failure (and at start), check all urls at once instead of one per delay_loop.' }),
        k.flag('enable_sni', 'enableSni', { tag: 'RARE', doc: 'Send SNI in the TLS handshake (the virtualhost, or sni_name).' }),
        k.custom(
          'sni_name',
          { tag: 'RARE', since: '2.4', syntax: '[NAME]', doc: 'Send SNI with this name (alone: the virtualhost); added after 2.4.3.' },
          (m, stmt) => {
            if (stmt.args.length > 1) throw new ConfigValueError(`unexpected extra parameter '${stmt.args[1]!.text}'`, stmt.args[1]!.loc);
            if (stmt.args[0]) m.sniName = stmt.args[0].text;
            m.enableSni = true;
          },
          (m) => (m.sniName === undefined ? [] : [{ words: ['sni_name', m.sniName] }]),
        ),
        ...(ssl ? [k.flag('tls_compliant', 'tlsCompliant', { tag: 'RARE', since: '2.3', doc: 'Send a TLS close_notify before closing.' })] : []),
        ...(connectionKeywords({
          // Not marked deprecated: the warning below (keepalived's, which fails -t) says it already.
          retryAliases: [{ name: 'nb_get_retry', deprecated: false }],
          retryAliasWarning: "nb_get_retry is deprecated - please use 'retry'",
        }) as Keyword<HttpCheck>[]),
      ],
      finish(m, ctx) {
        // keepalived drops a url without a path (with an error) and keeps the others.
        m.urls = m.urls.filter((u) => {
          if (u.path !== '') return true;
          ctx.diags.warning('HTTP/SSL_GET checker url has no path - ignoring', ctx.locations.get(u), 'url');
          return false;
        });
      },
    }),
  };
}

const httpProtocol: ValueType<HttpProtocol> = {
  syntax: '1.0|1.0C|1.1',
  parse(words, at) {
    const v = oneOf(['1.0', '1.0C', '1.0c', '1.1'] as const).parse(words, at);
    return v === '1.0c' ? '1.0C' : v;
  },
  format: (v) => [v],
};

export const httpGetCheck = httpSpec('HTTP_GET');
export const sslGetCheck = httpSpec('SSL_GET');
