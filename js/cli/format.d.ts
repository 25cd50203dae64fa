/**
 * A span in its largest sensible unit: "32 s", "4 min", "5 h", "335 days".
 * @param {number} ms
 */
export function span(ms: number): string;
/**
 * A name as the node resolves it.
 * @typedef {{ name: string, records: Array<{ type: string, value: string, ttl: number }>, owner: string, expires: number, seq: number }} ResolvedName
 */
/** @param {ResolvedName} r */
export function showResolved(r: ResolvedName): string;
/**
 * A progress bar on stderr while the proof-of-work runs: redrawn in place on a terminal, a
 * line every few seconds otherwise, framed by a start and a done line.
 */
export function progressBar(): {
    /** @param {number} difficulty */
    start(difficulty: number): void;
    /** @param {{ attempts: number, expected: number }} p */
    update({ attempts, expected }: {
        attempts: number;
        expected: number;
    }): void;
    done(): void;
};
export function date(ms: number): string;
export function daysUntil(ms: number, now: number): number;
/**
 * A name as the node resolves it.
 */
export type ResolvedName = {
    name: string;
    records: Array<{
        type: string;
        value: string;
        ttl: number;
    }>;
    owner: string;
    expires: number;
    seq: number;
};
