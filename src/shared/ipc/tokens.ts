// Contract, token sets domain: the pools of token ids prompts are drawn from. Imported from the
// seed's pickle, JSON, CSV or TXT files; previewed as ids with their words (from a model's tokenizer).

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
  /** Deletes a token set no study uses. */
  'tokens.delete': request(byId, nothing),
} as const;
