import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The Markdown the repository documents itself with: the README and every page of docs/. */
export function documentationFiles(root: string): string[] {
  const pages = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...pages];
}

/** One fenced code block of a Markdown file. */
export interface FencedBlock {
  /** The fence's language, lower-cased (`ts`, `sh`, `json`…); '' when it names none. */
  language: string;
  /** The words after the language on the opening fence, e.g. `title="app.module.ts"`. */
  info: string;
  /** The line of the opening fence, counted from 1. */
  line: number;
  code: string;
}

/** Every fenced block (``` or ~~~, three or more) in `markdown`, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const opening = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[index] ?? '');
    if (!opening) continue;
    const [, fence = '```', language = '', info = ''] = opening;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length; end++) {
      const closing = lines[end] ?? '';
      if (closing.trim().startsWith(fence) && closing.trim().replaceAll(fence[0] ?? '`', '') === '')
        break;
      body.push(closing);
    }
    blocks.push({
      language: language.toLowerCase(),
      info: info.trim(),
      line: index + 1,
      code: body.join('\n'),
    });
    index = end;
  }
  return blocks;
}

/** Relative link targets (`[text](target)`) outside code blocks and code spans. */
export function relativeLinks(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  let inFence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence && (inFence === undefined || fence.startsWith(inFence))) {
      inFence = inFence === undefined ? fence : undefined;
      return;
    }
    if (inFence !== undefined) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const [, target = ''] of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ target, line: index + 1 });
    }
  });
  return links;
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens
 * (a repeated heading gets `-1`, `-2`… appended).
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence: string | undefined;
  for (const text of markdown.split('\n')) {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence && (inFence === undefined || fence.startsWith(inFence))) {
      inFence = inFence === undefined ? fence : undefined;
      continue;
    }
    if (inFence !== undefined) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
