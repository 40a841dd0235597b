/** Small Markdown helpers shared by the page builders. */

export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function mdTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${header.map(mdCell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => mdCell(String(c))).join(' | ')} |`),
  ].join('\n');
}

export function fence(lang: string, body: string): string {
  return '```' + lang + '\n' + body + '\n```';
}

/** Stable slug for an anchor: GitHub lower-cases and replaces spaces with dashes. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}
