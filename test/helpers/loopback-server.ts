// A test double's HTTP (or HTTPS) server on 127.0.0.1 and a free port (never anything but loopback). stop() ends
// every open connection before closing the server (a scripted "hang" or a keep-alive client would hold it open),
// so nothing outlives the suite.
import type { Server } from "node:net";
import type { Socket } from "node:net";

export interface LoopbackServer {
  /** http://127.0.0.1:PORT (https:// for a TLS server) */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function listenOnLoopback(server: Server, scheme: "http" | "https" = "http"): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
