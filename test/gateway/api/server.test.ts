import { expect } from "chai";
import express from "express";
import request from "supertest";
import { startServer } from "../../../src/api";

describe("startServer / stop", () => {
  it("binds a free port when given 0 and reports it", async () => {
    const app = express();
    app.get("/ping", (_req, res) => void res.send("pong"));
    const running = await startServer(app, { port: 0, host: "127.0.0.1" });
    try {
      expect(running.port).to.be.a("number").and.greaterThan(0);
      expect(running.url).to.equal(`http://127.0.0.1:${running.port}`);
      expect((await request(running.url).get("/ping")).text).to.equal("pong");
    } finally {
      await running.stop();
    }
    expect(running.server.listening).to.equal(false);
    const refused = await request(running.url)
      .get("/ping")
      .then(
        () => "answered",
        (error: Error) => error.message,
      );
    expect(refused).to.include("ECONNREFUSED");
  });

  it("lets an in-flight request finish before closing", async () => {
    const app = express();
    app.get("/slow", (_req, res) => void setTimeout(() => res.send("done"), 150));
    const running = await startServer(app, { port: 0, host: "127.0.0.1" });
    const inFlight = request(running.url).get("/slow");
    const response = inFlight.then((res) => res.text);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await running.stop();
    expect(await response).to.equal("done");
  });

  it("rejects when the port is taken", async () => {
    const first = await startServer(express(), { port: 0, host: "127.0.0.1" });
    try {
      const error = await startServer(express(), { port: first.port, host: "127.0.0.1" }).then(
        () => undefined,
        (e: NodeJS.ErrnoException) => e.code,
      );
      expect(error).to.equal("EADDRINUSE");
    } finally {
      await first.stop();
    }
  });
});
