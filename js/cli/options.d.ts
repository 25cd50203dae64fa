/** @typedef {ReturnType<typeof parse>['values']} Flags */
/** @param {string[]} argv */
export function parse(argv: string[]): {
    values: {
        dns?: string | undefined;
        "dns-rate"?: string | undefined;
        "dns-burst"?: string | undefined;
        "dns-slip"?: string | undefined;
        "dns-prefix4"?: string | undefined;
        "dns-prefix6"?: string | undefined;
        "dns-tcp-max"?: string | undefined;
        "dns-negative-ttl"?: string | undefined;
        'tls-cert'?: string | undefined;
        'tls-key'?: string | undefined;
        help?: boolean | undefined;
        json?: boolean | undefined;
        node?: string | undefined;
        key?: string | undefined;
        force?: boolean | undefined;
        yes?: boolean | undefined;
        replace?: boolean | undefined;
        clear?: boolean | undefined;
        ip?: string[] | undefined;
        ip6?: string[] | undefined;
        txt?: string[] | undefined;
        cid?: string[] | undefined;
        sync?: string[] | undefined;
        ttl?: string | undefined;
        port?: string | undefined;
        host?: string | undefined;
        data?: string | undefined;
        memory?: boolean | undefined;
        storage?: string | undefined;
        'force-empty'?: boolean | undefined;
        'max-peers'?: string | undefined;
        'max-peers-per-address'?: string | undefined;
        peer?: string[] | undefined;
        'log-level'?: string | undefined;
    };
    positionals: string[];
};
/**
 * A non-negative integer flag.
 * @param {Flags} flags @param {keyof Flags} name
 * @returns {number | undefined}
 */
export function intFlag(flags: Flags, name: keyof Flags): number | undefined;
/**
 * `--storage`: `db` (the default, one LMDB database in --data) or `folder` (blockstore-fs).
 * @param {string | undefined} value
 * @returns {'db' | 'folder' | undefined}
 */
export function storageFlag(value: string | undefined): "db" | "folder" | undefined;
/** @param {string[]} positionals @param {number} count @param {string} what */
export function args(positionals: string[], count: number, what: string): string[];
export type Flags = ReturnType<typeof parse>["values"];
