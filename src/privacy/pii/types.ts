/** One detection: the entity type, its span as JavaScript string indices (UTF-16 code units), and a score in 0..1. */
export interface PiiEntity {
  type: string;
  start: number;
  end: number;
  score: number;
}

/** A recognizer finds candidates of one entity type. `prefilter` is a cheap test that lets most texts skip the regex. */
export interface Recognizer {
  readonly type: string;
  /** Words that, shortly before a hit, raise its score (Presidio's context enhancement). */
  readonly context: readonly string[];
  prefilter(text: string): boolean;
  find(text: string, out: PiiEntity[]): void;
}
