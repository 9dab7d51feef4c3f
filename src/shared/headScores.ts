/**
 * Scores that say what one attention head does, for labelling heads ("previous token",
 * "bracket matching", "induction") and for the model report.
 *
 * Every function takes one head's attention matrix: T*T weights, row-major, row = query token,
 * column = key token, each row a probability distribution (zeros above the diagonal in a
 * causal model). Pure functions: no editor or DOM access.
 */

export type AttentionMatrix = ArrayLike<number>;

/** Side length T of a T*T matrix; throws on a non-square length. */
export function matrixSize(attn: AttentionMatrix): number {
  const size = Math.round(Math.sqrt(attn.length));
  if (size * size !== attn.length) throw new Error(`An attention matrix needs T*T weights; got ${attn.length}.`);
  return size;
}

/** Mean weight each token (from the second on) puts on the token right before it. 1 = pure previous-token head. */
export function previousTokenScore(attn: AttentionMatrix): number {
  const T = matrixSize(attn);
  if (T < 2) return NaN;
  let sum = 0;
  for (let i = 1; i < T; i++) sum += attn[i * T + i - 1]!;
  return sum / (T - 1);
}

export interface BracketPair {
  /** Token index holding the opening bracket. */
  readonly opener: number;
  /** Token index holding the matching closing bracket (always > opener). */
  readonly closer: number;
}

const OPENER_OF: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/**
 * Matching bracket pairs across tokens, from the tokens' texts. Brackets in strings and comments
 * need not balance, so a closer pairs with the nearest open bracket of its kind, dropping any
 * unclosed brackets above it, and a closer with no open bracket of its kind is ignored: one stray
 * bracket spoils only the pairs around it. Pairs inside one token ("()") are dropped: attention
 * from a token to itself says nothing about matching.
 */
export function bracketPairs(tokens: readonly string[]): BracketPair[] {
  const open: { char: string; token: number }[] = [];
  const pairs: BracketPair[] = [];
  tokens.forEach((text, token) => {
    for (const char of text) {
      if (char === '(' || char === '[' || char === '{') {
        open.push({ char, token });
      } else if (char in OPENER_OF) {
        const match = open.map((o) => o.char).lastIndexOf(OPENER_OF[char]!);
        if (match < 0) continue;
        const opener = open[match]!.token;
        open.length = match;
        if (opener < token) pairs.push({ opener, closer: token });
      }
    }
  });
  return pairs;
}

/**
 * Fraction of closing brackets whose strongest attention (argmax over keys) is on the token
 * holding the matching opener. Argmax rather than mean weight: a head that reliably finds the
 * opener while spreading the rest of its weight still counts as bracket matching. NaN when
 * the tokens hold no pair.
 */
export function bracketScore(attn: AttentionMatrix, tokens: readonly string[]): number {
  const T = matrixSize(attn);
  if (tokens.length !== T) throw new Error(`bracketScore got ${tokens.length} token texts for a ${T}x${T} matrix.`);
  const pairs = bracketPairs(tokens);
  if (pairs.length === 0) return NaN;
  const hits = pairs.filter((p) => argmaxInRow(attn, T, p.closer) === p.opener).length;
  return hits / pairs.length;
}

/**
 * For a sequence made of a block of L tokens followed by the same block again (positions
 * 0..2L-1): mean weight from each position i of the second copy to i - L + 1, the token that
 * followed the previous occurrence of token i. 1 = pure induction head.
 */
export function inductionScore(attn: AttentionMatrix, blockLength: number): number {
  const T = matrixSize(attn);
  if (blockLength < 1 || 2 * blockLength > T) throw new Error(`A repeated block of ${blockLength} tokens does not fit ${T} tokens.`);
  let sum = 0;
  for (let i = blockLength; i < 2 * blockLength; i++) sum += attn[i * T + i - blockLength + 1]!;
  return sum / blockLength;
}

/** Mean entropy of the rows in bits: 0 = each query looks at one key; log2(n) = uniform over n keys. */
export function entropy(attn: AttentionMatrix): number {
  const T = matrixSize(attn);
  let total = 0;
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      const p = attn[i * T + j]!;
      if (p > 0) total -= p * Math.log2(p);
    }
  }
  return total / T;
}

/**
 * Mean over rows of the fraction of attendable keys (weight > 0) that the head can ignore while
 * keeping `mass` of its weight: 1 - (fewest keys holding `mass`) / (attendable keys).
 * 0 = uniform-like, near 1 = a few keys carry everything. Rows with a single attendable key
 * (the first row of a causal head) carry no information and are skipped; NaN if no row is left.
 */
export function sparsity(attn: AttentionMatrix, mass = 0.9): number {
  const T = matrixSize(attn);
  // A row's attendable weights in a typed array, sorted natively (ascending: the largest
  // last): a 2048-token head took 300 ms with a JavaScript array per row, and a 12 x 12 model at
  // 2048 tokens has 144 heads to score.
  const buffer = new Float32Array(T);
  let total = 0;
  let rows = 0;
  for (let i = 0; i < T; i++) {
    let attendable = 0;
    for (let j = 0; j < T; j++) {
      const p = attn[i * T + j]!;
      if (p > 0) buffer[attendable++] = p;
    }
    if (attendable < 2) continue;
    const row = buffer.subarray(0, attendable).sort();
    let kept = 0;
    let needed = 0;
    // The tolerance keeps a row that sums to 0.9 in float32 from needing one key too many.
    while (needed < attendable && kept < mass - 1e-6) kept += row[attendable - 1 - needed++]!;
    total += 1 - needed / attendable;
    rows++;
  }
  return rows === 0 ? NaN : total / rows;
}

function argmaxInRow(attn: AttentionMatrix, T: number, row: number): number {
  let best = 0;
  for (let j = 1; j < T; j++) if (attn[row * T + j]! > attn[row * T + best]!) best = j;
  return best;
}
