import { describe, expect, it } from 'vitest';
import { createLinePrefixer, formatPrefix, LineTail } from './output.ts';

describe(createLinePrefixer.name, () => {
  function collect() {
    const lines: string[] = [];
    const sut = createLinePrefixer('auth | ', (line) => lines.push(line));
    return { lines, sut };
  }

  it('prefixes every whole line and holds back a partial one until it completes', () => {
    const { lines, sut } = collect();
    sut.push('first\nsec');
    expect(lines).toEqual(['auth | first']);
    sut.push('ond\r\nthird\n');
    expect(lines).toEqual(['auth | first', 'auth | second', 'auth | third']);
  });

  it('keeps empty lines and flushes an unterminated last line at the end', () => {
    const { lines, sut } = collect();
    sut.push('a\n\nb');
    sut.end();
    sut.end();
    expect(lines).toEqual(['auth | a', 'auth | ', 'auth | b']);
  });
});

describe(formatPrefix.name, () => {
  it('pads names to one width so output lines up', () => {
    expect(formatPrefix('org', 12)).toBe('org          | ');
    expect(formatPrefix('profile-data', 12)).toBe('profile-data | ');
  });
});

describe(LineTail.name, () => {
  it('keeps only the most recent lines', () => {
    const sut = new LineTail(2);
    ['one', 'two', 'three'].forEach((line) => sut.add(line));
    expect(sut.lines()).toEqual(['two', 'three']);
  });
});
