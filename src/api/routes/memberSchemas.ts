import { z } from "zod";
import { refSchema, EXAMPLE_REF } from "./responseSchemas";
import * as timebank from "./timebankSchemas";

/** What the time-bank members' own routes answer (the OpenAPI document is made from these). */

const EXAMPLE_EXPIRY = "2026-12-01T09:45:00.000Z";

export const memberLoginLink = {
  schema: z.strictObject({
    memberRef: refSchema,
    path: z
      .string()
      .regex(/^\/app\/member\/login#stm_[A-Za-z0-9_-]{43}$/)
      .nullable()
      .describe(
        "Append to the gateway's address and hand to the member (the coordinator's page shows it as a QR code). Shown once: only its keyed hash is kept; the token rides in the fragment, which browsers never send. Null when it was texted",
      ),
    sentBy: z
      .enum(["sms"])
      .nullable()
      .describe("`sms`: the link went to the member's phone on file, and only there"),
    expiresAt: z.string().describe("ISO 8601 date and time"),
  }),
  example: {
    memberRef: EXAMPLE_REF,
    path: "/app/member/login#stm_Q2x9fP0aLmZ7c1VbN8sT3kR6yH0wE5aJ2dG9pU1iO7q",
    sentBy: null,
    expiresAt: EXAMPLE_EXPIRY,
  },
};

export const memberSessionOpened = {
  schema: z.strictObject({
    token: z
      .string()
      .regex(/^stms_[A-Za-z0-9_-]{43}$/)
      .describe(
        "The session's bearer token for the member routes (`Authorization: Bearer stms_…`); shown once",
      ),
    memberRef: refSchema,
    expiresAt: z.string().describe("ISO 8601 date and time: two hours after sign-in"),
  }),
  example: {
    token: "stms_b7Kx2mQ9vLr4tY8wN1cZ6pF3hJ0sD5gA7eU2iO9kR4q",
    memberRef: EXAMPLE_REF,
    expiresAt: "2026-12-01T11:30:00.000Z",
  },
};

export const ownAccount = {
  schema: timebank.member.schema.extend({
    coordinatorName: z.string().describe("The coordinator that admitted the member"),
    pin: z.boolean().describe("Whether a PIN is set (a gateway-held wallet gives its word with it)"),
    phone: z.boolean().describe("Whether a phone is on file for SMS codes"),
  }),
  example: { ...timebank.member.example, coordinatorName: "Mehr Charity", pin: true, phone: false },
};
