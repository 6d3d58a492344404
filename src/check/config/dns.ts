/**
 * `DNS_CHECK { … }`: sends one query over UDP and expects an answer with the
 * same id and no error (check_dns.c). The query type defaults to SOA and the
 * name to the root; the default retry is 3 and delay_before_retry defaults to
 * the delay_loop.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import type { Keyword } from '../../config/schema/types.js';
import { oneOf, word } from '../../config/schema/values.js';
import { connectionKeywords, emptyConnectedEffective, type CheckerSpec, type ConnectedChecker } from './checker-common.js';

export const DNS_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'DNSKEY'] as const;
export type DnsType = (typeof DNS_TYPES)[number];

export interface DnsCheck extends ConnectedChecker {
  type: 'DNS_CHECK';
  queryType: DnsType;
  /** Domain name to query; "." is the root. */
  name: string;
}

/** A domain name without empty labels ("a..b", ".a"); "." alone is the root. */
const domainName = word('DOMAIN', (w) => {
  const t = w.text;
  if ((t.startsWith('.') && t !== '.') || t.includes('..')) throw new ConfigValueError(`DNS_CHECK name '${t}' has empty label`, w.loc);
});

const k = keywordsFor<DnsCheck>();
const doc = 'Checks that a DNS server answers a query.';

export const dnsCheck: CheckerSpec<DnsCheck> = {
  name: 'DNS_CHECK',
  tag: 'RARE',
  doc,
  options: 'connection',
  defaults: { retry: 3, delayBeforeRetryMs: undefined },
  block: defineBlock<DnsCheck>({
    name: 'DNS_CHECK',
    doc,
    create: () => ({ type: 'DNS_CHECK', queryType: 'SOA', name: '.', effective: emptyConnectedEffective() }),
    keywords: [
      k.scalar('type', oneOf(DNS_TYPES, { caseInsensitive: true }), 'queryType', { tag: 'RARE', doc: 'Query type.', default: 'SOA' }),
      k.custom(
        'name',
        { tag: 'RARE', syntax: 'DOMAIN', doc: 'Domain name to query.', default: '. (the root)' },
        (m, stmt, ctx) => {
          if (ctx.locations.get(m, 'name')) throw new ConfigValueError('DNS_CHECK name already specified - ignoring', stmt.loc);
          m.name = domainName.parse(stmt.args, stmt.keyword);
          ctx.locations.set(m, stmt.loc, 'name');
        },
        (m) => (m.name === '.' ? [] : [{ words: ['name', m.name] }]),
      ),
      ...(connectionKeywords() as Keyword<DnsCheck>[]),
    ],
  }),
};
