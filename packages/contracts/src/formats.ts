import { FormatRegistry } from "@sinclair/typebox";

// The HTML living-standard "valid e-mail address" shape: what browsers accept in
// <input type=email>. Registered here (not only by Elysia) so the lesson runner,
// which never imports Elysia, validates exactly as the API does.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

if (!FormatRegistry.Has("email")) {
  FormatRegistry.Set("email", (value) => value.length <= 254 && EMAIL.test(value));
}
