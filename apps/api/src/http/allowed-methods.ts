/**
 * Elysia answers an existing path with an unknown method as a plain 404. HTTP says 405
 * with an `Allow` header (RFC 9110 §15.5.6), so we match the path against the app's own
 * route table to tell the two apart.
 */
export function createAllowedMethods(routes: () => readonly { method: string; path: string }[]) {
  let table: { pattern: RegExp; methods: Set<string>; named: boolean }[] | undefined;

  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const route of routes()) {
      const path = normalise(route.path);
      const methods = byPath.get(path) ?? new Set<string>();
      methods.add(route.method.toUpperCase());
      if (route.method.toUpperCase() === "GET") methods.add("HEAD");
      byPath.set(path, methods);
    }
    return [...byPath].map(([path, methods]) => ({
      pattern: toPattern(path),
      methods,
      named: !path.split("/").some((segment) => segment.startsWith(":") || segment === "*"),
    }));
  };

  /** The methods the path supports, sorted; empty when no route has this path. */
  return (pathname: string): string[] => {
    table ??= build();
    const path = normalise(pathname);
    const matching = table.filter(({ pattern }) => pattern.test(path));
    // A path some route names outright (/users/limited) is that resource, not an {id}: the
    // methods of /users/{id} would only answer 422 there, so they are not offered.
    const named = matching.filter((entry) => entry.named);
    const allowed = new Set((named.length ? named : matching).flatMap((e) => [...e.methods]));
    return [...allowed].sort();
  };
}

const normalise = (path: string) =>
  path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;

function toPattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) =>
      segment.startsWith(":")
        ? "[^/]+"
        : segment === "*"
          ? ".*"
          : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}$`);
}
