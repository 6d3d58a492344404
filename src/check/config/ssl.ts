/**
 * The top-level `SSL { … }` block: the TLS client context every SSL_GET uses
 * (check_parser.c ssl_handler, check_ssl.c build_ssl_ctx). All four settings
 * are optional; with none, or with no SSL block at all while some SSL_GET
 * exists, keepalived builds a default context (no client certificate, no CA
 * verification) — that is what an absent `ssl` in the model means.
 *
 * A second SSL block replaces the first, and a repeated keyword replaces its
 * earlier value; keepalived reports both as errors and so do we.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { applyBlock, printBlock } from '../../config/schema/engine.js';
import { defineBlock, keywordsFor } from '../../config/schema/define.js';
import type { CompileContext, Keyword, PrintStmt } from '../../config/schema/types.js';
import { word } from '../../config/schema/values.js';
import type { Stmt } from '../../config/tree.js';

export interface SslContext {
  /** Passphrase of the private key. */
  password?: string;
  /** CA certificates file (PEM) to verify servers against. */
  caFile?: string;
  /** Client certificate file (PEM). */
  certificateFile?: string;
  /** Private key file (PEM). */
  keyFile?: string;
}

const k = keywordsFor<SslContext>();

/** A file/password keyword that reports a repeat like keepalived ("SSL ca already specified - replacing"). */
function sslSetting(name: string, key: keyof SslContext, what: string, doc: string): Keyword<SslContext> {
  const value = word(name === 'password' ? 'PASSWORD' : 'FILE');
  return k.custom(
    name,
    { tag: 'RARE', syntax: value.syntax, doc },
    (m, stmt, ctx) => {
      const v = value.parse(stmt.args, stmt.keyword);
      if (m[key] !== undefined) ctx.diags.warning(`SSL ${what} already specified - replacing`, stmt.loc, name);
      m[key] = v;
      ctx.locations.set(m, stmt.loc, key);
    },
    (m) => (m[key] === undefined ? [] : [{ words: [name, m[key]!] }]),
  );
}

export const sslBlock = defineBlock<SslContext>({
  name: 'SSL',
  doc: 'TLS client settings for SSL_GET checkers; without it keepalived uses a default context.',
  create: () => ({}),
  keywords: [
    sslSetting('password', 'password', 'password', 'Passphrase of the private key.'),
    sslSetting('ca', 'caFile', 'cafile', 'CA certificates file (PEM) to verify servers with.'),
    sslSetting('certificate', 'certificateFile', 'certfile', 'Client certificate file (PEM).'),
    sslSetting('key', 'keyFile', 'keyfile', 'Private key file (PEM).'),
  ],
});

/** Applies an `SSL { … }` statement; a second block replaces the first. */
export function applySsl(holder: { ssl?: SslContext }, stmt: Stmt, ctx: CompileContext): void {
  if (stmt.args[0]) throw new ConfigValueError(`unexpected parameter '${stmt.args[0].text}' before '{'`, stmt.args[0].loc);
  if (!stmt.block) throw new ConfigValueError(`'SSL' needs a { } block`, stmt.loc);
  if (holder.ssl !== undefined) ctx.diags.warning('SSL context already specified - replacing', stmt.loc, 'SSL');
  const ssl = sslBlock.create();
  ctx.locations.set(ssl, stmt.loc);
  applyBlock(sslBlock, ssl, stmt.block, ctx, stmt.loc);
  holder.ssl = ssl;
}

export function printSsl(ssl: SslContext | undefined): PrintStmt[] {
  return ssl === undefined ? [] : [{ words: ['SSL'], block: printBlock(sslBlock, ssl) }];
}
