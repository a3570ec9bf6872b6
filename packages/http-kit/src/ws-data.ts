import type { RawData } from "ws";
import type { z } from "zod";

/** A WebSocket message's bytes as one Buffer, whichever of its three shapes `ws` delivered it in. */
export function rawDataToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * A text frame's JSON checked by `schema`; null when it is not JSON or not what the schema describes. The one way the
 * terminal's relays (orchestrator, manager, shell server) read each other's control messages.
 */
export function parseJsonFrame<S extends z.ZodType>(schema: S, text: string): z.output<S> | null {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    // Not JSON; or a refinement that met a value its object check had already refused (zod runs both).
    return null;
  }
}
