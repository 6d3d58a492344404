/**
 * `SMTP_CHECK { … }`: connects, expects a 2xx banner, sends HELO and QUIT
 * (check_smtp.c). `helo_name` defaults to keepalived's own name for it.
 *
 * The old `host { … }` sub-block (one connection per host) is compiled into
 * keepalived 2.2.7 only under WITH_HOST_ENTRIES, which no build defines: it is
 * an unknown keyword there, and so it is here (a warning; the block is
 * skipped). Use one SMTP_CHECK per host instead.
 */
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import type { Keyword } from '../../config/schema/types.js';
import { word } from '../../config/schema/values.js';
import { COMMON_DEFAULTS, connectionKeywords, emptyConnectedEffective, type CheckerSpec, type ConnectedChecker } from './checker-common.js';

export const SMTP_DEFAULT_HELO = 'smtpchecker.keepalived.org';

export interface SmtpCheck extends ConnectedChecker {
  type: 'SMTP_CHECK';
  heloName: string;
}

const k = keywordsFor<SmtpCheck>();
const doc = 'Checks that an SMTP server answers its banner, HELO and QUIT.';

export const smtpCheck: CheckerSpec<SmtpCheck> = {
  name: 'SMTP_CHECK',
  tag: 'RARE',
  doc,
  options: 'connection',
  defaults: COMMON_DEFAULTS,
  block: defineBlock<SmtpCheck>({
    name: 'SMTP_CHECK',
    doc,
    create: () => ({ type: 'SMTP_CHECK', heloName: SMTP_DEFAULT_HELO, effective: emptyConnectedEffective() }),
    keywords: [
      k.scalar('helo_name', word('NAME'), 'heloName', { tag: 'RARE', doc: 'Name to send in the HELO command.', default: SMTP_DEFAULT_HELO }),
      ...(connectionKeywords() as Keyword<SmtpCheck>[]),
    ],
  }),
};
