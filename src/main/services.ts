import type { Logger } from "pino";
import type { AidSystem } from "../../deploy/system";
import type { RouteServices } from "../api";

/**
 * Everything the gateway's rooms run against, built once at boot. Route modules receive the
 * `RouteServices` part (declared in `src/api`, so the HTTP face never imports this composition root).
 */
export interface GatewayServices extends RouteServices {
  logger: Logger;
  system: AidSystem;
}
