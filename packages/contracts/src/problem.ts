import { type Static, Type } from "@sinclair/typebox";

export const FieldError = Type.Object(
  {
    path: Type.String({ description: "JSON Pointer to the offending field", examples: ["/email"] }),
    message: Type.String({ examples: ["must be a valid email address"] }),
  },
  { $id: "FieldError" },
);
export type FieldError = Static<typeof FieldError>;

/** RFC 9457 problem details: the body of every error response. */
export const Problem = Type.Object(
  {
    type: Type.String({
      description: "A URI reference naming the problem type",
      examples: ["about:blank"],
    }),
    title: Type.String({
      description: "The status code's reason phrase",
      examples: ["Unauthorized"],
    }),
    status: Type.Integer({ minimum: 400, maximum: 599, examples: [401] }),
    detail: Type.String({
      description: "What went wrong, for a human",
      examples: ["Token expired"],
    }),
    instance: Type.Optional(
      Type.String({ description: "The request path", examples: ["/users/me"] }),
    ),
    request_id: Type.Optional(Type.String({ description: "Same as the X-Request-Id header" })),
    errors: Type.Optional(
      Type.Array(FieldError, { description: "Only on 422: one entry per invalid field" }),
    ),
  },
  { $id: "Problem", description: "application/problem+json (RFC 9457)" },
);
export type Problem = Static<typeof Problem>;
