/** Exit codes shared by every command (documented in the README). */
export const EXIT = {
  OK: 0,
  /** The command ran but failed (nothing could be ingested, an endpoint never answered, ...). */
  FAILURE: 1,
  /** Bad usage: unknown option, invalid value, missing file. */
  USAGE: 2,
  /** A privacy audit found leaks. */
  LEAK: 3,
} as const;

/** An error whose message is shown to the user as is (no stack), with the exit code to use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
  }
}
