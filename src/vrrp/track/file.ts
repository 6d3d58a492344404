/**
 * track_file: the integer in a file, re-read whenever the file changes.
 *
 * keepalived (trackers/track_file.c) puts an inotify watch on the file's
 * directory for IN_CLOSE_WRITE, IN_DELETE and IN_MOVE, so a file replaced by
 * rename(2) is seen as well as one rewritten in place, and a file that
 * disappears reads as 0. We watch the directory too, with fs.watch. libuv's
 * inotify mask has IN_MODIFY, IN_CREATE, IN_MOVED_FROM/TO and IN_DELETE but no
 * IN_CLOSE_WRITE, so `echo 5 > f` arrives as two events (the truncation, then
 * the write) and reading at the first would briefly see an empty file (0).
 * Events for our file therefore arm a short settle timer (`settleMs`, default
 * 20 ms, re-armed by each event) and the file is read once when it fires: one
 * write, one read, one change. A writer that pauses longer than that between
 * truncating and writing is seen as 0 in between; writing a temporary file and
 * renaming it over the tracked one is atomic with either implementation.
 *
 * Start-up, as keepalived:
 *   - `init_file [VALUE] [overwrite]` writes "VALUE\n" (default 0) when the
 *     file does not exist, or always with `overwrite` (never on a reload, and
 *     never over something that is not a regular file);
 *   - the path is canonicalised; when the file does not exist its directory
 *     must, or the tracker is refused ("Track file directory for NAME does not
 *     exist - removing");
 *   - the file is read once and that value reported.
 * Values are parsed by file-value.ts (keepalived's strtol rules); the change
 * is reported only when the value differs from the last one.
 */
import { EventEmitter } from 'node:events';
import { closeSync, constants as fsConstants, openSync, readSync, realpathSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LogPort } from '../../core/log-port.js';
import { formatTrackFileValue, parseTrackFileValue, TRACK_FILE_READ_BYTES } from './file-value.js';
import { realTimers, TrackerSetupError, type TimerHandle, type TimerHost, type Tracker, type TrackerChange, type TrackerEvents } from './types.js';

export interface TrackFileSpec {
  readonly name: string;
  readonly path: string;
  /** `init_file [VALUE] [overwrite]`. */
  readonly initFile?: { readonly value: number; readonly overwrite: boolean };
}

export interface TrackFileOptions {
  /** A reload: init_file never overwrites an existing file then. */
  readonly reload?: boolean;
  /** Quiet time after the last event before the file is read, ms (default 20). */
  readonly settleMs?: number;
  readonly timers?: TimerHost;
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** keepalived's track_file_end_handler init_file step. Logs instead of throwing. */
export function initialiseTrackFile(spec: TrackFileSpec, log: LogPort, reload = false): void {
  const init = spec.initFile;
  if (!init) return;
  try {
    const st = statSync(spec.path);
    if (!init.overwrite) return;
    if (!st.isFile()) {
      log.error(`Cannot initialise track file ${spec.name} - it is not a regular file`);
      return;
    }
    if (reload) return;
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') {
      log.error(`Unable to initialise track file ${spec.name} (${errnoCode(err) ?? String(err)})`);
      return;
    }
  }
  try {
    writeFileSync(spec.path, formatTrackFileValue(init.value), { mode: 0o644 });
  } catch (err) {
    log.error(`Unable to initialise track file ${spec.name} (${errnoCode(err) ?? String(err)})`);
  }
}

/** The canonical path keepalived watches (init_track_files). Throws TrackerSetupError. */
export function resolveTrackFilePath(spec: TrackFileSpec): string {
  try {
    return realpathSync(spec.path);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw new TrackerSetupError('ETRACKFILE', `track file ${spec.name} is not accessible - ignoring`);
  }
  let dir: string;
  try {
    dir = realpathSync(dirname(spec.path));
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new TrackerSetupError('ETRACKFILEDIR', `Track file directory for ${spec.name} does not exist - removing`);
  }
  return join(dir, basename(spec.path));
}

/** Reads the file as keepalived does: missing or unreadable means 0. */
export function readTrackFile(path: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put in the file's place must not hang the daemon.
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(TRACK_FILE_READ_BYTES);
    const n = readSync(fd, buf, 0, TRACK_FILE_READ_BYTES, null);
    return buf.toString('latin1', 0, n);
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

export class TrackFileTracker extends EventEmitter<TrackerEvents> implements Tracker {
  readonly kind = 'file' as const;
  readonly name: string;
  private _path: string | undefined;
  private watcher: FSWatcher | undefined;
  private settleTimer: TimerHandle | undefined;
  private value: number | undefined;
  private _current: TrackerChange | undefined;
  private readonly timers: TimerHost;
  private readonly settleMs: number;

  constructor(
    private readonly spec: TrackFileSpec,
    private readonly log: LogPort,
    private readonly options: TrackFileOptions = {},
  ) {
    super();
    this.name = spec.name;
    this.timers = options.timers ?? realTimers;
    this.settleMs = options.settleMs ?? 20;
  }

  get current(): TrackerChange | undefined {
    return this._current;
  }

  /** The canonical path being watched (after start()). */
  get path(): string | undefined {
    return this._path;
  }

  /** init_file, path resolution, the directory watch and the first read. Throws TrackerSetupError. */
  start(): void {
    if (this.watcher) return;
    initialiseTrackFile(this.spec, this.log, this.options.reload);
    const path = resolveTrackFilePath(this.spec);
    this._path = path;
    const file = basename(path);
    try {
      this.watcher = watch(dirname(path), { persistent: true }, (_event, filename) => {
        // A null filename (the kernel overflowed its queue) may hide our file: read anyway.
        if (filename === null || filename === file) this.armSettle();
      });
    } catch (err) {
      throw new TrackerSetupError('ETRACKFILE', `Unable to monitor track file ${this.name}: ${errnoCode(err) ?? String(err)}`);
    }
    this.watcher.on('error', (err) => {
      this.log.error(`track file ${this.name}: watching ${dirname(path)} failed (${errnoCode(err) ?? err.message}); its value is frozen at ${this.value ?? 0}`);
      this.watcher?.close();
    });
    this.readNow();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.settleTimer) this.timers.clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
  }

  private armSettle(): void {
    if (this.settleTimer) this.timers.clearTimeout(this.settleTimer);
    this.settleTimer = this.timers.setTimeout(() => {
      this.settleTimer = undefined;
      if (this.watcher) this.readNow();
    }, this.settleMs);
  }

  /** Reads the file and reports its value if it changed. */
  readNow(): void {
    if (this._path === undefined) return;
    const parsed = parseTrackFileValue(readTrackFile(this._path));
    let value: number;
    if (parsed.ok) {
      value = parsed.value;
    } else {
      this.log.info(`Invalid number ${parsed.shown} read from ${this._path} - ignoring`);
      // Ignored means the previous value stays; before any, keepalived's is 0.
      if (this.value !== undefined) return;
      value = 0;
    }
    if (value === this.value) return;
    this.value = value;
    this._current = { kind: 'file', name: this.name, status: value === 0 ? 'up' : 'down', value };
    this.emit('change', this._current);
  }
}
