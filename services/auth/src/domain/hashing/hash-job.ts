export interface Argon2Parameters {
  memoryKib: number;
  timeCost: number;
  parallelism: number;
}

/** A message to a hashing thread. */
export type HashJob =
  | { id: number; op: 'hash'; password: string; parameters: Argon2Parameters }
  | { id: number; op: 'verify'; password: string; hash: string };

/** Its answer: the PHC string (hash) or whether the password matched (verify). */
export type HashResult = { id: number; ok: true; value: string | boolean } | { id: number; ok: false; error: string };
