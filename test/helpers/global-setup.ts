// Global test setup: filled in by the store layer (PGlite snapshot, PostgreSQL reachability).
export default async function setup(): Promise<void> {}
