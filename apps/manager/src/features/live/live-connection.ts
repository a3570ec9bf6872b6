import { type LiveServerMessage, liveClientMessageSchema, liveCloseCodes } from "@director/contracts/manager-live";
import { isDirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import type { User } from "@director/domain/user";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { LiveHub, LiveSink } from "./live-hub.js";

/** What a connection needs to decide which sites it may follow, and whether its session still holds. */
export interface LiveConnectionDeps {
  hub: Pick<LiveHub, "watch">;
  /** the site if `actor` may view it; throws SITE_NOT_FOUND (also for a site that is not theirs) otherwise */
  findViewable(actor: User, name: string): Promise<{ id: SiteId; name: string }>;
  /** the session's user now, or null once it ended or the account was disabled */
  userForSession(): Promise<User | null>;
  log: Logger;
  /** how often the session and the right to see each watched site are checked again */
  recheckMs?: number;
}

const defaultRecheckMs = 30_000;
/** Messages are handled one at a time; a client that queues more than this is closed. */
const maxQueuedMessages = 8;
/** Why a watched name is unavailable: no such site (or not this person's), or not a site name at all. */
const unavailableCodes: ReadonlySet<string> = new Set(["SITE_NOT_FOUND", "SITE_NAME_INVALID"]);
/** 1008: policy violation (RFC 6455 §7.4.1). */
const policyViolation = 1008;

/**
 * One browser tab's live connection: it says which sites it shows (`watch`), and gets their operations and
 * process states from the hub. Access is checked when a site is watched and again every `recheckMs`, so that a
 * removed member or an ended session stops receiving within that time.
 */
export class LiveConnection {
  readonly #socket: WebSocket;
  readonly #deps: LiveConnectionDeps;
  #actor: User;
  #names: readonly string[] = [];
  #stops: Array<() => void> = [];
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #isClosed = false;
  readonly #recheck: NodeJS.Timeout;

  constructor(socket: WebSocket, actor: User, deps: LiveConnectionDeps) {
    this.#socket = socket;
    this.#actor = actor;
    this.#deps = deps;
    socket.on("message", (data, isBinary) => this.#enqueue(() => this.#onMessage(data.toString(), isBinary)));
    socket.on("close", () => this.#close());
    this.#recheck = setInterval(() => this.#enqueue(() => this.#recheckAccess()), deps.recheckMs ?? defaultRecheckMs);
  }

  #enqueue(task: () => Promise<void>): void {
    if (this.#isClosed) return;
    if (this.#queued >= maxQueuedMessages) {
      this.#socket.close(policyViolation, "too many messages at once");
      return;
    }
    this.#queued++;
    this.#queue = this.#queue
      .then(task)
      .catch((error: unknown) => this.#deps.log.warn({ err: error }, "live: a message could not be handled"))
      .finally(() => {
        this.#queued--;
      });
  }

  async #onMessage(text: string, isBinary: boolean): Promise<void> {
    let parsed: unknown;
    try {
      parsed = isBinary ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const message = liveClientMessageSchema.safeParse(parsed);
    if (!message.success) {
      this.#send({
        type: "error",
        code: "VALIDATION_FAILED",
        message: 'Send {"type":"watch","sites":["name", …]} as JSON text (at most 100 sites).',
      });
      return;
    }
    await this.#watch([...new Set(message.data.sites)]);
  }

  /** Replaces what this connection follows; each site is checked against the actor now. */
  async #watch(names: readonly string[]): Promise<void> {
    const allowed: Array<{ id: SiteId; name: string }> = [];
    const unavailable: string[] = [];
    for (const name of names) {
      try {
        // A name that is not one (the page's own input) never reaches the database: it is simply unavailable.
        parseSiteName(name);
        allowed.push(await this.#deps.findViewable(this.#actor, name));
      } catch (error) {
        if (!isDirectorError(error) || !unavailableCodes.has(error.code)) throw error;
        unavailable.push(name);
      }
    }
    if (this.#isClosed) return;
    this.#stopWatching();
    this.#names = allowed.map((site) => site.name);
    for (const name of unavailable) this.#send({ type: "unavailable", site: name });
    const sink: LiveSink = (message) => this.#send(message);
    // Every watched site starts with its current state, also one watched before: a page that re-sends its list
    // after a reconnect needs exactly that.
    for (const site of allowed) this.#stops.push(this.#deps.hub.watch(site, sink));
  }

  async #recheckAccess(): Promise<void> {
    const user = await this.#deps.userForSession();
    if (!user) {
      this.#socket.close(liveCloseCodes.sessionEnded, "session ended");
      return;
    }
    this.#actor = user;
    // An administrator sees every site (sites.policy.ts), and a deleted one is said unavailable by the hub: nothing
    // to look up, which keeps an administrator's page of 50 sites from costing 100 queries every half minute.
    if (user.isSuperuser) return;
    // Quietly re-resolves the list: a site this user lost access to is dropped (and said unavailable).
    const names = this.#names;
    const stillAllowed: string[] = [];
    for (const name of names) {
      try {
        await this.#deps.findViewable(user, name);
        stillAllowed.push(name);
      } catch (error) {
        if (!isDirectorError(error) || error.code !== "SITE_NOT_FOUND") throw error;
      }
    }
    if (stillAllowed.length !== names.length) await this.#watch(names);
  }

  #send(message: LiveServerMessage): void {
    if (this.#isClosed || this.#socket.readyState !== this.#socket.OPEN) return;
    this.#socket.send(JSON.stringify(message));
  }

  #stopWatching(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  #close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearInterval(this.#recheck);
    this.#stopWatching();
  }
}
