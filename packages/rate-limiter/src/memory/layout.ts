/**
 * The in-memory store's layout, shared by its parts (see `Table`).
 *
 * Every key is an entry: a row across a set of typed arrays (its hash, where its characters
 * are, flags, and an inline ring of INLINE timestamps kept as whole milliseconds after a
 * per-key base). A key's characters sit in one byte arena (Latin-1, or UTF-16 when needed),
 * and an open-addressing index maps keys to entries. A key whose limit lets it hold more than
 * INLINE timestamps, or whose times do not fit the ring, moves to a growable `SlidingLog`.
 */

/** Timestamps a key keeps inline: the tutorial's limit. Keys allowed more move to a growable log. */
export const INLINE = 5;

// Entry flags.
export const LIVE = 1;
/** Hit since the eviction hand last passed (CLOCK's second chance). */
export const USED = 2;
/** The key has a character above U+00FF and is stored as UTF-16 (else as Latin-1 bytes). */
export const WIDE = 4;
/** The key's timestamps live in `Table.overflow` (its limit outgrew the inline ring). */
export const OVERFLOW = 8;

// Index slots hold an entry number + 1; 0 is empty, -1 a deleted slot (a tombstone).
export const EMPTY = 0;
export const TOMBSTONE = -1;

export const MIN_ENTRIES = 64;
export const MIN_KEY_BYTES = 1024;

const MAX_OFFSET = 0xffff_ffff;
/** Whether a time offset fits an entry's ring: whole milliseconds, 32 bits (49 days). */
export const fits = (ms: number) => Number.isInteger(ms) && ms >= 0 && ms <= MAX_OFFSET;
