/** Every lesson, in teaching order: each is self-contained, so any one may be run alone. */
import { recordLesson } from "../api-call.ts";
import { withCodeLinks } from "../code-links.ts";
import type { Lesson } from "../model.ts";
import { lesson as badInput } from "./bad-input.ts";
import { lesson as databaseOutage } from "./database-outage.ts";
import { lesson as deleting } from "./deleting.ts";
import { lesson as duplicateEmail } from "./duplicate-email.ts";
import { lesson as loggingIn } from "./logging-in.ts";
import { lesson as loggingOut } from "./logging-out.ts";
import { lesson as protectedRoute } from "./protected-route.ts";
import { lesson as rateLimiting } from "./rate-limiting.ts";
import { lesson as refreshRotation } from "./refresh-rotation.ts";
import { lesson as replayDetection } from "./replay-detection.ts";
import { lesson as roles } from "./roles.ts";
import { lesson as routeMatching } from "./route-matching.ts";
import { lesson as signingUp } from "./signing-up.ts";
import { lesson as wrongMethodAndSize } from "./wrong-method-and-size.ts";

/**
 * Typed steps recorded into plain requests once, here, before anything reads the lessons, and
 * each step linked to the line of apps/api that picks its status.
 */
export const lessons: Lesson[] = withCodeLinks(
  await Promise.all(
    [
      signingUp,
      duplicateEmail,
      badInput,
      loggingIn,
      protectedRoute,
      refreshRotation,
      replayDetection,
      loggingOut,
      routeMatching,
      roles,
      deleting,
      rateLimiting,
      wrongMethodAndSize,
      databaseOutage,
    ].map(recordLesson),
  ),
);
