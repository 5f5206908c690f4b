import type { Request } from "express";
import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { canonicalId } from "../validation/canonicalId";
import { errorResponse, errorResponses, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import * as docs from "./evidenceSchemas";
import type { EvidenceRouteServices, RouteModule } from "../routeModule";
import { accessContext } from "./accessContext";
import {
  EVIDENCE_MAX_BYTES,
  EVIDENCE_MEDIA_TYPES,
  evidenceTooLarge,
  fetchEvidence,
  getEvidence,
  getEvidenceKey,
  parseMediaType,
  storeEvidence,
} from "../../evidence";

const uploadQuery = z.strictObject({
  programmeId: canonicalId.describe("The programme the delivery belongs to, in plain decimal digits"),
});
const evidenceParams = z.strictObject({
  evidenceId: z
    .string()
    .regex(/^ev_[0-9a-f-]{36}$/)
    .describe("As the upload answered it"),
});
/** One binary media type per allowed evidence type; the example stands for the file's bytes. */
const binaryContent = () =>
  Object.fromEntries(
    EVIDENCE_MEDIA_TYPES.map((type) => [
      type,
      { schema: { type: "string", contentMediaType: type }, example: `<the ${type} file's bytes>` },
    ]),
  );
const UPLOADERS = ["vendor", "field_agent"] as const;
const READERS = ["charity", "auditor"] as const;
const METADATA_READERS = ["charity", "vendor", "field_agent", "auditor", "regulator"] as const;

/** The whole body, refused (413 naming `body`) as soon as it passes the limit; nothing of it is logged. */
async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.get("content-length") ?? "0");
  if (declared > limit) throw evidenceTooLarge();
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > limit) {
      req.destroy();
      throw evidenceTooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Evidence of deliveries: a vendor or field agent uploads a photo, scanned receipt or PDF (raw bytes with
 * their content type); it is encrypted before it is stored. The programme's charity and auditors read it
 * back decrypted, or take its key to open it offline; every read of content or key is in the access log.
 */
export function evidenceRoutes(services: EvidenceRouteServices): RouteModule {
  return {
    rawBodyPaths: ["/v1/evidence"],
    register(router) {
      router.post(
        "/v1/evidence",
        requireRole(...UPLOADERS),
        validate(uploadQuery, "query"),
        async (req, res) => {
          const { programmeId } = validated(res, uploadQuery, "query");
          const mediaType = parseMediaType(req.get("content-type"));
          const bytes = await readBody(req, EVIDENCE_MAX_BYTES);
          const principal = res.locals.principal!;
          const stored = await storeEvidence(services.evidence, {
            programmeId,
            uploadedBy: { orgId: principal.orgId, role: principal.role },
            mediaType,
            bytes,
          });
          res.status(201).location(`/v1/evidence/${stored.evidenceId}`).json(stored);
        },
      );
      router.get(
        "/v1/evidence/:evidenceId",
        requireRole(...METADATA_READERS),
        validate(evidenceParams, "params"),
        (_req, res) => {
          const { evidenceId } = validated(res, evidenceParams, "params");
          res.json(getEvidence(services.evidence, { evidenceId, principal: res.locals.principal! }));
        },
      );
      router.get(
        "/v1/evidence/:evidenceId/content",
        requireRole(...READERS),
        validate(evidenceParams, "params"),
        async (req, res) => {
          const { evidenceId } = validated(res, evidenceParams, "params");
          const { reader, purpose, requestId } = accessContext(req, res);
          const fetched = await fetchEvidence(services.evidence, {
            evidenceId,
            principal: reader,
            purpose,
            requestId,
          });
          res
            .status(200)
            .set("Cache-Control", "no-store")
            .set("Content-Disposition", "attachment")
            .set("X-Evidence-Hash", fetched.record.evidenceHash)
            .type(fetched.mediaType)
            .send(fetched.bytes);
        },
      );
      router.get(
        "/v1/evidence/:evidenceId/key",
        requireRole(...READERS),
        validate(evidenceParams, "params"),
        (req, res) => {
          const { evidenceId } = validated(res, evidenceParams, "params");
          const { reader, purpose, requestId } = accessContext(req, res);
          res
            .set("Cache-Control", "no-store")
            .json(getEvidenceKey(services.evidence, { evidenceId, principal: reader, purpose, requestId }));
        },
      );
    },
    openapi: {
      "/v1/evidence": {
        post: secured([...UPLOADERS], {
          operationId: "uploadEvidence",
          summary: "Attach a photo, scanned receipt or PDF to a delivery of a programme",
          description: [
            `The raw file as the body, with its own content type (${EVIDENCE_MEDIA_TYPES.join(", ")}), at most ${EVIDENCE_MAX_BYTES / (1024 * 1024)} MB. The bytes must be of the declared type (checked by their magic bytes): anything else is refused naming \`Content-Type\`, and nothing is stored.`,
            "",
            "The file is encrypted (AES-256-GCM, a fresh key per file) before it is stored in IPFS; the key is wrapped for the programme's charity and every auditor. Put the answer's `evidenceHash` in the delivery receipt. A vendor must be allowed by the programme on chain (403 `not_your_programme` otherwise); field agents must be licensed. The uploader can read the metadata afterwards, never the content.",
          ].join("\n"),
          tags: ["evidence"],
          parameters: parametersOf(uploadQuery, "query", { programmeId: "4" }),
          requestBody: {
            required: true,
            content: binaryContent(),
          },
          responses: {
            "201": jsonResponse(
              "Stored encrypted; the `Location` header names the metadata route",
              docs.storedEvidence.schema,
              docs.storedEvidence.example,
            ),
            ...errorResponses(400, 404),
            "413": errorResponse(413, {
              name: "PayloadTooLarge",
              message: "Evidence is limited to 10 MB.",
              field: "body",
              code: "too_large",
            }),
            "415": errorResponse(415, {
              name: "UnsupportedMediaType",
              message: `Evidence must be one of ${EVIDENCE_MEDIA_TYPES.join(", ")}.`,
              field: "Content-Type",
              code: "media_type",
            }),
          },
        }),
      },
      "/v1/evidence/{evidenceId}": {
        get: secured([...METADATA_READERS], {
          operationId: "getEvidence",
          summary: "What is known of a piece of evidence: type, size, CID and hash",
          description:
            "For the programme's charity, the organisation that uploaded it, auditors and the regulator; anyone else gets 404, as for an unknown id.",
          tags: ["evidence"],
          parameters: parametersOf(evidenceParams, "path", { evidenceId: docs.EXAMPLE_EVIDENCE_ID }),
          responses: {
            "200": jsonResponse("The metadata", docs.evidenceMetadata.schema, docs.evidenceMetadata.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/evidence/{evidenceId}/content": {
        get: secured([...READERS], {
          operationId: "getEvidenceContent",
          summary: "The evidence, decrypted and checked against its hash",
          description:
            "For the programme's charity and auditors only; another charity gets 404, as for an unknown id. The `X-Evidence-Hash` header repeats the hash the bytes were checked against. Every read is recorded in the access log (`evidence.content`, with `X-Access-Purpose`).",
          tags: ["evidence"],
          parameters: parametersOf(evidenceParams, "path", { evidenceId: docs.EXAMPLE_EVIDENCE_ID }),
          responses: {
            "200": {
              description: "The file as it was uploaded",
              content: binaryContent(),
            },
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/evidence/{evidenceId}/key": {
        get: secured([...READERS], {
          operationId: "getEvidenceKey",
          summary: "The file key, to open the evidence offline",
          description:
            "For the same readers as the content, and recorded in the access log as `evidence.key`. With the key and the CID, `sintech evidence fetch --cid <cid> --key <key> --hash <evidenceHash>` opens the object from any IPFS store and checks it.",
          tags: ["evidence"],
          parameters: parametersOf(evidenceParams, "path", { evidenceId: docs.EXAMPLE_EVIDENCE_ID }),
          responses: {
            "200": jsonResponse("The key", docs.evidenceKey.schema, docs.evidenceKey.example),
            ...errorResponses(400, 404),
          },
        }),
      },
    },
  };
}
