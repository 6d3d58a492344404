/**
 * global_defs: who this router is and how it mails alerts (keepalived
 * core/global_parser.c, core/smtp.c; census §3.2 "Identity / mail alerts").
 *
 * router_id and notification_email_from default to values built from the host
 * name and the running user (keepalived's init_global_data); the compiler is
 * pure, so it leaves them undefined and the daemon fills them in at start-up.
 * smtp_server takes an address or a host name; a name is resolved by the
 * daemon, not here (keepalived resolves it while parsing and rejects the line
 * when the lookup fails — that belongs to the environment checks).
 *
 * The three smtp_alert* switches are tri-state in keepalived: unset means
 * "each instance / checker decides" (smtp_alert in the block), so the model
 * keeps them optional rather than defaulting them to false.
 */
import { ConfigValueError } from '../diagnostics.js';
import { keywordsFor } from '../schema/define.js';
import { canonicalIp, parsePortWord } from '../schema/net-values.js';
import type { ValueType } from '../schema/types.js';
import { wholeSeconds, word } from '../schema/values.js';
import type { Stmt } from '../tree.js';
import { defineGlobalArea } from './area.js';

export interface SmtpServer {
  /** An IP address in canonical form, or a host name for the daemon to resolve. */
  readonly host: string;
  readonly port: number;
}

export interface IdentityGlobals {
  /** Names this router in alerts and logs; undefined = the host name. */
  routerId?: string;
  /** Recipients of alert mail, in order. */
  notificationEmail: string[];
  /** Sender of alert mail; undefined = the daemon user's name @ the host name (keepalived's code; its man page says keepalived@). */
  notificationEmailFrom?: string;
  smtpServer?: SmtpServer;
  /** HELO name; undefined = the host name. */
  smtpHeloName?: string;
  /** Time allowed to connect to the SMTP server, ms (keepalived reads whole seconds). */
  smtpConnectTimeoutMs: number;
  /** Default for every smtp_alert; undefined = unset (each block decides). */
  smtpAlert?: boolean;
  /** Default for VRRP instances' smtp_alert; undefined = follow smtp_alert. */
  smtpAlertVrrp?: boolean;
  /** Default for real servers' smtp_alert; undefined = follow smtp_alert. */
  smtpAlertChecker?: boolean;
  /** Don't mail when a VRRP instance enters FAULT. */
  noEmailFaults: boolean;
  /** Mail only when a real server is added or removed, not on every checker change. */
  noCheckerEmails: boolean;
}

const SMTP_PORT = 25;

/** A DNS name as getaddrinfo would take it: dot-separated labels of letters, digits, '-' and '_'. */
const HOST_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** `smtp_server ADDRESS|NAME [PORT]`. */
const smtpServer: ValueType<SmtpServer> = {
  syntax: 'IP|HOSTNAME [PORT]',
  parse(words, at) {
    if (words.length === 0) throw new ConfigValueError('missing SMTP server', at.loc);
    if (words.length > 2) throw new ConfigValueError(`unexpected extra parameter '${words[2]!.text}'`, words[2]!.loc);
    const hostWord = words[0]!;
    const ip = canonicalIp(hostWord.text);
    if (!ip && !HOST_NAME.test(hostWord.text)) {
      throw new ConfigValueError(`Invalid smtp server '${hostWord.text}' (expected an IP address or a host name)`, hostWord.loc);
    }
    const port = words[1] ? parsePortWord(words[1], 1) : SMTP_PORT;
    return { host: ip ? ip.address : hostWord.text, port };
  },
  format: (v) => (v.port === SMTP_PORT ? [v.host] : [v.host, String(v.port)]),
};

/** The `notification_email { … }` block: every word of every line is one address. */
function applyEmails(m: IdentityGlobals, lines: readonly Stmt[]): void {
  for (const line of lines) {
    m.notificationEmail.push(line.keyword.text, ...line.args.map((w) => w.text));
  }
}

const k = keywordsFor<IdentityGlobals>();

export const identityArea = defineGlobalArea<IdentityGlobals>({
  name: 'identity and mail alerts',
  create: () => ({ notificationEmail: [], smtpConnectTimeoutMs: 30_000, noEmailFaults: false, noCheckerEmails: false }),
  keywords: [
    k.scalar('router_id', word('NAME'), 'routerId', { tag: 'CORE', doc: 'Name of this router in alert mail and logs.', default: 'the host name' }),
    k.custom(
      'notification_email',
      { tag: 'CORE', syntax: '{ ADDRESS … }', doc: 'Addresses that receive alert mail (several per line allowed).', repeatable: true },
      (m, stmt, ctx) => {
        if (stmt.args.length > 0) throw new ConfigValueError(`unexpected parameter '${stmt.args[0]!.text}' before '{'`, stmt.args[0]!.loc);
        if (!stmt.block) throw new ConfigValueError("'notification_email' needs a { } block", stmt.loc);
        for (const line of stmt.block) {
          if (line.block) ctx.diags.error(`unexpected { } block inside 'notification_email'`, line.loc, 'notification_email');
        }
        const lines = stmt.block.filter((l) => !l.block);
        if (lines.length === 0) ctx.diags.warning('empty notification_email block', stmt.loc, 'notification_email');
        applyEmails(m, lines);
        ctx.locations.set(m, stmt.loc, 'notificationEmail');
      },
      (m) => (m.notificationEmail.length === 0 ? [] : [{ words: ['notification_email'], block: m.notificationEmail.map((a) => ({ words: [a] })) }]),
    ),
    k.scalar('notification_email_from', word('ADDRESS'), 'notificationEmailFrom', { tag: 'CORE', doc: 'Sender address of alert mail.', default: 'USER@HOSTNAME of the daemon' }),
    k.scalar('smtp_server', smtpServer, 'smtpServer', { tag: 'CORE', doc: 'SMTP server that relays alert mail.', default: 'none (no mail); port 25' }),
    k.scalar('smtp_helo_name', word('NAME'), 'smtpHeloName', { tag: 'RARE', doc: 'Name sent in the SMTP HELO.', default: 'the host name' }),
    k.scalar('smtp_connect_timeout', wholeSeconds(1, 4294), 'smtpConnectTimeoutMs', { tag: 'CORE', doc: 'Seconds allowed to connect to the SMTP server.', default: '30' }),
    k.flag('smtp_alert', 'smtpAlert', { tag: 'COMMON', doc: 'Default for sending alert mail from every VRRP instance and checker.', default: 'unset' }),
    k.flag('smtp_alert_vrrp', 'smtpAlertVrrp', { tag: 'RARE', doc: 'Default for sending alert mail on VRRP state changes.', default: 'smtp_alert' }),
    k.flag('smtp_alert_checker', 'smtpAlertChecker', { tag: 'RARE', doc: 'Default for sending alert mail on checker state changes.', default: 'smtp_alert' }),
    k.flag('no_email_faults', 'noEmailFaults', { tag: 'RARE', doc: 'Do not send alert mail when a VRRP instance enters FAULT.', noArg: true }),
    k.flag('no_checker_emails', 'noCheckerEmails', { tag: 'RARE', doc: 'Mail only when a real server is added or removed, not on each checker state change.' }),
  ],
});
