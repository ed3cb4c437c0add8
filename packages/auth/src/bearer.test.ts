import { describe, expect, test } from "bun:test";
import { extractBearerToken } from "./bearer.ts";
import { MissingCredentialsError } from "./errors.ts";

describe("extractBearerToken", () => {
  test.each([
    ["Bearer x", "x"],
    ["bearer x", "x"],
    ["BEARER   x", "x"],
    ["Bearer eyJ.abc.d-_", "eyJ.abc.d-_"],
    [" Bearer x ", "x"],
  ])("%p -> %p", (header, token) => {
    expect(extractBearerToken(header)).toBe(token);
  });

  test.each([
    ["Basic abc"],
    ["Bearer"],
    ["Bearer "],
    ["Bearer    "],
    ["Bearerx"],
    ["Bearer a b"],
    ["Bearer\tx"],
    ["x"],
    [""],
    [null],
    [undefined],
  ])("%p -> MissingCredentialsError", (header) => {
    expect(() => extractBearerToken(header)).toThrow(MissingCredentialsError);
  });

  test("the error says Not authenticated and never echoes the header", () => {
    const header = "Basic c2VjcmV0LXBhc3N3b3Jk";
    try {
      extractBearerToken(header);
      throw new Error("expected a throw");
    } catch (error) {
      expect(error).toBeInstanceOf(MissingCredentialsError);
      expect((error as Error).name).toBe("MissingCredentialsError");
      expect((error as Error).message).toBe("Not authenticated");
    }
  });
});
