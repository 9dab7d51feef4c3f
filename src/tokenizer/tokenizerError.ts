/** A tokenizer.json that cannot be loaded: malformed, or using a feature this module does not implement.
 *  The message is meant for the user: it names the offending field and what to do about it. */
export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizerError';
  }
}
