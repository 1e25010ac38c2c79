/**
 * Moved: the release hand-off contract (where staging writes a signed-off release and prod's
 * pipeline reads it) lives with every other cross-stack contract in `infra/stacks.ts`; the
 * hand-off bucket prod owns is `components/pipeline/handoff.ts`. Nothing here reads a stack.
 */
export { RELEASE_OBJECT_KEY, RELEASE_HANDOFF_OUTPUT, ReleaseHandoff } from "../../infra/stacks";
