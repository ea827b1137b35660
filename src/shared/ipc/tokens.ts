// Contract, token sets domain: the pools of token ids prompts are drawn from. Imported from the
// seed's pickle, JSON, CSV or TXT files, or built from words with a model's own tokenizer; previewed
// as ids with their words (from a model's tokenizer); exported as the seed's pickle or JSON.

import { z } from 'zod';
import { byId, epochMs, idSchema, noPayload, nothing, request } from './define';

export const tokenSetViewSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  sourcePath: z.string().nullable(),
  /** Unique token ids in the set. */
  n: z.number().int(),
  /** Special tokens (BOS/EOS/pad...) removed on import. */
  droppedSpecial: z.number().int(),
  createdAt: epochMs,
  /** Studies drawing their prompts from it. */
  studies: z.number().int(),
});
export type TokenSetView = z.infer<typeof tokenSetViewSchema>;

export const tokenImportResultSchema = z.strictObject({
  set: tokenSetViewSchema,
  /** Ids in the file, repeats included. */
  sourceCount: z.number().int(),
  dropped: z.strictObject({ special: z.number().int(), duplicates: z.number().int() }),
});
export type TokenImportResult = z.infer<typeof tokenImportResultSchema>;

export const tokenPreviewSchema = z.strictObject({
  id: idSchema,
  n: z.number().int(),
  /** The first ids in ascending order, with the tokenizer's text for each (null without a tokenizer). */
  tokens: z.array(z.strictObject({ id: z.number().int(), text: z.string().nullable() })),
});
export type TokenPreview = z.infer<typeof tokenPreviewSchema>;

/** Where the words of a built token set come from: a bundled list, pasted text, or a word file. */
export const wordSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bundled'), list: z.enum(['english', 'english-short']).optional() }),
  z.strictObject({ kind: z.literal('text'), text: z.string().min(1).max(10_000_000) }),
  z.strictObject({ kind: z.literal('file'), path: z.string().trim().min(1) }),
]);
export type WordSourceInput = z.infer<typeof wordSourceSchema>;

/** A stored model by id, or a checkpoint folder (the demo model and Hugging Face cache entries not added yet). */
export const modelRefSchema = z.union([z.strictObject({ id: idSchema }), z.strictObject({ path: z.string().trim().min(1) })]);

export const tokenBuildSchema = z.strictObject({
  model: modelRefSchema,
  words: wordSourceSchema,
  /** How many ids to keep, sampled with the seed; all single-token words when omitted. */
  n: z.number().int().min(1).max(10_000_000).optional(),
  /** Sampling seed (default 42, the seed script's). */
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Which forms of a word count: as written ("cat"), after a space (" cat"), or both (default). */
  forms: z.enum(['both', 'bare', 'spaced']).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

export const tokenBuildResultSchema = z.strictObject({
  set: tokenSetViewSchema,
  model: z.strictObject({ name: z.string(), path: z.string() }),
  /** The source in words ("the bundled English word list (2,000 words)", a file path...) and its word count. */
  source: z.strictObject({ label: z.string(), words: z.number().int() }),
  seed: z.number().int(),
  forms: z.enum(['both', 'bare', 'spaced']),
  /** Unique single-token ids before sampling. */
  candidates: z.number().int(),
  leftOut: z.strictObject({ multiToken: z.number().int(), special: z.number().int(), examples: z.array(z.string()) }),
  /** Every id of the set, ascending, with the word it came from and the exact text encoded (" cat" or "cat"). */
  preview: z.array(z.strictObject({ id: z.number().int(), word: z.string(), text: z.string() })),
});
export type TokenBuildResult = z.infer<typeof tokenBuildResultSchema>;

export const TOKEN_FILE_FORMATS = ['pickle', 'json'] as const;

export const tokenRequests = {
  'tokens.list': request(noPayload, z.array(tokenSetViewSchema)),
  /**
   * Imports a token file. With `modelId`, ids are checked against that model's vocabulary and its
   * special tokens are dropped; without it any non-negative id is accepted.
   */
  'tokens.import': request(
    z.strictObject({ path: z.string().trim().min(1), modelId: idSchema.optional(), name: z.string().trim().min(1).max(200).optional() }),
    tokenImportResultSchema,
  ),
  /** The first `count` ids (default 50) with their words from `modelId`'s tokenizer (else the demo model's). */
  'tokens.preview': request(
    z.strictObject({ id: idSchema, modelId: idSchema.optional(), count: z.number().int().min(1).max(5000).optional() }),
    tokenPreviewSchema,
  ),
  /** Builds a token set from words with the model's tokenizer.json and stores it (an identical stored set is reused). */
  'tokens.build': request(tokenBuildSchema, tokenBuildResultSchema),
  /** Writes a stored set as the seed's pickle (`.pkl`/`.pickle`) or JSON (`.json`), to an absolute path. */
  'tokens.export': request(
    z.strictObject({ id: idSchema, format: z.enum(TOKEN_FILE_FORMATS), path: z.string().trim().min(1) }),
    z.strictObject({ path: z.string(), format: z.enum(TOKEN_FILE_FORMATS), n: z.number().int() }),
  ),
  /** Deletes a token set no study uses. */
  'tokens.delete': request(byId, nothing),
} as const;
