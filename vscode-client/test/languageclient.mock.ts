// A stand-in for vscode-languageclient/node: records how the client was built and used.
import { vi } from "vitest";

export const TransportKind = { stdio: 0, ipc: 1, pipe: 2, socket: 3 } as const;
export const ExecuteCommandRequest = { type: { method: "workspace/executeCommand" } };
export const WorkDoneProgress = { type: { method: "$/progress" } };

export const clients: FakeLanguageClient[] = [];
export const behaviour = {
  startFails: undefined as Error | undefined,
  responses: new Map<string, unknown>(),
};

type Handler = (params: unknown) => void;

export class FakeLanguageClient {
  started = false;
  stopped = false;
  notifications = new Map<string, Handler>();
  progressHandlers = new Map<string | number, Handler>();
  requests: { method: string; params: unknown }[] = [];
  sentNotifications: { method: string; params: unknown }[] = [];

  constructor(
    public readonly id: string,
    public readonly name: string,
    public readonly serverOptions: { command: string; args: string[] },
    public readonly clientOptions: Record<string, unknown>,
  ) {
    clients.push(this);
  }

  start = vi.fn(async () => {
    if (behaviour.startFails) {
      throw behaviour.startFails;
    }
    this.started = true;
  });

  stop = vi.fn(async () => {
    this.stopped = true;
  });

  onNotification(method: string, handler: Handler) {
    this.notifications.set(method, handler);
    return { dispose: () => this.notifications.delete(method) };
  }

  onProgress(_type: unknown, token: string | number, handler: Handler) {
    this.progressHandlers.set(token, handler);
    return { dispose: () => this.progressHandlers.delete(token) };
  }

  async sendNotification(method: string, params: unknown) {
    this.sentNotifications.push({ method, params });
  }

  async sendRequest(type: { method: string }, params: { command: string; arguments?: unknown[] }) {
    this.requests.push({ method: type.method, params });
    const response = behaviour.responses.get(params.command);
    return typeof response === "function" ? (response as (p: unknown, c: FakeLanguageClient) => unknown)(params, this) : response;
  }
}

export { FakeLanguageClient as LanguageClient };

export function resetClients(): void {
  clients.length = 0;
  behaviour.startFails = undefined;
  behaviour.responses.clear();
}
