import type { RouteModule } from "../api";
import { anchoringRoutes } from "../api/routes/anchoringRoutes";
import { coverageRoutes } from "../api/routes/coverageRoutes";
import { deliveryRoutes } from "../api/routes/deliveryRoutes";
import { offlineDeliveryRoutes } from "../api/routes/offlineDeliveryRoutes";
import { donorRoutes } from "../api/routes/donorRoutes";
import { disbursementRoutes } from "../api/routes/disbursementRoutes";
import { evidenceRoutes } from "../api/routes/evidenceRoutes";
import { householdRoutes } from "../api/routes/householdRoutes";
import { loginLinkRoutes } from "../api/routes/loginLinkRoutes";
import { organisationRoutes } from "../api/routes/organisationRoutes";
import { programmeRoutes } from "../api/routes/programmeRoutes";
import { programmeRuleRoutes } from "../api/routes/programmeRuleRoutes";
import { recognitionRoutes } from "../api/routes/recognitionRoutes";
import { memberRoutes } from "../api/routes/memberRoutes";
import { timebankRoutes } from "../api/routes/timebankRoutes";
import { mandateRoutes } from "../api/routes/mandateRoutes";
import { statusRoutes } from "../api/routes/statusRoutes";
import { ussdRoutes } from "../api/routes/ussdRoutes";
import { walletRoutes } from "../api/routes/walletRoutes";
import type { GatewayServices } from "./services";

/** Every room's HTTP face, mounted by `createApp` after /health, /metrics, /openapi.json and /docs. */
export function gatewayRoutes(services: GatewayServices): RouteModule[] {
  return [
    statusRoutes(services),
    organisationRoutes(services.organisations),
    loginLinkRoutes(services),
    householdRoutes(services),
    programmeRoutes(services.programmes),
    programmeRuleRoutes(services),
    disbursementRoutes(services),
    walletRoutes(services),
    anchoringRoutes(services),
    evidenceRoutes(services),
    // Before deliveryRoutes: its /v1/deliveries/:deliveryId would take /v1/deliveries/offline(-key).
    offlineDeliveryRoutes(services),
    deliveryRoutes(services),
    donorRoutes(services),
    coverageRoutes(services),
    recognitionRoutes(services),
    timebankRoutes(services),
    memberRoutes(services),
    mandateRoutes(services),
    ussdRoutes(services),
  ];
}
