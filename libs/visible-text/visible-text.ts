/*
 * The one rule for text other people are shown (display names, organization names), applied
 * at the gateway and again in each service that stores such text.
 *
 * Refused: control characters (NUL among them) and format characters (\p{Cf}: bidi overrides
 * and isolates, direction marks, zero-width spaces, word joiners, the BOM), which can make a
 * name read as something else, or as nothing. ZWNJ and ZWJ stay: Persian and Indic spelling
 * and emoji sequences need them; tag characters only inside a subdivision flag (🏴 + tags +
 * cancel tag, UTS #51). Refused, not stripped: the client should know.
 */
const UNSAFE = /[[\p{Cc}\p{Cf}]--[\u200C\u200D]]/v;
const FLAG_TAG_SEQUENCE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{3,7}\u{E007F}/gu;
/** A letter, digit, punctuation or symbol that is drawn: not a Hangul filler or a blank Braille cell. */
const VISIBLE = /[[\p{L}\p{N}\p{P}\p{S}]--[\p{Default_Ignorable_Code_Point}\u2800]]/v;

export const VISIBLE_TEXT_MESSAGES = {
  unsafe: 'must not contain control, format or bidirectional override characters',
  invisible: 'must contain a visible character',
} as const;

/** What is wrong with `text` as a name shown to people, if anything (its length is the caller's rule). */
export function visibleTextProblem(text: string): keyof typeof VISIBLE_TEXT_MESSAGES | undefined {
  if (UNSAFE.test(text.replace(FLAG_TAG_SEQUENCE, '\u{1F3F4}'))) return 'unsafe';
  if (!VISIBLE.test(text)) return 'invisible';
  return undefined;
}
