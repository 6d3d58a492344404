/**
 * The ten checker blocks a real server may hold, as one ordered list.
 *
 * A real server's checkers live in one array, in config order, tagged by
 * `type`, so the checker child can walk them without knowing the syntax. The
 * keyword table still has one keyword per block name; the first of them
 * prints the whole array (in order) and the others print nothing, so the
 * printed text keeps the order and compiles back to the same array.
 *
 * `resolveChecker` fills each checker's `effective` values once the real and
 * virtual server are complete (see checker-common.ts for the rules).
 */
import { ConfigValueError, type SourceLocation } from '../../config/diagnostics.js';
import { applyBlock, printBlock } from '../../config/schema/engine.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { BlockSpec, CompileContext, Keyword } from '../../config/schema/types.js';
import { bfdCheck, type BfdCheck } from './bfd-check.js';
import {
  connectionProblem,
  resolveConnection,
  resolveTiming,
  type CheckerSpec,
  type ConnectedChecker,
  type Inherited,
} from './checker-common.js';
import { dnsCheck, type DnsCheck } from './dns.js';
import { fileCheck, type FileCheck } from './file.js';
import { httpGetCheck, sslGetCheck, type HttpCheck } from './http.js';
import { miscCheck, type MiscCheck } from './misc.js';
import { pingCheck, type PingCheck } from './ping.js';
import { smtpCheck, type SmtpCheck } from './smtp.js';
import { tcpCheck, type TcpCheck } from './tcp.js';
import { udpCheck, type UdpCheck } from './udp.js';
import type { ServerAddress } from './values.js';

export type Checker = TcpCheck | HttpCheck | MiscCheck | SmtpCheck | DnsCheck | PingCheck | UdpCheck | FileCheck | BfdCheck;
export type CheckerType = Checker['type'];

/** In the order keepalived installs them (check_api.c install_checkers_keyword). */
const SPECS: readonly CheckerSpec<Checker>[] = [
  miscCheck,
  smtpCheck,
  tcpCheck,
  pingCheck,
  udpCheck,
  httpGetCheck,
  sslGetCheck,
  dnsCheck,
  fileCheck,
  bfdCheck,
] as unknown as readonly CheckerSpec<Checker>[];

const SPEC_BY_TYPE = new Map<string, CheckerSpec<Checker>>(SPECS.map((s) => [s.name, s]));

export function checkerSpec(type: CheckerType): CheckerSpec<Checker> {
  return SPEC_BY_TYPE.get(type)!;
}

/** Checker types that connect to a port (PING_CHECK has no port). */
const NEEDS_PORT = new Set<CheckerType>(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK']);

/** The ten checker keywords for a block holding `checkers`. */
export function checkerKeywords<M extends { checkers: Checker[] }>(): Keyword<M>[] {
  const k = keywordsFor<M>();
  return SPECS.map((spec, index) =>
    k.custom(
      spec.name,
      { tag: spec.tag, doc: spec.doc, syntax: '{ … }', block: spec.block as BlockSpec<unknown>, repeatable: true, ...(spec.since ? { since: spec.since } : {}) },
      (m, stmt, ctx) => {
        if (stmt.args[0]) throw new ConfigValueError(`unexpected parameter '${stmt.args[0].text}' before '{'`, stmt.args[0].loc);
        if (!stmt.block) throw new ConfigValueError(`'${spec.name}' needs a { } block`, stmt.loc);
        const checker = spec.block.create();
        const loc = stmt.loc;
        ctx.locations.set(checker, loc);
        applyBlock(spec.block, checker, stmt.block, ctx, loc);
        const problem = spec.incomplete?.(checker);
        if (problem) {
          ctx.diags.warning(problem, stmt.loc, spec.name);
          return;
        }
        m.checkers.push(checker);
      },
      // The first keyword prints every checker in order; see the module comment.
      (m) => (index !== 0 ? [] : m.checkers.map((c) => ({ words: [c.type], block: printBlock(checkerSpec(c.type).block, c) }))),
    ),
  );
}

/** What a checker inherits, plus the values a few checker types need. */
export interface CheckerContext extends Inherited {
  /** Host header default for HTTP_GET/SSL_GET: real server, else virtual server. */
  virtualhost?: string;
  /** MISC_CHECK's default timeout is the virtual server's delay_loop. */
  vsDelayLoopMs: number;
}

/**
 * Fills `checker.effective`. Returns false when keepalived would drop the
 * checker (bad connection options), after reporting why.
 */
export function resolveChecker(c: Checker, from: CheckerContext, rs: ServerAddress, ctx: CompileContext): boolean {
  const spec = checkerSpec(c.type);
  // Looked up only to report: this runs for every checker.
  const loc = (): SourceLocation | undefined => ctx.locations.get(c);
  switch (c.type) {
    case 'FILE_CHECK':
      return true;
    case 'BFD_CHECK':
      c.effective.alpha = c.alpha ?? from.alpha ?? false;
      return true;
    case 'MISC_CHECK':
      resolveTiming(c, from, spec.defaults);
      c.effective.timeoutMs = c.timeoutMs > 0 ? c.timeoutMs : from.vsDelayLoopMs;
      return true;
    default: {
      const cc: ConnectedChecker = c;
      resolveTiming(cc, from, spec.defaults);
      resolveConnection(cc, rs, from.connectTimeoutMs);
      const problem = connectionProblem(cc);
      if (problem) {
        ctx.diags.warning(`${problem} - removing ${c.type}`, loc(), c.type);
        return false;
      }
      if (NEEDS_PORT.has(c.type) && cc.effective.connection.port === 0) {
        // keepalived says nothing (and connects to port 0): a notice keeps -t's exit code.
        ctx.diags.notice(`${c.type} has no port to connect to: set connect_port or give the real server a port`, loc(), c.type);
      }
      if (c.type === 'HTTP_GET' || c.type === 'SSL_GET') {
        const vh = c.virtualhost ?? from.virtualhost;
        if (vh !== undefined) c.effective.virtualhost = vh;
      }
      return true;
    }
  }
}
