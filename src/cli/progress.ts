/**
 * Progress of a long search on stderr: one line, rewritten about once a
 * second, only when stderr is a terminal (so logs and pipes stay clean).
 */
import type { SearchProgress } from '../explore/bfs.js';
import { int } from './output.js';

export interface Progress {
  readonly onProgress?: (p: SearchProgress) => void;
  done(): void;
}

export function progressLine(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { done: () => {} };
  let shown = false;
  return {
    onProgress: (p) => {
      shown = true;
      const rate = p.distinct / Math.max(p.elapsedMs / 1000, 1e-3);
      stream.write(
        `\r\x1b[K  ${label}: ${int(p.distinct)} states (${int(p.expanded)} expanded), ${int(p.transitions)} transitions, depth ${p.depth}, ${int(rate)} states/s`,
      );
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
