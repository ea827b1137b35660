// The one table of supported model families. Dispatch is a lookup on config.json `model_type`
// (then `architectures`), never an if/else chain on names: adding a family is adding a row.

import type { Family } from '../../../shared/model-spec';
import { InputError, quoteValue } from '../../../shared/errors';
import type { FamilyModule } from './family';
import { gemma2Family } from './gemma2';
import { gpt2Family } from './gpt2';
import { gptNeoxFamily } from './gpt-neox';
import { llamaFamily } from './llama';

export const FAMILIES: readonly FamilyModule[] = [llamaFamily, gemma2Family, gpt2Family, gptNeoxFamily];

/** All model_type values we accept, for messages and docs. */
export function supportedModelTypes(): string[] {
  return FAMILIES.flatMap((f) => f.modelTypes);
}

/** The module for a config.json; InputError listing the supported model_types when none fits. */
export function resolveFamily(config: Record<string, unknown>, configPath: string): FamilyModule {
  const modelType = config.model_type;
  if (typeof modelType === 'string') {
    const byType = FAMILIES.find((f) => f.modelTypes.includes(modelType));
    if (byType) return byType;
    throw new InputError(configPath, `model_type ${quoteValue(modelType)} is not supported (supported: ${supportedModelTypes().join(', ')})`);
  }
  const archs = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : [];
  const byArch = FAMILIES.find((f) => archs.some((a) => f.architectures.includes(a)));
  if (byArch) return byArch;
  const found = archs.length ? `architectures ${quoteValue(archs)}` : 'no model_type and no architectures';
  throw new InputError(configPath, `${found}: not a supported model (supported model_type: ${supportedModelTypes().join(', ')})`);
}

/** The module for a family named in a stored ModelSpec. */
export function familyModule(family: Family): FamilyModule {
  const m = FAMILIES.find((f) => f.family === family);
  if (!m) throw new Error(`no family module for ${family}`);
  return m;
}
