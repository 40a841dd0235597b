export { generateDocs, staleness, writeDocs, DOCS_SEED, type DocsFile, type DocsSource, type Staleness } from './generate.js';
export { stateDiagram } from './state-diagram.js';
export { transitionTable } from './transition-table.js';
export { svgPlot } from './svg-plot.js';
