export type { Trace, TraceFile, TraceState, TraceStep, PropertyKind } from './types.js';
export { buildTrace, stateOf } from './build.js';
export { counterexampleFiles, witnessFiles, loadTraceFile, writeTraceFile, traceFileName } from './file.js';
export { replay, type ReplayOutcome } from './replay.js';
export { renderText } from './render-text.js';
export { renderMarkdown } from './render-markdown.js';
export { renderMermaid, mermaidText } from './render-mermaid.js';
