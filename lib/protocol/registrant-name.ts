/**
 * A registrant's name as docs/protocol.md §4 allows it: Russian or Latin letters, words joined by
 * single spaces or hyphens. Shared by `RegisterDto` and the emulator, so the two cannot drift.
 */
export const REGISTRANT_NAME = /^[A-Za-zА-Яа-яЁё]+(?:[ -][A-Za-zА-Яа-яЁё]+)*$/;
