/**
 * Top-level one-line statements that shape the daemon as a whole: the network
 * namespace it runs in, the namespace that holds the IPVS tables, its instance
 * name (pid file names), where pid files go and how long the parent waits for
 * its children at shutdown (keepalived core/global_parser.c
 * init_global_keywords; census §3.1).
 *
 * They sit outside global_defs because keepalived must know them before it
 * forks: the parent reads them in a first pass. Like keepalived, net_namespace
 * and instance imply use_pid_dir (pid files under /run/keepalived/); finish()
 * makes that explicit in the model. Each of net_namespace, net_namespace_ipvs
 * and instance may be given once; keepalived reports a second one and keeps the
 * first, and so do we (as an error).
 *
 * Not checked here (environment and command line): that the namespace exists,
 * that `-s NAME` overrides net_namespace, and that neither net_namespace nor
 * instance may change on reload.
 */
import { ConfigValueError } from '../../config/diagnostics.js';
import { defineFragment } from '../../config/fragment.js';
import { keywordsFor } from '../../config/schema/define.js';
import type { Keyword, ValueType } from '../../config/schema/types.js';
import { oneWord, wholeSeconds } from '../../config/schema/values.js';

export interface DaemonFragment {
  /** Network namespace (name under /run/netns) to run in; undefined = the current one. */
  netNamespace?: string;
  /** Namespace holding the IPVS configuration; '' = the default (init) namespace; undefined = netNamespace. */
  netNamespaceIpvs?: string;
  /** Use ipsets inside a namespace even on kernels before 3.13. */
  namespaceWithIpsets: boolean;
  /** Instance name, part of the pid file names when several keepalived share a namespace. */
  instanceName?: string;
  /** Keep pid files in /run/keepalived/ (implied by netNamespace and instanceName). */
  usePidDir: boolean;
  /** Time the parent waits for its children to exit at shutdown, ms (whole seconds). */
  childWaitTimeMs: number;
}

/** A name used as a file name (namespace, pid file part): no '/', not '.' or '..'. */
function fileNameWord(what: string): ValueType<string> {
  return {
    syntax: 'NAME',
    parse(words, at) {
      if (words.length === 0) throw new ConfigValueError(`${what} name missing`, at.loc);
      const w = oneWord(words, at);
      if (w.text === '' || w.text === '.' || w.text === '..' || w.text.includes('/')) {
        throw new ConfigValueError(`invalid ${what} name '${w.text}' (it is used as a file name)`, w.loc);
      }
      return w.text;
    },
    format: (v) => [v],
  };
}

/** `net_namespace_ipvs [NAME]`: without a name, the default namespace. */
const ipvsNamespace: ValueType<string> = {
  syntax: '[NAME]',
  parse: (words, at) => (words.length === 0 ? '' : fileNameWord('net_namespace_ipvs').parse(words, at)),
  format: (v) => (v === '' ? [] : [v]),
};

const k = keywordsFor<DaemonFragment>();

function once(kw: Keyword<DaemonFragment>, isSet: (c: DaemonFragment) => boolean, what: string): Keyword<DaemonFragment> {
  return {
    ...kw,
    apply(c, stmt, ctx) {
      if (isSet(c)) throw new ConfigValueError(`Duplicate ${what} definition${stmt.args[0] ? ` ${stmt.args[0].text}` : ''}`, stmt.keyword.loc);
      kw.apply(c, stmt, ctx);
    },
  };
}

export const daemonFragment = defineFragment<DaemonFragment>({
  name: 'daemon',
  create: () => ({ namespaceWithIpsets: false, usePidDir: false, childWaitTimeMs: 5000 }),
  keywords: [
    once(
      k.scalar('net_namespace', fileNameWord('net_namespace'), 'netNamespace', { tag: 'RARE', doc: 'Run keepalived inside this network namespace (implies use_pid_dir).' }),
      (c) => c.netNamespace !== undefined,
      'net_namespace',
    ),
    once(
      k.scalar('net_namespace_ipvs', ipvsNamespace, 'netNamespaceIpvs', {
        tag: 'RARE',
        doc: 'Network namespace for the IPVS configuration; without a name, the default namespace.',
        default: 'net_namespace',
      }),
      (c) => c.netNamespaceIpvs !== undefined,
      'net_namespace_ipvs',
    ),
    k.flag('namespace_with_ipsets', 'namespaceWithIpsets', { tag: 'RARE', doc: 'Allow ipsets in a namespace on kernels before 3.13.', noArg: true }),
    once(
      k.scalar('instance', fileNameWord('instance'), 'instanceName', { tag: 'RARE', doc: 'Instance name used in pid file names when several keepalived run in one namespace (implies use_pid_dir).' }),
      (c) => c.instanceName !== undefined,
      'instance',
    ),
    k.flag('use_pid_dir', 'usePidDir', { tag: 'RARE', doc: 'Keep pid files in /run/keepalived/.', noArg: true }),
    k.scalar('child_wait_time', wholeSeconds(0, 4294967295), 'childWaitTimeMs', { tag: 'RARE', doc: 'Seconds the parent waits for its children to exit at shutdown.', default: '5' }),
  ],
  finish(c) {
    if (c.netNamespace !== undefined || c.instanceName !== undefined) c.usePidDir = true;
  },
});
