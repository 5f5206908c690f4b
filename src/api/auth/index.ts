/** The HTTP side of API keys: who is calling (`identify`) and who may pass (`requireRole`). */
export { identify } from "./identify";
export { requireRole } from "./requireRole";
