const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const COLON = 0x3a;

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function isFollowedByColon(json: Buffer, index: number): boolean {
  let next = index;
  while (isWhitespace(json[next])) next += 1;
  return json[next] === COLON;
}

/**
 * The first member name given twice in one object of `json` (the UTF-8 bytes of valid JSON),
 * else undefined. JSON.parse silently keeps the last of two equal names, while a proxy or
 * firewall in front may judge the first: the two would then see different requests (JSON
 * interoperability attacks; RFC 7493 §2.3 forbids duplicate names outright). Structural
 * characters are ASCII, so the bytes can be scanned without decoding them.
 */
export function findDuplicateMember(json: Buffer): string | undefined {
  // One entry per open container: the names seen so far in an object, null for an array.
  const open: Array<Set<string> | null> = [];
  let index = 0;
  while (index < json.length) {
    const byte = json[index];
    if (byte === QUOTE) {
      const start = index;
      let escaped = false;
      index += 1;
      while (index < json.length && json[index] !== QUOTE) {
        if (json[index] === BACKSLASH) {
          escaped = true;
          index += 1;
        }
        index += 1;
      }
      index += 1; // past the closing quote
      const names = open.at(-1);
      if (names && isFollowedByColon(json, index)) {
        // Escapes need JSON's own decoding: "a" and "\u0061" are one name.
        const name = escaped ? (JSON.parse(json.toString('utf8', start, index)) as string) : json.toString('utf8', start + 1, index - 1);
        if (names.has(name)) return name;
        names.add(name);
      }
      continue;
    }
    if (byte === OPEN_OBJECT) open.push(new Set());
    else if (byte === OPEN_ARRAY) open.push(null);
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) open.pop();
    index += 1;
  }
  return undefined;
}
