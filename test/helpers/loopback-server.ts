// A test double's HTTP server on 127.0.0.1 and a free port (never anything but loopback). stop() ends every open
// connection before closing the server (a scripted "hang" or a keep-alive client would hold it open), so nothing
// outlives the suite.
import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface LoopbackServer {
  /** http://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
