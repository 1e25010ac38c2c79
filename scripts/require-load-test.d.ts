/** Types of scripts/require-load-test.js (prod's promotion gate). */
export function refusal(release: unknown): string | undefined;
export function main(file: string): number;
