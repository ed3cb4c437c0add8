/**
 * A person in a real browser: Swagger UI at /docs, authorised with the OAuth2 password flow
 * or a pasted token, then "Try it out" on GET /users/me. Debian's Chromium, driven by
 * playwright-core (never a downloaded browser). Every request the page makes must stay on
 * the API's own origin: the docs work offline.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { makeApp } from "../../../test/support.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) {
  const why = `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium)`;
  if (process.env.CI === "true") throw new Error(why);
  console.warn(`\n!!! SKIPPING the Swagger UI browser tests: ${why}\n`);
}

const TIMEOUT = 60_000;
const USER = { email: "browser@example.com", password: "browser-password-1" };

let browser: Browser;
let origin: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  if (!available) return;
  const made = await makeApp();
  made.app.listen({ port: 0, hostname: "127.0.0.1" });
  origin = `http://127.0.0.1:${made.app.server?.port}`;
  await made.api.register(USER.email, USER.password);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  stop = async () => {
    await browser.close();
    await made.app.stop();
    await made.close();
  };
}, TIMEOUT);

afterAll(async () => {
  await stop?.();
});

/** Opens /docs, recording every request that would leave the API's origin (and blocking it). */
async function openDocs() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const foreign: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith("data:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  await page.goto(`${origin}/docs`);
  await page.locator(".swagger-ui .information-container").waitFor();
  return { page, foreign };
}

async function tryGetMe(page: Page) {
  const operation = page.locator("#operations-users-getUsersMe");
  // Deep links reopen an operation after a reload: expand it only when it is closed.
  if (!(await operation.evaluate((element) => element.classList.contains("is-open")))) {
    await operation.locator(".opblock-summary").click();
  }
  // The page turns "Try it out" on by itself; press it only if it is shown.
  const tryItOut = operation.getByRole("button", { name: "Try it out" });
  const execute = operation.getByRole("button", { name: "Execute" });
  await tryItOut.or(execute).waitFor();
  if (await tryItOut.isVisible()) await tryItOut.click();
  await execute.click();
  const status = operation.locator(".live-responses-table tbody .response-col_status").first();
  await status.waitFor();
  return {
    status: (await status.textContent())?.trim(),
    body:
      (await operation
        .locator(".live-responses-table tbody .response-col_description pre")
        .first()
        .textContent()) ?? "",
  };
}

describe.skipIf(!available)("Swagger UI in Chromium", () => {
  test(
    "logs in with the OAuth2 password flow and gets 200 from GET /users/me, all offline",
    async () => {
      const { page, foreign } = await openDocs();
      await page.getByRole("button", { name: "Authorize" }).first().click();
      const dialog = page.locator(".dialog-ux");
      const oauth = dialog.locator(".auth-container").filter({ hasText: "oauth2" });
      await oauth.locator("#oauth_username").fill(USER.email);
      await oauth.locator("#oauth_password").fill(USER.password);
      await oauth.locator("button.authorize").click();
      // Swagger UI posts the form to /token itself and shows "Authorized" once it has a token.
      await oauth.getByText("Authorized").waitFor();
      await dialog.getByRole("button", { name: "Close" }).first().click();

      const { status, body } = await tryGetMe(page);
      expect(status).toBe("200");
      expect(JSON.parse(body)).toMatchObject({ email: USER.email, role: "user" });
      if (process.env.UPDATE_SCREENSHOTS === "1") {
        await page.locator("#operations-users-getUsersMe").screenshot({
          path: join(import.meta.dir, "../../../../../docs/images/swagger-authorized-users-me.png"),
        });
      }
      expect(foreign).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );

  test(
    "a pasted bearer token works too, and a wrong one shows the 401",
    async () => {
      const login = await fetch(`${origin}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: USER.email, password: USER.password }),
      }).then((r) => r.json());
      const { page, foreign } = await openDocs();
      const authorize = async (token: string) => {
        await page.getByRole("button", { name: "Authorize" }).first().click();
        const dialog = page.locator(".dialog-ux");
        const bearer = dialog.locator(".auth-container").filter({ hasText: "bearer" }).first();
        const value = bearer.locator("#auth-bearer-value");
        const logout = bearer.locator("button", { hasText: "Logout" });
        await value.or(logout).waitFor();
        if (await logout.isVisible()) await logout.click();
        await bearer.locator("#auth-bearer-value").fill(token);
        await bearer.locator("button.authorize").click();
        await dialog.getByRole("button", { name: "Close" }).first().click();
      };

      await authorize("not-a-token");
      const refused = await tryGetMe(page);
      expect(refused.status).toBe("401");
      expect(JSON.parse(refused.body)).toMatchObject({ detail: "Invalid token" });

      // A fresh load, not a reload: a reload keeps the deep link (#/users/getUsersMe), and
      // Swagger UI's animated scroll to it can keep the Authorize button moving for long on a
      // busy machine (a click waits for it to be stable).
      await page.goto(`${origin}/docs`);
      await page.locator(".swagger-ui .information-container").waitFor();
      await authorize(login.access_token);
      const accepted = await tryGetMe(page);
      expect(accepted.status).toBe("200");
      expect(foreign).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );
});
