import { request } from "node:http";

export interface StreamStart {
  status: number;
  contentType: string;
  /** What the stream sent within `ms` (the replay of past events), then the connection is closed. */
  text: string;
}

/** Opens a server-sent-event stream with the cookies given, reads it for `ms`, and hangs up. */
export function readStream(base: string, path: string, cookie: string, ms = 800): Promise<StreamStart> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { headers: { Cookie: cookie, Accept: "text/event-stream" } });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      const done = () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), text });
      };
      if (res.statusCode !== 200) res.on("end", done);
      else setTimeout(done, ms);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The `name=value` pairs of a response's Set-Cookie headers, ready for a Cookie header. */
export function cookiesOf(setCookie: string[] | string | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.map((cookie) => cookie.split(";")[0]).join("; ");
}
