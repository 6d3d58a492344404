/**
 * Quick compile benchmark for the LVS tables: a generated config of 2,000
 * virtual servers × 20 real servers, each with one checker (TCP_CHECK, or
 * HTTP_GET with a url: `node dist/bench/compile-lvs.js http`).
 *
 * It times compileLines() (tree, keyword tables, finish) apart from line
 * splitting, and reports CPU time as well as wall time because the shared
 * build machine is often busy. Lines come from the test splitter until the
 * real lexer is on main; the lexer's own cost belongs to its benchmark.
 */
import { compileLines } from '../src/config/compile.js';
import { simpleLines } from '../test/unit/config/simple-lines.js';

const kind = process.argv[2] === 'http' ? 'http' : 'tcp';
const VIRTUAL_SERVERS = 2000;
const REAL_SERVERS = 20;

function generate(): string {
  const out: string[] = [];
  for (let v = 0; v < VIRTUAL_SERVERS; v++) {
    out.push(`virtual_server 10.${(v >> 8) & 255}.${v & 255}.1 80 {`, '  delay_loop 6', '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    for (let r = 0; r < REAL_SERVERS; r++) {
      out.push(`  real_server 192.168.${v % 250}.${r + 1} 80 {`, '    weight 1');
      if (kind === 'http') {
        out.push('    HTTP_GET {', '      url {', '        path /health', '        status_code 200', '      }', '      connect_timeout 3', '      retry 3', '    }');
      } else {
        out.push('    TCP_CHECK {', '      connect_timeout 3', '    }');
      }
      out.push('  }');
    }
    out.push('}');
  }
  return out.join('\n');
}

const lines = simpleLines(generate(), 'bench.conf');
for (const run of ['cold', 'warm']) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const r = compileLines(lines);
  const used = process.cpuUsage(cpu);
  const problems = r.diagnostics.items.filter((d) => d.severity !== 'notice').length;
  if (problems > 0 || r.config.virtualServers.length !== VIRTUAL_SERVERS) throw new Error('the generated config should compile cleanly');
  console.log(
    `${kind} ${run}: ${VIRTUAL_SERVERS}×${REAL_SERVERS} (${lines.length} lines): ` +
      `wall ${(performance.now() - wall).toFixed(0)} ms, cpu ${((used.user + used.system) / 1000).toFixed(0)} ms`,
  );
}
