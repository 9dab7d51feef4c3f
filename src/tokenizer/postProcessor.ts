import { expectArray, expectObject, expectString, expectTokenId, isObject, unsupported, type JsonObject } from './configJson';

/** A token the post-processor adds around the encoded text. */
export interface SpecialToken {
  readonly id: number;
  readonly content: string;
}

/** The special tokens that go before and after a single sequence ([CLS] … [SEP], <s> … </s>). */
export interface SpecialTokenFrame {
  readonly leading: readonly SpecialToken[];
  readonly trailing: readonly SpecialToken[];
}

const NO_FRAME: SpecialTokenFrame = { leading: [], trailing: [] };

export function createPostProcessor(config: unknown, path = 'post_processor'): SpecialTokenFrame {
  if (config === null || config === undefined) return NO_FRAME;
  const json = expectObject(config, path);
  const type = expectString(json.type, `${path}.type`);
  switch (type) {
    case 'BertProcessing':
    case 'RobertaProcessing':
      return { leading: [parsePair(json.cls, `${path}.cls`)], trailing: [parsePair(json.sep, `${path}.sep`)] };
    case 'TemplateProcessing':
      return templateFrame(json, path);
    case 'ByteLevel':
      return NO_FRAME; // only trims offsets in the reference; ids are unchanged
    case 'Sequence': {
      const frames = expectArray(json.processors, `${path}.processors`).map((step, i) => createPostProcessor(step, `${path}.processors[${i}]`));
      // Each processor wraps what the previous ones produced.
      return frames.reduce((outer, inner) => ({ leading: [...inner.leading, ...outer.leading], trailing: [...outer.trailing, ...inner.trailing] }), NO_FRAME);
    }
    default:
      throw unsupported(`${path}.type`, `the "${type}" post-processor`);
  }
}

/** BertProcessing/RobertaProcessing write each special token as ["[CLS]", 101]. */
function parsePair(value: unknown, path: string): SpecialToken {
  const [content, id] = expectArray(value, path);
  return { content: expectString(content, `${path}[0]`), id: expectTokenId(id, `${path}[1]`) };
}

/** TemplateProcessing's "single" template, e.g. [CLS] $A [SEP]; a special token may stand for several ids. */
function templateFrame(json: JsonObject, path: string): SpecialTokenFrame {
  const specials = expectObject(json.special_tokens ?? {}, `${path}.special_tokens`);
  const leading: SpecialToken[] = [];
  const trailing: SpecialToken[] = [];
  let seenSequence = false;
  expectArray(json.single, `${path}.single`).forEach((piece, i) => {
    const piecePath = `${path}.single[${i}]`;
    const item = expectObject(piece, piecePath);
    if (isObject(item.Sequence)) {
      if (seenSequence) throw unsupported(piecePath, 'a single-sequence template that repeats the sequence');
      seenSequence = true;
      return;
    }
    const name = expectString(expectObject(item.SpecialToken, `${piecePath}.SpecialToken`).id, `${piecePath}.SpecialToken.id`);
    const special = expectObject(specials[name], `${path}.special_tokens["${name}"]`);
    const ids = expectArray(special.ids, `${path}.special_tokens["${name}"].ids`);
    const tokens = expectArray(special.tokens, `${path}.special_tokens["${name}"].tokens`);
    ids.forEach((id, k) => {
      const token = { id: expectTokenId(id, `${path}.special_tokens["${name}"].ids[${k}]`), content: expectString(tokens[k] ?? name, `${path}.special_tokens["${name}"].tokens[${k}]`) };
      (seenSequence ? trailing : leading).push(token);
    });
  });
  return { leading, trailing };
}
