// The version of what a compiled graph means, part of every cache key and of EngineInfo. It joins
// the runtime's own version (bump RUNTIME_VERSION when the runtime changes how it feeds or reads a
// graph) with the graph builder's GRAPH_VERSION (bumped by the graph side when emitted graphs change),
// so old cached graphs are never looked up again (graph-cache.ts removes them when it builds one).

import { GRAPH_VERSION } from '../graph/compile';

const RUNTIME_VERSION = '1';

export const ENGINE_VERSION = `r${RUNTIME_VERSION}-g${GRAPH_VERSION}`;
